"""API: rounds, comments, suggestions, responses, feedback lists -- with the contract's codes."""

import unicodedata
from datetime import timedelta

import pytest

from feedback.extensions import db
from feedback.models_base import utcnow

NEXT_YEAR = utcnow().year + 1  # deadlines are refused more than two years ahead


@pytest.fixture
def clients(api, people):
    return {
        role: api.as_(getattr(people, role))
        for role in (
            "admin",
            "drafter",
            "chair",
            "lead",
            "reviewer",
            "other_lead",
            "other_reviewer",
        )
    }


@pytest.fixture
def sections(clients, report):
    return clients["drafter"].get(f"/reports/{report.id}").json["sections"]


def _open(clients, report, departments=("STC", "SCT")):
    deadline = (utcnow() + timedelta(days=2)).isoformat()
    response = clients["drafter"].post(
        f"/reports/{report.id}/rounds",
        json={"deadline": deadline, "departments": list(departments), "title": "Lấy ý kiến lần 1"},
    )
    assert response.status_code == 201, response.json
    return response.json


def test_open_round_contract(clients, report):
    round_ = _open(clients, report)
    assert {"id", "number", "deadline", "departments"} <= set(round_)
    assert round_["number"] == 1 and round_["departments"] == ["SCT", "STC"]
    assert [r["status"] for r in round_["responses"]] == ["not_started", "not_started"]
    assert (
        clients["drafter"].get(f"/reports/{report.id}").json["current_round"]["id"] == round_["id"]
    )
    again = clients["drafter"].post(
        f"/reports/{report.id}/rounds",
        json={"deadline": (utcnow() + timedelta(days=2)).isoformat(), "departments": ["STC"]},
    )
    assert again.status_code == 409
    assert (
        clients["lead"]
        .post(
            f"/reports/{report.id}/rounds",
            json={"deadline": f"{NEXT_YEAR}-01-01T17:00:00+07:00", "departments": ["STC"]},
        )
        .status_code
        == 403
    )


def test_round_bad_input(clients, report):
    url = f"/reports/{report.id}/rounds"
    assert (
        clients["drafter"]
        .post(url, json={"deadline": "not a date", "departments": ["STC"]})
        .status_code
        == 400
    )
    assert (
        clients["drafter"]
        .post(url, json={"deadline": f"{NEXT_YEAR}-01-01T10:00", "departments": []})
        .status_code
        == 400
    )
    past = clients["drafter"].post(
        url, json={"deadline": "2019-12-12T17:00:00+07:00", "departments": ["STC"]}
    )
    assert past.status_code == 422
    unknown = clients["drafter"].post(
        url, json={"deadline": f"{NEXT_YEAR}-01-01T10:00", "departments": ["NOPE"]}
    )
    assert unknown.status_code == 422 and unknown.json["error"]["details"]["unknown"] == ["NOPE"]


def test_naive_deadline_is_vietnam_time(clients, report):
    response = clients["drafter"].post(
        f"/reports/{report.id}/rounds",
        json={"deadline": f"{NEXT_YEAR}-01-01T17:00", "departments": ["STC"]},
    )
    assert response.json["deadline"].startswith(f"{NEXT_YEAR}-01-01T10:00:00")  # stored in UTC


