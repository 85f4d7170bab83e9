"""The API's one error shape: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
}


def error_response(status: int, code: str, message: str, details: dict[str, Any] | None = None):
    response = jsonify({"error": {"code": code, "message": message, "details": details or {}}})
    response.status_code = status
    return response


def http_error_response(error: HTTPException):
    status = error.code or 500
    messages = {
        401: _("Authentication is required: send 'Authorization: Bearer <token>'."),
        404: _("No such object, or you may not see it."),
        405: _("This method is not allowed here."),
        413: _("The request body is too large."),
        429: _("Too many requests; slow down and try again later."),
    }
    message = messages.get(status) or error.description or _("The request could not be handled.")
    response = error_response(status, _HTTP_CODES.get(status, "error"), message)
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    if status == 429:
        response.headers["Retry-After"] = "60"
    return response
