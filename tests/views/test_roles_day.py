"""Each role's day (issue 12): the chair is told of escalations and credited, home pages
say what waits, the bulk accept lands on a non-empty queue, the restore button works."""

import html
from html.parser import HTMLParser

from sqlalchemy import select

from feedback.extensions import db
from feedback.notifications import services as notices
from feedback.notifications.models import Notification
from feedback.reports import services as report_services
from feedback.review import consultation, decisions, services

from ..review_helpers import open_round, section


def _submitted_comment(people, report, body="Đề nghị làm rõ nguồn số liệu vốn đầu tư."):
    round_ = open_round(people, report)
    comment = services.add_comment(people.reviewer, section(report, 2), body=body)
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    return round_, comment


def test_an_escalation_reaches_the_chair_who_answers_it_in_place_and_is_credited(
    client, auth, people, report
):
    _round, comment = _submitted_comment(people, report)
    decisions.resolve_comment(
        people.drafter, comment, disposition="escalated", response="Xin ý kiến Chủ tịch về số liệu."
    )
    db.session.commit()
    told = db.session.scalar(
        select(Notification).where(
            Notification.user_id == people.chair.id, Notification.kind == "escalated"
        )
    )
    assert told is not None
    auth.login("chair")
    inbox = client.get("/notifications").get_data(as_text=True)
    link = f"/sections/{comment.section_id}?c={comment.id}#c{comment.id}"
    assert link in inbox and f"#{comment.id}" in notices.message(told)
    page = client.get(f"/sections/{comment.section_id}").get_data(as_text=True)
    assert f'action="/comments/{comment.id}/resolve"' in page  # answered where it is read
    client.post(
        f"/comments/{comment.id}/resolve",
        data={"disposition": "absorbed", "response": "Tiếp thu, bổ sung nguồn Cục Thống kê."},
    )
    page = client.get(f"/sections/{comment.section_id}").get_data(as_text=True)
    assert "Chủ tịch:</strong> Tiếp thu, bổ sung nguồn Cục Thống kê." in page
    assert "Xin ý kiến Chủ tịch về số liệu." in page  # the team's note is kept
    answer = db.session.scalar(
        select(Notification)
        .where(Notification.user_id == people.reviewer.id, Notification.kind == "decision")
        .order_by(Notification.id.desc())
    )
    assert "Chủ tịch" in notices.message(answer)


def test_decision_notices_read_in_the_readers_language(client, auth, people, report):
    _round, comment = _submitted_comment(people, report)
    decisions.resolve_comment(people.drafter, comment, disposition="noted")
    db.session.commit()
    auth.login("stc.reviewer")
    assert "Tổ soạn thảo" in client.get("/notifications").get_data(as_text=True)
    client.post("/language/en", data={"next": "/"})
    english = client.get("/notifications").get_data(as_text=True)
    assert f"The drafting team decided on your department's comment #{comment.id}: noted." in (
        html.unescape(english)
    )


def test_home_pages_say_what_waits_for_each_role(client, auth, people, report):
    round_ = open_round(people, report)
    services.add_comment(people.reviewer, section(report, 2), body="Bản nháp thứ nhất.")
    services.add_comment(people.reviewer, section(report, 3), body="Bản nháp thứ hai.")
    db.session.commit()
    auth.login("stc.lead")
    home = client.get("/").get_data(as_text=True)
    assert "2 bản nháp của đơn vị" in home and f"/rounds/{round_.id}/respond" in home
    auth.logout()
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    auth.login("drafter")
    assert "2 mục đang chờ" in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login("chair")
    landing = client.get("/start")
    assert landing.headers["Location"] == f"/reports/{report.id}/dashboard"


def test_a_bulk_accept_never_lands_on_an_empty_filtered_queue(client, auth, people, report):
    target = section(report, 2)
    round_ = open_round(people, report)
    only = services.add_suggestion(
        people.reviewer, target, base_version=1, text=target.current.text + " Bổ sung."
    )
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    auth.login("drafter")
    response = client.post(f"/sections/{target.id}/accept-suggestions", data={"ids": [only.id]})
    assert response.headers["Location"] == f"/reports/{report.id}/review"