def test_department_feedback_flow(clients, report, sections):
    round_ = _open(clients, report)
    sid = sections[2]["id"]
    nfd_body = unicodedata.normalize("NFD", "Đề nghị cập nhật số liệu dịch vụ năm 2020.")
    comment = clients["reviewer"].post(
        f"/sections/{sid}/comments",
        json={
            "body": nfd_body,
            "kind": "figures",
            "quote": "dịch vụ tăng 11,2%/năm",
            "status": "submitted",
            "department_id": 999,
        },
    )
    assert comment.status_code == 201
    c = comment.json
    assert c["status"] == "draft" and c["department"]["code"] == "STC" and c["kind"] == "figures"
    assert c["body"] == unicodedata.normalize("NFC", nfd_body)
    assert c["anchor"]["status"] == "exact" and c["quote"] == "dịch vụ tăng 11,2%/năm"

    # Another department, the drafting team and the chair get 404: they never learn it exists.
    for role in ("other_reviewer", "drafter", "chair"):
        assert clients[role].get(f"/comments/{c['id']}").status_code == 404
        assert clients[role].patch(f"/comments/{c['id']}", json={"body": "x"}).status_code == 404
        assert clients[role].get(f"/sections/{sid}/feedback").json["comments"] == []

    edited = clients["lead"].patch(
        f"/comments/{c['id']}", json={"body": "Đề nghị cập nhật số liệu."}
    )
    assert edited.status_code == 200 and edited.json["body"] == "Đề nghị cập nhật số liệu."

    text = sections[2]["text"].replace("11,2%/năm", "11,5%/năm")
    suggestion = clients["reviewer"].post(
        f"/sections/{sid}/suggestions",
        json={"base_version": 1, "text": text, "rationale": "Số liệu Cục Thống kê"},
    )
    assert suggestion.status_code == 201
    s = suggestion.json
    assert s["status"] == "draft" and "<del>" in s["diff_html"] and "<ins>" in s["diff_html"]

    assert clients["reviewer"].post(f"/rounds/{round_['id']}/response", json={}).status_code == 403
    submitted = clients["lead"].post(
        f"/rounds/{round_['id']}/response",
        json={"dispatch_number": "456/STC-NS", "dispatch_date": "2019-12-10"},
    )
    assert submitted.status_code == 201
    assert (
        submitted.json["submission"]["comments"] == 1
        and submitted.json["submission"]["suggestions"] == 1
    )

    feedback = clients["drafter"].get(f"/sections/{sid}/feedback").json
    assert [x["id"] for x in feedback["comments"]] == [c["id"]]
    assert feedback["comments"][0]["status"] == "submitted"
    assert feedback["suggestions"][0]["status"] == "pending"
    assert set(feedback["comments"][0]) >= {
        "id",
        "kind",
        "body",
        "html",
        "quote",
        "anchor",
        "status",
        "disposition",
        "response",
        "department",
        "author",
        "replies",
    }
    assert set(feedback["suggestions"][0]) >= {
        "id",
        "base_version",
        "text",
        "rationale",
        "diff_html",
        "status",
        "department",
        "author",
        "decision_note",
    }
    status = clients["chair"].get(f"/rounds/{round_['id']}").json["responses"]
    assert {r["department"]["code"]: r["status"] for r in status} == {
        "STC": "submitted",
        "SCT": "not_started",
    }
    stc = next(r for r in status if r["department"]["code"] == "STC")
    assert (
        stc["dispatches"] == [{"number": "456/STC-NS", "date": "2019-12-10"}]
        and stc["late"] is False
    )

    # Submitted feedback can no longer be edited or deleted, only withdrawn.
    assert clients["reviewer"].patch(f"/comments/{c['id']}", json={"body": "y"}).status_code == 403
    assert clients["reviewer"].delete(f"/comments/{c['id']}").status_code == 403
    withdrawn = clients["reviewer"].post(f"/comments/{c['id']}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json["status"] == "withdrawn"


def test_no_comments_and_closed_round(clients, report, sections):
    round_ = _open(clients, report)
    agreed = clients["other_lead"].post(
        f"/rounds/{round_['id']}/response", json={"no_comments": True}
    )
    assert agreed.status_code == 201
    clients["reviewer"].post(
        f"/sections/{sections[0]['id']}/comments", json={"body": "Chưa gửi kịp."}
    )
    closed = clients["drafter"].post(f"/rounds/{round_['id']}/close")
    assert closed.status_code == 200 and closed.json["open"] is False
    late = clients["lead"].post(f"/rounds/{round_['id']}/response", json={})
    assert late.status_code == 409
    assert late.json["error"]["message"]
    statuses = {
        r["department"]["code"]: (r["status"], r["deemed_agree"])
        for r in clients["drafter"].get(f"/rounds/{round_['id']}").json["responses"]
    }
    assert statuses == {"SCT": ("no_comments", False), "STC": ("drafting", True)}
    assert clients["drafter"].post(f"/rounds/{round_['id']}/close").status_code == 409


def test_late_submission_marked(clients, report, sections):
    round_ = _open(clients, report)
    from feedback.review.models import Round

    db.session.get(Round, round_["id"]).deadline = utcnow() - timedelta(hours=1)
    db.session.commit()
    clients["reviewer"].post(f"/sections/{sections[0]['id']}/comments", json={"body": "Muộn."})
    response = clients["lead"].post(f"/rounds/{round_['id']}/response", json={})
    assert response.status_code == 201 and response.json["submission"]["late"] is True


def test_suggestion_validation(clients, report, sections):
    _open(clients, report)
    sid = sections[1]["id"]
    same = clients["reviewer"].post(
        f"/sections/{sid}/suggestions", json={"base_version": 1, "text": sections[1]["text"]}
    )
    assert same.status_code == 422
    wrong_base = clients["reviewer"].post(
        f"/sections/{sid}/suggestions", json={"base_version": 42, "text": "x"}
    )
    assert wrong_base.status_code == 422
    missing = clients["reviewer"].post(
        "/sections/9999/suggestions", json={"base_version": 1, "text": "x"}
    )
    assert missing.status_code == 404
    no_base = clients["reviewer"].post(f"/sections/{sid}/suggestions", json={"text": "x"})
    assert no_base.status_code == 400
    assert (
        clients["drafter"]
        .post(f"/sections/{sid}/suggestions", json={"base_version": 1, "text": "x"})
        .status_code
        == 403
    )


def test_replies_and_report_comments(clients, report):
    chair_comment = clients["chair"].post(
        f"/reports/{report.id}/comments", json={"body": "Bố cục phần II cần gọn."}
    )
    assert chair_comment.status_code == 201 and chair_comment.json["status"] == "submitted"
    cid = chair_comment.json["id"]
    reply = clients["drafter"].post(
        f"/comments/{cid}/replies", json={"body": "Tổ soạn thảo tiếp thu."}
    )
    assert reply.status_code == 201
    assert (
        clients["reviewer"].get(f"/comments/{cid}").json["replies"][0]["body"]
        == "Tổ soạn thảo tiếp thu."
    )
    assert clients["admin"].post(f"/comments/{cid}/replies", json={"body": "x"}).status_code == 403


def test_paginated_lists(clients, report, sections):
    for i in range(5):
        clients["drafter"].post(
            f"/sections/{sections[0]['id']}/comments", json={"body": f"Ý kiến {i}"}
        )
    first = clients["chair"].get(f"/reports/{report.id}/comments?limit=2").json
    assert len(first["items"]) == 2 and first["next_cursor"]
    seen = [c["id"] for c in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = clients["chair"].get(f"/reports/{report.id}/comments?limit=2&cursor={cursor}").json
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
    assert seen == sorted(seen) and len(seen) == 5


def test_notifications(clients, report):
    _open(clients, report, departments=["STC"])
    items = clients["reviewer"].get("/notifications").json
    assert [n["kind"] for n in items] == ["round_opened"] and items[0]["message"]
    assert clients["other_reviewer"].get("/notifications").json == []
