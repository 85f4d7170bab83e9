"""Computing a diff's HTML at write time and finding it again at read time.

Reads call ``find`` / ``find_many`` and never render: a text crafted to be expensive to
diff costs its author's write once, not every reader's page. ``ensure`` renders and
stores (idempotent, safe when two writers store the same rendering at once).
"""

from __future__ import annotations

import hashlib

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from ..diffview import RENDERER_VERSION, tracked_html
from ..extensions import db
from .models import RenderedDiff


def digest(old: str, new: str, renderer: int = RENDERER_VERSION) -> str:
    h = hashlib.sha256()
    for part in (str(renderer), old or "", new or ""):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


def find(old: str, new: str) -> Markup | None:
    """The stored HTML of the changes from ``old`` to ``new``, or None (not rendered yet).
    It is our renderer's output (every text escaped), so it is marked safe."""
    row = db.session.get(RenderedDiff, digest(old, new))
    return Markup(row.html) if row is not None else None


def find_many(pairs) -> dict[tuple[str, str], str]:
    """Stored HTML for several (old, new) pairs, in one query."""
    keys = {digest(old, new): (old, new) for old, new in pairs}
    if not keys:
        return {}
    rows = db.session.execute(
        select(RenderedDiff.digest, RenderedDiff.html).where(RenderedDiff.digest.in_(keys))
    )
    return {keys[d]: Markup(html) for d, html in rows}


def ensure(old: str, new: str) -> Markup:
    """Render and store the changes from ``old`` to ``new`` unless already stored."""
    key = digest(old, new)
    found = db.session.get(RenderedDiff, key)
    if found is not None:
        return Markup(found.html)
    html = tracked_html(old, new)
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert(RenderedDiff)
        .values(digest=key, renderer=RENDERER_VERSION, html=str(html))
        .on_conflict_do_nothing(index_elements=["digest"])
    )
    return html
