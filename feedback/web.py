"""Page-wide behaviour: security headers, session limits, error pages, template helpers."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from flask import Flask, flash, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from . import caching, permissions
from .auth import sessions
from .database import begin_writes_immediately
from .errors import DomainError, MalformedInput
from .extensions import db
from .formtools import page_form_tokens
from .i18n import date_filter, datetime_filter, install_template_gettext
from .labels import LABELS, label, version_reason
from .renders import markdown as stored_markdown
from .review.links import comment_target
from .richtext.editordoc import editor_doc
from .richtext.quotes import quote_html
from .transaction import keep_bookkeeping
from .validation import unstorable_character

security_log = logging.getLogger("feedback.security")

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Table cell alignment from Markdown (text-align only survives sanitising).
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

# What a person whose password the administrator chose may still reach.
OPEN_WHILE_MUST_CHANGE = frozenset(
    {"auth.change_password", "auth.logout", "auth.set_language", "static", "healthz", "readyz"}
)

# Form fields holding text a person typed; an error page shows them again so nothing is lost.
PRESERVED_FIELDS = ("text", "body", "rationale", "response", "reason", "note", "markdown")


def init_app(app: Flask) -> None:
    caching.init_static(app)
    _template_helpers(app)
    _request_guards(app)
    _response_headers(app)
    _error_pages(app)


def _template_helpers(app: Flask) -> None:
    app.jinja_env.filters["datetime"] = datetime_filter
    app.jinja_env.filters["date"] = date_filter
    # Stored renderings, preloaded by the page's view (renders.markdown.preload).
    app.jinja_env.filters["markdown"] = stored_markdown.html
    # A quoted passage (stored Markdown) as the reader saw it: a table row as a table.
    app.jinja_env.filters["quote"] = lambda source, shown="": Markup(
        quote_html(source or "", shown or "")
    )
    app.jinja_env.globals["can"] = permissions
    app.jinja_env.globals["label"] = label
    app.jinja_env.globals["reason"] = lambda v: version_reason(v.reason_code, v.reason_params)
    app.jinja_env.globals["LABELS"] = LABELS
    app.jinja_env.globals["editor_doc"] = editor_doc
    app.jinja_env.globals["editor_messages"] = _editor_messages
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["form_tokens"] = page_form_tokens
    app.jinja_env.globals["comment_url"] = comment_target
    install_template_gettext(app)
    app.jinja_env.add_extension("jinja2.ext.do")
    if app.config.get("FEEDBACK_STRICT_TEMPLATES"):
        # Tests: a misspelt or renamed attribute fails loudly instead of rendering "".
        from jinja2 import StrictUndefined

        app.jinja_env.undefined = StrictUndefined


def _editor_messages() -> dict[str, str]:
    """The in-place editor's words (assets/editor), in the reader's language."""
    return {
        "toolbar": _("Formatting"),
        "undo": _("Undo"),
        "redo": _("Redo"),
        "bold": _("Bold"),
        "italic": _("Italic"),
        "bullets": _("Bulleted list"),
        "numbers": _("Numbered list"),
        "outdent": _("Out of the list"),
        "row": _("Add a row"),
        "deleteRow": _("Delete the row"),
        "column": _("Add a column"),
        "deleteColumn": _("Delete the column"),
        "readonly": _("This part is kept as it is; it cannot be edited here."),
        "discard": _("Discard your changes to the text?"),
        "previewFailed": _("The tracked changes cannot be shown right now; your text is kept."),
        "noChanges": _("No changes yet."),
    }


def _request_guards(app: Flask) -> None:
    @app.get("/healthz")
    def healthz():
        """Liveness for the reverse proxy and the load benchmark's baseline: no session, no database."""
        return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}

    @app.before_request
    def _refuse_unstorable_characters():
        """NUL bytes and unpaired surrogates, anywhere in a request: 400, before any
        view (PostgreSQL would refuse them in a query, as a 500)."""
        values = [*request.args.keys(), *request.args.values(), *(request.view_args or {}).values()]
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            values += [*request.form.keys(), *request.form.values()]
            if request.is_json or request.blueprint == "api":
                values.append(request.json_body())
        found = unstorable_character(values)
        if found is not None:
            raise MalformedInput(
                _(
                    "The request contains a character that cannot be stored (U+%(code)04X).",
                    code=ord(found),
                )
            )

    @app.before_request
    def _writes_take_the_lock_first():
        view = app.view_functions.get(request.endpoint or "")
        if request.method not in ("GET", "HEAD", "OPTIONS") and not getattr(
            view, "writes_nothing", False
        ):
            begin_writes_immediately()

    @app.teardown_request
    def _reset_write_mode(_exc):
        begin_writes_immediately(False)

    @app.before_request
    def _session_limits():
        if request.blueprint == "api" or not current_user.is_authenticated:
            return None
        started = session.get("login_at")
        limit = timedelta(hours=app.config["FEEDBACK_ABSOLUTE_SESSION_HOURS"])
        if started is None or datetime.now(UTC) - datetime.fromtimestamp(started, UTC) > limit:
            logout_user()
            session.clear()
            flash(_("Your session has expired; please log in again."), "info")
            return redirect(url_for("auth.login", next=request.full_path))
        return None

    @app.before_request
    def _session_bookkeeping():
        """Note when the session was last used (at most hourly), and hold a person whose
        password an administrator chose on the change-password page until they choose
        their own."""
        if request.blueprint == "api" or not current_user.is_authenticated:
            return None
        row = g.get("login_session")
        if row is not None and sessions.touch_session(row):
            keep_bookkeeping()
        if current_user.must_change_password and request.endpoint not in OPEN_WHILE_MUST_CHANGE:
            if request.method in ("GET", "HEAD"):
                flash(_("Choose your own password before you continue."), "info")
            return redirect(url_for("auth.change_password"))
        return None


def _response_headers(app: Flask) -> None:
    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config.get("FEEDBACK_ENV") == "production":
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return caching.apply_rule(response, request.endpoint)


def _error_pages(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        if error.status == 403:
            security_log.warning(
                "forbidden user=%s path=%s", getattr(current_user, "id", None), request.path
            )
        return _error_page(error.status, error.message)

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        security_log.warning("csrf_failed path=%s reason=%s", request.path, error.description)
        return _error_page(
            400,
            _(
                "This form has expired or was not sent from this site. Your text is shown below; copy it and try again."
            ),
        )

    @app.errorhandler(RateLimitExceeded)
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if error.code == 429:
            security_log.warning(
                "rate_limited path=%s address=%s", request.path, request.remote_addr
            )
        if request.blueprint == "api" or request.path.startswith("/api/"):
            from .api.errors import http_error_response

            return http_error_response(error)
        if error.code == 413:
            return _error_page(413, _("What you sent is too large."))
        return _error_page(
            error.code or 500,
            error.description
            if error.code != 404
            else _("This page does not exist, or you may not see it."),
        )

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error on %s", request.path)
        if request.path.startswith("/api/"):
            from .api.errors import error_response

            return error_response(500, "internal", _("Something went wrong on our side."))
        return _error_page(500, _("Something went wrong on our side. Nothing was saved."))


def _error_page(status: int, message: str):
    preserved = {}
    if request.method == "POST" and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        try:
            preserved = {
                name: request.form[name] for name in PRESERVED_FIELDS if request.form.get(name)
            }
        except Exception:  # noqa: BLE001 - an oversized body cannot be read back
            preserved = {}
    return render_template(
        "error.html", status=status, message=message, preserved=preserved
    ), status
