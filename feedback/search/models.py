"""The search index: one row per searchable thing, its text folded (feedback.folding)."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_base import enum_check


class EntryType(StrEnum):
    SECTION = "section"
    COMMENT = "comment"
    SUGGESTION = "suggestion"
    REPLY = "reply"


class SearchEntry(db.Model):
    """What can be found of one section, comment, suggestion or reply.

    Kept up to date in the transaction that changes the thing (feedback.search.indexing).
    ``folded`` is indexed for substring search: a trigram GIN index on PostgreSQL, an FTS5
    trigram table (``search_fts``) on SQLite -- both made by the migration."""

    __tablename__ = "search_entry"
    __table_args__ = (
        UniqueConstraint("type", "object_id"),
        CheckConstraint(enum_check("type", [t.value for t in EntryType]), name="type_known"),
        Index("ix_search_entry_report", "report_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    type: Mapped[str] = mapped_column(String(16))
    object_id: Mapped[int]
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"))
    folded: Mapped[str] = mapped_column(Text)
