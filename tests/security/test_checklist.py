"""The security checklist, one test per line (the README's security table points here)."""

import logging
import re

import pytest
from sqlalchemy import event, func, select

from feedback.audit.models import AuditEvent
from feedback.extensions import db
from feedback.reports.models import Report
from feedback.review import consultation, services
from feedback.review.models import Comment, Round

from .. import factories
from ..review_helpers import open_round, section

# -- 1. Login throttling: 429 with a log line; no user enumeration; no lock-out of the real user.


def test_login_throttling_and_no_lockout(limited_app, people, caplog):
    attacker = limited_app.test_client()
    caplog.set_level(logging.WARNING, logger="feedback.security")
    statuses = [
        attacker.post(
            "/login",
            data={"username": "chair", "password": f"sai-{i}"},
            environ_base={"REMOTE_ADDR": "10.0.0.66"},
        ).status_code
        for i in range(7)
    ]
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429, 429]
    assert any("rate_limited" in r.getMessage() for r in caplog.records)
    assert any("login_failed" in r.getMessage() for r in caplog.records)
    # The real user, from their own address, still logs in.
    owner = limited_app.test_client()
    ok = owner.post(
        "/login",
        data={"username": "chair", "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.7"},
    )
    assert ok.status_code == 302


def test_password_spraying_over_many_usernames_is_throttled_per_address(limited_app, people):
    client = limited_app.test_client()
    statuses = [
        client.post(
            "/api/v1/tokens",
            json={"username": f"user{i}", "password": "Mat-khau-1"},
            environ_base={"REMOTE_ADDR": "10.0.0.99"},
        ).status_code
        for i in range(22)
    ]
    assert 429 in statuses and statuses[0] == 401
    limited = next(
        client.post(
            "/api/v1/tokens",
            json={"username": "x", "password": "y"},
            environ_base={"REMOTE_ADDR": "10.0.0.99"},
        )
        for _ in range(1)
    )
    assert limited.status_code == 429 and limited.json["error"]["code"] == "rate_limited"


def _redis_url() -> str | None:
    try:
        import redis

        url = "redis://127.0.0.1:6379/15"
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        return url
    except Exception:
        return None


_WORKER = """
import sys
from feedback import create_app
from feedback.config import TestConfig
config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
config.update(
    SQLALCHEMY_DATABASE_URI=sys.argv[1], RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=sys.argv[2],
    RATELIMIT_KEY_PREFIX=sys.argv[3], FEEDBACK_LOGIN_LIMIT="4 per minute",
    FEEDBACK_LOGIN_IP_LIMIT="100 per minute",
)
client = create_app(config).test_client()
print(" ".join(
    str(client.post("/login", data={"username": "chair", "password": "sai"},
                    environ_base={"REMOTE_ADDR": "10.0.0.67"}).status_code)
    for _ in range(int(sys.argv[4]))
))
"""


