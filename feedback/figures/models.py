"""Indicator tables, indicators, the departments' checks and the keyword map."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import Department, User
from ..extensions import db
from ..models_base import UTCDateTime, enum_check, utcnow
from ..reports.models import Section
from ..review.models import Suggestion


class TableKind(StrEnum):
    RESULTS = "results"  # target, actual, assessment of the period under report
    TARGETS = "targets"  # the next period's targets, proposed by the departments


class DirectionCode(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class CheckKind(StrEnum):
    CONFIRM = "confirm"  # the figure is right (with its source)
    CORRECT = "correct"  # a suggestion on the actual's cell
    PROPOSE = "propose"  # a suggestion on the next period's target, or a new row


class CheckStatus(StrEnum):
    DRAFT = "draft"  # the department's, until its lead submits the response
    SUBMITTED = "submitted"


class IndicatorTable(db.Model):
    """A table of a section whose columns name indicators (recognised or mapped)."""

    __tablename__ = "indicator_table"
    __table_args__ = (
        UniqueConstraint("section_id", "table_index"),
        CheckConstraint(enum_check("kind", [k.value for k in TableKind]), name="kind_known"),
        CheckConstraint("table_index >= 0", name="index_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"))
    table_index: Mapped[int]  # the ordinal of the table in the section's text
    kind: Mapped[str] = mapped_column(String(16), default=TableKind.RESULTS.value)
    columns: Mapped[dict] = mapped_column(JSON)  # indicators.tables.ColumnMap.to_dict()
    # Set by the drafting team (mapped or confirmed), else recognised from the header.
    mapped_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # False while the section's current text no longer has this table.
    present: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    section: Mapped[Section] = relationship()

    @property
    def is_targets(self) -> bool:
        return self.kind == TableKind.TARGETS


class Indicator(db.Model):
    """One row of an indicator table, the same indicator from version to version."""

    __tablename__ = "indicator"
    __table_args__ = (
        CheckConstraint(
            f"direction IS NULL OR {enum_check('direction', [d.value for d in DirectionCode])}",
            name="direction_known",
        ),
        Index("ix_indicator_table_row", "table_id", "row"),
        Index("ix_indicator_department", "department_id", "report_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("indicator_table.id"))
    row: Mapped[int]  # its position in the table of the current text
    name: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(200), default="")
    target: Mapped[str] = mapped_column(Text, default="")
    actual: Mapped[str] = mapped_column(Text, default="")
    assessment: Mapped[str] = mapped_column(Text, default="")  # as the table states it
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    # True once the drafting team assigned it; else the keyword map's default.
    department_set: Mapped[bool] = mapped_column(Boolean, default=False)
    direction: Mapped[str | None] = mapped_column(String(8))  # the drafting team's override
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # row gone from the text
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    table: Mapped[IndicatorTable] = relationship()
    department: Mapped[Department | None] = relationship()

    @property
    def section_id(self) -> int:
        return self.table.section_id

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class IndicatorCheck(db.Model):
    """One step in a figure's history: a department confirmed, corrected or proposed it."""

    __tablename__ = "indicator_check"
    __table_args__ = (
        CheckConstraint(enum_check("kind", [k.value for k in CheckKind]), name="kind_known"),
        CheckConstraint(enum_check("status", [s.value for s in CheckStatus]), name="status_known"),
        CheckConstraint("status = 'draft' OR submitted_at IS NOT NULL", name="submission_has_time"),
        CheckConstraint(
            "kind = 'confirm' OR suggestion_id IS NOT NULL", name="change_has_suggestion"
        ),
        CheckConstraint(
            "indicator_id IS NOT NULL OR kind = 'propose'", name="only_proposals_add_rows"
        ),
        Index("ix_indicator_check_indicator", "indicator_id"),
        Index("ix_indicator_check_department", "department_id", "report_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    table_id: Mapped[int] = mapped_column(ForeignKey("indicator_table.id"))
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicator.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(Text, default="")  # the figure confirmed or proposed
    name: Mapped[str] = mapped_column(Text, default="")  # a new indicator's name
    source: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")  # the note or rationale
    suggestion_id: Mapped[int | None] = mapped_column(ForeignKey("suggestion.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=CheckStatus.DRAFT.value)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("round.id"))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    indicator: Mapped[Indicator | None] = relationship()
    table: Mapped[IndicatorTable] = relationship()
    department: Mapped[Department] = relationship()
    author: Mapped[User] = relationship()
    suggestion: Mapped[Suggestion | None] = relationship()

    @property
    def is_draft(self) -> bool:
        if self.suggestion is not None:
            return self.suggestion.is_draft
        return self.status == CheckStatus.DRAFT


class DepartmentKeyword(db.Model):
    """The keyword map: an indicator whose name holds ``keyword`` is, by default, the
    department's ("ngân sách" → Sở Tài chính). Kept by the administrator."""

    __tablename__ = "department_keyword"

    id: Mapped[int] = mapped_column(primary_key=True)
    keyword: Mapped[str] = mapped_column(String(200), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))

    department: Mapped[Department] = relationship()
