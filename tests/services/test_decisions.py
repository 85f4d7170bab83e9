"""The drafting team's decisions: accept, accept with edits, rebase, conflicts, reject, dispositions."""

import pytest
from sqlalchemy import select

from feedback.errors import InvalidInput, InvalidTransition, PermissionDenied, StaleVersion
from feedback.extensions import db
from feedback.notifications.models import Notification
from feedback.reports import queries as report_queries
from feedback.reports import services as report_services
from feedback.review import consultation, decisions, outstanding, queue, services
from feedback.review.models import Decision

from .. import factories
from ..review_helpers import open_round, section

PARAGRAPHS = [
    "Tốc độ tăng trưởng GRDP bình quân giai đoạn 2016 – 2020 ước đạt 10,7%/năm.",
    "Cơ cấu kinh tế chuyển dịch theo hướng tích cực, tỷ trọng dịch vụ tăng dần.",
    "Thu ngân sách nhà nước trên địa bàn đạt 48,5 nghìn tỷ đồng, vượt kế hoạch.",
]
TEXT = "\n\n".join(PARAGRAPHS)


@pytest.fixture
def target(people, report):
    s = section(report, 2)
    report_services.save_section(people.drafter, s, text=TEXT, base_version=1)
    db.session.commit()
    return s


@pytest.fixture
def round_(people, report, target):
    return open_round(people, report)


def _suggest(user, s, replace: tuple[str, str], submit_as=None, round_=None):
    base = s.current
    suggestion = services.add_suggestion(
        user, s, base_version=base.number, text=base.text.replace(*replace), rationale="Lý do."
    )
    if submit_as is not None:
        consultation.submit_response(submit_as, round_)
    db.session.commit()
    return suggestion


def test_accept_makes_a_version_named_after_the_suggestion(people, target, round_):
    s = _suggest(people.reviewer, target, ("10,7%", "10,8%"), people.lead, round_)
    outcome = decisions.accept_suggestion(people.drafter, s)
    db.session.commit()
    assert outcome.conflict is None
    assert (outcome.version.number, outcome.version.kind) == (3, "accept")
    assert (outcome.version.reason_code, outcome.version.reason_params) == (
        "accepted",
        {"id": s.id, "department": "Sở Tài chính"},
    )
    assert target.current.text == TEXT.replace("10,7%", "10,8%")
    assert (s.status, s.result_version, s.decided_by_id) == ("accepted", 3, people.drafter.id)
    assert [d.action for d in s.decisions] == ["accepted"]
    kinds = [
        n.kind
        for n in db.session.scalars(
            select(Notification).where(Notification.user_id == people.reviewer.id)
        )
    ]
    assert "decision" in kinds


def test_accept_with_edits_is_recorded_as_such(people, target, round_):
    s = _suggest(people.reviewer, target, ("10,7%", "10,8%"), people.lead, round_)
    edited = TEXT.replace("10,7%", "10,75%")
    outcome = decisions.accept_suggestion(
        people.drafter,
        s,
        text=edited,
        note="Làm tròn theo Cục Thống kê",
        expected_version=target.current_version,
    )
    assert target.current.text == edited and s.accepted_with_edits
    assert outcome.version.reason_code == "accepted_with_edits"
    db.session.commit()
    assert [d.action for d in s.decisions] == ["accepted_with_edits"]
    assert s.decisions[0].note == "Làm tròn theo Cục Thống kê"


def test_rebase_applies_a_suggestion_on_top_of_later_changes(people, target, round_):
    s = _suggest(
        people.reviewer,
        target,
        (PARAGRAPHS[2], PARAGRAPHS[2].replace("48,5", "48,6")),
        people.lead,
        round_,
    )
    report_services.save_section(
        people.drafter, target, text=TEXT.replace("10,7%", "10,9%"), base_version=2
    )
    db.session.commit()
    preview = decisions.preview(s)
    assert preview.rebased and preview.conflict is None
    outcome = decisions.accept_suggestion(people.drafter, s)
    merged = TEXT.replace("10,7%", "10,9%").replace("48,5", "48,6")
    assert outcome.version.text == merged  # both edits are there