def test_login_throttle_is_shared_by_workers_through_redis(database_url, people):
    """Two processes, as two gunicorn workers, count failed logins in the same Redis."""
    url = _redis_url()
    if url is None:
        pytest.skip("no Redis on 127.0.0.1:6379 (production sets RATELIMIT_STORAGE_URI=redis://)")
    import subprocess
    import sys
    import uuid

    prefix = f"feedback-test-{uuid.uuid4().hex}"

    def worker(attempts: int) -> list[int]:
        done = subprocess.run(
            [sys.executable, "-c", _WORKER, database_url, url, prefix, str(attempts)],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return [int(s) for s in done.stdout.split()[-attempts:]]

    # The first worker sees three failures; the second is refused after one more, although
    # it has seen only one itself. With memory:// each would allow four.
    assert worker(3) == [401, 401, 401]
    assert worker(3) == [401, 429, 429]
    import redis

    store = redis.Redis.from_url(url)
    store.delete(*store.keys(f"*{prefix}*"))


# -- 2. Sessions end at logout and on deactivation (a copied cookie stops working).


def test_copied_cookie_stops_working_after_logout(app, people):
    client = app.test_client()
    client.post("/login", data={"username": "drafter", "password": factories.PASSWORD})
    stolen = client.get_cookie("session").value
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/").status_code == 302


def test_deactivation_ends_the_session_at_the_next_request(app, people):
    from feedback.auth import services as accounts

    client = app.test_client()
    client.post("/login", data={"username": "stc.lead", "password": factories.PASSWORD})
    assert client.get("/").status_code == 200
    accounts.update_user(people.admin, people.lead, active=False)
    db.session.commit()
    assert client.get("/").status_code == 302


# -- 3. CSRF is refused on every state-changing form.


def _post_routes(app):
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and not rule.endpoint.startswith(("api.", "static")):
            yield rule


def test_every_page_post_needs_a_csrf_token(csrf_app, people, report):
    client = csrf_app.test_client()
    # Log in with a valid token first (the login form itself is protected too).
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert (
        client.post(
            "/login",
            data={"username": "drafter", "password": factories.PASSWORD, "csrf_token": token},
        ).status_code
        == 302
    )
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    checked = 0
    for rule in _post_routes(csrf_app):
        url = re.sub(
            r"<(?:int:)?(\w+)>",
            lambda m: (
                "up"
                if m.group(1) == "direction"
                else ("en" if m.group(1) == "code" else "docx" if m.group(1) == "fmt" else "1")
            ),
            rule.rule,
        )
        response = client.post(url, data={"text": "x", "body": "y"})
        assert response.status_code == 400, (rule.rule, response.status_code)
        checked += 1
    assert checked > 25
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_csrf_failure_keeps_the_typed_text(csrf_app, people, report):
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post(
        "/login", data={"username": "drafter", "password": factories.PASSWORD, "csrf_token": token}
    )
    text = "Văn bản dài mà người dùng đã gõ trong một giờ."
    response = client.post(
        f"/sections/{section(report).id}/edit",
        data={"heading": "x", "text": text, "base_version": "1", "csrf_token": "expired"},
    )
    assert response.status_code == 400 and text in response.get_data(as_text=True)


# -- 4. No state change on GET.


def test_no_get_writes_to_the_database(app, client, auth, people, report):
    open_round(people, report)
    writes = []

    def watch(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(statement)

    for user in ("drafter", "chair", "stc.lead", "admin"):
        auth.login(user)
        event.listen(db.engine, "before_cursor_execute", watch)
        try:
            for rule in app.url_map.iter_rules():
                if (
                    "GET" not in rule.methods
                    or rule.endpoint == "static"
                    or rule.arguments - {"rid", "sid"}
                ):
                    continue
                url = rule.rule.replace("<int:rid>", str(report.id)).replace(
                    "<int:sid>", str(section(report).id)
                )
                response = client.get(url)
                assert response.status_code < 500, url
        finally:
            event.remove(db.engine, "before_cursor_execute", watch)
        auth.logout()
    assert writes == []


# -- 5. Horizontal access: another department's drafts and decisions.


@pytest.fixture
def other_draft(people, report):
    open_round(people, report)
    comment = services.add_comment(people.other_reviewer, section(report), body="Bản nháp của SCT.")
    suggestion = services.add_suggestion(
        people.other_reviewer,
        section(report, 2),
        base_version=1,
        text=section(report, 2).current.text + " SCT.",
    )
    db.session.commit()
    return comment, suggestion


def test_another_departments_draft_is_404_on_pages(client, auth, people, other_draft):
    comment, suggestion = other_draft
    auth.login("stc.reviewer")
    for url in (
        f"/comments/{comment.id}/edit",
        f"/suggestions/{suggestion.id}",
        f"/suggestions/{suggestion.id}/edit",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/comments/{comment.id}/delete",
        f"/comments/{comment.id}/withdraw",
        f"/comments/{comment.id}/replies",
        f"/suggestions/{suggestion.id}/delete",
        f"/suggestions/{suggestion.id}/withdraw",
        f"/suggestions/{suggestion.id}/accept",
        f"/comments/{comment.id}/resolve",
    ):
        assert client.post(url, data={"body": "x"}).status_code == 404, url
    assert "Bản nháp của SCT." not in client.get(f"/sections/{comment.section_id}").get_data(
        as_text=True
    )


def test_another_departments_draft_is_404_in_the_api(api, people, other_draft):
    comment, suggestion = other_draft
    client = api.as_(people.reviewer)
    assert client.get(f"/comments/{comment.id}").status_code == 404
    assert client.patch(f"/comments/{comment.id}", json={"body": "x"}).status_code == 404
    assert client.delete(f"/suggestions/{suggestion.id}").status_code == 404
    assert client.post(f"/suggestions/{suggestion.id}/withdraw").status_code == 404
    listed = client.get(f"/reports/{comment.report_id}/comments").json["items"]
    assert comment.id not in [c["id"] for c in listed]


def test_drafts_leave_no_trace_outside_their_department(client, auth, api, people, other_draft):
    """Until a department submits, nobody outside it learns what or how much it drafts:
    not from the audit trail (page or API), nor from the round's or outstanding counts.
    The administrator sees that draft events happened, never their text."""
    comment, suggestion = other_draft
    report_id = comment.report_id
    services.delete_comment(people.other_reviewer, comment)
    db.session.commit()
    round_id = db.session.scalar(select(Round.id))
    for user in (people.drafter, people.chair):
        client_api = api.as_(user)
        trail = client_api.get(f"/reports/{report_id}/audit").json["items"]
        assert not [e for e in trail if e["object"]["type"] in ("comment", "suggestion")]
        assert "Bản nháp của SCT." not in str(trail)
        responses = client_api.get(f"/rounds/{round_id}").json["responses"]
        assert all("drafts" not in r for r in responses)
        pending = client_api.get(f"/reports/{report_id}/outstanding").json["departments_pending"]
        assert all("drafts" not in d for d in pending)
    auth.login("drafter")
    page = client.get(f"/audit?report={report_id}").get_data(as_text=True)
    assert "comment.deleted" not in page and "suggestion.created" not in page
    admin_trail = api.as_(people.admin).get(f"/reports/{report_id}/audit").json["items"]
    deleted = [e for e in admin_trail if e["action"] == "comment.deleted"]
    assert deleted and "Bản nháp của SCT." not in str(admin_trail)
    own = api.as_(people.other_lead).get(f"/rounds/{round_id}").json["responses"]
    assert [r["drafts"] for r in own if r["department"]["code"] == "SCT"] == [1]


def test_departments_cannot_decide(api, people, report):
    round_ = open_round(people, report)
    mine = services.add_suggestion(
        people.reviewer,
        section(report, 2),
        base_version=1,
        text=section(report, 2).current.text + " Thêm.",
    )
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    client = api.as_(people.lead)
    assert client.post(f"/suggestions/{mine.id}/accept", json={}).status_code == 403
    assert client.post(f"/reports/{report.id}/editions", json={}).status_code == 403


# -- 6. Fields a user may not set are ignored.


def test_forged_form_fields_are_ignored(client, auth, people, report):
    open_round(people, report)
    auth.login("stc.reviewer")
    client.post(
        f"/sections/{section(report).id}/comments",
        data={
            "body": "Ý kiến.",
            "kind": "general",
            "state": "submitted",
            "status": "submitted",
            "department_id": people.other_department.id,
            "author_id": people.chair.id,
            "disposition": "absorbed",
        },
    )
    comment = db.session.scalar(select(Comment))
    assert (comment.status, comment.department_id, comment.author_id, comment.disposition) == (
        "draft",
        people.department.id,
        people.reviewer.id,
        None,
    )


# -- 7. Stored XSS is neutralised in pages, diffs, exports and CSV.

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>[a](javascript:alert(1))'


def test_stored_xss_is_neutralised_everywhere(client, auth, people, report, api):
    from feedback.auth import services as accounts
    from feedback.reports import services as report_services

    round_ = open_round(people, report)
    target = section(report, 2)
    report_services.update_report(people.drafter, report, title="Báo cáo " + PAYLOAD)
    accounts.update_department(people.admin, people.department, "Sở " + PAYLOAD)
    db.session.commit()
    report_services.save_section(
        people.drafter, target, text=target.current.text + "\n\n" + PAYLOAD, base_version=1
    )
    db.session.commit()
    services.add_comment(people.reviewer, target, body=PAYLOAD)
    suggestion = services.add_suggestion(
        people.reviewer, target, base_version=2, text=PAYLOAD, rationale=PAYLOAD
    )
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    auth.login("drafter")
    client.post(f"/reports/{report.id}/editions", data={"note": PAYLOAD})
    pages = [
        f"/reports/{report.id}",
        f"/sections/{target.id}",
        f"/suggestions/{suggestion.id}",
        f"/sections/{target.id}/diff?from=1&to=2",
        f"/sections/{target.id}/edit",
        f"/reports/{report.id}/review",
        f"/reports/{report.id}/dispositions",
        f"/reports/{report.id}/editions/1",
        f"/reports/{report.id}/editions/1/export.html",
        f"/reports/{report.id}/dashboard",
        f"/rounds/{round_.id}",
        "/",
    ]
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html, url
        assert not re.search(r"<img[^>]*onerror", html), url
        assert 'href="javascript:' not in html, url
    csv_text = client.get(f"/reports/{report.id}/dispositions.csv").data.decode("utf-8")
    assert (
        "<script>" in csv_text or "&lt;script&gt;" in csv_text
    )  # kept as text, not executed anywhere
    markdown = client.get(f"/reports/{report.id}/editions/1/export.md").get_data(as_text=True)
    assert markdown  # Markdown export is plain text (served as an attachment)


# -- 8. Open redirect via next.


@pytest.mark.parametrize(
    "target", ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)"]
)
def test_no_open_redirect(client, people, target):
    response = client.post(
        "/login", data={"username": "chair", "password": factories.PASSWORD, "next": target}
    )
    assert response.headers["Location"] == "/start"


# -- 9. Headers and cookies.


def test_security_headers_on_pages_and_api(client, people):
    for url in ("/login", "/api/v1/openapi.json"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert (
            "frame-ancestors 'none'" in csp
            and "object-src 'none'" in csp
            and "script-src 'self'" in csp
        )
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_production_cookies_and_hsts(production_app, people):
    client = production_app.test_client()
    response = client.post(
        "/login",
        data={"username": "chair", "password": factories.PASSWORD},
        base_url="https://localhost",
    )
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in cookie
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


# -- 10. Oversized bodies are 413.


def test_oversized_bodies(client, auth, people, report, api):
    big = "a" * 5_000_000
    auth.login("drafter")
    assert client.post("/reports/new", data={"title": "x", "markdown": big}).status_code == 413
    assert (
        api.as_(people.drafter).post("/reports", json={"title": "x", "markdown": big}).status_code
        == 413
    )
    assert db.session.scalar(select(func.count()).select_from(Report)) == 1


# -- 11. NUL bytes and invalid UTF-8 are 400, not 500.


def test_nul_and_invalid_utf8(client, auth, people, report, api):
    open_round(people, report)
    auth.login("stc.reviewer")
    response = client.post(
        f"/sections/{section(report).id}/comments", data={"body": "a\x00b", "kind": "general"}
    )
    assert response.status_code == 400
    # Invalid UTF-8 in a form, percent-encoded or raw, url-encoded or multipart: 400 as
    # the API does (werkzeug used to keep "%FF%FE" as literal text, and to turn raw bytes
    # in a multipart part into U+FFFD).
    url = f"/sections/{section(report).id}/comments"
    for body in (b"body=%FF%FE&kind=general", b"body=\xff\xfe&kind=general"):
        raw = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
        assert raw.status_code == 400
        assert "UTF-8" in raw.get_data(as_text=True)
    multipart = (
        b'--B\r\nContent-Disposition: form-data; name="body"\r\n\r\n\xff\xfe\r\n'
        b'--B\r\nContent-Disposition: form-data; name="kind"\r\n\r\ngeneral\r\n--B--\r\n'
    )
    parts = client.post(url, data=multipart, content_type="multipart/form-data; boundary=B")
    assert parts.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 0
    fine = client.post(url, data={"body": "Ý kiến hợp lệ.", "kind": "general"})
    assert fine.status_code == 302
    token_client = api.as_(people.reviewer)
    bad = token_client.client.post(
        f"/api/v1/sections/{section(report).id}/comments",
        data=b'{"body": "\xff"}',
        headers={
            "Authorization": f"Bearer {token_client.token}",
            "Content-Type": "application/json",
        },
    )
    assert bad.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Comment)) <= 1


