"""Sending the outbox: claim the mails that are due, hand them to the mail server, and
retry those it could not take, with a growing delay, until FEEDBACK_MAIL_GIVE_UP_HOURS.

Several senders may run at once (two workers, a worker and a cron job). Claiming is
atomic: PostgreSQL skips rows another sender has locked (``FOR UPDATE SKIP LOCKED``), SQLite
serialises the claim with ``BEGIN IMMEDIATE``, and on both the claiming UPDATE only takes
rows that are still due. A claim is committed before anything is sent, and each mail's
outcome right after the server answers, so this module is one of the worker's commit
points (as transaction.py is for requests). A sender that dies holding a claim loses it
after ``LEASE``; the mail is then sent again (at least once, never silently lost).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from flask import current_app
from sqlalchemy import and_, func, or_, select, update

from ..database import begin_writes_immediately
from ..extensions import db
from ..models_base import utcnow
from . import smtp
from .models import MailStatus, OutgoingMail

BATCH = 50
LEASE = timedelta(minutes=10)
MAX_DELAY = timedelta(hours=1)


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes after each failed attempt, at most an hour."""
    return min(timedelta(minutes=2 ** min(max(attempts - 1, 0), 10)), MAX_DELAY)


def _due(now: datetime):
    return or_(
        and_(OutgoingMail.status == MailStatus.PENDING.value, OutgoingMail.next_attempt_at <= now),
        and_(
            OutgoingMail.status == MailStatus.SENDING.value, OutgoingMail.claimed_at < now - LEASE
        ),
    )


def claim(now: datetime, limit: int = BATCH) -> list[OutgoingMail]:
    """Take up to ``limit`` due mails for this sender alone, and commit the claim."""
    session = db.session
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("claim() commits: call it with no unsaved changes")
    session.rollback()  # end any read transaction, so the next one can begin immediately
    begin_writes_immediately()
    ids = session.scalars(
        select(OutgoingMail.id)
        .where(_due(now))
        .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    claimer = uuid.uuid4().hex
    if ids:
        session.execute(
            update(OutgoingMail)
            .where(OutgoingMail.id.in_(ids), _due(now))
            .values(
                status=MailStatus.SENDING.value,
                claimed_at=now,
                claimed_by=claimer,
                attempts=OutgoingMail.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
    session.commit()
    if not ids:
        return []
    return list(
        session.scalars(
            select(OutgoingMail)
            .where(
                OutgoingMail.claimed_by == claimer,
                OutgoingMail.status == MailStatus.SENDING.value,
            )
            .order_by(OutgoingMail.id)
        )
    )


def build_message(row: OutgoingMail, now: datetime) -> EmailMessage:
    sender = current_app.config["FEEDBACK_MAIL_FROM"]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = Address(display_name=row.to_name, addr_spec=row.to_address)
    message["Subject"] = row.subject
    message["Date"] = format_datetime(now)
    # The same id on every attempt: a server that got it twice can tell.
    message["Message-ID"] = f"<feedback-mail-{row.id}.{row.created_at:%Y%m%d%H%M%S}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    message.set_content(row.body)
    return message


def _sent(row: OutgoingMail, now: datetime) -> None:
    row.status, row.sent_at, row.last_error = MailStatus.SENT.value, now, None


def _not_sent(row: OutgoingMail, now: datetime, error: str, *, permanent: bool) -> bool:
    """Schedule another attempt, or give up; True when it will be retried."""
    give_up_at = row.created_at + timedelta(hours=current_app.config["FEEDBACK_MAIL_GIVE_UP_HOURS"])
    row.last_error = error[:1000]
    row.claimed_by = None
    if permanent or now + backoff(row.attempts) > give_up_at:
        row.status = MailStatus.FAILED.value
        return False
    row.status = MailStatus.PENDING.value
    row.next_attempt_at = now + backoff(row.attempts)
    return True


def _send_one(connection, row: OutgoingMail, now: datetime) -> None:
    try:
        message = build_message(row, now)
    except (ValueError, TypeError) as error:  # an address or header no server would take
        raise smtp.DeliveryError(f"cannot write this mail: {error}", permanent=True) from error
    smtp.deliver(connection, message)


def _write(change) -> None:
    """Record an outcome in a transaction of its own. On SQLite it begins IMMEDIATE: a
    deferred one that has read cannot wait for the write lock another sender holds."""
    db.session.rollback()  # nothing unsaved here: only ends the read snapshot
    begin_writes_immediately()
    change()
    db.session.commit()


def _deliver_all(rows: list[OutgoingMail], now: datetime, report: SendReport) -> None:
    connection = None
    try:
        for index, row in enumerate(rows):
            try:
                if connection is None:
                    connection = smtp.connect()
                _send_one(connection, row, now)
            except smtp.DeliveryError as error:
                failed = rows[index:] if error.connection_lost else [row]

                def record(failed=failed, error=error):
                    for item in failed:
                        retried = _not_sent(item, now, str(error), permanent=error.permanent)
                        report.retrying += retried
                        report.failed += not retried

                _write(record)
                if error.connection_lost:
                    return  # the server is gone: the rest waits for its next attempt
                continue
            _write(lambda row=row: _sent(row, now))
            report.sent += 1
    finally:
        smtp.close(connection)


def send_due(now: datetime | None = None, *, limit: int = BATCH) -> SendReport:
    """One sending pass. Without a configured mail server it sends nothing and leaves
    every mail waiting in the outbox."""
    report = SendReport()
    if smtp.missing_settings():
        return report
    now = now or utcnow()
    _deliver_all(claim(now, limit), now, report)
    return report


def counts() -> dict[str, int]:
    rows = db.session.execute(
        select(OutgoingMail.status, func.count()).group_by(OutgoingMail.status)
    ).all()
    return {status.value: 0 for status in MailStatus} | dict(rows)


def recent_failures(limit: int = 10) -> list[OutgoingMail]:
    return list(
        db.session.scalars(
            select(OutgoingMail)
            .where(
                OutgoingMail.last_error.is_not(None), OutgoingMail.status != MailStatus.SENT.value
            )
            .order_by(OutgoingMail.id.desc())
            .limit(limit)
        )
    )
