"""The exports every edition has from the moment it is written.

Issuing an edition (a write) builds its .docx, .md and print page in the site's first
language, plain and with the changes since the edition before; approving it builds them
again without "DỰ THẢO lần N". Every other combination (another language, changes since
an older edition) is built on its first request and stored (``exports.edition_download``).
Editions issued before exports were stored, or before ``EXPORT_LAYOUT`` changed, get
theirs on first request too, or all at once from ``flask renders rebuild``.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from . import exports, stored
from .models import Edition


def previous(edition: Edition) -> Edition | None:
    return db.session.scalar(
        select(Edition).where(
            Edition.report_id == edition.report_id, Edition.number == edition.number - 1
        )
    )


def on_write(edition: Edition) -> int:
    """Build the standard exports of an edition just issued or approved (unless the
    configuration leaves it to the first request: ``FEEDBACK_EXPORTS_ON_ISSUE``)."""
    if not current_app.config.get("FEEDBACK_EXPORTS_ON_ISSUE", True):
        return 0
    return standard(edition)


def standard(edition: Edition) -> int:
    """Build what is missing of an edition's standard exports; the number built."""
    db.session.flush()
    locale = current_app.config["FEEDBACK_LANGUAGES"][0]
    before = previous(edition)
    built = 0
    for since in (None, before) if before is not None else (None,):
        for fmt in exports.EDITION_FORMATS:
            if stored.digest(exports.export_key(edition, since, fmt, locale)) is None:
                exports.ensure(edition, since, fmt, locale)
                built += 1
    return built


def rebuild_missing() -> int:
    """``standard`` for every edition (after an upgrade); idempotent."""
    built = 0
    for edition in db.session.scalars(select(Edition).order_by(Edition.id)):
        built += standard(edition)
    return built
