"""What is still undecided on a report, as plain rows (thousands of them at provincial scale)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..auth.models import Department, User
from ..extensions import db
from ..reports.models import Report
from .models import Comment, CommentStatus, Disposition, Round, Suggestion
from .rounds import DepartmentResponse, current_or_latest_round, pending_departments


@dataclass(frozen=True, slots=True)
class DepartmentRef:
    id: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class PersonRef:
    id: int
    username: str
    name: str


@dataclass(frozen=True, slots=True)
class OutstandingItem:
    """An undecided comment or suggestion, as the outstanding lists show it.

    Plain rows rather than ORM objects: a provincial report has thousands of them, and
    the chair's dashboard and the API list them on every visit."""

    type: str  # "comment" or "suggestion"
    id: int
    report_id: int
    section_id: int | None
    department: DepartmentRef | None
    author: PersonRef
    submitted_at: datetime | None
    status: str = CommentStatus.SUBMITTED.value
    kind: str | None = None
    body: str | None = None
    disposition: str | None = None
    response: str | None = None
    base_version: int | None = None
    conflict_version: int | None = None

    # The same state rules as the models', so ``permissions`` can judge a row as it
    # judges a Comment (rows are listed because they are outstanding).
    is_outstanding = True

    @property
    def awaits_chair(self) -> bool:
        return self.disposition == Disposition.ESCALATED


@dataclass
class Outstanding:
    comments: list[OutstandingItem]
    suggestions: list[OutstandingItem]
    conflicts: list[OutstandingItem]
    escalated: list[OutstandingItem]
    departments_pending: list[DepartmentResponse]
    round: Round | None

    @property
    def counts(self) -> dict[str, int]:
        return {
            "comments": len(self.comments),
            "suggestions": len(self.suggestions),
            "conflicts": len(self.conflicts),
            "escalated": len(self.escalated),
            "departments_pending": len(self.departments_pending),
        }


def department_refs() -> dict[int, DepartmentRef]:
    return {
        row.id: DepartmentRef(row.id, row.code, row.name)
        for row in db.session.execute(select(Department.id, Department.code, Department.name))
    }


def person_refs(ids) -> dict[int, PersonRef]:
    return {
        row.id: PersonRef(row.id, row.username, row.name)
        for row in db.session.execute(
            select(User.id, User.username, User.name).where(User.id.in_(list(ids)))
        )
    }


def _pending_suggestion_rows(report: Report):
    return db.session.execute(
        select(
            Suggestion.id,
            Suggestion.section_id,
            Suggestion.department_id,
            Suggestion.author_id,
            Suggestion.submitted_at,
            Suggestion.base_version,
            Suggestion.conflict_version,
        )
        .where(Suggestion.report_id == report.id, Suggestion.is_outstanding)
        .order_by(Suggestion.section_id, Suggestion.id)
    ).all()


def undecided_comments(report: Report, *, escalated_only: bool = False, limit: int | None = None):
    """Rows of submitted comments still waiting for an answer (or for the chair's)."""
    order = (
        (Comment.submitted_at, Comment.id) if escalated_only else (Comment.section_id, Comment.id)
    )
    stmt = (
        select(
            Comment.id,
            Comment.section_id,
            Comment.department_id,
            Comment.author_id,
            Comment.submitted_at,
            Comment.kind,
            Comment.body,
            Comment.disposition,
            Comment.response,
        )
        .where(
            Comment.report_id == report.id,
            Comment.awaits_chair if escalated_only else Comment.is_outstanding,
        )
        .order_by(*order)
        .limit(limit)
    )
    return db.session.execute(stmt).all()


def escalated_count(report: Report) -> int:
    """Comments escalated to the chair and not answered yet."""
    return db.session.scalar(
        select(func.count()).where(Comment.report_id == report.id, Comment.awaits_chair)
    )


def comment_item(row, report_id: int, departments: dict, people: dict) -> OutstandingItem:
    return OutstandingItem(
        "comment",
        row.id,
        report_id,
        row.section_id,
        departments.get(row.department_id),
        people[row.author_id],
        row.submitted_at,
        kind=row.kind,
        body=row.body,
        disposition=row.disposition,
        response=row.response,
    )


def suggestion_item(row, report_id: int, departments: dict, people: dict) -> OutstandingItem:
    return OutstandingItem(
        "suggestion",
        row.id,
        report_id,
        row.section_id,
        departments.get(row.department_id),
        people[row.author_id],
        row.submitted_at,
        base_version=row.base_version,
        conflict_version=row.conflict_version,
    )


def outstanding(report: Report) -> Outstanding:
    """Everything not yet decided on a report, and the departments that have not answered."""
    departments = department_refs()
    comment_rows = undecided_comments(report)
    suggestion_rows = _pending_suggestion_rows(report)
    people = person_refs({r.author_id for r in (*comment_rows, *suggestion_rows)})
    comments, escalated = [], []
    for row in comment_rows:
        item = comment_item(row, report.id, departments, people)
        (escalated if row.disposition == Disposition.ESCALATED else comments).append(item)
    suggestions, conflicts = [], []
    for row in suggestion_rows:
        item = suggestion_item(row, report.id, departments, people)
        (suggestions if row.conflict_version is None else conflicts).append(item)
    round_ = current_or_latest_round(report)
    return Outstanding(
        comments=comments,
        suggestions=suggestions,
        conflicts=conflicts,
        escalated=escalated,
        departments_pending=pending_departments(round_),
        round=round_,
    )