def test_ids_too_large_for_the_database_are_not_found_not_500(client, auth, people, report, api):
    """Found by the schemathesis run: a 30-digit id overflowed the driver (500)."""
    huge = "9" * 30
    auth.login(people.drafter)
    assert client.get(f"/sections/{huge}").status_code == 404
    assert client.get(f"/reports/{report.id}/review?section={huge}").status_code == 200
    assert client.get(f"/audit?before={huge}").status_code == 200
    drafter = api.as_(people.drafter)
    assert drafter.get(f"/suggestions/{huge}/accept").status_code in (404, 405)
    assert drafter.post(f"/suggestions/{huge}/accept", json={}).status_code == 404
    response = drafter.get(f"/reports/{report.id}/dispositions?round={huge}")
    assert response.status_code == 400
    assert "round" in response.get_json()["error"]["message"]


def test_nul_and_lone_surrogates_are_400_in_every_field(client, people, report, api):
    """Found by schemathesis on PostgreSQL: a NUL in the username of POST /tokens reached
    the query (PostgreSQL refuses NUL in text: 500). Now refused before any view."""
    token = api.as_(people.drafter)
    for body in (
        {"username": "chair\x00", "password": "x"},
        {"username": "chair", "password": "\ud800"},
    ):
        response = client.post("/api/v1/tokens", json=body)
        assert response.status_code == 400
        assert "U+" in response.get_json()["error"]["message"]
    assert client.post("/login", data={"username": "ch\x00air", "password": "x"}).status_code == 400
    audit = token.get(f"/reports/{report.id}/audit?action=comment%00")
    assert audit.status_code == 400
    keyed = token.post(f"/reports/{report.id}/comments", json={"body": "Ý kiến", "k\x00": 1})
    assert keyed.status_code == 400


