"""Whole pages served again, unchanged, until the data they show changes.

The busiest pages (a section with its feedback, the report, the chair's dashboard, the
review queue) cost tens of milliseconds to build and are read far more often than
anything is written, above all in the last hours before a deadline. A view marked
``@cached_page`` is built once per person, address, language and *data generation*,
kept in the process's memory, and served from there until the generation changes.

The data generation is one row of the database (``data_generation``), given a new random
value in the same transaction as every write that changes what a page can show: a
listener sees each commit's changed rows (any table but those in ``QUIET_TABLES``: login
sessions, tokens, the outbox, stored renderings -- bookkeeping no page shows). A page is
looked up under the generation read at the start of the request, before the page's own
reads, so it is never older than the data: every server of a deployment reads the same
row, and a commit anywhere makes every server build its pages again. A cached page is
also at most a minute behind the clock (the dashboard's "2 days 3 hours left").

What differs between two servings of the same page is filled in each time: the CSRF
token and the form token of the page's forms (rendered as placeholders and replaced).
A request that has a message to show (a flash) is built as usual and not kept; so is
anything but a 200 HTML answer. ``FEEDBACK_PAGE_CACHE_MB`` (per process; 0 turns the
cache off) bounds the memory; the pages of an older generation are dropped when a newer
one is seen. The database row itself is created by the migration; a copy restored from a
backup brings the generation it was taken at, which names exactly that data.
"""

from __future__ import annotations

import functools
import re
import secrets
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from flask import Response, current_app, g, has_request_context, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import Integer, String, event, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from .extensions import db
from .memory import Lru
from .models_base import UTCDateTime, utcnow

# Rows no page shows, or that a page's own reads derive from the rest: writing only
# these leaves the generation as it was.
QUIET_TABLES = frozenset(
    {
        "api_token",
        "data_generation",
        "disposition_download",
        "edition_export",
        "idempotency_key",
        "login_session",
        "outgoing_mail",
        "rendered_diff",
        "rendered_markdown",
        "search_entry",
        "suggestion_preview",
    }
)
_CHANGED = "feedback.pagecache.changed"
_ROW = 1


class DataGeneration(db.Model):
    """The one row whose token changes with every write pages can show."""

    __tablename__ = "data_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# The generation --------------------------------------------------------------------


_READ = select(DataGeneration.token).where(DataGeneration.id == _ROW)
# The login lookup, the first query of every page request, reads the generation in the
# same statement (``note_generation``): one round trip to the database fewer per page.
GENERATION = _READ.scalar_subquery()
_NOTED = "_pagecache_generation"


def note_generation(token: str | None) -> None:
    """The generation as the request's first query read it (before any of the page's)."""
    if has_request_context():
        setattr(g, _NOTED, token)


def current_generation() -> str | None:
    """The generation as committed now, or as this request's first query read it; None
    when the row is missing (no caching)."""
    if has_request_context() and _NOTED in g:
        return g.pop(_NOTED)
    return db.session.connection().execute(_READ).scalar()


def bump(session: Session) -> None:
    """Give the generation a new value, in ``session``'s transaction."""
    values = {"token": secrets.token_hex(16), "changed_at": utcnow()}
    done = session.execute(update(DataGeneration).where(DataGeneration.id == _ROW).values(**values))
    if not done.rowcount:
        session.execute(insert(DataGeneration).values(id=_ROW, **values))


def _table_of(obj: object) -> str | None:
    table = getattr(obj, "__table__", None)
    return getattr(table, "name", None)


def _shows(tables: Iterable[str | None]) -> bool:
    return any(name not in QUIET_TABLES for name in tables)


def _objects_show(session: Session) -> bool:
    """Whether the session's new, deleted or really changed objects are rows a page shows."""
    dirty = (obj for obj in session.dirty if session.is_modified(obj))
    return _shows(
        _table_of(obj) for group in (session.new, session.deleted, dirty) for obj in group
    )


def _note_flush(session: Session, _context) -> None:
    if not session.info.get(_CHANGED) and _objects_show(session):
        session.info[_CHANGED] = True


def _note_statement(state) -> None:
    """Bulk INSERT, UPDATE and DELETE statements run through the session."""
    if state.is_select or state.session.info.get(_CHANGED):
        return
    statement = state.statement
    table = getattr(statement, "table", None)
    if table is not None:
        if _shows([getattr(table, "name", None)]):
            state.session.info[_CHANGED] = True
        return
    text = str(getattr(statement, "text", "")).lstrip().upper()
    if not text.startswith(("SELECT", "WITH", "PRAGMA", "SHOW", "SAVEPOINT", "RELEASE")):
        state.session.info[_CHANGED] = True  # raw SQL that may write: assume it does


