"""Issue 11: a repeated submission has one effect. Page forms carry a one-time token; API
POSTs accept an Idempotency-Key, kept 24 hours per user."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from feedback.consolidation.models import Edition
from feedback.extensions import db
from feedback.idempotency import IdempotencyKey
from feedback.models_base import utcnow
from feedback.review.models import Comment

from ..review_helpers import open_round, section


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def reviewer(api, people, report):
    open_round(people, report)
    return api.as_(people.reviewer)


# -- API --------------------------------------------------------------------------------


def test_the_same_idempotency_key_gives_the_first_answer_once(reviewer, people, report):
    url = f"/sections/{section(report).id}/comments"
    body = {"body": "Đề nghị bổ sung số liệu thu ngân sách năm 2019."}
    key = {"Idempotency-Key": "cv-2456-STC-1"}
    first = reviewer.post(url, json=body, headers=key)
    second = reviewer.post(url, json=body, headers=key)
    assert first.status_code == second.status_code == 201
    assert second.json == first.json and second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _count(Comment) == 1

    other = reviewer.post(url, json={"body": "Một ý kiến khác."}, headers=key)
    assert other.status_code == 422
    assert other.json["error"]["details"]["header"] == "Idempotency-Key"
    assert _count(Comment) == 1
    # Without a key, or with another one, each request is its own.
    assert reviewer.post(url, json=body).status_code == 201
    assert reviewer.post(url, json=body, headers={"Idempotency-Key": "cv-2"}).status_code == 201
    assert _count(Comment) == 3


def test_keys_belong_to_one_user_and_last_24_hours(api, reviewer, people, report):
    url = f"/reports/{report.id}/comments"
    key = {"Idempotency-Key": "same-key"}
    assert reviewer.post(url, json={"body": "Bố cục."}, headers=key).status_code == 201
    colleague = api.as_(people.lead)
    assert colleague.post(url, json={"body": "Bố cục."}, headers=key).status_code == 201
    assert _count(Comment) == 2
    db.session.execute(update(IdempotencyKey).values(created_at=utcnow() - timedelta(hours=25)))
    db.session.commit()
    again = reviewer.post(url, json={"body": "Bố cục."}, headers=key)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert _count(Comment) == 3
    assert _count(IdempotencyKey) == 2  # the expired keys of that user went


def test_a_refused_request_keeps_nothing_under_its_key(reviewer, report):
    url = f"/reports/{report.id}/comments"
    key = {"Idempotency-Key": "retry-me"}
    assert reviewer.post(url, json={"body": "   "}, headers=key).status_code == 422
    fixed = reviewer.post(url, json={"body": "Bổ sung đánh giá."}, headers=key)
    assert fixed.status_code == 201 and _count(Comment) == 1


def test_an_edition_issued_twice_with_one_key_is_issued_once(api, people, report):
    drafter = api.as_(people.drafter)
    key = {"Idempotency-Key": "phat-hanh-du-thao-1"}
    url = f"/reports/{report.id}/editions"
    answers = [drafter.post(url, json={"note": "Dự thảo lần 1"}, headers=key) for _ in range(3)]
    assert {a.status_code for a in answers} == {201}
    assert {a.json["number"] for a in answers} == {1}
    assert _count(Edition) == 1


@pytest.mark.parametrize("value", ["", " ", "x" * 256, "khóa-tiếng-việt"])
def test_a_malformed_key_is_400(reviewer, report, value):
    response = reviewer.post(
        f"/reports/{report.id}/comments",
        json={"body": "Ý kiến."},
        headers={"Idempotency-Key": value.encode("utf-8").decode("latin-1")},
    )
    assert response.status_code == 400 and _count(Comment) == 0


def test_the_header_is_described_in_the_openapi(client):
    spec = client.get("/api/v1/openapi.json").json
    post = spec["paths"]["/sections/{sid}/comments"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in post["parameters"])
    assert "422" in post["responses"]
    token = spec["paths"]["/tokens"]["post"]
    assert all(p["name"] != "Idempotency-Key" for p in token.get("parameters", []))


# -- Pages --------------------------------------------------------------------------------


def _form_fields(html: str, action: str | None = None) -> dict:
    """The hidden fields of the form posting to ``action`` (None: to its own page)."""
    target = f'action="{re.escape(action)}"' if action else "novalidate"
    form = re.search(rf"<form[^>]*{target}.*?</form>", html, re.S).group()
    return dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', form))


def test_a_comment_form_sent_twice_makes_one_comment(client, auth, people, report):
    open_round(people, report)
    target = section(report)
    auth.login("stc.reviewer")
    action = f"/sections/{target.id}/comments"
    fields = _form_fields(client.get(f"/sections/{target.id}").get_data(as_text=True), action)
    assert fields.get("form_token")
    data = {**fields, "body": "Đề nghị làm rõ nguồn số liệu.", "kind": "general"}
    first = client.post(action, data=data)
    second = client.post(action, data=data)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "already been sent" in page or "đã được gửi" in page
    assert _count(Comment) == 1
    # The same page used again for another comment (the back button): a new comment.
    other = client.post(action, data={**data, "body": "Một ý kiến thứ hai."})
    assert other.status_code == 302 and _count(Comment) == 2


def test_a_refused_form_keeps_its_token(client, auth, people, report):
    open_round(people, report)
    target = section(report)
    auth.login("stc.reviewer")
    action = f"/sections/{target.id}/comments"
    fields = _form_fields(client.get(f"/sections/{target.id}").get_data(as_text=True), action)
    empty = client.post(action, data={**fields, "body": "\u200b", "kind": "general"})
    assert empty.status_code == 422
    typed = client.post(action, data={**fields, "body": "Ý kiến đã sửa.", "kind": "general"})
    assert typed.status_code == 302 and _count(Comment) == 1


def test_issue_edition_posted_twice_makes_one_edition(client, auth, people, report):
    auth.login("drafter")
    action = f"/reports/{report.id}/editions"
    fields = _form_fields(client.get(action).get_data(as_text=True))
    assert fields.get("form_token")
    data = {**fields, "note": "Tiếp thu ý kiến của các sở."}
    assert client.post(action, data=data).status_code == 302
    assert client.post(action, data=data).status_code == 302
    assert _count(Edition) == 1


def test_copies_of_one_request_racing_each_other_have_one_effect(app, reviewer, report):
    """Six copies sent at once (a client retrying on a timeout): one comment; every copy
    answers with it (SQLite queues writers; on PostgreSQL the claim's unique index makes
    the others wait, then replay)."""
    import threading

    url = f"/api/v1/reports/{report.id}/comments"
    headers = {"Authorization": f"Bearer {reviewer.token}", "Idempotency-Key": "dong-thoi"}
    db.session.commit()
    barrier, answers = threading.Barrier(6), []

    def send():
        client = app.test_client()
        barrier.wait()
        answers.append(client.post(url, json={"body": "Gửi một lần."}, headers=headers))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(answers) == 6
    assert {a.status_code for a in answers} <= {201, 409}, [a.status_code for a in answers]
    created = [a.json["id"] for a in answers if a.status_code == 201]
    assert created and len(set(created)) == 1
    db.session.expire_all()
    assert _count(Comment) == 1


def test_a_refused_decision_keeps_its_form_token(client, auth, people, report):
    """A use case refused on a page that answers with a redirect and a message (resolve
    "explained" without a reason) did nothing: the same form again is tried again."""
    from feedback.review import consultation
    from feedback.review import services as review_services

    round_ = open_round(people, report)
    comment = review_services.add_comment(people.reviewer, section(report), body="Ý kiến.")
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    auth.login("drafter")
    data = {"form_token": "mot-lan-duy-nhat", "disposition": "explained", "response": ""}
    for _ in range(2):
        response = client.post(f"/comments/{comment.id}/resolve", data=data)
        assert response.status_code == 302
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "đã được gửi" not in page
    assert _count(IdempotencyKey) == 0