def test_conflict_changes_nothing_and_marks_the_suggestion(people, target, round_):
    s = _suggest(people.reviewer, target, ("10,7%", "10,8%"), people.lead, round_)
    report_services.save_section(
        people.drafter, target, text=TEXT.replace("10,7%", "11%"), base_version=2
    )
    db.session.commit()
    outcome = decisions.accept_suggestion(people.drafter, s)
    db.session.commit()
    assert outcome.version is None and outcome.conflict is not None
    assert (
        outcome.conflict.base == TEXT
        and "11%" in outcome.conflict.current
        and "10,8%" in outcome.conflict.proposed
    )
    assert target.current_version == 3 and target.current.text == TEXT.replace("10,7%", "11%")
    assert s.status == "pending" and s.conflict_version == 3
    assert [x.id for x in outstanding.outstanding(s.report).conflicts] == [s.id]
    # The drafter merges by hand: accept with edits on top of version 3.
    with pytest.raises(StaleVersion):
        decisions.accept_suggestion(people.drafter, s, text="x", expected_version=2)
    db.session.rollback()
    merged = TEXT.replace("10,7%", "10,8% (số liệu sơ bộ: 11%)")
    outcome = decisions.accept_suggestion(people.drafter, s, text=merged, expected_version=3)
    assert outcome.version.number == 4 and s.accepted_with_edits and s.conflict_version is None


def test_accept_twice_or_after_reject_is_409(people, target, round_):
    s = _suggest(people.reviewer, target, ("10,7%", "10,8%"), people.lead, round_)
    decisions.accept_suggestion(people.drafter, s)
    db.session.commit()
    with pytest.raises(InvalidTransition):
        decisions.accept_suggestion(people.drafter, s)
    with pytest.raises(InvalidTransition):
        decisions.reject_suggestion(people.drafter, s, reason="Muộn.")


def test_reject_needs_a_reason_and_can_be_reopened(people, target, round_):
    s = _suggest(people.reviewer, target, ("10,7%", "10,8%"), people.lead, round_)
    with pytest.raises(InvalidInput):
        decisions.reject_suggestion(people.drafter, s, reason="   ")
    decisions.reject_suggestion(
        people.drafter, s, reason="Số liệu chưa được Cục Thống kê xác nhận."
    )
    assert (s.status, s.decision_note) == ("rejected", "Số liệu chưa được Cục Thống kê xác nhận.")
    decisions.reopen_suggestion(people.drafter, s)
    assert s.status == "pending" and s.decided_by_id is None
    assert [d.action for d in s.decisions] == ["rejected", "reopened"]


@pytest.mark.parametrize("role", ["chair", "admin", "lead", "reviewer"])
def test_only_the_drafting_team_decides(people, target, round_, role):
    s = _suggest(people.reviewer, target, ("10,7%", "10,8%"), people.lead, round_)
    with pytest.raises(PermissionDenied):
        decisions.accept_suggestion(getattr(people, role), s)
    with pytest.raises(PermissionDenied):
        decisions.reject_suggestion(getattr(people, role), s, reason="Không.")


def test_drafts_and_withdrawn_suggestions_cannot_be_decided(people, target, round_):
    draft = _suggest(people.reviewer, target, ("10,7%", "10,8%"))
    with pytest.raises(InvalidTransition):
        decisions.accept_suggestion(people.drafter, draft)


def test_bulk_accept_stops_at_the_first_conflict(people, report, target, round_):
    third = factories.department("SXD", "Sở Xây dựng")
    third_reviewer = factories.user("reviewer", third)
    third_lead = factories.user("lead", third)
    round_.invitations.append(type(round_.invitations[0])(department_id=third.id))
    db.session.commit()
    a = _suggest(people.reviewer, target, (PARAGRAPHS[0], PARAGRAPHS[0].replace("10,7%", "10,8%")))
    b = _suggest(
        people.other_reviewer,
        target,
        (PARAGRAPHS[2], PARAGRAPHS[2].replace("vượt kế hoạch", "vượt 21% kế hoạch")),
    )
    c = _suggest(
        third_reviewer, target, (PARAGRAPHS[0], PARAGRAPHS[0].replace("10,7%", "khoảng 11%"))
    )
    for lead in (people.lead, people.other_lead, third_lead):
        consultation.submit_response(lead, round_)
    db.session.commit()
    outcome = decisions.accept_in_order(people.drafter, target, [a, b, c])
    db.session.commit()
    assert [o.suggestion.id for o in outcome.accepted] == [a.id, b.id]
    assert outcome.conflict.suggestion.id == c.id
    assert target.current.text == TEXT.replace("10,7%", "10,8%").replace(
        "vượt kế hoạch", "vượt 21% kế hoạch"
    )
    assert [v.number for v in report_queries.versions(target)] == [4, 3, 2, 1]


