"""The security checklist for accounts, sessions and tokens (issue 11), one test per line
of the README's table."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from feedback.audit.models import AuditEvent
from feedback.auth import services as accounts
from feedback.auth import sessions
from feedback.auth.models import ApiToken, LoginSession, User
from feedback.extensions import db
from feedback.models_base import utcnow
from feedback.notifications.models import Notification

from .. import factories
from .conftest import make_app

NEW_PASSWORD = "Sông Hồng chảy qua Hà Nội"


def _login(app, username, password=factories.PASSWORD, *, address="10.0.0.7", agent="Firefox"):
    client = app.test_client()
    response = client.post(
        "/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers={"User-Agent": agent},
    )
    assert response.status_code == 302, response.status_code
    return client


def _token(client, username, password=factories.PASSWORD) -> str:
    response = client.post("/api/v1/tokens", json={"username": username, "password": password})
    assert response.status_code == 201, response.json
    return response.json["token"]


def _me(client, token):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


# -- Sessions and tokens end with a password change, a reset, a deactivation.


def _change_own_password(app, people, here):
    response = here.post(
        "/account/password", data={"current": factories.PASSWORD, "new": NEW_PASSWORD}
    )
    assert response.status_code == 302


def _admin_resets(app, people, here):
    accounts.reset_password(people.admin, people.lead, NEW_PASSWORD)
    db.session.commit()


def _deactivate_and_reactivate(app, people, here):
    accounts.update_user(people.admin, people.lead, active=False)
    db.session.commit()
    accounts.update_user(people.admin, people.lead, active=True)
    db.session.commit()


@pytest.mark.parametrize(
    "trigger", [_change_own_password, _admin_resets, _deactivate_and_reactivate]
)
def test_password_change_reset_and_deactivation_end_every_session_and_token(app, people, trigger):
    here = _login(app, "stc.lead", agent="Firefox")
    elsewhere = _login(app, "stc.lead", address="10.0.0.8", agent="Chrome")
    copied = app.test_client()
    copied.set_cookie("session", elsewhere.get_cookie("session").value)
    token = _token(app.test_client(), "stc.lead")
    integration = accounts.issue_token(people.lead, days=365)
    db.session.commit()
    assert copied.get("/").status_code == 200 and _me(app.test_client(), token).status_code == 200

    trigger(app, people, here)

    assert elsewhere.get("/").status_code == 302
    assert copied.get("/").status_code == 302
    assert _me(app.test_client(), token).status_code == 401
    assert _me(app.test_client(), integration).status_code == 401
    # Only the person's own password change keeps the browser it was made in.
    assert here.get("/").status_code == (200 if trigger is _change_own_password else 302)


def test_copied_cookie_stops_working_after_logout_with_per_login_sessions(app, people):
    first = _login(app, "drafter")
    second = _login(app, "drafter", agent="Chrome")
    stolen = first.get_cookie("session").value
    first.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/").status_code == 302
    # Logging out ends this browser's session only; the other one goes on.
    assert second.get("/").status_code == 200


# -- Tokens expire; last use is written at most once an hour.


def test_tokens_expire_after_90_days_or_the_days_asked(app, people):
    client = app.test_client()
    response = client.post(
        "/api/v1/tokens", json={"username": "chair", "password": factories.PASSWORD}
    )
    assert response.status_code == 201
    row = sessions.token_row(response.json["token"])
    assert abs(row.expires_at - (utcnow() + timedelta(days=90))) < timedelta(minutes=5)
    assert response.json["expires_at"] == row.expires_at.isoformat()

    result = app.test_cli_runner().invoke(args=["users", "token", "chair", "--expires-in", "7"])
    assert result.exit_code == 0, result.output
    cli_token = result.output.strip().splitlines()[-1]
    cli_row = sessions.token_row(cli_token)
    assert abs(cli_row.expires_at - (utcnow() + timedelta(days=7))) < timedelta(minutes=5)
    bad = app.test_cli_runner().invoke(args=["users", "token", "chair", "--expires-in", "0"])
    assert bad.exit_code != 0

    cli_row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert _me(client, cli_token).status_code == 401
    assert _me(client, response.json["token"]).status_code == 200


def test_token_last_use_is_written_at_most_once_an_hour(app, people):
    client = app.test_client()
    token = _token(client, "drafter")
    writes = []

    def watch(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("UPDATE API_TOKEN"):
            writes.append(statement)

    event.listen(db.engine, "before_cursor_execute", watch)
    try:
        for _ in range(5):
            assert _me(client, token).status_code == 200
        assert len(writes) == 1  # the first use
        row = sessions.token_row(token)
        first_use = row.last_used_at
        assert first_use is not None
        row.last_used_at = first_use - timedelta(minutes=61)
        db.session.commit()
        writes.clear()
        for _ in range(3):
            _me(client, token)
        assert len(writes) == 1
    finally:
        event.remove(db.engine, "before_cursor_execute", watch)
    db.session.expire_all()
    assert sessions.token_row(token).last_used_at >= first_use


def test_expiring_integration_tokens_are_announced_to_the_admins_once(app, people):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["users", "token", "drafter", "--expires-in", "10"]).exit_code == 0
    assert runner.invoke(args=["users", "token", "chair", "--expires-in", "60"]).exit_code == 0
    accounts.issue_token(people.lead, days=5)  # a person's own login token: not announced
    db.session.commit()

    admin = _login(app, "admin")  # the check runs when an administrator logs in
    page = admin.get("/notifications").get_data(as_text=True)
    assert "drafter" in page and "/admin/users/" in page
    notices = db.session.scalars(select(Notification).where(Notification.kind == "token_expiring"))
    assert [n.params["username"] for n in notices] == ["drafter"]

    _login(app, "admin")
    result = runner.invoke(args=["users", "notify-expiring"])
    assert result.exit_code == 0 and "0 expiring" in result.output
    count = db.session.scalar(
        select(db.func.count())
        .select_from(Notification)
        .where(Notification.kind == "token_expiring")
    )
    assert count == 1


# -- The person's own sessions and tokens; log out everywhere.


def test_a_user_sees_and_ends_their_own_sessions_and_tokens(app, people):
    here = _login(app, "stc.reviewer", address="10.0.0.21", agent="Firefox/133")
    there = _login(app, "stc.reviewer", address="10.0.0.22", agent="Chrome/131")
    token = _token(app.test_client(), "stc.reviewer")
    page = here.get("/account").get_data(as_text=True)
    assert "Firefox/133" in page and "Chrome/131" in page and "10.0.0.22" in page
    assert page.count('action="/account/sessions/') == 2
    assert page.count('action="/account/tokens/') == 1

    there_row = next(s for s in sessions.sessions_of(people.reviewer) if s.address == "10.0.0.22")
    assert here.post(f"/account/sessions/{there_row.id}/end").status_code == 302
    assert there.get("/").status_code == 302
    assert here.get("/").status_code == 200
    # Another person's session or token is not found.
    other = _login(app, "stc.lead")
    assert other.post(f"/account/sessions/{there_row.id}/end").status_code == 404
    token_id = sessions.token_row(token).id
    assert other.post(f"/account/tokens/{token_id}/revoke").status_code == 404
    assert _me(app.test_client(), token).status_code == 200

    third = _login(app, "stc.reviewer", agent="Edge")
    response = here.post("/account/logout-everywhere")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert here.get("/").status_code == 302 and third.get("/").status_code == 302
    assert _me(app.test_client(), token).status_code == 401
    assert other.get("/").status_code == 200


def test_admin_revokes_a_users_tokens_on_the_page_the_api_and_the_cli(app, people, api):
    admin_page = _login(app, "admin")
    admin_api = api.as_(people.admin)
    for how in ("page", "api", "cli"):
        tokens = [accounts.issue_token(people.drafter) for _ in range(2)]
        db.session.commit()
        if how == "page":
            response = admin_page.post(f"/admin/users/{people.drafter.id}/revoke-tokens")
            assert response.status_code == 302
        elif how == "api":
            response = admin_api.post(f"/users/{people.drafter.id}/revoke-tokens")
            assert response.status_code == 200 and response.json["revoked"] == 2
        else:
            result = app.test_cli_runner().invoke(args=["users", "revoke-tokens", "drafter"])
            assert result.exit_code == 0 and "Revoked 2" in result.output
        assert all(_me(app.test_client(), t).status_code == 401 for t in tokens), how
    assert (
        api.as_(people.chair).post(f"/users/{people.drafter.id}/revoke-tokens").status_code == 403
    )
    assert admin_api.post("/users/999999/revoke-tokens").status_code == 404
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action == "token.revoked_all")
    ).all()
    assert len(actions) == 3


# -- Logins, failed logins and tokens issued are audited.


def test_logins_failed_logins_and_tokens_issued_are_in_the_audit_trail(app, people):
    page = app.test_client()
    failed = page.post(
        "/login",
        data={"username": "chair", "password": "mật-khẩu-sai-bét"},
        environ_base={"REMOTE_ADDR": "10.0.0.31"},
    )
    assert failed.status_code == 401
    assert (
        page.post("/api/v1/tokens", json={"username": "ai.do", "password": "đoán-bừa"}).status_code
        == 401
    )
    _login(app, "chair", address="10.0.0.32")
    _token(app.test_client(), "chair")

    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    logins = [(e.action, e.details.get("via")) for e in events if e.action.startswith("user.log")]
    assert logins == [
        ("user.login_failed", "page"),
        ("user.login_failed", "api"),
        ("user.login", "page"),
        ("user.login", "api"),
    ]
    failures = [e for e in events if e.action == "user.login_failed"]
    assert failures[0].details["username"] == "chair"
    assert failures[0].object_id == people.chair.id
    assert failures[0].details["address"] == "10.0.0.31"
    assert failures[1].details["username"] == "ai.do" and failures[1].object_id is None
    assert not any("sai-bét" in str(e.details) or "đoán" in str(e.details) for e in events)
    assert [e.details["via"] for e in events if e.action == "token.issued"] == ["login"]

    admin = _login(app, "admin")
    trail = admin.get("/audit").get_data(as_text=True)
    assert "user.login_failed" in trail and "ai.do" in trail
    users = admin.get("/admin/users").get_data(as_text=True)
    chair_row = next(line for line in users.split("<tr") if "<td>chair</td>" in line)
    never_row = next(line for line in users.split("<tr") if "stc.reviewer" in line)
    assert "Chưa bao giờ" not in chair_row and "Chưa bao giờ" in never_row
    # Logins and addresses are the administrator's to read, not the drafting team's.
    drafter_trail = _login(app, "drafter").get("/audit").get_data(as_text=True)
    assert "user.login" not in drafter_trail and "10.0.0.31" not in drafter_trail


# -- Behind the proxy, each client is itself; page and API share one budget.


@pytest.fixture
def proxied_app(app, database_url):
    return make_app(
        database_url,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        FEEDBACK_LOGIN_LIMIT="5 per minute",
        FEEDBACK_LOGIN_IP_LIMIT="20 per minute",
        FEEDBACK_PROXY_HOPS=1,
    )


def test_behind_the_proxy_one_persons_failures_do_not_throttle_another(proxied_app, people):
    def attempt(forwarded_for, password):
        return proxied_app.test_client().post(
            "/login",
            data={"username": "chair", "password": password},
            environ_base={"REMOTE_ADDR": "10.0.0.1"},  # the TLS proxy
            headers={"X-Forwarded-For": forwarded_for},
        )

    attacker = [attempt("203.0.113.66", f"sai-{i}").status_code for i in range(7)]
    assert attacker[:5] == [401] * 5 and attacker[5:] == [429, 429]
    assert attempt("198.51.100.7", factories.PASSWORD).status_code == 302
    row = db.session.scalars(select(LoginSession).order_by(LoginSession.id.desc())).first()
    assert row.address == "198.51.100.7"
    failure = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.login_failed")
    ).first()
    assert failure.details["address"] == "203.0.113.66"


def test_page_and_api_share_one_login_budget(limited_app, people):
    client = limited_app.test_client()
    guesser = {"REMOTE_ADDR": "10.0.0.66"}
    page = [
        client.post(
            "/login", data={"username": "chair", "password": f"sai-{i}"}, environ_base=guesser
        ).status_code
        for i in range(3)
    ]
    api = [
        client.post(
            "/api/v1/tokens",
            json={"username": "chair", "password": f"sai-{i}"},
            environ_base=guesser,
        ).status_code
        for i in range(4)
    ]
    assert page == [401] * 3 and api == [401, 401, 429, 429]
    assert (
        client.post(
            "/login", data={"username": "chair", "password": "sai-x"}, environ_base=guesser
        ).status_code
        == 429
    )
    # The owner, from their own address, is not locked out on either way in.
    owner = {"REMOTE_ADDR": "10.0.0.7"}
    assert (
        client.post(
            "/api/v1/tokens",
            json={"username": "chair", "password": factories.PASSWORD},
            environ_base=owner,
        ).status_code
        == 201
    )


# -- A malformed ?next= is ignored.


@pytest.mark.parametrize(
    "target",
    [
        "/\r\nSet-Cookie: x=1",
        "/reports\n",
        "/a\tb",
        "/\x00",
        "/báo-cáo",
        "/" + "a" * 5000,
        "/\\\\evil.example",
        "http://[::1",
        "",
    ],
)
def test_malformed_next_is_ignored(client, people, target):
    page = client.get("/login", query_string={"next": target})
    assert page.status_code in (200, 400)
    response = client.post(
        "/login", data={"username": "chair", "password": factories.PASSWORD, "next": target}
    )
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert response.headers["Location"] == "/start"


# -- A new chair is announced; an edition says who approved and submitted it.


def notices_of(user):
    return db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id, Notification.kind == "chair_granted")
        .order_by(Notification.id)
    ).all()


def test_a_new_chair_is_announced_to_every_chair_and_stands_out_in_the_audit(app, people, api):
    second_chair = factories.user("chair", username="chair2", name="Lê Thị Thu")
    db.session.commit()
    created = api.as_(people.admin).post(
        "/users",
        json={
            "username": "chutich.moi",
            "password": "Ba con cá bơi qua sông",
            "name": "Nguyễn Văn Mới",
            "role": "chair",
        },
    )
    assert created.status_code == 201
    accounts.update_user(people.admin, people.drafter, role="chair")
    db.session.commit()

    for chair in (people.chair, second_chair):
        notices = db.session.scalars(
            select(Notification).where(
                Notification.user_id == chair.id, Notification.kind == "chair_granted"
            )
        ).all()
        announced = [n.params["username"] for n in notices]
        assert announced[-2:] == ["chutich.moi", "drafter"]
    # people.chair also heard of chair2, created on the command line (the factory).
    assert [n.params["username"] for n in notices_of(people.chair)] == [
        "chair2",
        "chutich.moi",
        "drafter",
    ]
    page = _login(app, "chair").get("/notifications").get_data(as_text=True)
    assert "chutich.moi" in page and "phê duyệt" in page
    granted = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.chair_granted")
    ).all()
    # The command line (the factories) made chair and chair2; the administrator the others.
    assert [(e.details["username"], e.actor_id) for e in granted] == [
        ("chair", None),
        ("chair2", None),
        ("chutich.moi", people.admin.id),
        ("drafter", people.admin.id),
    ]


def test_an_edition_shows_which_account_approved_and_submitted_it(app, people, report, api):
    from feedback.consolidation import services as editions

    edition = editions.issue_edition(people.drafter, report)
    editions.approve_edition(people.chair, edition)
    editions.submit_edition(people.chair, edition)
    db.session.commit()
    data = api.as_(people.drafter).get(f"/reports/{report.id}/editions/1").json
    assert data["approved_by"]["username"] == "chair"
    assert data["submitted_by"]["username"] == "chair"
    page = _login(app, "drafter").get(f"/reports/{report.id}/editions/1")
    text = page.get_data(as_text=True)
    assert text.count("(tài khoản chair)") == 2


# -- Passwords: strength, must change, argon2id, the demo.


@pytest.mark.parametrize("weak", ["aaaaaaaa", " " * 8, "qwertyui", "sct.newbie", "Correct1"])
def test_weak_passwords_are_refused_on_every_way_in(app, people, api, weak):
    admin = _login(app, "admin")
    form = {"username": "sct.newbie", "name": "Tạ Văn Mới", "role": "chair", "password": weak}
    page = admin.post("/admin/users", data={**form, "department": 0})
    assert page.status_code == 422 and "mật khẩu" in page.get_data(as_text=True).lower()
    assert api.as_(people.admin).post("/users", json=form).status_code == 422
    own = _login(app, "stc.lead").post(
        "/account/password", data={"current": factories.PASSWORD, "new": weak}
    )
    assert own.status_code == 200
    result = app.test_cli_runner().invoke(
        args=["users", "create", "sct.newbie", "--name", "T", "--role", "chair", "--password", weak]
    )
    assert result.exit_code != 0
    assert db.session.scalar(select(User).where(User.username == "sct.newbie")) is None
    assert accounts.authenticate("stc.lead", factories.PASSWORD) is not None


def test_an_account_the_admin_sets_up_must_choose_its_own_password_first(app, people, api):
    admin = _login(app, "admin")
    admin.post(
        "/admin/users",
        data={
            "username": "syt.canbo",
            "name": "Hà Thị Yến",
            "role": "chair",
            "department": 0,
            "password": "Mật khẩu tạm thời 2026",
        },
    )
    assert db.session.scalar(select(User).where(User.username == "syt.canbo")).must_change_password
    api_login = app.test_client().post(
        "/api/v1/tokens", json={"username": "syt.canbo", "password": "Mật khẩu tạm thời 2026"}
    )
    assert api_login.status_code == 403
    assert api_login.json["error"]["code"] == "password_change_required"

    client = app.test_client()
    login = client.post(
        "/login", data={"username": "syt.canbo", "password": "Mật khẩu tạm thời 2026"}
    )
    assert login.headers["Location"] == "/account/password"
    for url in ("/", "/notifications", "/account"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/account/password"
    assert client.get("/account/password").status_code == 200
    client.post(
        "/account/password", data={"current": "Mật khẩu tạm thời 2026", "new": NEW_PASSWORD}
    )
    assert client.get("/").status_code == 200
    assert _token(app.test_client(), "syt.canbo", NEW_PASSWORD)

    # A token issued meanwhile (on the command line) gets the same clear 403.
    accounts.reset_password(people.admin, people.lead, "Mật khẩu tạm thời 2026")
    token = accounts.issue_token(people.lead)
    db.session.commit()
    response = app.test_client().get(
        "/api/v1/reports", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403
    assert response.json["error"]["code"] == "password_change_required"


def test_passwords_are_hashed_with_argon2id(app, people):
    assert people.lead.password_hash.startswith("$argon2id$")


def test_the_demo_keeps_its_password_and_refuses_to_load_in_production(app, database_url):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    quantri = db.session.scalar(select(User).where(User.username == "quantri"))
    assert not quantri.must_change_password
    assert accounts.authenticate("chutich", "Demo@2025") is not None
    production = make_app(database_url, FEEDBACK_ENV="production")
    with production.app_context():  # the command runs in the app whose context is current
        refused = production.test_cli_runner().invoke(args=["demo", "load"])
    assert refused.exit_code != 0 and "production" in refused.output


def test_expired_and_revoked_tokens_are_not_listed(app, people):
    live = accounts.issue_token(people.chair)
    old_row, _old = sessions.issue_token(people.chair, days=1)
    old_row.expires_at = utcnow() - timedelta(hours=1)
    gone = accounts.issue_token(people.chair)
    accounts.revoke_token(people.chair, gone)
    db.session.commit()
    listed = sessions.tokens_of(people.chair)
    assert [row.token_hash for row in listed] == [sessions.token_row(live).token_hash]
    assert db.session.scalar(select(db.func.count()).select_from(ApiToken)) == 3