# -- E-mail: an address is one address; nothing a user types becomes a header or a recipient.


def test_mail_cannot_be_given_extra_recipients_or_headers(app, api, people, monkeypatch):
    from feedback.auth import services as accounts
    from feedback.auth.models import User
    from feedback.notifications import services as notifications
    from feedback.worker import run_pass

    from ..mail.conftest import MailServer, configure_mail, free_port

    admin = api.as_(people.admin)
    users_before = db.session.scalar(select(func.count()).select_from(User))
    for address in (
        "lan@stc.gov.vn\r\nBcc: attacker@example.com",
        "lan@stc.gov.vn\nSubject: Lừa đảo",
        "lan@stc.gov.vn, attacker@example.com",
        "Lan <lan@stc.gov.vn>",
        "lan@stc.gov.vn%0d%0aBcc:attacker@example.com",
    ):
        body = {"username": "moi", "password": "Mật-khẩu-dài", "name": "A", "role": "chair"}
        response = admin.post("/users", json={**body, "email": address})
        assert response.status_code == 422, address
        assert response.json["error"]["details"]["field"] == "email"
    assert db.session.scalar(select(func.count()).select_from(User)) == users_before

    accounts.update_user(
        people.admin,
        people.lead,
        name="Lan\r\nBcc: attacker@example.com",
        email="lan@stc.quangninh.gov.vn",
    )
    notifications.notify([people.lead], "reply", author="X\r\nBcc: attacker@example.com")
    db.session.commit()
    server = MailServer(free_port())
    configure_mail(app, monkeypatch, server.port)
    server.start()
    try:
        assert run_pass().mail.sent == 1
    finally:
        server.stop()
    (received,) = server.received
    assert received.recipients == ["lan@stc.quangninh.gov.vn"]
    assert received.message["Bcc"] is None
    assert [a.addr_spec for a in received.message["To"].addresses] == ["lan@stc.quangninh.gov.vn"]


