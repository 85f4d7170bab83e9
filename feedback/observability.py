"""Request ids and logs a machine can read: one JSON object per line when asked.

Every request gets an id: the one the reverse proxy sent in ``X-Request-ID`` when it
looks like an id (nginx's ``$request_id``: letters, digits, ``-``, ``_``, ``.``, ``:``;
at most 128 characters), otherwise a new one. It goes back in the ``X-Request-ID``
header, onto every error page (so a user can quote it), into every log line written
while the request runs, and into the WSGI environment (``feedback.request_id``,
``feedback.user``) where gunicorn's access log reads it.

With ``FEEDBACK_LOG_FORMAT=json`` the ``feedback`` loggers write one JSON object per
line to stderr, and every request ends with one ``feedback.requests`` line: request id,
user, route, method, path, status and duration.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_HANDLER_NAME = "feedback-json"

request_log = logging.getLogger("feedback.requests")


def incoming_or_new(value: str | None) -> str:
    """The proxy's id when it is a plain token; a fresh one otherwise (never echo
    arbitrary text into headers and logs)."""
    if value and _SANE_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    """The id of the request being served (made now if a guard refused the request
    before it was given one); None outside a request."""
    if not has_request_context():
        return None
    if g.get("request_id") is None:
        g.request_id = incoming_or_new(request.headers.get(HEADER))
        request.environ["feedback.request_id"] = g.request_id
    return g.request_id


def _user_id() -> int | None:
    """Who made the request, without a database query of its own: the page user
    flask-login already loaded, or the API token's owner."""
    actor = g.get("actor")
    if actor is None:
        actor = g.get("_login_user")
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return getattr(actor, "id", None)


class JsonFormatter(logging.Formatter):
    """A log record as one JSON object on one line, with the request it belongs to."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if has_request_context():
            entry.setdefault("request_id", current_request_id())
            entry.setdefault("user", _user_id())
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(app: Flask) -> None:
    """JSON lines on stderr for the ``feedback`` loggers when FEEDBACK_LOG_FORMAT=json."""
    if app.config.get("FEEDBACK_LOG_FORMAT") != "json":
        return
    logger = logging.getLogger("feedback")
    if any(h.get_name() == _HANDLER_NAME for h in logger.handlers):
        return
    from flask.logging import default_handler

    logger.removeHandler(default_handler)  # Flask's plain-text one, if app.logger made it
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    # One line per event: not again through the root logger's plain handler.
    logger.propagate = False


def init_app(app: Flask) -> None:
    configure_logging(app)
    # Error pages show it, so a person can quote it to whoever reads the logs.
    app.jinja_env.globals["request_id"] = current_request_id
    json_requests = app.config.get("FEEDBACK_LOG_FORMAT") == "json"

    def _request_id():
        g.request_started = time.perf_counter()
        current_request_id()

    # First of all the hooks, before the extensions' own (CSRF, the throttle): a request
    # they refuse is timed and logged with its id too.
    app.before_request_funcs.setdefault(None, []).insert(0, _request_id)

    @app.after_request
    def _return_request_id(response):
        response.headers[HEADER] = current_request_id()
        user = _user_id()
        request.environ["feedback.user"] = "-" if user is None else str(user)
        if json_requests:
            _log_request(response.status_code, user)
        return response


def _log_request(status: int, user: int | None) -> None:
    started = g.get("request_started")
    duration = (time.perf_counter() - started) * 1000 if started is not None else None
    request_log.info(
        "request",
        extra={
            "fields": {
                "request_id": g.get("request_id"),
                "user": user,
                "route": request.url_rule.rule if request.url_rule else None,
                "endpoint": request.endpoint,
                "method": request.method,
                "path": request.path,
                "status": status,
                "duration_ms": None if duration is None else round(duration, 1),
                "address": request.remote_addr,
            }
        },
    )
