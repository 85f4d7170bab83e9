"""Read-side queries of the consultation: rounds, statuses, visible feedback, counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import g, has_request_context
from sqlalchemy import ColumnElement, and_, false, func, or_, select, true
from sqlalchemy.orm import selectinload

from .. import textdiff
from ..auth.models import Department, Role
from ..errors import NotFound
from ..extensions import db
from ..reports.models import Report
from .models import (
    Comment,
    FeedbackState,
    ResponseStatus,
    Round,
    RoundDepartment,
    Submission,
    Suggestion,
    SuggestionStatus,
)


def _cache() -> dict:
    if not has_request_context():
        return {}
    if "_review_cache" not in g:
        g._review_cache = {}
    return g._review_cache


def open_round(report_id: int) -> Round | None:
    cache = _cache()
    key = ("open_round", report_id)
    if key not in cache:
        cache[key] = db.session.scalar(
            select(Round).where(Round.report_id == report_id, Round.closed_at.is_(None))
        )
    return cache[key]


def invited_department_ids(round_: Round) -> set[int]:
    cache = _cache()
    key = ("invited", round_.id)
    if key not in cache:
        cache[key] = set(
            db.session.scalars(
                select(RoundDepartment.department_id).where(RoundDepartment.round_id == round_.id)
            )
        )
    return cache[key]


def get_round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise NotFound()
    return round_


def rounds(report: Report) -> list[Round]:
    return list(
        db.session.scalars(
            select(Round).where(Round.report_id == report.id).order_by(Round.number.desc())
        )
    )


def latest_round(report: Report) -> Round | None:
    return db.session.scalar(
        select(Round).where(Round.report_id == report.id).order_by(Round.number.desc()).limit(1)
    )


@dataclass(frozen=True)
class DepartmentResponse:
    department: Department
    status: ResponseStatus
    first_submitted_at: datetime | None
    last_submitted_at: datetime | None
    late: bool
    submissions: tuple[Submission, ...]
    drafts: int
    deemed_agree: bool  # the round closed with no answer and deems silence agreement

    @property
    def no_reply(self) -> bool:
        return self.status in (ResponseStatus.NOT_STARTED, ResponseStatus.DRAFTING)

    @property
    def dispatches(self) -> list[Submission]:
        return [s for s in self.submissions if s.dispatch_number]


def draft_counts(report_id: int) -> dict[int, int]:
    """Drafts (comments and suggestions) per department on a report."""
    counts: dict[int, int] = {}
    for model, state_col, draft in (
        (Comment, Comment.state, FeedbackState.DRAFT.value),
        (Suggestion, Suggestion.status, SuggestionStatus.DRAFT.value),
    ):
        rows = db.session.execute(
            select(model.department_id, func.count())
            .where(model.report_id == report_id, state_col == draft)
            .group_by(model.department_id)
        )
        for department_id, n in rows:
            counts[department_id] = counts.get(department_id, 0) + n
    return counts


def responses(round_: Round) -> list[DepartmentResponse]:
    """Every invited department's status in the round, in department-code order."""
    invited = db.session.scalars(
        select(Department)
        .join(RoundDepartment, RoundDepartment.department_id == Department.id)
        .where(RoundDepartment.round_id == round_.id)
        .order_by(Department.code)
    ).all()
    submissions: dict[int, list[Submission]] = {}
    for s in db.session.scalars(
        select(Submission)
        .where(Submission.round_id == round_.id)
        .order_by(Submission.submitted_at, Submission.id)
    ):
        submissions.setdefault(s.department_id, []).append(s)
    drafts = draft_counts(round_.report_id)
    result = []
    for department in invited:
        subs = submissions.get(department.id, [])
        if any(not s.no_comments for s in subs):
            status = ResponseStatus.SUBMITTED
        elif subs:
            status = ResponseStatus.NO_COMMENTS
        elif drafts.get(department.id):
            status = ResponseStatus.DRAFTING
        else:
            status = ResponseStatus.NOT_STARTED
        no_reply = not subs
        result.append(
            DepartmentResponse(
                department=department,
                status=status,
                first_submitted_at=subs[0].submitted_at if subs else None,
                last_submitted_at=subs[-1].submitted_at if subs else None,
                late=bool(subs) and subs[0].late,
                submissions=tuple(subs),
                drafts=drafts.get(department.id, 0),
                deemed_agree=no_reply and not round_.is_open and round_.deemed_agree,
            )
        )
    return result


