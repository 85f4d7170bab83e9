"""API: accept, reject, merge conflicts, dispositions, outstanding."""

import pytest

from feedback.extensions import db
from feedback.reports import services as report_services
from feedback.review import consultation, services

from ..review_helpers import open_round, section

PARAGRAPHS = [
    "Tốc độ tăng trưởng GRDP bình quân ước đạt 10,7%/năm.",
    "Thu ngân sách nhà nước đạt 48,5 nghìn tỷ đồng.",
]
TEXT = "\n\n".join(PARAGRAPHS)


@pytest.fixture
def world(api, people, report):
    target = section(report, 2)
    report_services.save_section(people.drafter, target, text=TEXT, base_version=1)
    round_ = open_round(people, report)
    s1 = services.add_suggestion(
        people.reviewer, target, base_version=2, text=TEXT.replace("10,7%", "10,8%")
    )
    s2 = services.add_suggestion(
        people.other_reviewer, target, base_version=2, text=TEXT.replace("10,7%", "11%")
    )
    comment = services.add_comment(people.reviewer, target, body="Bổ sung nguồn số liệu.")
    consultation.submit_response(people.lead, round_)
    consultation.submit_response(people.other_lead, round_)
    db.session.commit()
    return {
        "target": target,
        "s1": s1.id,
        "s2": s2.id,
        "comment": comment.id,
        "drafter": api.as_(people.drafter),
        "chair": api.as_(people.chair),
        "lead": api.as_(people.lead),
    }


def test_accept_contract(world):
    response = world["drafter"].post(f"/suggestions/{world['s1']}/accept", json={"note": "Đồng ý."})
    assert response.status_code == 200
    body = response.json
    assert body["suggestion"]["status"] == "accepted" and body["suggestion"]["result_version"] == 3
    assert body["section_version"]["version"] == 3 and "10,8%" in body["section_version"]["text"]
    again = world["drafter"].post(f"/suggestions/{world['s1']}/accept", json={})
    assert again.status_code == 409 and again.json["error"]["code"] == "invalid_state"


def test_conflict_is_409_merge_conflict_with_the_three_texts(world):
    world["drafter"].post(f"/suggestions/{world['s1']}/accept", json={})
    conflict = world["drafter"].post(f"/suggestions/{world['s2']}/accept", json={})
    assert conflict.status_code == 409
    error = conflict.json["error"]
    assert error["code"] == "merge_conflict"
    assert error["details"]["base"] == TEXT
    assert "10,8%" in error["details"]["current"] and "11%" in error["details"]["proposed"]
    assert error["details"]["clashes"]
    outstanding = world["drafter"].get(f"/reports/{world['target'].report_id}/outstanding").json
    assert [c["id"] for c in outstanding["conflicts"]] == [world["s2"]]
    merged = TEXT.replace("10,7%", "10,8% – 11%")
    done = world["drafter"].post(
        f"/suggestions/{world['s2']}/accept", json={"text": merged, "expected_version": 3}
    )
    assert done.status_code == 200 and done.json["suggestion"]["accepted_with_edits"] is True
    assert done.json["section_version"]["text"] == merged


def test_reject_needs_reason(world):
    missing = world["drafter"].post(f"/suggestions/{world['s1']}/reject", json={})
    assert missing.status_code == 422
    ok = world["drafter"].post(
        f"/suggestions/{world['s1']}/reject", json={"reason": "Chưa có căn cứ."}
    )
    assert ok.status_code == 200 and ok.json["decision_note"] == "Chưa có căn cứ."
    visible = world["lead"].get(f"/suggestions/{world['s1']}").json
    assert visible["status"] == "rejected" and visible["decision_note"] == "Chưa có căn cứ."


@pytest.mark.parametrize("who", ["chair", "lead"])
def test_others_cannot_decide(world, who):
    assert world[who].post(f"/suggestions/{world['s1']}/accept", json={}).status_code == 403
    assert (
        world[who].post(f"/suggestions/{world['s1']}/reject", json={"reason": "x"}).status_code
        == 403
    )


def test_resolve_and_escalate(world):
    cid = world["comment"]
    needs = world["drafter"].post(f"/comments/{cid}/resolve", json={"disposition": "explained"})
    assert needs.status_code == 422
    bad = world["drafter"].post(
        f"/comments/{cid}/resolve", json={"disposition": "maybe", "response": "x"}
    )
    assert bad.status_code == 422
    escalated = world["drafter"].post(
        f"/comments/{cid}/resolve", json={"disposition": "escalated", "response": "Xin ý kiến."}
    )
    assert escalated.status_code == 200 and escalated.json["outstanding"] is True
    assert (
        world["drafter"].post(f"/comments/{cid}/resolve", json={"disposition": "noted"}).status_code
        == 409
    )
    answered = world["chair"].post(
        f"/comments/{cid}/resolve", json={"disposition": "absorbed", "response": "Đồng ý bổ sung."}
    )
    assert answered.status_code == 200 and answered.json["outstanding"] is False
    assert answered.json["decided_by"]["username"] == "chair"
    reopened = world["drafter"].post(f"/comments/{cid}/reopen", json={"note": "Xem lại"})
    assert reopened.status_code == 200 and reopened.json["disposition"] is None


def test_outstanding_contract(world, people):
    body = world["chair"].get(f"/reports/{world['target'].report_id}/outstanding").json
    assert set(body) >= {
        "counts",
        "comments",
        "suggestions",
        "conflicts",
        "escalated",
        "departments_pending",
    }
    assert body["counts"]["suggestions"] == 2 and body["counts"]["comments"] == 1
    for item in body["comments"] + body["suggestions"]:
        assert {"id", "section_id", "department"} <= set(item)
    assert world["lead"].get(f"/reports/{world['target'].report_id}/outstanding").status_code == 403


def test_bulk_accept_api(world):
    response = world["drafter"].post(
        f"/sections/{world['target'].id}/accept-suggestions",
        json={"ids": [world["s1"], world["s2"]]},
    )
    assert response.status_code == 409
    assert [a["suggestion"]["id"] for a in response.json["accepted"]] == [world["s1"]]
    assert response.json["conflict"]["suggestion_id"] == world["s2"]


def test_accepting_the_unchanged_text_is_a_plain_accept(world):
    """The rule "was the text edited?" lives in the service: the API's text equal to the
    proposal is an accept, not an accept with edits (the page already said so)."""
    proposal = TEXT.replace("10,7%", "10,8%")
    response = world["drafter"].post(
        f"/suggestions/{world['s1']}/accept", json={"text": proposal, "expected_version": 2}
    )
    assert response.status_code == 200
    assert response.json["suggestion"]["accepted_with_edits"] is False
    assert response.json["section_version"]["reason_code"] == "accepted"


def test_accept_with_text_needs_the_version_it_was_written_on(world):
    edited = TEXT.replace("10,7%", "10,75%")
    missing = world["drafter"].post(f"/suggestions/{world['s1']}/accept", json={"text": edited})
    assert missing.status_code == 422
    assert missing.json["error"]["details"]["field"] == "expected_version"
    stale = world["drafter"].post(
        f"/suggestions/{world['s1']}/accept", json={"text": edited, "expected_version": 1}
    )
    assert stale.status_code == 409 and stale.json["error"]["code"] == "stale_version"
    done = world["drafter"].post(
        f"/suggestions/{world['s1']}/accept", json={"text": edited, "expected_version": 2}
    )
    assert done.status_code == 200 and done.json["suggestion"]["accepted_with_edits"] is True
    assert done.json["section_version"]["reason_code"] == "accepted_with_edits"