def test_every_export_is_a_structured_log_line(client, auth, api, people, report, caplog):
    """Exports are GETs, which write nothing to the database: each one (page or API,
    edition or consolidation table) is logged with who, which report, edition, format."""
    import json

    from feedback.consolidation import services as editions

    editions.issue_edition(people.drafter, report)
    db.session.commit()
    caplog.set_level(logging.INFO, logger="feedback.exports")
    auth.login("chair")
    assert client.get(f"/reports/{report.id}/editions/1/export.docx").status_code == 200
    assert client.get(f"/reports/{report.id}/dispositions.csv").status_code == 200
    drafter = api.as_(people.drafter)
    assert drafter.get(f"/reports/{report.id}/editions/1/export.md").status_code == 200
    assert drafter.get(f"/reports/{report.id}/dispositions.docx").status_code == 200
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "feedback.exports"]
    assert [(x["user"], x["document"], x["format"], x.get("edition")) for x in lines] == [
        ("chair", "edition", "docx", 1),
        ("chair", "dispositions", "csv", None),
        ("drafter", "edition", "md", 1),
        ("drafter", "dispositions", "docx", None),
    ]
    assert all(x["report"] == report.id for x in lines)


def test_one_answer_for_comments_of_two_reports_is_refused(api, people, report):
    """The resolve call's `also` list may not reach into another report: 422, and no
    comment of either report is answered."""
    other = factories.report(people.drafter, title="Báo cáo khác")
    db.session.commit()
    here = services.add_comment(people.drafter, section(report), body="Ý kiến ở báo cáo này.")
    there = services.add_comment(people.drafter, section(other), body="Ý kiến ở báo cáo khác.")
    db.session.commit()
    response = api.as_(people.drafter).post(
        f"/comments/{here.id}/resolve",
        json={"disposition": "noted", "response": "", "also": [there.id]},
    )
    assert response.status_code == 422 and response.json["error"]["details"]["field"] == "also"
    db.session.expire_all()
    assert here.disposition is None and there.disposition is None


