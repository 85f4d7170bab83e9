"""A report with a whole consultation behind it, for the archive tests."""

from __future__ import annotations

from datetime import date

from feedback.consolidation import services as editions
from feedback.extensions import db
from feedback.review import consultation, decisions
from feedback.review import services as review

from ..review_helpers import open_round, section

DRAFT_COMMENT = "Bản nháp chưa gửi của Sở Công Thương: số liệu xuất khẩu còn thiếu."
DRAFT_SUGGESTION = "Đoạn văn nháp của Sở Công Thương, chưa gửi."
DRAFT_REPLY = "Trả lời nháp của Sở Công Thương, chưa gửi."


def consulted_report(people, report, *, approve: bool = True):
    """Round 1 on lần 1: Sở Tài chính comments, suggests and submits with a dispatch
    number; Sở Công Thương keeps a comment, a suggestion and a reply as drafts. The
    drafting team accepts the suggestion, answers the comment and issues lần 2, which
    the chair approves."""
    round_ = open_round(people, report)
    target = section(report, 2)
    comment = review.add_comment(
        people.reviewer, target, body="Đề nghị làm rõ nguồn số liệu tăng trưởng GRDP."
    )
    suggestion = review.add_suggestion(
        people.reviewer,
        target,
        base_version=1,
        text=target.current.text.replace("11,2", "11,5"),
        rationale="Theo số liệu Cục Thống kê.",
    )
    db.session.commit()
    consultation.submit_response(
        people.lead, round_, dispatch_number="125/STC-NS", dispatch_date=date(2025, 11, 20)
    )
    db.session.commit()
    review.add_comment(people.other_reviewer, section(report, 1), body=DRAFT_COMMENT)
    review.add_suggestion(
        people.other_reviewer,
        section(report, 1),
        base_version=1,
        text=section(report, 1).current.text + "\n\n" + DRAFT_SUGGESTION,
    )
    review.add_reply(people.other_reviewer, comment, body=DRAFT_REPLY)
    db.session.commit()
    decisions.accept_suggestion(people.drafter, suggestion, note="Tiếp thu.")
    db.session.commit()
    decisions.resolve_comment(
        people.drafter, comment, disposition="explained", response="Nguồn: Cục Thống kê tỉnh."
    )
    review.add_reply(people.drafter, comment, body="Đã bổ sung nguồn số liệu.")
    db.session.commit()
    consultation.close_round(people.drafter, round_)
    db.session.commit()
    second = editions.issue_edition(people.drafter, report, note="Sau vòng 1")
    db.session.commit()
    if approve:
        editions.approve_edition(people.chair, second)
        db.session.commit()
    return second
