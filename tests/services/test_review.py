"""Consultation: rounds, drafts, anchors, suggestions, department responses."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from feedback.audit.models import AuditEvent
from feedback.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from feedback.extensions import db
from feedback.models_base import utcnow
from feedback.notifications.models import Notification
from feedback.reports import services as report_services
from feedback.review import anchors, consultation, rounds, services, visibility
from feedback.review.models import ResponseStatus, RoundSection

from ..review_helpers import open_round, section


def test_open_round_records_versions_and_notifies_invited_departments(people, report):
    report_services.save_section(people.drafter, section(report), text="Bản sửa.", base_version=1)
    round_ = open_round(people, report, codes=["stc"])
    versions = {rs.section_id: rs.version for rs in db.session.scalars(select(RoundSection))}
    assert versions[section(report).id] == 2 and len(versions) == 4
    assert report.status == "consultation"
    notified = {n.user_id for n in db.session.scalars(select(Notification))}
    assert notified == {people.lead.id, people.reviewer.id}
    assert round_.number == 1


def test_round_validation(people, report):
    future = utcnow() + timedelta(days=1)
    with pytest.raises(InvalidInput):
        consultation.open_round(
            people.drafter, report, deadline=utcnow() - timedelta(hours=1), department_codes=["STC"]
        )
    with pytest.raises(InvalidInput):
        consultation.open_round(people.drafter, report, deadline=future, department_codes=[])
    with pytest.raises(InvalidInput) as caught:
        consultation.open_round(
            people.drafter, report, deadline=future, department_codes=["STC", "XYZ"]
        )
    assert caught.value.details["unknown"] == ["XYZ"]
    with pytest.raises(PermissionDenied):
        consultation.open_round(people.chair, report, deadline=future, department_codes=["STC"])
    open_round(people, report)
    with pytest.raises(InvalidTransition):
        consultation.open_round(people.drafter, report, deadline=future, department_codes=["STC"])


def test_department_drafts_are_private_to_the_department(people, report):
    open_round(people, report)
    comment = services.add_comment(
        people.reviewer, section(report), body="Đề nghị rà soát số liệu GRDP."
    )
    db.session.commit()
    assert comment.is_draft and comment.department_id == people.department.id
    # A colleague in the same department sees and edits it.
    assert visibility.get_comment(comment.id, people.lead) == comment
    services.update_comment(people.lead, comment, body="Đề nghị rà soát lại số liệu GRDP năm 2020.")
    # Nobody else learns that it exists.
    for outsider in (people.other_lead, people.drafter, people.chair, people.admin):
        with pytest.raises(NotFound):
            visibility.get_comment(comment.id, outsider)
    with pytest.raises(PermissionDenied):
        services.update_comment(people.other_reviewer, comment, body="x")


def test_only_invited_departments_comment_while_a_round_is_open(people, report):
    with pytest.raises(PermissionDenied):
        services.add_comment(people.reviewer, section(report), body="Chưa có đợt lấy ý kiến.")
    open_round(people, report, codes=["SCT"])
    with pytest.raises(PermissionDenied):
        services.add_comment(people.reviewer, section(report), body="Sở không được mời.")
    services.add_comment(people.other_reviewer, section(report), body="Sở được mời.")
    with pytest.raises(PermissionDenied):
        services.add_comment(people.admin, section(report), body="Quản trị không góp ý.")


def test_drafting_team_and_chair_comments_are_published_at_once(people, report):
    drafter_comment = services.add_comment(
        people.drafter, section(report), body="Tổ soạn thảo lưu ý."
    )
    chair_comment = services.add_report_comment(people.chair, report, body="Bố cục cần gọn hơn.")
    assert drafter_comment.status == chair_comment.status == "submitted"
    assert chair_comment.kind == "structure" and chair_comment.section_id is None
    db.session.commit()
    assert visibility.get_comment(chair_comment.id, people.reviewer) == chair_comment


def test_quoted_passage_is_anchored_and_followed_to_later_versions(people, report):
    open_round(people, report)
    target = section(report, 2)
    comment = services.add_comment(
        people.reviewer,
        target,
        body="Số liệu dịch vụ chưa khớp.",
        kind="figures",
        quote="dịch vụ tăng 11,2%/năm",
    )
    assert comment.quote == "dịch vụ tăng 11,2%/năm" and comment.base_version == 1
    assert target.current.text[comment.quote_start :].startswith(comment.quote)
    assert comment.quote_prefix and comment.quote_suffix
    db.session.commit()
    new_text = "Bối cảnh mới được bổ sung.\n\n" + target.current.text
    report_services.save_section(people.drafter, target, text=new_text, base_version=1)
    moved = anchors.anchor_status(comment, target.current.text, target.current_version)
    assert moved.status == "exact" and new_text[moved.start : moved.end] == comment.quote
    report_services.save_section(
        people.drafter, target, text="Đoạn văn đã viết lại hoàn toàn.", base_version=2
    )
    gone = anchors.anchor_status(comment, target.current.text, target.current_version)
    assert gone.status == "not_found"


def test_quote_must_be_in_the_version(people, report):
    open_round(people, report)
    with pytest.raises(InvalidInput):
        services.add_comment(
            people.reviewer, section(report), body="x", quote="câu không có trong văn bản"
        )
    with pytest.raises(InvalidInput):
        services.add_comment(people.reviewer, section(report), body="x", base_version=9)
    with pytest.raises(InvalidInput):
        services.add_comment(people.reviewer, section(report), body="x", kind="gossip")


def test_suggestion_rules(people, report):
    open_round(people, report)
    target = section(report, 2)
    with pytest.raises(InvalidInput):
        services.add_suggestion(people.reviewer, target, base_version=1, text=target.current.text)
    with pytest.raises(InvalidInput):
        services.add_suggestion(people.reviewer, target, base_version=5, text="Văn bản khác.")
    with pytest.raises(PermissionDenied):
        services.add_suggestion(
            people.drafter, target, base_version=1, text="Tổ soạn thảo sửa trực tiếp."
        )
    suggestion = services.add_suggestion(
        people.reviewer,
        target,
        base_version=1,
        text=target.current.text.replace("11,2", "11,5"),
        rationale="Theo số liệu Cục Thống kê.",
    )
    assert suggestion.status == "draft"
    report_services.delete_section(people.drafter, target)
    with pytest.raises(InvalidInput):
        services.add_suggestion(people.reviewer, target, base_version=1, text="Văn bản khác.")


def _feedback(people, report, user):
    services.add_comment(user, section(report), body=f"Ý kiến của {user.department.code}.")
    services.add_suggestion(
        user,
        section(report, 2),
        base_version=1,
        text=section(report, 2).current.text + "\n\nBổ sung một câu.",
    )
    db.session.commit()


def test_submission_publishes_all_drafts_with_round_time_and_dispatch(people, report):
    round_ = open_round(people, report)
    _feedback(people, report, people.reviewer)
    from datetime import date

    submission = consultation.submit_response(
        people.lead, round_, dispatch_number="123/STC-KH", dispatch_date=date(2019, 12, 10)
    )
    db.session.commit()
    assert (submission.comment_count, submission.suggestion_count, submission.late) == (1, 1, False)
    comments, suggestions = visibility.section_feedback(people.drafter, section(report))
    assert [c.status for c in comments] == ["submitted"]
    assert comments[0].round_id == round_.id and comments[0].submission_id == submission.id
    assert visibility.department_drafts(report, people.department.id) == ([], [])
    drafter_notes = db.session.scalars(
        select(Notification).where(Notification.user_id == people.drafter.id)
    ).all()
    assert [n.kind for n in drafter_notes] == ["response_submitted"]
    status = rounds.response_of(round_, people.department.id)
    assert (
        status.status is ResponseStatus.SUBMITTED
        and status.dispatches[0].dispatch_number == "123/STC-KH"
    )


def test_only_the_lead_submits(people, report):
    round_ = open_round(people, report)
    _feedback(people, report, people.reviewer)
    with pytest.raises(PermissionDenied):
        consultation.submit_response(people.reviewer, round_)
    with pytest.raises(PermissionDenied):
        consultation.submit_response(people.drafter, round_)


def test_statuses_through_a_round(people, report):
    round_ = open_round(people, report)
    statuses = lambda: {r.department.code: r.status.value for r in rounds.responses(round_)}  # noqa: E731
    assert statuses() == {"STC": "not_started", "SCT": "not_started"}
    services.add_comment(people.reviewer, section(report), body="Đang soạn.")
    db.session.commit()
    assert statuses()["STC"] == "drafting"
    consultation.submit_response(people.other_lead, round_, no_comments=True)
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    assert statuses() == {"STC": "submitted", "SCT": "no_comments"}


def test_no_comments_is_refused_while_drafts_exist(people, report):
    round_ = open_round(people, report)
    services.add_comment(people.reviewer, section(report), body="Bản nháp.")
    with pytest.raises(InvalidInput):
        consultation.submit_response(people.lead, round_, no_comments=True)
    with pytest.raises(InvalidInput):
        consultation.submit_response(people.other_lead, round_)  # nothing to submit


def test_resubmission_while_open_adds_more_feedback(people, report):
    round_ = open_round(people, report)
    services.add_comment(people.reviewer, section(report), body="Lần một.")
    consultation.submit_response(people.lead, round_)
    services.add_comment(people.reviewer, section(report, 1), body="Lần hai.")
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    response = rounds.response_of(round_, people.department.id)
    assert len(response.submissions) == 2 and response.status is ResponseStatus.SUBMITTED


def test_late_response_is_accepted_and_marked(people, report):
    round_ = open_round(people, report)
    round_.deadline = utcnow() - timedelta(minutes=5)
    db.session.commit()
    services.add_comment(people.reviewer, section(report), body="Gửi muộn.")
    submission = consultation.submit_response(people.lead, round_)
    assert submission.late
    db.session.commit()
    assert rounds.response_of(round_, people.department.id).late


def test_after_close_submission_is_refused_and_drafts_stay(people, report):
    round_ = open_round(people, report)
    comment = services.add_comment(people.reviewer, section(report), body="Chưa kịp gửi.")
    consultation.close_round(people.drafter, round_)
    db.session.commit()
    with pytest.raises(InvalidTransition) as caught:
        consultation.submit_response(people.lead, round_)
    assert caught.value.status == 409 and str(round_.number) in caught.value.message
    db.session.rollback()
    assert comment.status == "draft"
    statuses = {
        r.department.code: (r.status.value, r.deemed_agree) for r in rounds.responses(round_)
    }
    assert statuses == {"STC": ("drafting", True), "SCT": ("not_started", True)}
    assert report.status == "drafting"


def test_no_reply_without_deemed_agreement(people, report):
    round_ = open_round(people, report, deemed_agree=False)
    consultation.close_round(people.drafter, round_)
    assert all(not r.deemed_agree and r.no_reply for r in rounds.responses(round_))


def test_withdraw_only_own_undecided_submitted_feedback(people, report):
    round_ = open_round(people, report)
    comment = services.add_comment(people.reviewer, section(report), body="Rút sau.")
    with pytest.raises(PermissionDenied):
        services.withdraw_comment(people.reviewer, comment)  # still a draft
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        services.withdraw_comment(people.other_reviewer, comment)
    services.withdraw_comment(people.reviewer, comment)
    assert comment.status == "withdrawn" and comment.withdrawn_at is not None
    db.session.commit()
    assert visibility.get_comment(comment.id, people.drafter).status == "withdrawn"


def test_replies_and_their_visibility(people, report):
    round_ = open_round(people, report)
    comment = services.add_comment(people.reviewer, section(report), body="Cần làm rõ.")
    services.add_reply(people.lead, comment, body="Đồng ý, bổ sung thêm.")
    with pytest.raises(PermissionDenied):
        services.add_reply(people.drafter, comment, body="Tổ soạn thảo chưa thấy bản nháp.")
    consultation.submit_response(people.lead, round_)
    services.add_reply(people.drafter, comment, body="Tổ soạn thảo sẽ tiếp thu.")
    db.session.commit()
    assert [r.author.username for r in comment.replies] == ["stc.lead", "drafter"]
    with pytest.raises(PermissionDenied):
        services.add_reply(people.admin, comment, body="Quản trị.")


def test_every_state_change_is_audited(people, report):
    round_ = open_round(people, report)
    comment = services.add_comment(people.reviewer, section(report), body="Một ý kiến.")
    consultation.submit_response(people.lead, round_)
    services.withdraw_comment(people.reviewer, comment)
    consultation.close_round(people.drafter, round_)
    db.session.commit()
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    for action in (
        "round.opened",
        "comment.created",
        "response.submitted",
        "comment.withdrawn",
        "round.closed",
    ):
        assert action in actions
