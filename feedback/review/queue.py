"""The drafting team's review queue: submitted feedback, filtered, paged by section."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..reports.models import Report
from .models import Comment, Round, Suggestion
from .visibility import COMMENT_CARD

QUEUE_STATUSES = ("open", "decided", "all")


@dataclass
class Queue:
    comments: list[Comment]
    suggestions: list[Suggestion]
    counts: dict[str, dict]


def _by_status(comments, suggestions, status: str):
    if status == "open":
        return comments.where(Comment.is_outstanding), suggestions.where(Suggestion.is_outstanding)
    if status == "decided":
        return comments.where(Comment.is_answered), suggestions.where(Suggestion.is_decided)
    return comments, suggestions


def _by_place(comments, suggestions, section_id, department_id):
    if section_id == 0:  # the report as a whole
        comments = comments.where(Comment.section_id.is_(None))
        suggestions = suggestions.where(false())
    elif section_id is not None:
        comments = comments.where(Comment.section_id == section_id)
        suggestions = suggestions.where(Suggestion.section_id == section_id)
    if department_id is not None:
        comments = comments.where(Comment.department_id == department_id)
        suggestions = suggestions.where(Suggestion.department_id == department_id)
    return comments, suggestions


def _queue_statements(report, *, section_id, department_id, kind, status):
    comments = select(Comment).where(Comment.report_id == report.id, ~Comment.is_draft)
    suggestions = select(Suggestion).where(Suggestion.report_id == report.id, ~Suggestion.is_draft)
    comments, suggestions = _by_status(comments, suggestions, status)
    comments, suggestions = _by_place(comments, suggestions, section_id, department_id)
    if kind == "suggestion":
        comments = comments.where(false())
    elif kind:
        comments = comments.where(Comment.kind == kind)
        suggestions = suggestions.where(false())
    return comments, suggestions


def queue_section_counts(report: Report, **filters) -> dict[int | None, int]:
    """How many items of the filtered queue each section holds (None: the report as a whole)."""
    counts: dict[int | None, int] = {}
    for statement in _queue_statements(report, **filters):
        inner = statement.subquery()
        for section_id, n in db.session.execute(
            select(inner.c.section_id, func.count()).group_by(inner.c.section_id)
        ):
            counts[section_id] = counts.get(section_id, 0) + n
    return counts


def review_queue(
    report: Report,
    *,
    section_id: int | None = None,
    department_id: int | None = None,
    kind: str | None = None,
    status: str = "open",
    sections: list[int | None] | None = None,
) -> Queue:
    """Submitted comments and suggestions, filtered (``section_id=0``: the report as a
    whole; ``sections``: only these sections, a page of the queue); with counts of all
    open items."""
    comments, suggestions = _queue_statements(
        report, section_id=section_id, department_id=department_id, kind=kind, status=status
    )
    if sections is not None:
        ids = [s for s in sections if s is not None]
        in_page = Comment.section_id.in_(ids)
        if None in sections:
            in_page = or_(in_page, Comment.section_id.is_(None))
        comments = comments.where(in_page)
        suggestions = suggestions.where(Suggestion.section_id.in_(ids))
    comment_rows = db.session.scalars(
        comments.options(*COMMENT_CARD).order_by(Comment.section_id, Comment.id)
    ).all()
    suggestion_rows = db.session.scalars(
        suggestions.options(
            selectinload(Suggestion.author), selectinload(Suggestion.department)
        ).order_by(Suggestion.section_id, Suggestion.id)
    ).all()
    return Queue(list(comment_rows), list(suggestion_rows), open_counts(report))


def open_counts(report: Report) -> dict[str, dict]:
    """Open items by section, department and kind, in two grouped queries."""
    by_section: dict[int | None, int] = {}
    by_department: dict[int | None, int] = {}
    by_kind: dict[str, int] = {}

    def add(section_id, department_id, kind, n) -> None:
        by_section[section_id] = by_section.get(section_id, 0) + n
        by_department[department_id] = by_department.get(department_id, 0) + n
        by_kind[kind] = by_kind.get(kind, 0) + n

    for section_id, department_id, kind, n in db.session.execute(
        select(Comment.section_id, Comment.department_id, Comment.kind, func.count())
        .where(Comment.report_id == report.id, Comment.is_outstanding)
        .group_by(Comment.section_id, Comment.department_id, Comment.kind)
    ):
        add(section_id, department_id, kind, n)
    for section_id, department_id, n in db.session.execute(
        select(Suggestion.section_id, Suggestion.department_id, func.count())
        .where(Suggestion.report_id == report.id, Suggestion.is_outstanding)
        .group_by(Suggestion.section_id, Suggestion.department_id)
    ):
        add(section_id, department_id, "suggestion", n)
    return {
        "section": by_section,
        "department": by_department,
        "kind": by_kind,
        "total": sum(by_kind.values()),
    }


@dataclass
class RoundCounts:
    by_section: dict[int | None, dict[str, int]]
    by_department: dict[int, dict[str, int]]


def round_counts(round_: Round) -> RoundCounts:
    """Submitted comments and suggestions of a round, by section and by department."""
    by_section: dict[int | None, dict[str, int]] = {}
    by_department: dict[int, dict[str, int]] = {}
    for model, key in ((Comment, "comments"), (Suggestion, "suggestions")):
        rows = db.session.execute(
            select(model.section_id, model.department_id, func.count())
            .where(model.round_id == round_.id)
            .group_by(model.section_id, model.department_id)
        )
        for section_id, department_id, n in rows:
            by_section.setdefault(section_id, {"comments": 0, "suggestions": 0})[key] += n
            if department_id is not None:
                by_department.setdefault(department_id, {"comments": 0, "suggestions": 0})[key] += n
    return RoundCounts(by_section, by_department)


def passage_groups(comments: list[Comment]) -> list[list[Comment]]:
    """Comments on the same passage (same section, overlapping quotes of one version, or
    the same quoted words), so one answer can cover them. Order is kept."""
    groups: list[list[Comment]] = []
    for comment in comments:
        home = None
        if comment.quote:
            home = next(
                (
                    group
                    for group in groups
                    if group[0].section_id == comment.section_id
                    and group[0].quote
                    and _same_passage(group[0], comment)
                ),
                None,
            )
        if home is None:
            groups.append([comment])
        else:
            home.append(comment)
    return groups


def _same_passage(a: Comment, b: Comment) -> bool:
    if " ".join(a.quote.split()).casefold() == " ".join(b.quote.split()).casefold():
        return True
    if a.base_version == b.base_version and a.quote_start is not None and b.quote_start is not None:
        return a.quote_start < b.quote_start + len(b.quote) and b.quote_start < a.quote_start + len(
            a.quote
        )
    return False
