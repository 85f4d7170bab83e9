"""How browsers and proxies may keep what the app answers: one rule, applied in web.py.

Everything the app answers (pages, API, downloads) is ``no-store``: it is behind a login
and may change or be someone else's. The exception is what never changes once made (a
section version, an edition and its exports): views build it through ``immutable``,
which answers ``private, no-cache`` with an ``ETag`` and ``304 Not Modified`` to a
matching ``If-None-Match``, so a browser revalidates instead of downloading it again.
Static files are public and named by their content (``init_static``): a year, immutable.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Hashable

from flask import Flask, Response, make_response, request
from flask_babel import get_locale
from werkzeug.security import safe_join

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


# Static files -------------------------------------------------------------------------
# Pages link to them by a fingerprinted name (app.css -> app.<12 hex of its SHA-256>.css):
# a changed file gets a new name, so the browser may keep each one for a year without
# asking. The plain name still answers, with Flask's revalidation, as before.

STATIC_MAX_AGE = 365 * 24 * 3600
_FINGERPRINTED = re.compile(r"^(?P<stem>.+)\.(?P<tag>[0-9a-f]{12})(?P<ext>\.[A-Za-z0-9]+)$")


def init_static(app: Flask) -> None:
    tags: dict[str, str] = {}

    def tag_of(filename: str) -> str:
        found = tags.get(filename)
        if found is None or app.debug:
            path = safe_join(app.static_folder or "", filename)
            found = ""
            if path and os.path.isfile(path):
                with open(path, "rb") as f:
                    found = hashlib.sha256(f.read()).hexdigest()[:12]
            tags[filename] = found
        return found

    @app.url_defaults
    def _fingerprint(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            name = values["filename"]
            tag = tag_of(name)
            if tag:
                stem, ext = os.path.splitext(name)
                values["filename"] = f"{stem}.{tag}{ext}"

    def static(filename: str) -> Response:
        match = _FINGERPRINTED.match(filename)
        original = f"{match['stem']}{match['ext']}" if match else filename
        if match is None:
            return app.send_static_file(filename)
        if tag_of(original) != match["tag"]:  # a page older than the file: revalidate
            return app.send_static_file(original)
        response = app.send_static_file(original)
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = STATIC_MAX_AGE
        response.cache_control.immutable = True
        return response

    app.view_functions["static"] = static
