"""Logging in and out through the pages; sessions that really end."""

import re

import pytest

from feedback.auth import services
from feedback.extensions import db

from .. import factories


def test_login_page_then_reports(client, auth, people):
    assert client.get("/login").status_code == 200
    response = auth.login("stc.lead")
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert "Nguyễn Thị Lan" in page.get_data(as_text=True)


def test_anonymous_is_sent_to_login(client, people):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_wrong_password_and_unknown_user_give_the_same_answer(client, people):
    wrong = client.post("/login", data={"username": "stc.lead", "password": "sai-mat-khau"})
    missing = client.post("/login", data={"username": "khong.co", "password": "sai-mat-khau"})
    assert wrong.status_code == missing.status_code == 401

    def page(response, username):
        # CSRF tokens are time-stamped: they may differ between any two pages.
        html = re.sub(
            r'(name="csrf_token"[^>]*value=")[^"]+"', r"\1", response.get_data(as_text=True)
        )
        return html.replace(username, "X")

    assert page(wrong, "stc.lead") == page(missing, "khong.co")


def test_logout_kills_a_copied_cookie(app, auth, people):
    auth.login("stc.lead")
    cookie = auth.client.get_cookie("session").value
    assert auth.logout().status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    response = thief.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_deactivation_takes_effect_on_the_next_request(client, auth, people):
    auth.login("stc.reviewer")
    assert client.get("/").status_code == 200
    services.update_user(people.admin, people.reviewer, active=False)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_password_change_ends_other_sessions_but_keeps_this_one(app, auth, people):
    auth.login("chair")
    other = app.test_client()
    other.post("/login", data={"username": "chair", "password": factories.PASSWORD})
    assert other.get("/").status_code == 200
    response = auth.client.post(
        "/account/password", data={"current": factories.PASSWORD, "new": "Một mật khẩu mới dài"}
    )
    assert response.status_code == 302
    assert auth.client.get("/").status_code == 200
    assert other.get("/").status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/x",
    ],
)
def test_next_never_leaves_the_site(client, people, target):
    response = client.post(
        "/login?next=x", data={"username": "chair", "password": factories.PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/start"  # where each role begins its day


def test_next_inside_the_site_is_followed(client, people):
    response = client.post(
        "/login", data={"username": "chair", "password": factories.PASSWORD, "next": "/audit?x=1"}
    )
    assert response.headers["Location"] == "/audit?x=1"


def test_language_switch(client, auth, people):
    auth.login("chair")
    assert "Báo cáo" in client.get("/").get_data(as_text=True)
    client.post("/language/en", data={"next": "/"})
    assert ">Reports<" in client.get("/").get_data(as_text=True)


def test_security_headers(client, people):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
