"""Markdown rendered once, when it is written, and read by every page after.

Texts never change once written (a section version, a submitted comment or reply, a
suggestion's rationale); a draft that is edited is simply a new text. ``watch`` hooks
the ORM so that every flush stores the rendering of the watched columns it wrote (one
query to find what is already stored, one insert); ``preload`` reads the renderings a
page needs in one query before it renders; the templates' ``markdown`` filter then finds
them in the request's map (``html``). A text not stored yet (rows written by bulk SQL,
or a new renderer version before ``flask renders rebuild``) is rendered on the spot by
``markup.render``, which keeps its own per-process cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from flask import g, has_app_context
from markupsafe import Markup
from sqlalchemy import event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .. import markup
from ..extensions import db
from .models import RenderedMarkdown

_WATCHED: dict[type, tuple[str, ...]] = {}
_BATCH = 500


def digest(text: str, renderer: int = markup.RENDERER_VERSION) -> str:
    h = hashlib.sha256(str(renderer).encode())
    h.update(b"\x00")
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def store(connection, texts: Iterable[str]) -> int:
    """Render and store what is not stored yet among ``texts``; returns how many."""
    wanted = {digest(t): t for t in texts if t}
    if not wanted:
        return 0
    stored = 0
    keys = list(wanted)
    for start in range(0, len(keys), _BATCH):
        chunk = keys[start : start + _BATCH]
        found = set(
            connection.scalars(
                select(RenderedMarkdown.digest).where(RenderedMarkdown.digest.in_(chunk))
            )
        )
        rows = [
            {"digest": k, "renderer": markup.RENDERER_VERSION, "html": markup.render(wanted[k])}
            for k in chunk
            if k not in found
        ]
        if rows:
            dialect = connection.dialect.name
            statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(
                RenderedMarkdown
            )
            connection.execute(statement.on_conflict_do_nothing(index_elements=["digest"]), rows)
            stored += len(rows)
    return stored


def preload(texts: Iterable[str]) -> None:
    """Read the stored renderings of ``texts`` in one query, for this request's pages."""
    wanted = {digest(t): t for t in texts if t}
    loaded = g.setdefault("_rendered_markdown", {})
    wanted = {k: t for k, t in wanted.items() if t not in loaded}
    if not wanted:
        return
    rows = db.session.execute(
        select(RenderedMarkdown.digest, RenderedMarkdown.html).where(
            RenderedMarkdown.digest.in_(list(wanted))
        )
    )
    for key, html in rows:
        loaded[wanted[key]] = Markup(html)


def html(text: str | None) -> Markup:
    """The HTML of ``text``: preloaded, else rendered now (and cached by markup)."""
    if not text:
        return Markup("")
    loaded = g.get("_rendered_markdown") if has_app_context() else None
    found = loaded.get(text) if loaded else None
    return found if found is not None else Markup(markup.render(text))


def watch(model: type, *columns: str) -> None:
    """Store the rendering of ``model``'s ``columns`` whenever a flush writes them."""
    _WATCHED[model] = columns
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def _after_flush(session, _context) -> None:
    texts = set()
    for obj in (*session.new, *session.dirty):
        for column in _WATCHED.get(type(obj), ()):
            value = obj.__dict__.get(column)
            if isinstance(value, str) and value:
                texts.add(value)
    if texts:
        store(session.connection(), texts)


def rebuild() -> int:
    """Render every watched text the current renderer has not stored yet."""
    count = 0
    for model, columns in _WATCHED.items():
        for column in columns:
            attribute = getattr(model, column)
            texts = db.session.scalars(select(attribute).where(attribute.is_not(None)).distinct())
            count += store(db.session.connection(), texts)
    return count
