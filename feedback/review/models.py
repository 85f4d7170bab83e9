"""Comments, replies, suggestions and the history of decisions on them.

Rounds and departments' answers are in ``round_models``; they are imported here too, so
``review.models`` names every model of the consultation."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    and_,
    or_,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import Department, Role, User
from ..extensions import db
from ..models_base import UTCDateTime, enum_check, utcnow
from ..reports.models import Report, Section
from .round_models import (  # noqa: F401 - re-exported: the consultation's models, in one place
    DeadlineReminder,
    MarkupImport,
    ReminderKind,
    ResponseStatus,
    Round,
    RoundDepartment,
    RoundSection,
    Submission,
)


class CommentKind(StrEnum):
    GENERAL = "general"
    WORDING = "wording"
    FIGURES = "figures"
    STRUCTURE = "structure"


class CommentStatus(StrEnum):
    """Where a comment stands: a department's draft, submitted (published), or withdrawn."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


class Disposition(StrEnum):
    ABSORBED = "absorbed"  # tiếp thu
    PARTLY_ABSORBED = "partly_absorbed"  # tiếp thu một phần
    EXPLAINED = "explained"  # giải trình
    NOTED = "noted"
    ESCALATED = "escalated"  # xin ý kiến lãnh đạo

    @property
    def needs_response(self) -> bool:
        return self in (Disposition.PARTLY_ABSORBED, Disposition.EXPLAINED)


