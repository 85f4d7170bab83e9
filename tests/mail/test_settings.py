"""Where addresses and choices are set: the user's own page, the admin pages, the API."""

from __future__ import annotations

from feedback.extensions import db


def test_a_user_chooses_each_mail_a_daily_digest_or_none(client, auth, people):
    people.lead.email = "lan.nt@stc.quangninh.gov.vn"
    db.session.commit()
    auth.login(people.lead)

    page = client.get("/account/notifications")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "lan.nt@stc.quangninh.gov.vn" in html
    assert (
        '<input checked id="mail_frequency-0" name="mail_frequency" type="radio" value="immediate">'
        in html
    )

    saved = client.post("/account/notifications", data={"mail_frequency": "daily"})
    assert saved.status_code == 302
    db.session.refresh(people.lead)
    assert people.lead.mail_frequency == "daily"

    refused = client.post("/account/notifications", data={"mail_frequency": "hourly"})
    assert refused.status_code == 200
    db.session.refresh(people.lead)
    assert people.lead.mail_frequency == "daily"


def test_without_an_address_the_page_says_who_can_add_one(client, auth, people):
    auth.login(people.reviewer)
    html = client.get("/account/notifications").get_data(as_text=True)
    assert "chưa có địa chỉ thư điện tử" in html


def test_the_administrator_sets_addresses_and_mailboxes(client, auth, people):
    auth.login(people.admin)
    saved = client.post(
        f"/admin/users/{people.reviewer.id}",
        data={
            "name": people.reviewer.name,
            "role": "reviewer",
            "department": people.department.id,
            "active": "y",
            "email": "an.dv@stc.quangninh.gov.vn",
            "mail_frequency": "none",
        },
    )
    assert saved.status_code == 302
    db.session.refresh(people.reviewer)
    assert people.reviewer.email == "an.dv@stc.quangninh.gov.vn"
    assert people.reviewer.mail_frequency == "none"

    refused = client.post(
        f"/admin/users/{people.reviewer.id}",
        data={
            "name": "Tên mới",
            "role": "reviewer",
            "department": people.department.id,
            "active": "y",
            "email": "an.dv@stc, bcc@example.com",
            "mail_frequency": "daily",
        },
    )
    assert refused.status_code == 422  # sent back with the reason
    assert "không phải là địa chỉ thư điện tử hợp lệ" in refused.get_data(as_text=True)
    db.session.refresh(people.reviewer)
    assert (people.reviewer.name, people.reviewer.mail_frequency) == ("Đinh Văn An", "none")

    mailbox = client.post(
        f"/admin/departments/{people.department.id}",
        data={"code": "STC", "name": "Sở Tài chính", "mailbox": "vanthu@stc.quangninh.gov.vn"},
    )
    assert mailbox.status_code == 302
    db.session.refresh(people.department)
    assert people.department.mailbox == "vanthu@stc.quangninh.gov.vn"
    listing = client.get("/admin/departments").get_data(as_text=True)
    assert "vanthu@stc.quangninh.gov.vn" in listing


def test_the_api_takes_an_optional_email_for_users_and_mailbox_for_departments(api, people):
    admin = api.as_(people.admin)
    created = admin.post(
        "/users",
        json={
            "username": "syt.canbo",
            "password": "Mật-khẩu-dài",
            "name": "Hoàng Văn Nam",
            "role": "reviewer",
            "department_code": "STC",
            "email": "nam.hv@stc.quangninh.gov.vn",
        },
    )
    assert created.status_code == 201
    assert created.json["email"] == "nam.hv@stc.quangninh.gov.vn"
    assert created.json["mail_frequency"] == "immediate"
    listed = {u["username"]: u for u in admin.get("/users").json}
    assert listed["syt.canbo"]["email"] == "nam.hv@stc.quangninh.gov.vn"
    assert listed["stc.lead"]["email"] is None

    bad = admin.post(
        "/users",
        json={
            "username": "x1",
            "password": "Mật-khẩu-dài",
            "name": "X",
            "role": "chair",
            "email": "không phải địa chỉ",
        },
    )
    assert bad.status_code == 422
    assert bad.json["error"]["details"]["field"] == "email"

    department = admin.post(
        "/departments",
        json={"code": "SYT", "name": "Sở Y tế", "mailbox": "vanthu@syt.quangninh.gov.vn"},
    )
    assert department.status_code == 201
    assert department.json["mailbox"] == "vanthu@syt.quangninh.gov.vn"
    spec = api.client.get("/api/v1/openapi.json").json["components"]["schemas"]
    assert "email" in spec["UserCreate"]["properties"]
    assert "mailbox" in spec["DepartmentCreate"]["properties"]
