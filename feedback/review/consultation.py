"""Consultation use cases: opening and closing rounds, a department's official response.

Every function takes the acting user, checks permission through ``permissions``,
changes state, flushes and records an audit event; the request commits.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from .. import deferred, permissions
from ..audit.services import record
from ..auth.models import Department
from ..errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from ..extensions import db
from ..models_base import utcnow
from ..notifications import services as notifications
from ..reports import queries as report_queries
from ..reports.models import Report, ReportStatus
from ..reports.services import SECTION_PREVIEWS
from ..validation import clean_line, clean_text
from . import response_parts, round_edition, rounds, services, visibility
from .models import (
    CommentStatus,
    Reply,
    ReplyStatus,
    ResponseStatus,
    Round,
    RoundDepartment,
    RoundSection,
    Submission,
    SuggestionStatus,
)

# Rounds ---------------------------------------------------------------------------


# A consultation round lasts days or weeks; a deadline further ahead than this is a
# typing mistake (year 2205 for 2025), refused rather than silently kept open for years.
DEADLINE_HORIZON = timedelta(days=731)


def _check_deadline(deadline) -> datetime:
    """The deadline in UTC, if it is a moment in the next two years."""
    if not isinstance(deadline, datetime) or deadline.tzinfo is None:
        raise InvalidInput(
            _("The deadline must be a date and time."), details={"field": "deadline"}
        )
    now = utcnow()
    try:
        deadline = deadline.astimezone(UTC)
    except OverflowError:  # year 1 at +07:00, year 9999 at -05:00: no UTC moment
        raise _deadline_too_far() from None
    if deadline <= now:
        raise InvalidInput(_("The deadline must be in the future."), details={"field": "deadline"})
    if deadline > now + DEADLINE_HORIZON:
        raise _deadline_too_far()
    return deadline


def _deadline_too_far() -> InvalidInput:
    return InvalidInput(
        _("The deadline must be within two years from now."), details={"field": "deadline"}
    )


def _invited_departments(department_codes) -> list[Department]:
    codes = sorted({str(c).strip().upper() for c in department_codes or [] if str(c).strip()})
    if not codes:
        raise InvalidInput(_("Invite at least one department."), details={"field": "departments"})
    departments = db.session.scalars(select(Department).where(Department.code.in_(codes))).all()
    unknown = sorted(set(codes) - {d.code for d in departments})
    if unknown:
        raise InvalidInput(
            _("Unknown department codes: %(codes)s.", codes=", ".join(unknown)),
            details={"field": "departments", "unknown": unknown},
        )
    return sorted(departments, key=lambda d: d.code)


def open_round(
    actor,
    report: Report,
    *,
    deadline: datetime,
    department_codes,
    title="",
    note="",
    deemed_agree: bool = True,
) -> Round:
    """Open a consultation round on a numbered draft: the current text is issued as the
    next edition first when it is not one yet. Records the version every section is at."""
    permissions.require(permissions.can_manage_rounds(actor, report))
    deadline = _check_deadline(deadline)
    departments = _invited_departments(department_codes)
    if rounds.find_open_round(report.id) is not None:
        raise InvalidTransition(_("A round is already open on this report; close it first."))
    previous = rounds.latest_round(report)
    number = (previous.number + 1) if previous else 1
    round_ = Round(
        report_id=report.id,
        number=number,
        edition_number=_opening_edition(actor, report, number),
        title=clean_line(title or "", _("Title"), max_chars=300, required=False),
        note=clean_text(
            note or "",
            _("Note"),
            max_chars=current_app.config["FEEDBACK_MAX_BODY_CHARS"],
            required=False,
        ),
        deadline=deadline,
        deemed_agree=bool(deemed_agree),
        opened_by_id=actor.id,
    )
    round_.invitations = [RoundDepartment(department_id=d.id) for d in departments]
    round_.section_versions = [
        RoundSection(section_id=e.section.id, version=e.section.current_version)
        for e in report_queries.outline(report)
    ]
    db.session.add(round_)
    report.status = ReportStatus.CONSULTATION.value
    db.session.flush()
    for department in departments:
        notifications.notify(
            notifications.department_users(department.id),
            "round_opened",
            link=f"report:{report.id}",
            mailboxes=[department],
            report_id=report.id,
            number=round_.number,
            report=report.title,
            deadline=deadline.isoformat(),
        )
    record(
        actor,
        "round.opened",
        round_,
        number=round_.number,
        departments=[d.code for d in departments],
        deadline=deadline.isoformat(),
        edition=round_.edition_number,
    )
    return round_


def _opening_edition(actor, report: Report, round_number: int) -> int:
    """The number of the edition the round opens on, issued now when the current text
    is not an edition yet."""
    draft = round_edition.plan(report)
    if not draft.to_issue:
        return draft.number
    return round_edition.issue(
        actor, report, _("Issued for consultation round %(n)d.", n=round_number)
    )


def close_round(actor, round_: Round) -> Round:
    permissions.require(permissions.can_manage_rounds(actor, round_.report))
    if not round_.is_open:
        raise InvalidTransition(_("This round is already closed."))
    round_.closed_at = utcnow()
    round_.closed_by_id = actor.id
    round_.report.status = ReportStatus.DRAFTING.value
    no_reply = [r.department.code for r in rounds.responses(round_) if r.no_reply]
    record(actor, "round.closed", round_, no_reply=no_reply, deemed_agree=round_.deemed_agree)
    return round_


# Department responses -------------------------------------------------------------


def _check_can_respond(actor, round_: Round) -> None:
    """A closed round says so to its invited departments; to anyone else it does not exist."""
    invited = rounds.invited_department_ids(round_.id)
    in_round = permissions.in_department(actor) and actor.department_id in invited
    if not round_.is_open:
        if in_round:
            raise InvalidTransition(
                _(
                    "Round %(n)d closed on %(date)s; responses are no longer accepted. Your drafts are kept.",
                    n=round_.number,
                    date=round_.closed_at.strftime("%d/%m/%Y"),
                ),
            )
        raise NotFound()
    if not in_round:
        raise PermissionDenied(_("Your department is not invited to this round."))
    permissions.require(
        permissions.can_submit_response(actor, round_, invited=invited),
        _("Only the department's lead can submit its official response."),
    )


def _check_answer(actor, round_: Round, no_comments: bool, drafts: int, parts: int = 0) -> None:
    """ "No comments" needs no drafts left and no feedback already sent; feedback needs drafts.
    Drafts of the response's other parts (``parts``: confirmed figures) go with either."""
    if no_comments:
        if drafts:
            raise InvalidInput(
                _(
                    "Your department has %(n)d drafts on this report: submit them, or delete them before answering “no comments”.",
                    n=drafts,
                ),
                details={"drafts": drafts},
            )
        response = rounds.response_of(round_, actor.department_id)
        if response and response.status is ResponseStatus.SUBMITTED:
            raise InvalidTransition(
                _("Your department has already submitted feedback in this round.")
            )
    elif not drafts and not parts:
        raise InvalidInput(
            _(
                "There is nothing to submit: your department has no drafts on this report. "
                "To agree with the draft, answer “no comments”."
            ),
        )