def test_a_suggestion_or_its_preview_is_held_to_the_section_limit(
    client, auth, api, app, people, report
):
    """A proposed text (saved or only previewed) longer than a section may be is a 413 with
    a message, before any diff is made."""
    open_round(people, report)
    target = section(report, 2)
    too_long = "Số liệu " * (app.config["FEEDBACK_MAX_SECTION_CHARS"] // 8 + 10)
    response = api.as_(people.reviewer).post(
        f"/sections/{target.id}/suggestions",
        json={"base_version": 1, "text": too_long, "rationale": "Dài."},
    )
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"
    auth.login("stc.reviewer")
    page = client.post(
        f"/sections/{target.id}/suggest",
        data={"text": too_long, "base_version": "1", "preview": "1"},
    )
    assert page.status_code == 413
    assert "quá dài" in page.get_data(as_text=True)


# -- The in-place editor's live tracked changes.


def test_live_tracked_changes_are_throttled_and_carry_no_script(app, database_url, people, report):
    from .conftest import make_app

    throttled = make_app(
        database_url, RATELIMIT_ENABLED=True, FEEDBACK_PREVIEW_LIMIT="3 per minute"
    )
    open_round(people, report)
    target = section(report)
    url = f"/sections/{target.id}/tracked-changes"
    reviewer, colleague = throttled.test_client(), throttled.test_client()
    for client, username in ((reviewer, "stc.reviewer"), (colleague, "stc.lead")):
        client.post("/login", data={"username": username, "password": factories.PASSWORD})
    body = {"base_version": 1, "text": target.current.text + "\n\n" + PAYLOAD}
    answers = [reviewer.post(url, json=body) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    html = answers[0].get_json()["html"]
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    # Counted per user: a colleague typing at the same address is not held up.
    assert colleague.post(url, json=body).status_code == 200
