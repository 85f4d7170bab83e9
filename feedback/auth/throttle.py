"""Login throttling keys and limits, shared by the login page and POST /api/v1/tokens.

Two limits apply: failed attempts per (client address, username), which stops
password guessing on one account without letting anyone lock its owner out from
elsewhere, and all attempts per client address, which stops spraying one
password over many usernames.
"""

from __future__ import annotations

from flask import current_app, request
from flask_limiter.util import get_remote_address


def _username() -> str:
    username = request.form.get("username")
    if username is None:
        data = request.get_json(silent=True)
        username = data.get("username") if isinstance(data, dict) else None
    return str(username or "").strip().lower()[:64]


def address_and_username() -> str:
    return f"{get_remote_address()}|{_username()}"


def per_account_limit() -> str:
    return current_app.config["FEEDBACK_LOGIN_LIMIT"]


def per_address_limit() -> str:
    return current_app.config["FEEDBACK_LOGIN_IP_LIMIT"]


def failed(response) -> bool:
    """Only failed attempts count against an account."""
    return response.status_code not in (200, 201, 302, 303)
