"""Aggregates for the chair's dashboard: a handful of grouped queries, whatever the volume."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, null, select, union_all

from ..extensions import db
from ..reports.models import Report
from ..review import outstanding as review_outstanding
from ..review import rounds as review_rounds
from ..review.models import Comment, CommentStatus, Disposition, Suggestion, SuggestionStatus

# The series of the stacked bars, in drawing order.
COMMENT_SERIES = ("open", "escalated", "absorbed", "explained", "noted")
SUGGESTION_SERIES = tuple(
    s.value
    for s in (SuggestionStatus.PENDING, SuggestionStatus.ACCEPTED, SuggestionStatus.REJECTED)
)


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
    if disposition in (Disposition.ABSORBED, Disposition.PARTLY_ABSORBED):
        return "absorbed"
    return disposition  # explained, noted, escalated


def feedback_by_section(report: Report, outline) -> list[SectionBar]:
    """Submitted feedback per section (and the report as a whole), by status."""
    comments: dict[int | None, dict[str, int]] = {}
    rows = db.session.execute(
        select(Comment.section_id, Comment.disposition, func.count())
        .where(Comment.report_id == report.id, Comment.status == CommentStatus.SUBMITTED.value)
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


# -- Outstanding items, grouped: counted in SQL, only the first few per section loaded --------

ITEMS_PER_SECTION = 5  # listed per section; the rest are one click away in the review queue
ESCALATED_SHOWN = 10  # escalated comments answered right on the dashboard


@dataclass
class Group:
    """The outstanding items of one section or one department."""

    key: int | None
    queue_filter: dict
    types: dict[str, int]
    shown: list

    @property
    def count(self) -> int:
        return sum(self.types.values())

    @property
    def more(self) -> int:
        return self.count - len(self.shown)


@dataclass
class OutstandingSummary:
    counts: dict[str, int]
    by_section: list[Group]
    by_department: list[tuple[object, Group]]  # (DepartmentRef or None, group)
    escalated: list  # the first ESCALATED_SHOWN, with their text
    departments_pending: list


def _outstanding_items(report: Report):
    """Every undecided item as (type, id, section_id, department_id, author_id, rank key)."""
    type_of_comment = case((Comment.awaits_chair, "escalated"), else_="comment")
    type_of_suggestion = case((Suggestion.needs_merge, "conflict"), else_="suggestion")
    comments = select(
        type_of_comment.label("type"),
        Comment.id.label("id"),
        Comment.section_id.label("section_id"),
        Comment.department_id.label("department_id"),
        Comment.author_id.label("author_id"),
        null().label("conflict_version"),
    ).where(Comment.report_id == report.id, Comment.is_outstanding)
    suggestions = select(
        type_of_suggestion.label("type"),
        Suggestion.id,
        Suggestion.section_id,
        Suggestion.department_id,
        Suggestion.author_id,
        Suggestion.conflict_version,
    ).where(Suggestion.report_id == report.id, Suggestion.is_outstanding)
    return union_all(comments, suggestions).subquery("outstanding")


# What needs attention first: the chair's, then hand merges, then suggestions, then comments.
_PRIORITY = {"escalated": 0, "conflict": 1, "suggestion": 2, "comment": 3}


def _type_counts(items) -> tuple[dict, dict, dict[str, int]]:
    """Outstanding items by section and type, by department and type, and by type."""
    by_section: dict[int | None, dict[str, int]] = {}
    by_department: dict[int | None, dict[str, int]] = {}
    counts = dict.fromkeys(_PRIORITY, 0)
    for section_id, department_id, kind, n in db.session.execute(
        select(items.c.section_id, items.c.department_id, items.c.type, func.count()).group_by(
            items.c.section_id, items.c.department_id, items.c.type
        )
    ):
        for table, key in ((by_section, section_id), (by_department, department_id)):
            table.setdefault(key, {}).setdefault(kind, 0)
            table[key][kind] += n
        counts[kind] += n
    return by_section, by_department, counts


def _first_rows(items):
    """The first ITEMS_PER_SECTION items of each section, most urgent first."""
    priority = case(*((items.c.type == k, v) for k, v in _PRIORITY.items()), else_=9)
    rank = (
        func.row_number()
        .over(partition_by=items.c.section_id, order_by=(priority, items.c.id))
        .label("rank")
    )
    ranked = select(items, rank).subquery("ranked")
    return db.session.execute(
        select(ranked).where(ranked.c.rank <= ITEMS_PER_SECTION).order_by(ranked.c.rank)
    ).all()


def _shown_items(report: Report, rows, departments, people) -> dict[int | None, list]:
    shown: dict[int | None, list] = {}
    for row in rows:
        shown.setdefault(row.section_id, []).append(
            review_outstanding.OutstandingItem(
                "comment" if row.type in ("comment", "escalated") else "suggestion",
                row.id,
                report.id,
                row.section_id,
                departments.get(row.department_id),
                people[row.author_id],
                None,
                disposition=Disposition.ESCALATED.value if row.type == "escalated" else None,
                conflict_version=row.conflict_version,
            )
        )
    return shown


def _section_groups(by_section_types, shown, outline) -> list[Group]:
    """One group per section, the report as a whole first, then in outline order."""
    order = {entry.section.id: index for index, entry in enumerate(outline)}
    return [
        Group(
            section_id,
            {"section": section_id} if section_id else {},
            types,
            shown.get(section_id, []),
        )
        for section_id, types in sorted(
            by_section_types.items(),
            key=lambda kv: -1 if kv[0] is None else order.get(kv[0], len(order)),
        )
    ]


def _department_groups(by_department_types, departments) -> list[tuple[object, Group]]:
    """One group per department, by name (items of no department last)."""
    groups = [
        (
            departments.get(department_id),
            Group(department_id, {"department": department_id} if department_id else {}, types, []),
        )
        for department_id, types in by_department_types.items()
    ]
    return sorted(groups, key=lambda pair: (pair[0] is None, pair[0].name if pair[0] else ""))


def outstanding_summary(report: Report, outline) -> OutstandingSummary:
    """The dashboard's outstanding list in a fixed number of queries, whatever the volume."""
    departments = review_outstanding.department_refs()
    items = _outstanding_items(report)
    by_section_types, by_department_types, counts = _type_counts(items)
    first_rows = _first_rows(items)
    escalated_rows = review_outstanding.undecided_comments(
        report, escalated_only=True, limit=ESCALATED_SHOWN
    )
    people = review_outstanding.person_refs({r.author_id for r in (*first_rows, *escalated_rows)})
    shown = _shown_items(report, first_rows, departments, people)
    pending = review_rounds.pending_departments(review_rounds.current_or_latest_round(report))
    return OutstandingSummary(
        counts={
            "comments": counts["comment"],
            "suggestions": counts["suggestion"],
            "conflicts": counts["conflict"],
            "escalated": counts["escalated"],
            "departments_pending": len(pending),
        },
        by_section=_section_groups(by_section_types, shown, outline),
        by_department=_department_groups(by_department_types, departments),
        escalated=[
            review_outstanding.comment_item(row, report.id, departments, people)
            for row in escalated_rows
        ],
        departments_pending=pending,
    )
