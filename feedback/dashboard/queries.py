"""Aggregates for the chair's dashboard: a handful of grouped queries, whatever the volume."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..reports.models import Report
from ..review.models import Comment, FeedbackState, Suggestion

# The series of the stacked bars, in drawing order.
COMMENT_SERIES = ("open", "escalated", "absorbed", "explained", "noted")
SUGGESTION_SERIES = ("pending", "accepted", "rejected")


@dataclass
class SectionBar:
    section_id: int | None
    label: str
    comments: dict[str, int]
    suggestions: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.comments.values()) + sum(self.suggestions.values())


def _comment_series(disposition: str | None) -> str:
    if disposition is None:
        return "open"
    if disposition in ("absorbed", "partly_absorbed"):
        return "absorbed"
    return disposition  # explained, noted, escalated


def feedback_by_section(report: Report, outline) -> list[SectionBar]:
    """Submitted feedback per section (and the report as a whole), by status."""
    comments: dict[int | None, dict[str, int]] = {}
    rows = db.session.execute(
        select(Comment.section_id, Comment.disposition, func.count())
        .where(Comment.report_id == report.id, Comment.state == FeedbackState.SUBMITTED.value)
        .group_by(Comment.section_id, Comment.disposition)
    )
    for section_id, disposition, n in rows:
        bucket = comments.setdefault(section_id, dict.fromkeys(COMMENT_SERIES, 0))
        bucket[_comment_series(disposition)] += n
    suggestions: dict[int | None, dict[str, int]] = {}
    rows = db.session.execute(
        select(Suggestion.section_id, Suggestion.status, func.count())
        .where(Suggestion.report_id == report.id, Suggestion.status.in_(SUGGESTION_SERIES))
        .group_by(Suggestion.section_id, Suggestion.status)
    )
    for section_id, status, n in rows:
        suggestions.setdefault(section_id, dict.fromkeys(SUGGESTION_SERIES, 0))[status] += n
    bars = []
    empty_c, empty_s = dict.fromkeys(COMMENT_SERIES, 0), dict.fromkeys(SUGGESTION_SERIES, 0)
    if None in comments:
        bars.append(SectionBar(None, "", comments[None], dict(empty_s)))
    for entry in outline:
        sid = entry.section.id
        bars.append(
            SectionBar(
                sid,
                entry.title,
                comments.get(sid, dict(empty_c)),
                suggestions.get(sid, dict(empty_s)),
            )
        )
    return bars
