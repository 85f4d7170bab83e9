"""Login throttling, one budget for the login page and POST /api/v1/tokens.

Two limits apply, each shared by both ways in (a guess on the page and a guess on the
API spend the same budget): failed attempts per (client address, username), which stops
password guessing on one account without letting anyone lock its owner out from
elsewhere, and all attempts per client address, which stops spraying one password over
many usernames. Behind a reverse proxy the client address is the one it forwards
(FEEDBACK_PROXY_HOPS).
"""

from __future__ import annotations

from flask import current_app, request
from flask_limiter.util import get_remote_address

from ..extensions import limiter


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
    """Only failed attempts count against an account; a right password that may not be
    used yet (403: choose your own password first) is not a guess."""
    return response.status_code not in (200, 201, 302, 303, 403)


# Shared limits are counted under their scope's name, not the endpoint's: the page and
# the API draw on the same counters.
per_address = limiter.shared_limit(per_address_limit, scope="login-address", methods=["POST"])
per_account = limiter.shared_limit(
    per_account_limit,
    scope="login-account",
    key_func=address_and_username,
    methods=["POST"],
    deduct_when=failed,
)