def _publish(items, round_: Round, submission: Submission, published_status: str) -> None:
    for item in items:
        item.status = published_status
        item.round_id, item.submission_id = round_.id, submission.id
        item.submitted_at = submission.submitted_at


def _publish_replies(actor, replies, submission: Submission) -> None:
    for reply in replies:
        reply.status, reply.submission_id = ReplyStatus.SUBMITTED.value, submission.id
        reply.submitted_at = submission.submitted_at
        services.notify_reply(actor, reply)


def _publish_all(actor, round_, submission, comments, suggestions, replies) -> None:
    _publish(comments, round_, submission, CommentStatus.SUBMITTED.value)
    _publish(suggestions, round_, submission, SuggestionStatus.PENDING.value)
    _publish_replies(actor, replies, submission)
    for suggestion in suggestions:  # made on an older version: the drafters need a preview
        deferred.defer(db.session, SECTION_PREVIEWS, suggestion.section_id)


def publish_reply(actor, reply: Reply) -> Reply:
    """The lead sends one draft reply of the department on its own, once the department
    has sent its response in the open round (before that, the response sends it)."""
    round_ = rounds.find_open_round(reply.comment.report_id)
    if round_ is None:
        raise InvalidTransition(
            _("No consultation round is open: the reply stays a draft of your department.")
        )
    permissions.require(
        permissions.can_publish_reply(
            actor, reply, round_, invited=rounds.invited_department_ids(round_.id)
        ),
        _("Only the department's lead sends its replies."),
    )
    response = rounds.response_of(round_, actor.department_id)
    submission = response.submissions[-1] if response and response.submissions else None
    if submission is None:
        raise InvalidTransition(
            _("Send this reply with your department's response (it is among its drafts).")
        )
    _publish_replies(actor, [reply], submission)
    record(actor, "reply.published", reply, object_type="reply", comment=reply.comment_id)
    return reply


def submit_response(
    actor,
    round_: Round,
    *,
    no_comments: bool = False,
    dispatch_number=None,
    dispatch_date: date | None = None,
) -> Submission:
    """The lead sends the department's official response: every draft of the department
    on this report becomes visible at once, stamped with the round and the time; or the
    department answers "no comments" (agrees with the draft)."""
    _check_can_respond(actor, round_)
    if dispatch_date is not None and not isinstance(dispatch_date, date):
        raise InvalidInput(
            _("The dispatch date must be a date."), details={"field": "dispatch_date"}
        )
    dispatch_number = (
        clean_line(dispatch_number or "", _("Dispatch number"), max_chars=100, required=False)
        or None
    )
    comments, suggestions = visibility.department_drafts(round_.report, actor.department_id)
    replies = visibility.department_reply_drafts(round_.report, actor.department_id)
    parts = response_parts.draft_count(round_.report_id, actor.department_id)
    _check_answer(
        actor, round_, no_comments, len(comments) + len(suggestions) + len(replies), parts
    )
    now = utcnow()
    submission = Submission(
        round_id=round_.id,
        department_id=actor.department_id,
        submitted_by_id=actor.id,
        submitted_at=now,
        no_comments=bool(no_comments),
        late=round_.is_past_deadline(now),
        dispatch_number=dispatch_number,
        dispatch_date=dispatch_date,
        comment_count=len(comments),
        suggestion_count=len(suggestions),
    )
    db.session.add(submission)
    db.session.flush()
    _publish_all(actor, round_, submission, comments, suggestions, replies)
    response_parts.publish(round_, submission)
    report = round_.report
    notifications.notify(
        notifications.drafters(),
        "response_submitted",
        link=f"round:{round_.id}",
        report_id=report.id,
        department=actor.department.name,
        report=report.title,
        no_comments=bool(no_comments),
        comments=len(comments),
        suggestions=len(suggestions),
    )
    record(
        actor,
        "response.submitted",
        submission,
        object_type="submission",
        report_id=report.id,
        round=round_.number,
        no_comments=bool(no_comments),
        late=submission.late,
        comments=len(comments),
        suggestions=len(suggestions),
        replies=len(replies),
        dispatch_number=dispatch_number,
    )
    return submission
