"""Stored renderings of tracked changes, addressed by what they render."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_base import UTCDateTime, utcnow


class RenderedDiff(db.Model):
    """The HTML of the tracked changes from one text to another, by one renderer version.

    The key is a SHA-256 of (renderer version, old text, new text): the same two texts
    are rendered once whoever asks, and a new renderer version simply finds nothing yet
    (``flask renders rebuild`` fills it)."""

    __tablename__ = "rendered_diff"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    renderer: Mapped[int] = mapped_column(Integer)
    html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RenderedMarkdown(db.Model):
    """The sanitised HTML of one Markdown text (a section version, a comment, a reply, a
    rationale), by one renderer version: computed when the text is written, read by
    every page that shows it. The key is a SHA-256 of (renderer version, text)."""

    __tablename__ = "rendered_markdown"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    renderer: Mapped[int] = mapped_column(Integer)
    html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