def _before_commit(session: Session) -> None:
    if session.info.get(_CHANGED) or _objects_show(session):  # or still to be flushed
        bump(session)
        session.info.pop(_CHANGED, None)


def _after_commit(session: Session) -> None:
    session.info.pop(_CHANGED, None)


def install() -> None:
    """Listen to every session's flushes, statements and commits (after the deferred
    work's own ``before_commit``, which may write more)."""
    for name, listener in (
        ("after_flush", _note_flush),
        ("do_orm_execute", _note_statement),
        ("before_commit", _before_commit),
        ("after_commit", _after_commit),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


# The pages ---------------------------------------------------------------------------

_SECRET = secrets.token_hex(8)
CSRF_PLACE = f"pgc{_SECRET}c"
FORM_PLACE = f"pgc{_SECRET}f"
_PLACES = re.compile(rf"pgc{_SECRET}([cf])".encode())


class _Page:
    """A page as bytes between the places where each serving puts its own tokens."""

    __slots__ = ("parts", "size")

    def __init__(self, body: bytes) -> None:
        self.parts = _PLACES.split(body)  # text, kind, text, kind, ..., text
        self.size = len(body)

    def body(self) -> bytes:
        parts = self.parts
        if len(parts) == 1:
            return parts[0]
        tokens: dict[bytes, bytes] = {}
        out = [parts[0]]
        for kind, text in zip(parts[1::2], parts[2::2], strict=True):
            token = tokens.get(kind)
            if token is None:
                token = tokens[kind] = (
                    generate_csrf() if kind == b"c" else secrets.token_urlsafe(16)
                ).encode()
            out += (token, text)
        return b"".join(out)


class _Store:
    """The pages of one generation: a newer generation drops the older one's pages."""

    def __init__(self) -> None:
        self._pages: Lru[_Page] = Lru()
        self._generation: str | None = None
        self._lock = threading.Lock()

    def get(self, generation: str, key: tuple) -> _Page | None:
        if generation != self._generation:
            return None
        return self._pages.get(key)

    def put(self, generation: str, key: tuple, page: _Page, limit: int) -> None:
        with self._lock:
            if generation != self._generation:
                self._pages.clear()
                self._generation = generation
        self._pages.put(key, page, page.size, limit)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._generation = None


STORE = _Store()


def new_form_token() -> str:
    """A page form's one-time token: its placeholder while a page is built for keeping."""
    return g.get("_pagecache_form_place") or secrets.token_urlsafe(16)


def _cacheable() -> bool:
    return (
        current_app.config.get("FEEDBACK_PAGE_CACHE_MB", 0) > 0
        and request.method in ("GET", "HEAD")
        and current_user.is_authenticated
        and "_flashes" not in session
    )


def _key() -> tuple:
    return (
        request.endpoint,
        request.host_url,
        request.full_path,
        current_user.id,
        str(get_locale()),
        int(utcnow().timestamp()) // 60,
    )


def cached_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Serve ``view``'s page from memory while the data generation stays the same."""

    @functools.wraps(view)
    def wrapper(**kwargs):
        if not _cacheable():
            return view(**kwargs)
        generation = current_generation()  # first: the page's reads are at least as new
        if generation is None:
            return view(**kwargs)
        key = _key()
        page = STORE.get(generation, key)
        if page is None:
            page = _build(view, kwargs)
            if not isinstance(page, _Page):
                return page  # not a page to keep: answered as built
            limit = current_app.config["FEEDBACK_PAGE_CACHE_MB"] * 1024 * 1024
            STORE.put(generation, key, page, limit)
        return Response(page.body(), mimetype="text/html")

    return wrapper


def _build(view: Callable[..., Any], kwargs: dict) -> _Page | Response:
    g.csrf_token = CSRF_PLACE
    g._pagecache_form_place = FORM_PLACE
    try:
        response = make_response(view(**kwargs))
    finally:
        g.pop("csrf_token", None)
        g.pop("_pagecache_form_place", None)
        g.pop("_page_form_tokens", None)
    keep = (
        response.status_code == 200
        and response.mimetype == "text/html"
        and "_flashes" not in session
        and not response.headers.getlist("Set-Cookie")
    )
    page = _Page(response.get_data())
    if keep:
        return page
    response.set_data(page.body())  # the placeholders, filled for this one answer
    return response