def response_of(round_: Round, department_id: int) -> DepartmentResponse | None:
    for response in responses(round_):
        if response.department.id == department_id:
            return response
    return None


# Visibility -----------------------------------------------------------------------


def _visible(model, state_column, draft_value, user, report: Report) -> ColumnElement[bool]:
    """SQL twin of permissions.can_see_feedback (a test checks they agree)."""
    role = Role(user.role)
    own = model.department_id == user.department_id if role.in_department else false()
    published = state_column != draft_value
    if role in (Role.DRAFTER, Role.CHAIR, Role.ADMIN):
        return or_(own, published)
    others = true() if report.departments_see_each_other else model.department_id.is_(None)
    return or_(own, and_(published, others))


def visible_comments(user, report: Report):
    return select(Comment).where(
        Comment.report_id == report.id,
        _visible(Comment, Comment.state, FeedbackState.DRAFT.value, user, report),
    )


def visible_suggestions(user, report: Report):
    return select(Suggestion).where(
        Suggestion.report_id == report.id,
        _visible(Suggestion, Suggestion.status, SuggestionStatus.DRAFT.value, user, report),
    )


def section_feedback(user, section) -> tuple[list[Comment], list[Suggestion]]:
    comments = db.session.scalars(
        visible_comments(user, section.report)
        .where(Comment.section_id == section.id)
        .options(
            selectinload(Comment.replies),
            selectinload(Comment.author),
            selectinload(Comment.department),
        )
        .order_by(Comment.id)
    ).all()
    suggestions = db.session.scalars(
        visible_suggestions(user, section.report)
        .where(Suggestion.section_id == section.id)
        .options(selectinload(Suggestion.author), selectinload(Suggestion.department))
        .order_by(Suggestion.id)
    ).all()
    return list(comments), list(suggestions)


def report_comments(user, report: Report) -> list[Comment]:
    """Comments on the report as a whole (structure, layout)."""
    return list(
        db.session.scalars(
            visible_comments(user, report)
            .where(Comment.section_id.is_(None))
            .options(
                selectinload(Comment.replies),
                selectinload(Comment.author),
                selectinload(Comment.department),
            )
            .order_by(Comment.id)
        )
    )


def feedback_counts_by_section(user, report: Report) -> dict[int | None, int]:
    """Visible comments and suggestions per section (None: the report as a whole)."""
    counts: dict[int | None, int] = {}
    for stmt, model in (
        (visible_comments(user, report), Comment),
        (visible_suggestions(user, report), Suggestion),
    ):
        query = stmt.with_only_columns(model.section_id, func.count()).group_by(model.section_id)
        for section_id, n in db.session.execute(query):
            counts[section_id] = counts.get(section_id, 0) + n
    return counts


def department_drafts(report: Report, department_id: int) -> tuple[list[Comment], list[Suggestion]]:
    comments = db.session.scalars(
        select(Comment)
        .where(
            Comment.report_id == report.id,
            Comment.department_id == department_id,
            Comment.state == FeedbackState.DRAFT.value,
        )
        .order_by(Comment.section_id, Comment.id)
    ).all()
    suggestions = db.session.scalars(
        select(Suggestion)
        .where(
            Suggestion.report_id == report.id,
            Suggestion.department_id == department_id,
            Suggestion.status == SuggestionStatus.DRAFT.value,
        )
        .order_by(Suggestion.section_id, Suggestion.id)
    ).all()
    return list(comments), list(suggestions)


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


