"""How browsers and proxies may keep what the app answers: one rule, applied in web.py.

Everything the app answers (pages, API, downloads) is ``no-store``: it is behind a login
and may change or be someone else's. The exception is what never changes once made (a
section version, an edition and its exports): views build it through ``immutable``,
which answers ``private, no-cache`` with an ``ETag`` and ``304 Not Modified`` to a
matching ``If-None-Match``, so a browser revalidates instead of downloading it again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable

from flask import Response, make_response, request
from flask_babel import get_locale

NO_STORE = "no-store"
REVALIDATE = "private, no-cache"


def immutable(key: tuple[Hashable, ...] | None, build: Callable[[], object]) -> Response:
    """The response ``build`` makes, marked as immutable.

    ``key`` names everything its content depends on (ids, status, format...); the
    language is added here. With a key a matching ``If-None-Match`` gets its 304
    before anything is built; without one (None) the ETag is the body's hash.
    """
    tag = None
    if key is not None:
        tag = _digest(repr((*key, str(get_locale()))).encode())
        if tag in request.if_none_match:
            return not_modified(tag)
    response = make_response(build())
    if tag is None:
        tag = _digest(response.get_data())
        if tag in request.if_none_match:
            return not_modified(tag)
    response.set_etag(tag)
    response.headers["Cache-Control"] = REVALIDATE
    return response


def etag_of(sha256: str) -> str:
    """The ETag of stored bytes whose SHA-256 is known (as ``immutable`` shortens it)."""
    return sha256[:40]


def tagged(tag: str, response: Response) -> Response:
    """``response`` (stored bytes whose hash is ``tag``) marked as immutable."""
    response.set_etag(tag)
    response.headers["Cache-Control"] = REVALIDATE
    return response


def not_modified(tag: str) -> Response:
    response = Response(status=304)
    response.set_etag(tag)
    response.headers["Cache-Control"] = REVALIDATE
    return response


def apply_rule(response: Response, endpoint: str | None) -> Response:
    """``no-store`` for every response that did not say otherwise (static files keep
    their own revalidation)."""
    if endpoint != "static" and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = NO_STORE
    return response


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:40]
