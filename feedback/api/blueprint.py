"""The JSON API's blueprint: bearer-token authentication and the one error envelope."""

from __future__ import annotations

import logging

from flask import Blueprint, g, request
from flask_babel import gettext as _
from pydantic import ValidationError

from ..auth import sessions
from ..auth.services import password_change_message
from ..errors import DomainError
from ..idempotency import claim_api_key
from ..transaction import keep_bookkeeping
from ..validation import INT_MAX, number_out_of_range
from .errors import error_response
from .schemas import OUT_OF_RANGE, UNSTORABLE_MOMENT

bp = Blueprint("api", __name__, url_prefix="/api/v1")
security_log = logging.getLogger("feedback.security")

# Endpoints reachable without a bearer token.
PUBLIC_ENDPOINTS = {"api.create_token", "api.openapi"}
# What a person whose password the administrator chose may still do with a token.
OPEN_WHILE_MUST_CHANGE = {"api.me", "api.revoke_current_token"}


@bp.before_request
def authenticate():
    g.actor = None
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return error_response(
            401,
            "unauthorized",
            _("Authentication is required: send 'Authorization: Bearer <token>'."),
        )
    row = sessions.token_row(token.strip())
    if row is None:
        security_log.warning("api_bad_token path=%s", request.path)
        return error_response(401, "unauthorized", _("The token is invalid, revoked or expired."))
    if sessions.touch_token(row):
        keep_bookkeeping()
    g.actor = row.user
    g.api_token = token.strip()
    if row.user.must_change_password and request.endpoint not in OPEN_WHILE_MUST_CHANGE:
        return error_response(403, "password_change_required", password_change_message())
    return claim_api_key(row.user)


@bp.errorhandler(DomainError)
def domain_error(error: DomainError):
    if error.status == 403:
        security_log.warning(
            "forbidden user=%s path=%s", getattr(g.get("actor"), "id", None), request.path
        )
    return error_response(error.status, error.code, error.message, error.details)


@bp.errorhandler(ValidationError)
def validation_error(error: ValidationError):
    items = error.errors()
    fields = {".".join(str(p) for p in item["loc"]) or "body": item["msg"] for item in items}
    if all(item["type"] in (OUT_OF_RANGE, UNSTORABLE_MOMENT) for item in items):
        # Well-formed, but a value no column can hold: 422 naming the field.
        first = items[0]
        return error_response(
            422, "invalid", _value_message(first), {"field": _field(first), "fields": fields}
        )
    return error_response(
        400,
        "malformed",
        _("The request body does not have the expected fields and types."),
        {"fields": fields},
    )


def _field(item) -> str:
    """The body field an error is about: ``also`` for ``("also", 3)``."""
    return next((str(p) for p in item["loc"] if isinstance(p, str)), "body")


def _value_message(item) -> str:
    field = _field(item)
    if item["type"] == UNSTORABLE_MOMENT:
        return _(
            "%(field)s is too far in the past or in the future.",
            field=field,
        )
    ctx = item.get("ctx") or {}
    return number_out_of_range(field, ctx.get("minimum", 1), ctx.get("maximum", INT_MAX)).message