def get_comment(comment_id: int, user) -> Comment:
    """A comment the user may see; 404 otherwise (a department never learns another's draft exists)."""
    from .. import permissions

    comment = db.session.get(Comment, comment_id)
    if comment is None or not permissions.can_see_feedback(user, comment):
        raise NotFound()
    return comment


def get_suggestion(suggestion_id: int, user) -> Suggestion:
    from .. import permissions

    suggestion = db.session.get(Suggestion, suggestion_id)
    if suggestion is None or not permissions.can_see_feedback(user, suggestion):
        raise NotFound()
    return suggestion


def anchor_status(
    comment: Comment, current_text: str, current_version: int
) -> textdiff.AnchorMatch | None:
    """Where a comment's quoted passage is in the section's current text: exact, moved, or gone."""
    if not comment.quote:
        return None
    if comment.base_version == current_version:
        start = comment.quote_start or 0
        return textdiff.AnchorMatch(
            status="exact", start=start, end=start + len(comment.quote), text=comment.quote
        )
    anchor = textdiff.Anchor(
        quote=comment.quote,
        prefix=comment.quote_prefix or "",
        suffix=comment.quote_suffix or "",
        start=comment.quote_start or 0,
    )
    return textdiff.reanchor(anchor, current_text)


# The drafting team's queue and what is outstanding ----------------------------------


QUEUE_STATUSES = ("open", "decided", "all")


@dataclass
class Queue:
    comments: list[Comment]
    suggestions: list[Suggestion]
    counts: dict[str, dict]


def _queue_statements(report, *, section_id, department_id, kind, status):
    comments = select(Comment).where(
        Comment.report_id == report.id, Comment.state != FeedbackState.DRAFT.value
    )
    suggestions = select(Suggestion).where(
        Suggestion.report_id == report.id, Suggestion.status != SuggestionStatus.DRAFT.value
    )
    if status == "open":
        comments = comments.where(
            Comment.state == FeedbackState.SUBMITTED.value,
            or_(Comment.disposition.is_(None), Comment.disposition == "escalated"),
        )
        suggestions = suggestions.where(Suggestion.status == SuggestionStatus.PENDING.value)
    elif status == "decided":
        comments = comments.where(
            Comment.disposition.is_not(None), Comment.disposition != "escalated"
        )
        suggestions = suggestions.where(Suggestion.status.in_(("accepted", "rejected")))
    if section_id == 0:  # the report as a whole
        comments = comments.where(Comment.section_id.is_(None))
        suggestions = suggestions.where(false())
    elif section_id is not None:
        comments = comments.where(Comment.section_id == section_id)
        suggestions = suggestions.where(Suggestion.section_id == section_id)
    if department_id is not None:
        comments = comments.where(Comment.department_id == department_id)
        suggestions = suggestions.where(Suggestion.department_id == department_id)
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
        comments.options(
            selectinload(Comment.author),
            selectinload(Comment.department),
            selectinload(Comment.replies),
        ).order_by(Comment.section_id, Comment.id)
    ).all()
    suggestion_rows = db.session.scalars(
        suggestions.options(
            selectinload(Suggestion.author), selectinload(Suggestion.department)
        ).order_by(Suggestion.section_id, Suggestion.id)
    ).all()
    return Queue(list(comment_rows), list(suggestion_rows), open_counts(report))


