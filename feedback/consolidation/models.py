"""Consolidated versions (editions): immutable, numbered snapshots of a report."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..extensions import db
from ..models_base import UTCDateTime, enum_check, utcnow
from ..reports.models import DOCUMENT_FORMAT, DocumentFormat, Report
from ..review.models import Round


class EditionStatus(StrEnum):
    ISSUED = "issued"
    APPROVED = "approved"
    SUBMITTED = "submitted"


class Edition(DocumentFormat, db.Model):
    """Dự thảo lần N: every section's version at one moment, and the report's
    administrative format as it was when issued (the document format columns)."""

    __tablename__ = "edition"
    __table_args__ = (
        UniqueConstraint("report_id", "number"),
        CheckConstraint(
            enum_check("status", [s.value for s in EditionStatus]), name="status_known"
        ),
        CheckConstraint(
            "(status = 'issued') OR (approved_at IS NOT NULL AND approved_by_id IS NOT NULL)",
            name="approval_has_chair",
        ),
        CheckConstraint(
            "(status <> 'submitted') OR (submitted_at IS NOT NULL AND submitted_by_id IS NOT NULL)",
            name="submission_has_chair",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    number: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(String(500))  # the report title at that moment
    status: Mapped[str] = mapped_column(String(16), default=EditionStatus.ISSUED.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    report: Mapped[Report] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    sections: Mapped[list[EditionSection]] = relationship(
        order_by="EditionSection.position", cascade="all, delete-orphan"
    )


class EditionSection(db.Model):
    """One section of an edition: which version, where, with which number."""

    __tablename__ = "edition_section"

    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id"), primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"), primary_key=True)
    version: Mapped[int]
    position: Mapped[int]  # document order
    number: Mapped[str] = mapped_column(String(32))
    depth: Mapped[int]
    # What the heading printed before its text ("1." under "I.", "a)", "I.1."), frozen
    # with the edition; None for editions issued before it was kept (they print the path).
    label: Mapped[str | None] = mapped_column(String(40))


class EditionExport(db.Model):
    """An edition's export (.docx, .md, .html) as built once, served to every reader by
    every server: the bytes are the document. Keyed by what they depend on: the edition,
    the edition its changes are marked against (0: none), the format, whether it is still
    a draft ("DỰ THẢO lần N"), the language of its few translated words, and the layout
    version (``exports.EXPORT_LAYOUT``)."""

    __tablename__ = "edition_export"
    __table_args__ = (
        UniqueConstraint(
            "edition_id",
            "since_number",
            "fmt",
            "draft",
            "locale",
            "layout",
            name="uq_edition_export_key",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id"), index=True)
    since_number: Mapped[int] = mapped_column(Integer, default=0)
    fmt: Mapped[str] = mapped_column(String(8))
    draft: Mapped[bool] = mapped_column(Boolean)
    locale: Mapped[str] = mapped_column(String(8))
    layout: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# The edition a round opened on (review.models.Round.edition_number): declared here, where
# editions are known, so that review's models load without consolidation's.
Round.__table__.append_constraint(
    ForeignKeyConstraint(
        ["report_id", "edition_number"],
        ["edition.report_id", "edition.number"],
        name="fk_round_edition_edition",
    )
)


@event.listens_for(Edition, "before_update")
def _format_frozen(_mapper, _connection, target):
    state = inspect(target)
    if any(state.attrs[name].history.has_changes() for name in DOCUMENT_FORMAT):
        raise RuntimeError("an edition's document format never changes")


@event.listens_for(EditionSection, "before_update")
@event.listens_for(EditionSection, "before_delete")
def _frozen(_mapper, _connection, target):
    raise RuntimeError("an edition's sections never change")
