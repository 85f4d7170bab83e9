"""A round opens on a numbered draft: the current text is issued as one when it is not
yet (issue 12, item 4)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from feedback.consolidation import services as editions
from feedback.consolidation.models import Edition
from feedback.errors import InvalidInput
from feedback.extensions import db
from feedback.models_base import utcnow
from feedback.reports import services as report_services
from feedback.review import consultation

from ..review_helpers import open_round, section


def _editions(report) -> list[int]:
    return list(
        db.session.scalars(
            select(Edition.number).where(Edition.report_id == report.id).order_by(Edition.number)
        )
    )


def test_a_round_on_text_never_issued_issues_it_as_draft_no_1(people, report):
    round_ = open_round(people, report)
    assert _editions(report) == [1]
    assert round_.edition_number == 1
    edition = db.session.scalar(select(Edition).where(Edition.report_id == report.id))
    assert edition.created_by_id == people.drafter.id
    assert "1" in edition.note  # "Phát hành để lấy ý kiến trong đợt 1."


def test_a_round_on_the_latest_draft_issues_nothing(people, report):
    editions.issue_edition(people.drafter, report, note="Dự thảo gửi xin ý kiến.")
    round_ = open_round(people, report)
    assert _editions(report) == [1] and round_.edition_number == 1


def test_a_round_after_edits_issues_the_next_draft(people, report):
    first = open_round(people, report)
    consultation.close_round(people.drafter, first)
    db.session.commit()
    target = section(report, 1)
    report_services.save_section(
        people.drafter, target, text=target.current.text + "\n\nBổ sung.", base_version=1
    )
    db.session.commit()
    second = open_round(people, report)
    assert _editions(report) == [1, 2] and second.edition_number == 2
    consultation.close_round(people.drafter, second)
    db.session.commit()
    third = open_round(people, report)  # nothing changed since: the same draft
    assert _editions(report) == [1, 2] and third.edition_number == 2


def test_a_renamed_report_is_a_new_draft(people, report):
    editions.issue_edition(people.drafter, report)
    report_services.update_report(people.drafter, report, title="Báo cáo (bản sửa tiêu đề)")
    assert open_round(people, report).edition_number == 2


def test_a_refused_round_issues_nothing(people, report):
    with pytest.raises(InvalidInput):
        consultation.open_round(
            people.drafter,
            report,
            deadline=utcnow() - timedelta(hours=1),
            department_codes=["STC"],
        )
    with pytest.raises(InvalidInput):
        consultation.open_round(
            people.drafter,
            report,
            deadline=utcnow() + timedelta(days=3),
            department_codes=[],
        )
    assert db.session.scalar(select(func.count()).select_from(Edition)) == 0
