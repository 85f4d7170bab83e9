"""Helpers for the figures' tests: the demo loaded, its people, sections and indicators."""

from __future__ import annotations

from sqlalchemy import select

from feedback import demo
from feedback.auth.models import User
from feedback.extensions import db
from feedback.figures import queries
from feedback.reports import queries as outline
from feedback.reports.models import Report
from feedback.review import rounds


def load_demo() -> Report:
    demo.load()
    db.session.commit()
    return db.session.scalar(select(Report))


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def section(report: Report, heading: str):
    return {e.version.heading: e.section for e in outline.outline(report)}[heading]


def indicator(report: Report, start: str, viewer=None):
    """The report's indicator whose name starts with ``start``."""
    viewer = viewer or user("tosoanthao")
    views = queries.indicator_views(report.id, viewer)
    return next(v.indicator for v in views if v.indicator.name.startswith(start))


def open_round(report: Report):
    return rounds.find_open_round(report.id)
