"""Helpers for consultation tests: open a round, draft feedback, submit it."""

from __future__ import annotations

from datetime import timedelta

from feedback.extensions import db
from feedback.models_base import utcnow
from feedback.reports import queries as report_queries
from feedback.review import consultation


def open_round(people, report, codes=("STC", "SCT"), **kw):
    round_ = consultation.open_round(
        people.drafter,
        report,
        deadline=utcnow() + timedelta(days=3),
        department_codes=list(codes),
        **kw,
    )
    db.session.commit()
    return round_


def sections(report):
    return [e.section for e in report_queries.outline(report)]


def section(report, index=0):
    return sections(report)[index]
