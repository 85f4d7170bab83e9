"""In-app notifications, and the outbox of e-mails the worker sends."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import UTCDateTime, enum_check, utcnow


class Notification(db.Model):
    """An in-app message to one user; the text is rendered in the reader's language."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_user_unread", "user_id", "read_at"),
        Index("ix_notification_digest", "awaiting_digest", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(64), default="")  # "section:12", see services.url
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The reader wants a daily digest: this waits for the next one (unless read before).
    awaiting_digest: Mapped[bool] = mapped_column(Boolean, default=False)


class MailStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a sender (reclaimed if that sender died)
    SENT = "sent"  # the mail server accepted it
    FAILED = "failed"  # refused for good, or still undeliverable after the give-up time


class OutgoingMail(db.Model):
    """One e-mail to one address, written in the transaction of the change it reports and
    sent later by the worker, so a request never waits on a mail server and a rolled-back
    change mails nothing."""

    __tablename__ = "outgoing_mail"
    __table_args__ = (
        CheckConstraint(enum_check("status", [s.value for s in MailStatus]), name="status_known"),
        CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name="sent_has_time"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index("ix_outgoing_mail_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))  # the notification kind, or "digest"
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notification.id"))
    # A mail that must exist at most once (a user's digest of a day) says so here.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=MailStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    notification: Mapped[Notification | None] = relationship()