def open_counts(report: Report) -> dict[str, dict]:
    """Open items by section, department and kind, in a few grouped queries."""
    by_section: dict[int | None, int] = {}
    by_department: dict[int | None, int] = {}
    by_kind: dict[str, int] = {}
    rows = db.session.execute(
        select(Comment.section_id, Comment.department_id, Comment.kind, func.count())
        .where(
            Comment.report_id == report.id,
            Comment.state == FeedbackState.SUBMITTED.value,
            or_(Comment.disposition.is_(None), Comment.disposition == "escalated"),
        )
        .group_by(Comment.section_id, Comment.department_id, Comment.kind)
    )
    for section_id, department_id, kind, n in rows:
        by_section[section_id] = by_section.get(section_id, 0) + n
        by_department[department_id] = by_department.get(department_id, 0) + n
        by_kind[kind] = by_kind.get(kind, 0) + n
    rows = db.session.execute(
        select(Suggestion.section_id, Suggestion.department_id, func.count())
        .where(
            Suggestion.report_id == report.id, Suggestion.status == SuggestionStatus.PENDING.value
        )
        .group_by(Suggestion.section_id, Suggestion.department_id)
    )
    for section_id, department_id, n in rows:
        by_section[section_id] = by_section.get(section_id, 0) + n
        by_department[department_id] = by_department.get(department_id, 0) + n
        by_kind["suggestion"] = by_kind.get("suggestion", 0) + n
    return {
        "section": by_section,
        "department": by_department,
        "kind": by_kind,
        "total": sum(by_kind.values()),
    }


def passage_groups(comments: list[Comment]) -> list[list[Comment]]:
    """Comments on the same passage (same section, overlapping quotes of one version, or
    the same quoted words), so one answer can cover them. Order is kept."""
    groups: list[list[Comment]] = []
    for comment in comments:
        home = None
        if comment.quote:
            for group in groups:
                other = group[0]
                if (
                    other.section_id == comment.section_id
                    and other.quote
                    and _same_passage(other, comment)
                ):
                    home = group
                    break
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
    state: str = FeedbackState.SUBMITTED.value
    kind: str | None = None
    body: str | None = None
    disposition: str | None = None
    response: str | None = None
    base_version: int | None = None
    conflict_version: int | None = None


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
    from ..auth.models import User

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
        .where(
            Suggestion.report_id == report.id, Suggestion.status == SuggestionStatus.PENDING.value
        )
        .order_by(Suggestion.section_id, Suggestion.id)
    ).all()


def undecided_comments(report: Report, *, escalated_only: bool = False, limit: int | None = None):
    """Rows of submitted comments still waiting for an answer (or for the chair's)."""
    waiting = (
        Comment.disposition == "escalated"
        if escalated_only
        else or_(Comment.disposition.is_(None), Comment.disposition == "escalated")
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
            Comment.state == FeedbackState.SUBMITTED.value,
            waiting,
        )
        .order_by(
            *(
                (Comment.submitted_at, Comment.id)
                if escalated_only
                else (Comment.section_id, Comment.id)
            )
        )
        .limit(limit)
    )
    return db.session.execute(stmt).all()


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


def outstanding(report: Report) -> Outstanding:
    """Everything not yet decided on a report, and the departments that have not answered."""
    departments = department_refs()
    comment_rows = undecided_comments(report)
    suggestion_rows = _pending_suggestion_rows(report)
    people = person_refs({r.author_id for r in (*comment_rows, *suggestion_rows)})
    comments, escalated = [], []
    for row in comment_rows:
        item = comment_item(row, report.id, departments, people)
        (escalated if row.disposition == "escalated" else comments).append(item)
    suggestions, conflicts = [], []
    for row in suggestion_rows:
        item = OutstandingItem(
            "suggestion",
            row.id,
            report.id,
            row.section_id,
            departments.get(row.department_id),
            people[row.author_id],
            row.submitted_at,
            base_version=row.base_version,
            conflict_version=row.conflict_version,
        )
        (suggestions if row.conflict_version is None else conflicts).append(item)
    round_ = open_round(report.id) or latest_round(report)
    departments_pending = []
    if round_ is not None:
        departments_pending = [r for r in responses(round_) if r.no_reply and not r.deemed_agree]
    return Outstanding(
        comments=comments,
        suggestions=suggestions,
        conflicts=conflicts,
        escalated=escalated,
        departments_pending=departments_pending,
        round=round_,
    )
