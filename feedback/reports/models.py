"""Reports, sections and section versions."""

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
    and_,
    event,
)
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from ..auth.models import User
from ..extensions import db
from ..models_base import UTCDateTime, enum_check, utcnow


class ReportStatus(StrEnum):
    DRAFTING = "drafting"
    CONSULTATION = "consultation"
    SUBMITTED = "submitted"


class Numbering(StrEnum):
    ROMAN = "roman"  # I, I.1, I.1.1
    DECIMAL = "decimal"  # 1, 1.1, 1.1.1


class VersionKind(StrEnum):
    IMPORT = "import"
    CREATE = "create"
    EDIT = "edit"
    RENAME = "rename"
    ACCEPT = "accept"
    RESTORE = "restore"


class VersionReason(StrEnum):
    """Why a version was made: a code plus parameters, translated when shown (the
    reader's language may not be the author's); ``custom`` carries the author's words."""

    IMPORTED = "imported"  # params: {"source": file name or "markdown"}
    CREATED = "created"
    EDITED = "edited"
    RENAMED = "renamed"
    ACCEPTED = "accepted"  # params: {"id": suggestion id, "department": its name}
    ACCEPTED_WITH_EDITS = "accepted_with_edits"  # same params
    RESTORED = "restored"  # params: {"version": n}
    CUSTOM = "custom"  # params: {"text": what the author typed}


MAX_LEVEL = 3


# The administrative format of the report's documents (Decree 30/2020/NĐ-CP): field ->
# (most characters, whether it may span lines). Copied into every edition when issued.
DOCUMENT_FORMAT = {
    "superior_body": (200, True),
    "issuing_body": (200, True),
    "document_number": (60, False),
    "place": (100, False),
    "document_type": (100, False),
    "signature_block": (500, True),
    "recipients": (2000, True),
}
DEFAULT_DOCUMENT_TYPE = "BÁO CÁO"


class DocumentFormat:
    """Columns of the administrative format, shared by a report (the settings in force)
    and an edition (its frozen copy)."""

    superior_body: Mapped[str] = mapped_column(String(200), default="", server_default="")
    issuing_body: Mapped[str] = mapped_column(String(200), default="", server_default="")
    document_number: Mapped[str] = mapped_column(String(60), default="", server_default="")
    place: Mapped[str] = mapped_column(String(100), default="", server_default="")
    document_type: Mapped[str] = mapped_column(
        String(100), default=DEFAULT_DOCUMENT_TYPE, server_default=""
    )
    signature_block: Mapped[str] = mapped_column(Text, default="", server_default="")
    recipients: Mapped[str] = mapped_column(Text, default="", server_default="")

    def document_format(self) -> dict[str, str]:
        return {name: getattr(self, name) or "" for name in DOCUMENT_FORMAT}


class Report(DocumentFormat, db.Model):
    __tablename__ = "report"
    __table_args__ = (
        CheckConstraint(enum_check("status", [s.value for s in ReportStatus]), name="status_known"),
        CheckConstraint(
            enum_check("numbering", [n.value for n in Numbering]), name="numbering_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default=ReportStatus.DRAFTING.value)
    numbering: Mapped[str] = mapped_column(String(16), default=Numbering.ROMAN.value)
    # How the document prints each level's number (["I.", "1.", "a)"]: a part, then
    # its sections numbered on their own); None prints the path ("I.1").
    numbering_scheme: Mapped[list | None] = mapped_column(JSON)
    # Vietnamese practice varies; by default departments read each other's submitted feedback.
    departments_see_each_other: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[User] = relationship()
    sections: Mapped[list[Section]] = relationship(
        back_populates="report", order_by="Section.position", viewonly=True
    )


class Section(db.Model):
    __tablename__ = "section"
    __table_args__ = (
        CheckConstraint(f"level BETWEEN 1 AND {MAX_LEVEL}", name="level_range"),
        CheckConstraint("current_version >= 1", name="has_version"),
        CheckConstraint(
            "(deleted_at IS NULL) = (deleted_by_id IS NULL)", name="deletion_has_actor"
        ),
        Index("ix_section_report_parent", "report_id", "parent_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"))
    position: Mapped[int] = mapped_column(default=0)
    level: Mapped[int] = mapped_column(default=1)
    # An unnumbered section holds the text before the first heading (a preamble).
    numbered: Mapped[bool] = mapped_column(Boolean, default=True)
    current_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    report: Mapped[Report] = relationship(back_populates="sections")
    parent: Mapped[Section | None] = relationship(remote_side="Section.id")
    current: Mapped[SectionVersion] = relationship(
        primaryjoin=lambda: and_(
            foreign(SectionVersion.section_id) == Section.id,
            SectionVersion.number == Section.current_version,
        ),
        viewonly=True,
        uselist=False,
    )

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def heading(self) -> str:
        return self.current.heading

    @property
    def text(self) -> str:
        return self.current.text


class SectionVersion(db.Model):
    """One immutable state of a section: heading and Markdown text."""

    __tablename__ = "section_version"
    __table_args__ = (
        UniqueConstraint("section_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint(enum_check("kind", [k.value for k in VersionKind]), name="kind_known"),
        CheckConstraint(
            enum_check("reason_code", [r.value for r in VersionReason]), name="reason_code_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"))
    number: Mapped[int]
    heading: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    reason_code: Mapped[str] = mapped_column(String(32), default=VersionReason.EDITED.value)
    reason_params: Mapped[dict] = mapped_column(JSON, default=dict)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    section: Mapped[Section] = relationship()
    author: Mapped[User] = relationship()


@event.listens_for(SectionVersion, "before_update")
@event.listens_for(SectionVersion, "before_delete")
def _immutable(_mapper, _connection, target):
    raise RuntimeError(f"section versions are immutable (version {target.id})")
