"""Deadline reminders: every invited department that has not answered is reminded
FEEDBACK_DEADLINE_WARNING_HOURS before the deadline, and at FEEDBACK_MAIL_HOUR (07:00,
Asia/Ho_Chi_Minh) on the deadline's day -- in the app, and by e-mail to its lead, its
reviewers and its official mailbox.

Each reminder is made once: a row per (round, department, kind) under a unique
constraint, inserted in the same transaction as the notifications and mails it makes,
so two senders running at once cannot both make it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..auth.models import Department
from ..extensions import db
from ..i18n import local_to_utc, utc_to_local
from ..notifications import services as notifications
from . import rounds
from .models import DeadlineReminder, ReminderKind, Round

NOTIFICATION_KIND = {
    ReminderKind.WARNING: "deadline_warning",
    ReminderKind.DEADLINE_DAY: "deadline_day",
}


def reminder_times(round_: Round) -> dict[ReminderKind, datetime]:
    """When each reminder of a round is due (UTC)."""
    config = current_app.config
    local_deadline = utc_to_local(round_.deadline)
    morning = local_deadline.replace(
        hour=config["FEEDBACK_MAIL_HOUR"], minute=0, second=0, microsecond=0, tzinfo=None
    )
    return {
        ReminderKind.WARNING: round_.deadline
        - timedelta(hours=config["FEEDBACK_DEADLINE_WARNING_HOURS"]),
        ReminderKind.DEADLINE_DAY: local_to_utc(morning),
    }


def due_reminders(round_: Round, now: datetime) -> list[ReminderKind]:
    """The reminders due now, earliest first. A reminder whose time came before the round
    opened is never due (the invitation gave the deadline), nor one after the deadline."""
    if not round_.is_open or now >= round_.deadline:
        return []
    times = reminder_times(round_)
    due = [kind for kind, at in times.items() if round_.opened_at < at <= now < round_.deadline]
    return sorted(due, key=times.__getitem__)


def _candidate_rounds(now: datetime) -> list[Round]:
    horizon = max(current_app.config["FEEDBACK_DEADLINE_WARNING_HOURS"], 24)
    return list(
        db.session.scalars(
            select(Round)
            .where(
                Round.closed_at.is_(None),
                Round.deadline > now,
                Round.deadline <= now + timedelta(hours=horizon),
            )
            .order_by(Round.id)
        )
    )


def make_reminders(now: datetime) -> int:
    """Make the reminders that are due; returns how many were sent. The caller commits.
    When a sender was down past two reminder times, only the latest is sent (the other
    is recorded as skipped): one reminder that says the right thing, not two at once."""
    made = 0
    for round_ in _candidate_rounds(now):
        due = due_reminders(round_, now)
        if not due:
            continue
        done = set(
            db.session.execute(
                select(DeadlineReminder.department_id, DeadlineReminder.kind).where(
                    DeadlineReminder.round_id == round_.id
                )
            ).all()
        )
        for response in rounds.responses(round_):
            if not response.no_reply:
                continue
            for kind in due:
                if (response.department.id, kind.value) in done:
                    continue
                latest = kind is due[-1]
                if _record(round_, response.department, kind, skipped=not latest) and latest:
                    _remind(round_, response.department, kind, now)
                    made += 1
    return made


def _record(round_: Round, department: Department, kind: ReminderKind, *, skipped: bool) -> bool:
    """Record that this reminder is made; False when another sender made it first."""
    try:
        with db.session.begin_nested():
            db.session.add(
                DeadlineReminder(
                    round_id=round_.id,
                    department_id=department.id,
                    kind=kind.value,
                    skipped=skipped,
                )
            )
    except IntegrityError:
        return False
    return True


def _remind(round_: Round, department: Department, kind: ReminderKind, now: datetime) -> None:
    report = round_.report
    notifications.notify(
        notifications.department_users(department.id),
        NOTIFICATION_KIND[kind],
        link=f"report:{report.id}",
        report_id=report.id,
        mailboxes=[department],
        number=round_.number,
        report=report.title,
        deadline=round_.deadline.isoformat(),
        department=department.name,
        hours=int((round_.deadline - now).total_seconds() // 3600),
    )