class _Nesting(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth, self.nested, self.forms = 0, False, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.nested |= self.depth > 0
            self.depth += 1
            if attrs.get("id"):
                self.forms[attrs["id"]] = attrs.get("action")

    def handle_endtag(self, tag):
        if tag == "form":
            self.depth -= 1


def test_restore_buttons_submit_their_own_form_not_the_compare_form(client, auth, people, report):
    target = section(report, 2)
    report_services.save_section(people.drafter, target, text="Bản sửa thứ hai.", base_version=1)
    db.session.commit()
    auth.login("drafter")
    page = client.get(f"/sections/{target.id}/history").get_data(as_text=True)
    parser = _Nesting()
    parser.feed(page)
    assert not parser.nested
    assert parser.forms["restore-1"] == f"/sections/{target.id}/restore"
    assert 'form="restore-1"' in page
    response = client.post(f"/sections/{target.id}/restore", data={"number": 1, "base_version": 2})
    assert response.status_code == 302
    db.session.refresh(target)
    assert target.current_version == 3 and target.current.text == section(report, 2).current.text


def test_approval_asks_for_confirmation_and_says_what_argues_for_waiting(
    client, auth, api, people, report
):
    from feedback.consolidation.models import Edition

    round_, comment = _submitted_comment(people, report)  # the round opened on draft no. 1
    auth.login("chair")
    edition_page = client.get(f"/reports/{report.id}/editions/1").get_data(as_text=True)
    assert f'href="/reports/{report.id}/editions/1/approve"' in edition_page
    confirm = client.get(f"/reports/{report.id}/editions/1/approve").get_data(as_text=True)
    assert 'data-code="round_open"' in confirm and 'data-code="outstanding"' in confirm
    assert 'data-code="departments_pending"' in confirm  # Sở Công Thương has not answered
    assert db.session.scalar(select(Edition.status)) == "issued"  # the page changed nothing
    body = api.as_(people.chair).post(f"/reports/{report.id}/editions/1/approve").json
    assert body["status"] == "approved"
    assert {w["code"] for w in body["warnings"]} == {
        "round_open",
        "departments_pending",
        "outstanding",
    }


def test_a_reviewers_reply_is_a_department_draft_until_the_lead_sends_it(
    client, auth, api, people, report
):
    round_, comment = _submitted_comment(people, report)
    team_comment = services.add_comment(
        people.drafter, section(report, 2), body="Đề nghị các sở rà soát lại."
    )
    db.session.commit()
    reply = services.add_reply(
        people.other_reviewer, team_comment, body="SCT sẽ bổ sung số liệu xuất khẩu."
    )
    db.session.commit()
    assert reply.is_draft and reply.department_id == people.other_department.id
    drafter = api.as_(people.drafter).get(f"/comments/{team_comment.id}").json
    assert drafter["replies"] == []  # nobody outside SCT sees it yet
    own = api.as_(people.other_lead).get(f"/comments/{team_comment.id}").json
    assert own["replies"][0]["status"] == "draft"
    assert own["replies"][0]["department"]["code"] == "SCT"
    from feedback.search import queries as search

    assert ("reply", reply.id) not in [
        (h.type, h.id) for h in search.search(people.drafter, report, "xuat khau").hits
    ]
    auth.login("sct.lead")
    respond = client.get(f"/rounds/{round_.id}/respond").get_data(as_text=True)
    assert "SCT sẽ bổ sung số liệu xuất khẩu." in respond
    refused = client.post(f"/rounds/{round_.id}/respond", data={"submit_feedback": "1"})
    assert refused.status_code == 422 and "xác nhận" in refused.get_data(as_text=True)
    client.post(f"/rounds/{round_.id}/respond", data={"submit_feedback": "1", "confirm": "y"})
    db.session.refresh(reply)
    assert not reply.is_draft
    drafter = api.as_(people.drafter).get(f"/comments/{team_comment.id}").json
    assert [r["status"] for r in drafter["replies"]] == ["submitted"]


def test_the_leads_page_shows_what_suggestions_change_and_drops_a_colleagues_draft(
    client, auth, people, report
):
    round_ = open_round(people, report)
    target = section(report, 2)
    suggestion = services.add_suggestion(
        people.reviewer,
        target,
        base_version=1,
        text=target.current.text + "\n\nBổ sung: thu ngân sách đạt 48,5 nghìn tỷ đồng.",
        rationale="Theo số liệu quyết toán.",
    )
    stray = services.add_comment(people.reviewer, target, body="Ghi chú nháp, không gửi.")
    db.session.commit()
    auth.login("stc.lead")
    page = client.get(f"/rounds/{round_.id}/respond").get_data(as_text=True)
    assert "<ins>" in page and "48,5" in page  # the change itself, not only the rationale
    back = f"/rounds/{round_.id}/respond"
    response = client.post(f"/comments/{stray.id}/delete", data={"next": back})
    assert response.headers["Location"] == back
    assert "Ghi chú nháp" not in client.get(back).get_data(as_text=True)
    assert suggestion.id
