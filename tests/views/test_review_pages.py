"""Consultation pages as departments and the drafting team use them."""

from sqlalchemy import func, select

from feedback.extensions import db
from feedback.models_base import utcnow
from feedback.review.models import Comment, Round, Suggestion

from ..review_helpers import open_round, section


def test_drafter_opens_a_round_from_the_form(client, auth, people, report):
    auth.login("drafter")
    form = client.get(f"/reports/{report.id}/rounds/new").get_data(as_text=True)
    assert 'value="STC"' in form and 'placeholder="dd/mm/yyyy hh:mm"' in form
    response = client.post(
        f"/reports/{report.id}/rounds/new",
        data={
            "title": "Lần 1",
            "deadline": f"12/12/{utcnow().year + 1} 17:00",
            "departments": ["STC", "SCT"],
            "note": "Góp ý trước hạn.",
            "deemed_agree": "y",
        },
    )
    assert response.status_code == 302
    round_ = db.session.scalar(select(Round))
    assert round_.deadline.isoformat() == f"{utcnow().year + 1}-12-12T10:00:00+00:00"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sở Tài chính" in page and "Sở Công Thương" in page


def test_round_form_errors_keep_the_form(client, auth, people, report):
    auth.login("drafter")
    response = client.post(
        f"/reports/{report.id}/rounds/new",
        data={"deadline": "01/01/2001 10:00", "departments": ["STC"]},
    )
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Round)) == 0


def test_reviewer_comments_on_a_passage_and_only_their_department_sees_it(
    client, auth, people, report
):
    open_round(people, report)
    target = section(report, 2)
    auth.login("stc.reviewer")
    response = client.post(
        f"/sections/{target.id}/comments",
        data={
            "kind": "figures",
            "body": "Số liệu dịch vụ cần rà soát.",
            "quote": "dịch vụ tăng 11,2%/năm",
            "base_version": "1",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/sections/{target.id}").get_data(as_text=True)
    assert "Số liệu dịch vụ cần rà soát." in page and "dịch vụ tăng 11,2%/năm" in page
    auth.logout()
    auth.login("sct.reviewer")
    assert "Số liệu dịch vụ cần rà soát." not in client.get(f"/sections/{target.id}").get_data(
        as_text=True
    )
    comment = db.session.scalar(select(Comment))
    assert client.get(f"/comments/{comment.id}/edit").status_code == 404


def test_refused_comment_keeps_the_typed_text(client, auth, people, report):
    open_round(people, report)
    auth.login("stc.reviewer")
    body = "Một ý kiến dài mà người dùng không muốn mất."
    response = client.post(
        f"/sections/{section(report).id}/comments",
        data={"kind": "general", "body": body, "quote": "đoạn không tồn tại", "base_version": "1"},
    )
    assert response.status_code == 422
    assert body in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 0


def test_suggest_preview_then_save(client, auth, people, report):
    open_round(people, report)
    target = section(report, 2)
    auth.login("stc.lead")
    form = client.get(f"/sections/{target.id}/suggest").get_data(as_text=True)
    assert "11,2%/năm" in form
    new_text = target.current.text.replace("11,2%/năm", "11,5%/năm")
    preview = client.post(
        f"/sections/{target.id}/suggest",
        data={"text": new_text, "rationale": "Số liệu mới", "base_version": "1", "preview": "1"},
    )
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "<del>" in html and "<ins>" in html
    assert db.session.scalar(select(func.count()).select_from(Suggestion)) == 0
    saved = client.post(
        f"/sections/{target.id}/suggest",
        data={"text": new_text, "rationale": "Số liệu mới", "base_version": "1", "save": "1"},
    )
    assert saved.status_code == 302
    suggestion = db.session.scalar(select(Suggestion))
    assert suggestion.status == "draft" and suggestion.text == new_text


def test_suggestion_equal_to_base_is_refused_on_the_page(client, auth, people, report):
    open_round(people, report)
    target = section(report, 2)
    auth.login("stc.lead")
    response = client.post(
        f"/sections/{target.id}/suggest",
        data={"text": target.current.text, "base_version": "1", "save": "1"},
    )
    assert response.status_code == 422


def test_lead_sends_the_response_and_the_status_page_shows_it(client, auth, people, report):
    round_ = open_round(people, report)
    auth.login("stc.reviewer")
    client.post(
        f"/sections/{section(report).id}/comments", data={"kind": "general", "body": "Góp ý A."}
    )
    auth.logout()
    auth.login("stc.lead")
    page = client.get(f"/rounds/{round_.id}/respond").get_data(as_text=True)
    assert "Góp ý A." in page
    response = client.post(
        f"/rounds/{round_.id}/respond",
        data={
            "dispatch_number": "789/STC",
            "dispatch_date": "2019-12-11",
            "confirm": "y",
            "submit_feedback": "1",
        },
    )
    assert response.status_code == 302
    auth.logout()
    auth.login("sct.lead")
    client.post(f"/rounds/{round_.id}/respond", data={"no_comments": "1", "confirm": "y"})
    auth.logout()
    auth.login("chair")
    status = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert "789/STC" in status and "11/12/2019" in status


def test_closed_round_refuses_the_response_clearly(client, auth, people, report):
    round_ = open_round(people, report)
    from feedback.review import consultation, services

    services.add_comment(people.reviewer, section(report), body="Chưa gửi.")
    consultation.close_round(people.drafter, round_)
    db.session.commit()
    auth.login("stc.lead")
    response = client.post(
        f"/rounds/{round_.id}/respond", data={"submit_feedback": "1", "confirm": "y"}
    )
    assert response.status_code == 409
    assert db.session.scalar(select(Comment.status)) == "draft"


def test_department_sees_round_banner_and_deadline(client, auth, people, report):
    open_round(people, report)
    auth.login("stc.reviewer")
    html = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert 'class="roundbanner' in html
