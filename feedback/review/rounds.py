"""Reading consultation rounds: the open one, who is invited, each department's answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..auth.models import Department
from ..errors import NotFound
from ..extensions import db
from ..reports.models import Report
from ..request_cache import request_cached
from . import response_parts
from .models import (
    Comment,
    Reply,
    ResponseStatus,
    Round,
    RoundDepartment,
    Submission,
    Suggestion,
)


@request_cached
def find_open_round(report_id: int) -> Round | None:
    """The report's open round, or None (at most one is open: a unique index says so)."""
    return db.session.scalar(
        select(Round).where(Round.report_id == report_id, Round.closed_at.is_(None))
    )


@request_cached
def invited_department_ids(round_id: int) -> frozenset[int]:
    return frozenset(
        db.session.scalars(
            select(RoundDepartment.department_id).where(RoundDepartment.round_id == round_id)
        )
    )


def invited_to_open_round(report_id: int) -> frozenset[int]:
    """Departments invited to the report's open round (none when no round is open): the
    fact ``permissions`` needs to decide who may comment and suggest."""
    round_ = find_open_round(report_id)
    return invited_department_ids(round_.id) if round_ is not None else frozenset()


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


def current_or_latest_round(report: Report) -> Round | None:
    return find_open_round(report.id) or latest_round(report)


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
    def pending(self) -> bool:
        """Not answered, and not (yet) deemed to agree: what the chair is waiting for."""
        return self.no_reply and not self.deemed_agree

    @property
    def dispatches(self) -> list[Submission]:
        return [s for s in self.submissions if s.dispatch_number]


def draft_counts(report_id: int) -> dict[int, int]:
    """Drafts (comments, suggestions and replies) per department on a report."""
    counts: dict[int, int] = {}
    replies = (
        select(Reply.department_id, func.count())
        .join(Comment, Comment.id == Reply.comment_id)
        .where(Comment.report_id == report_id, Reply.is_draft)
        .group_by(Reply.department_id)
    )
    for statement in [
        *(
            select(model.department_id, func.count())
            .where(model.report_id == report_id, model.is_draft)
            .group_by(model.department_id)
            for model in (Comment, Suggestion)
        ),
        replies,
    ]:
        for department_id, n in db.session.execute(statement):
            counts[department_id] = counts.get(department_id, 0) + n
    for department_id, n in response_parts.draft_counts(report_id).items():
        counts[department_id] = counts.get(department_id, 0) + n
    return counts


def _status(submissions: list[Submission], drafts: int) -> ResponseStatus:
    if any(not s.no_comments for s in submissions):
        return ResponseStatus.SUBMITTED
    if submissions:
        return ResponseStatus.NO_COMMENTS
    return ResponseStatus.DRAFTING if drafts else ResponseStatus.NOT_STARTED


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
        result.append(
            DepartmentResponse(
                department=department,
                status=_status(subs, drafts.get(department.id, 0)),
                first_submitted_at=subs[0].submitted_at if subs else None,
                last_submitted_at=subs[-1].submitted_at if subs else None,
                late=bool(subs) and subs[0].late,
                submissions=tuple(subs),
                drafts=drafts.get(department.id, 0),
                deemed_agree=not subs and not round_.is_open and round_.deemed_agree,
            )
        )
    return result


def response_of(round_: Round, department_id: int) -> DepartmentResponse | None:
    for response in responses(round_):
        if response.department.id == department_id:
            return response
    return None


def pending_departments(round_: Round | None) -> list[DepartmentResponse]:
    """Invited departments that have not answered and are not deemed to agree."""
    return [r for r in responses(round_) if r.pending] if round_ is not None else []