def test_dispositions(people, report, round_):
    comment = services.add_comment(
        people.reviewer, section(report), body="Đề nghị bổ sung số liệu."
    )
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    with pytest.raises(InvalidInput):
        decisions.resolve_comment(people.drafter, comment, disposition="explained")
    with pytest.raises(InvalidInput):
        decisions.resolve_comment(people.drafter, comment, disposition="ignored")
    with pytest.raises(PermissionDenied):
        decisions.resolve_comment(people.chair, comment, disposition="noted")
    decisions.resolve_comment(
        people.drafter, comment, disposition="absorbed", response="Đã bổ sung.", absorbed_version=1
    )
    assert (comment.disposition, comment.absorbed_version, comment.response) == (
        "absorbed",
        1,
        "Đã bổ sung.",
    )
    with pytest.raises(InvalidTransition):
        decisions.resolve_comment(people.drafter, comment, disposition="noted")
    decisions.reopen_comment(people.drafter, comment)
    assert comment.disposition is None and comment.is_outstanding
    assert [d.action for d in comment.decisions] == ["absorbed", "reopened"]


def test_escalated_comment_waits_for_the_chair(people, report, round_):
    comment = services.add_comment(
        people.reviewer, section(report), body="Chỉ tiêu năm 2025 quá cao."
    )
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    decisions.resolve_comment(
        people.drafter, comment, disposition="escalated", response="Xin ý kiến Chủ tịch."
    )
    db.session.commit()
    assert comment.is_outstanding and [
        c.id for c in outstanding.outstanding(comment.report).escalated
    ] == [comment.id]
    with pytest.raises(InvalidTransition):
        decisions.resolve_comment(people.drafter, comment, disposition="noted")
    with pytest.raises(InvalidInput):
        decisions.resolve_comment(people.chair, comment, disposition="escalated")
    decisions.resolve_comment(
        people.chair, comment, disposition="explained", response="Giữ chỉ tiêu như dự thảo."
    )
    assert not comment.is_outstanding and comment.decided_by_id == people.chair.id


def test_one_answer_for_comments_on_the_same_passage(people, report, round_):
    s = section(report, 2)
    quote = "tỷ trọng dịch vụ tăng dần"
    a = services.add_comment(people.reviewer, s, body="Số liệu A.", quote=quote)
    b = services.add_comment(people.other_reviewer, s, body="Số liệu B.", quote=quote)
    consultation.submit_response(people.lead, round_)
    consultation.submit_response(people.other_lead, round_)
    db.session.commit()
    groups = queue.passage_groups(queue.review_queue(report).comments)
    assert [[c.id for c in g] for g in groups] == [[a.id, b.id]]
    decisions.resolve_comments(
        people.drafter, [a, b], disposition="partly_absorbed", response="Tiếp thu một phần."
    )
    assert a.disposition == b.disposition == "partly_absorbed"
    assert len(a.decisions) == len(b.decisions) == 1


def test_restore_is_undo_as_a_new_version(people, target, round_):
    s = _suggest(people.reviewer, target, ("10,7%", "10,8%"), people.lead, round_)
    decisions.accept_suggestion(people.drafter, s)
    version = report_services.restore_version(people.drafter, target, number=2, base_version=3)
    assert (version.number, version.text) == (4, TEXT)


def test_decisions_leave_no_half_state_when_the_transaction_fails(
    people, target, round_, monkeypatch
):
    s = _suggest(people.reviewer, target, ("10,7%", "10,8%"), people.lead, round_)

    def boom(*args, **kwargs):
        raise RuntimeError("crash after the version was written")

    monkeypatch.setattr("feedback.review.decisions.record", boom)
    with pytest.raises(RuntimeError):
        decisions.accept_suggestion(people.drafter, s)
    db.session.rollback()
    assert target.current_version == 2 and s.status == "pending"
    assert db.session.scalar(select(Decision.id)) is None
