"""An edition's exports kept in the database: find, read and store them by their key.

``exports`` builds them (``exports.ensure``) and serves them; ``prebuild`` builds the
ones every edition has from the moment it is issued or approved. A process keeps the
bytes it read by their SHA-256 (up to ``FEEDBACK_EXPORT_MEMORY_MB``): a second download
reads the hash from the database, not megabytes again, and every server still answers
the bytes the database holds.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, fields

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..memory import Lru
from .models import EditionExport


@dataclass(frozen=True)
class ExportKey:
    """What an export's bytes depend on (see ``EditionExport``)."""

    edition_id: int
    since_number: int  # 0: no changes marked
    fmt: str
    draft: bool
    locale: str
    layout: int


# Built once (a download asks on every request), the key's fields as parameters.
_KEY = [getattr(EditionExport, f.name) == bindparam(f.name) for f in fields(ExportKey)]
_DIGEST = select(EditionExport.sha256).where(*_KEY)
_DATA = select(EditionExport.data).where(*_KEY)


def digest(key: ExportKey) -> str | None:
    """The SHA-256 of the stored export, or None when it has not been built."""
    return db.session.scalar(_DIGEST, asdict(key))


_READ: Lru[bytes] = Lru()


def load(key: ExportKey, sha: str | None = None) -> tuple[bytes, str] | None:
    """The stored bytes and their SHA-256, or None; ``sha``: the digest, already read."""
    sha = sha or digest(key)
    if sha is None:
        return None
    data = _READ.get(sha)
    if data is None:
        stored = db.session.scalar(_DATA, asdict(key))
        if stored is None:
            return None
        data = bytes(stored)
        limit = current_app.config.get("FEEDBACK_EXPORT_MEMORY_MB", 0) * 1024 * 1024
        _READ.put(sha, data, len(data), limit)
    return data, sha


def save(key: ExportKey, data: bytes) -> tuple[bytes, str]:
    """Store ``data`` under ``key`` unless it is there already (two servers building
    the same export at once store it once: the bytes are the same)."""
    sha = hashlib.sha256(data).hexdigest()
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = asdict(key)
    db.session.execute(
        insert(EditionExport)
        .values(**values, sha256=sha, data=data)
        .on_conflict_do_nothing(index_elements=list(values))
    )
    return data, sha


def stored_for(edition_id: int) -> list[EditionExport]:
    """Every export stored for an edition (the report archive takes its .docx)."""
    return list(
        db.session.scalars(
            select(EditionExport)
            .where(EditionExport.edition_id == edition_id)
            .order_by(EditionExport.id)
        )
    )
