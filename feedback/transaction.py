"""One commit point for every request, pages and API alike.

Services change state and flush; they never commit. A request that changes state
(any method but GET, HEAD, OPTIONS) is committed here once its response is ready and
successful (below 400), and rolled back otherwise, as Indico's request handler does.
A view that must keep what it recorded although it answers with an error (an accept
that found a conflict records it, then answers 409) says so with ``keep_changes()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, g, has_request_context, request, session

from .errors import DomainError
from .extensions import db

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
T = TypeVar("T")


def keep_changes() -> None:
    """Commit this request's changes even though its response is an error."""
    g.keep_changes = True


def keep_bookkeeping() -> None:
    """Keep a "last seen" note written at the start of a request: a read commits it at
    once (nothing else is pending yet, and reads commit nothing else), a write commits it
    with the rest of the request."""
    if request.method in READ_METHODS:
        db.session.commit()


def keep_stored_rendering() -> None:
    """Keep what a read built and stored for every later reader (an edition's export in
    a language or pair not built at issue time): a read commits it at once, as
    ``keep_bookkeeping`` does; a write commits it with the rest."""
    if has_request_context() and request.method in READ_METHODS:
        db.session.commit()


def attempt(run: Callable[[], T]) -> tuple[T | None, DomainError | None]:
    """Run a use case for a page and return (result, None), or (None, refusal) after
    rolling back whatever the use case had begun. A refusal the user can act on (a
    4xx other than 403 and 404) is returned for the page to show; forbidden and not
    found propagate to the error pages."""
    try:
        return run(), None
    except DomainError as error:
        if error.status in (403, 404):
            raise
        db.session.rollback()
        return None, error


def init_app(app: Flask) -> None:
    @app.after_request
    def _commit_successful_writes(response):
        if request.method in READ_METHODS:
            return response
        if response.status_code < 400 or g.pop("keep_changes", False):
            try:
                db.session.commit()
            except Exception:
                db.session.rollback()
                session.pop("_flashes", None)  # nothing was saved: say nothing was
                raise
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def _rollback_on_error(exc):
        if exc is not None:
            db.session.rollback()
