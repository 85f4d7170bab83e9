"""API: tokens, /me, departments, users."""

from .. import factories


def test_token_from_password_then_me(api, people):
    response = api.post("/tokens", json={"username": "stc.lead", "password": factories.PASSWORD})
    assert response.status_code == 201
    token = response.json["token"]
    me = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json == {
        "id": people.lead.id,
        "username": "stc.lead",
        "name": "Nguyễn Thị Lan",
        "role": "lead",
        "department": {"id": people.department.id, "code": "STC", "name": "Sở Tài chính"},
        "active": True,
        "email": None,
        "mail_frequency": "immediate",
        "must_change_password": False,
        "last_login_at": me.json["last_login_at"],
    }
    assert me.json["last_login_at"] is not None
    assert response.json["expires_at"] > me.json["last_login_at"]


def test_wrong_password_and_unknown_user_look_the_same(api, people):
    wrong = api.post("/tokens", json={"username": "stc.lead", "password": "nope-nope"})
    missing = api.post("/tokens", json={"username": "ghost", "password": "nope-nope"})
    assert wrong.status_code == missing.status_code == 401
    assert wrong.json == missing.json
    assert wrong.json["error"]["code"] == "invalid_credentials"


def test_missing_or_bad_token_is_401_with_the_envelope(api, people):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        response = api.client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert set(response.json["error"]) == {"code", "message", "details"}


def test_revoked_token_stops_working(api, people):
    client = api.as_(people.chair)
    assert client.delete("/tokens/current").status_code == 204
    assert client.get("/me").status_code == 401


def test_deactivated_user_token_stops_working(api, people):
    client = api.as_(people.reviewer)
    admin = api.as_(people.admin)
    from feedback.auth import services
    from feedback.extensions import db

    services.update_user(people.admin, people.reviewer, active=False)
    db.session.commit()
    assert client.get("/me").status_code == 401
    assert admin.get("/me").status_code == 200


def test_departments(api, people):
    admin = api.as_(people.admin)
    created = admin.post("/departments", json={"code": "syt", "name": "Sở Y tế"})
    assert created.status_code == 201
    assert created.json["code"] == "SYT"
    assert admin.post("/departments", json={"code": "SYT", "name": "Lặp"}).status_code == 409
    reviewer = api.as_(people.reviewer)
    assert reviewer.post("/departments", json={"code": "X", "name": "Y"}).status_code == 403
    codes = [d["code"] for d in reviewer.get("/departments").json]
    assert codes == sorted(codes) and "SYT" in codes


def test_users(api, people):
    admin = api.as_(people.admin)
    response = admin.post(
        "/users",
        json={
            "username": "syt.canbo",
            "password": "Mật-khẩu-dài",
            "name": "Cán bộ Y tế",
            "role": "reviewer",
            "department_code": "STC",
        },
    )
    assert response.status_code == 201
    assert response.json["department"]["code"] == "STC"
    bad_role = admin.post(
        "/users", json={"username": "a1", "password": "Mật-khẩu-dài", "name": "A", "role": "king"}
    )
    assert bad_role.status_code == 422
    no_dept = admin.post(
        "/users", json={"username": "a2", "password": "Mật-khẩu-dài", "name": "A", "role": "lead"}
    )
    assert no_dept.status_code == 422
    assert no_dept.json["error"]["details"]["field"] == "department_code"
    assert api.as_(people.drafter).get("/users").status_code == 403
    assert len(admin.get("/users").json) == 8