class SuggestionStatus(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"  # submitted, undecided
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


DECIDED_SUGGESTION = (SuggestionStatus.ACCEPTED, SuggestionStatus.REJECTED)
# What the consolidation table lists: everything departments submitted and did not withdraw.
LISTED_SUGGESTION = (SuggestionStatus.PENDING, *DECIDED_SUGGESTION)


class Comment(db.Model):
    __tablename__ = "comment"
    __table_args__ = (
        CheckConstraint(enum_check("kind", [k.value for k in CommentKind]), name="kind_known"),
        CheckConstraint(
            enum_check("status", [s.value for s in CommentStatus]), name="status_known"
        ),
        CheckConstraint(
            f"disposition IS NULL OR {enum_check('disposition', [d.value for d in Disposition])}",
            name="disposition_known",
        ),
        CheckConstraint(
            "disposition IS NULL OR (decided_by_id IS NOT NULL AND decided_at IS NOT NULL)",
            name="decision_has_judge",
        ),
        CheckConstraint("status = 'draft' OR submitted_at IS NOT NULL", name="submission_has_time"),
        CheckConstraint(
            "department_id IS NOT NULL OR status <> 'draft'", name="only_departments_draft"
        ),
        CheckConstraint("quote IS NULL OR section_id IS NOT NULL", name="quote_needs_section"),
        Index("ix_comment_report_status", "report_id", "status"),
        Index("ix_comment_section", "section_id"),
        Index("ix_comment_department", "department_id", "report_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(16), default=CommentKind.GENERAL.value)
    body: Mapped[str] = mapped_column(Text)
    base_version: Mapped[int | None]
    quote: Mapped[str | None] = mapped_column(Text)
    quote_prefix: Mapped[str | None] = mapped_column(Text)
    quote_suffix: Mapped[str | None] = mapped_column(Text)
    quote_start: Mapped[int | None]
    # The quoted passage as the reader saw it: the stored quote may hold Markdown
    # ("**48,5**", a link's address, a table's "|").
    quote_shown: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=CommentStatus.DRAFT.value)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("round.id"))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disposition: Mapped[str | None] = mapped_column(String(20))
    response: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    absorbed_version: Mapped[int | None]
    # Imported from a department's marked-up Word copy: the import, and the name the
    # comment's writer had in Word (the uploader is the author).
    markup_import_id: Mapped[int | None] = mapped_column(ForeignKey("markup_import.id"), index=True)
    word_author: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    report: Mapped[Report] = relationship()
    section: Mapped[Section | None] = relationship()
    department: Mapped[Department | None] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    replies: Mapped[list[Reply]] = relationship(
        back_populates="comment", order_by="Reply.id", cascade="all, delete-orphan"
    )
    decisions: Mapped[list[Decision]] = relationship(order_by="Decision.id", viewonly=True)

    # Each state rule is written once and works both on an object and in SQL
    # (``select(Comment).where(Comment.is_outstanding)``).

    @hybrid_property
    def is_draft(self) -> bool:
        return self.status == CommentStatus.DRAFT

    @is_draft.inplace.expression
    @classmethod
    def _is_draft(cls):
        return cls.status == CommentStatus.DRAFT.value

    @hybrid_property
    def is_outstanding(self) -> bool:
        """Submitted and not finally answered (an escalated comment waits for the chair)."""
        return self.status == CommentStatus.SUBMITTED and self.disposition in (
            None,
            Disposition.ESCALATED,
        )

    @is_outstanding.inplace.expression
    @classmethod
    def _is_outstanding(cls):
        return and_(
            cls.status == CommentStatus.SUBMITTED.value,
            or_(cls.disposition.is_(None), cls.disposition == Disposition.ESCALATED.value),
        )

    @hybrid_property
    def awaits_chair(self) -> bool:
        """Escalated by the drafting team; the chair has not answered yet."""
        return self.status == CommentStatus.SUBMITTED and self.disposition == Disposition.ESCALATED

    @awaits_chair.inplace.expression
    @classmethod
    def _awaits_chair(cls):
        return and_(
            cls.status == CommentStatus.SUBMITTED.value,
            cls.disposition == Disposition.ESCALATED.value,
        )

    @property
    def is_withdrawn(self) -> bool:
        return self.status == CommentStatus.WITHDRAWN

    @property
    def escalation(self) -> Decision | None:
        """The drafting team's request to the chair, kept when the chair answers."""
        return next(
            (d for d in reversed(self.decisions) if d.action == DecisionAction.ESCALATED), None
        )

    @property
    def answered_by_chair(self) -> bool:
        return (
            self.is_answered and self.decided_by is not None and self.decided_by.role == Role.CHAIR
        )

    @hybrid_property
    def is_answered(self) -> bool:
        """Finally answered: a disposition other than escalation."""
        return self.disposition is not None and self.disposition != Disposition.ESCALATED

    @is_answered.inplace.expression
    @classmethod
    def _is_answered(cls):
        return and_(cls.disposition.is_not(None), cls.disposition != Disposition.ESCALATED.value)


class ReplyStatus(StrEnum):
    """A department member's reply is a draft of the department until its lead sends it
    (with the department's response, or on its own); the drafting team's and the chair's
    are published at once."""

    DRAFT = "draft"
    SUBMITTED = "submitted"


class Reply(db.Model):
    __tablename__ = "reply"
    __table_args__ = (
        CheckConstraint(enum_check("status", [s.value for s in ReplyStatus]), name="status_known"),
        CheckConstraint("status = 'draft' OR submitted_at IS NOT NULL", name="submission_has_time"),
        CheckConstraint(
            "department_id IS NOT NULL OR status <> 'draft'", name="only_departments_draft"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # The department that speaks (None: the drafting team or the chair).
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=ReplyStatus.SUBMITTED.value)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id"))
    word_author: Mapped[str | None] = mapped_column(String(200))  # the name written in Word
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    comment: Mapped[Comment] = relationship(back_populates="replies")
    author: Mapped[User] = relationship()
    department: Mapped[Department | None] = relationship()

    @hybrid_property
    def is_draft(self) -> bool:
        return self.status == ReplyStatus.DRAFT

    @is_draft.inplace.expression
    @classmethod
    def _is_draft(cls):
        return cls.status == ReplyStatus.DRAFT.value

    @property
    def report_id(self) -> int:
        return self.comment.report_id


class Suggestion(db.Model):
    """New text for a section proposed against a base version."""

    __tablename__ = "suggestion"
    __table_args__ = (
        CheckConstraint(
            enum_check("status", [s.value for s in SuggestionStatus]), name="status_known"
        ),
        CheckConstraint(
            "(status IN ('accepted', 'rejected')) = (decided_by_id IS NOT NULL AND decided_at IS NOT NULL)",
            name="decision_has_judge",
        ),
        CheckConstraint("status = 'draft' OR submitted_at IS NOT NULL", name="submission_has_time"),
        CheckConstraint(
            "status <> 'accepted' OR result_version IS NOT NULL", name="accepted_has_version"
        ),
        Index("ix_suggestion_report_status", "report_id", "status"),
        Index("ix_suggestion_section", "section_id"),
        Index("ix_suggestion_department", "department_id", "report_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    base_version: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=SuggestionStatus.DRAFT.value)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("round.id"))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)
    accepted_with_edits: Mapped[bool] = mapped_column(Boolean, default=False)
    applied_text: Mapped[str | None] = mapped_column(Text)
    result_version: Mapped[int | None]
    # Set when an accept found a conflict with the section at this version.
    conflict_version: Mapped[int | None]
    markup_import_id: Mapped[int | None] = mapped_column(ForeignKey("markup_import.id"), index=True)
    word_author: Mapped[str | None] = mapped_column(String(200))  # the name written in Word
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    report: Mapped[Report] = relationship()
    section: Mapped[Section] = relationship()
    department: Mapped[Department] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    decisions: Mapped[list[Decision]] = relationship(order_by="Decision.id", viewonly=True)

    @hybrid_property
    def is_draft(self) -> bool:
        return self.status == SuggestionStatus.DRAFT

    @is_draft.inplace.expression
    @classmethod
    def _is_draft(cls):
        return cls.status == SuggestionStatus.DRAFT.value

    @hybrid_property
    def is_outstanding(self) -> bool:
        """Submitted and not decided yet (a conflicted one waits for a hand merge)."""
        return self.status == SuggestionStatus.PENDING

    @is_outstanding.inplace.expression
    @classmethod
    def _is_outstanding(cls):
        return cls.status == SuggestionStatus.PENDING.value

    @hybrid_property
    def is_decided(self) -> bool:
        return self.status in DECIDED_SUGGESTION

    @is_decided.inplace.expression
    @classmethod
    def _is_decided(cls):
        return cls.status.in_([s.value for s in DECIDED_SUGGESTION])

    @property
    def is_rejected(self) -> bool:
        return self.status == SuggestionStatus.REJECTED

    @hybrid_property
    def needs_merge(self) -> bool:
        """An accept found a conflict: it waits for the drafting team's hand merge."""
        return self.status == SuggestionStatus.PENDING and self.conflict_version is not None

    @needs_merge.inplace.expression
    @classmethod
    def _needs_merge(cls):
        return and_(cls.status == SuggestionStatus.PENDING.value, cls.conflict_version.is_not(None))


class SuggestionPreview(db.Model):
    """What accepting a pending suggestion would make of its section at one version.

    Rebasing can be costly, so it is done when the section changes (a write) and read by
    the drafting team's page; ``merged_text`` is None when the suggestion conflicts."""

    __tablename__ = "suggestion_preview"

    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestion.id"), primary_key=True)
    section_version: Mapped[int] = mapped_column(primary_key=True)
    merged_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DecisionAction(StrEnum):
    ACCEPTED = "accepted"
    ACCEPTED_WITH_EDITS = "accepted_with_edits"
    REJECTED = "rejected"
    CONFLICT = "conflict"
    ABSORBED = "absorbed"
    PARTLY_ABSORBED = "partly_absorbed"
    EXPLAINED = "explained"
    NOTED = "noted"
    ESCALATED = "escalated"
    REOPENED = "reopened"


class Decision(db.Model):
    """One step in the history of a decision on a comment or suggestion; never changed."""

    __tablename__ = "decision"
    __table_args__ = (
        CheckConstraint(
            enum_check("action", [a.value for a in DecisionAction]), name="action_known"
        ),
        CheckConstraint("(comment_id IS NULL) <> (suggestion_id IS NULL)", name="one_subject"),
        Index("ix_decision_comment", "comment_id"),
        Index("ix_decision_suggestion", "suggestion_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id"))
    suggestion_id: Mapped[int | None] = mapped_column(ForeignKey("suggestion.id"))
    action: Mapped[str] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(Text, default="")
    section_version: Mapped[int | None]
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User] = relationship()
