"""Consultation rounds and departments' answers: who is invited, when, what each sent,
and the deadline reminders already made."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import Department, User
from ..extensions import db
from ..models_base import UTCDateTime, enum_check, utcnow
from ..reports.models import Report


class ResponseStatus(StrEnum):
    NOT_STARTED = "not_started"
    DRAFTING = "drafting"
    SUBMITTED = "submitted"
    NO_COMMENTS = "no_comments"


class Round(db.Model):
    """A consultation round (đợt lấy ý kiến) on a report."""

    __tablename__ = "round"
    __table_args__ = (
        UniqueConstraint("report_id", "number"),
        CheckConstraint("(closed_at IS NULL) = (closed_by_id IS NULL)", name="closure_has_actor"),
        # At most one open round per report, enforced by the database.
        Index(
            "uq_round_one_open_per_report",
            "report_id",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    # Vietnamese practice: a department that never answers is deemed to agree.
    deemed_agree: Mapped[bool] = mapped_column(Boolean, default=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The numbered draft (dự thảo lần N) the round opened on; None for rounds opened
    # before rounds recorded it on a text that matched no edition. A number, as people
    # speak of it; its foreign key to the edition's (report, number) is declared by
    # consolidation.models, since editions are consolidation's and review never imports it.
    edition_number: Mapped[int | None]

    report: Mapped[Report] = relationship()
    opened_by: Mapped[User] = relationship(foreign_keys=[opened_by_id])
    invitations: Mapped[list[RoundDepartment]] = relationship(
        back_populates="round", cascade="all, delete-orphan"
    )
    section_versions: Mapped[list[RoundSection]] = relationship(cascade="all, delete-orphan")

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def is_past_deadline(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) > self.deadline


class RoundDepartment(db.Model):
    """A department invited to a round."""

    __tablename__ = "round_department"

    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), primary_key=True)

    round: Mapped[Round] = relationship(back_populates="invitations")
    department: Mapped[Department] = relationship(lazy="joined")  # an invitation names it


class RoundSection(db.Model):
    """The version each section was at when the round opened."""

    __tablename__ = "round_section"

    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"), primary_key=True)
    version: Mapped[int]


class Submission(db.Model):
    """One official response of a department in a round (it may send several)."""

    __tablename__ = "submission"
    __table_args__ = (Index("ix_submission_round_department", "round_id", "department_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    no_comments: Mapped[bool] = mapped_column(Boolean, default=False)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    dispatch_number: Mapped[str | None] = mapped_column(String(100))
    dispatch_date: Mapped[date | None] = mapped_column(Date)
    comment_count: Mapped[int] = mapped_column(default=0)
    suggestion_count: Mapped[int] = mapped_column(default=0)

    department: Mapped[Department] = relationship()
    submitted_by: Mapped[User] = relationship()


class ReminderKind(StrEnum):
    """The two deadline reminders an invited department that has not answered gets."""

    WARNING = "warning"  # FEEDBACK_DEADLINE_WARNING_HOURS before the deadline
    DEADLINE_DAY = "deadline_day"  # the morning of the deadline's day


class DeadlineReminder(db.Model):
    """A deadline reminder made for a department in a round. The unique constraint makes
    "each reminder once" a fact of the database, however many senders run at once."""

    __tablename__ = "deadline_reminder"
    __table_args__ = (
        UniqueConstraint("round_id", "department_id", "kind", name="uq_deadline_reminder_once"),
        CheckConstraint(enum_check("kind", [k.value for k in ReminderKind]), name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    kind: Mapped[str] = mapped_column(String(16))
    # The reminder was due but a later one was due too (the sender was down): not sent.
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MarkupImport(db.Model):
    """One Word file a department imported as drafts (its marked-up copy): what it made
    is removed in one step, and the same file is not imported twice in a round."""

    __tablename__ = "markup_import"
    __table_args__ = (
        UniqueConstraint("round_id", "department_id", "sha256", name="uq_markup_import_file"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    filename: Mapped[str] = mapped_column(String(300), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by: Mapped[User] = relationship()

    @property
    def is_draft(self) -> bool:
        """What an import made is the department's drafts: its audit events stay private
        to the department, as those of the drafts themselves."""
        return True
