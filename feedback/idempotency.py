"""A repeated submission has one effect: API ``Idempotency-Key``s and one-time form tokens.

The API: a POST may carry ``Idempotency-Key: <1-255 visible ASCII characters>``. The
first request with a key claims it (a row of ``idempotency_key``, in the request's own
transaction, so it is kept exactly when the effect is); its response is stored with it.
The same key again within 24 hours, from the same user, gets that response back (status
and body, header ``Idempotent-Replayed: true``) without running anything; the same key
with a different request (method, path or body) is a 422.

Pages: every state-changing form carries a hidden ``form_token`` (``OnceForm``). A POST
with a token claims (user, path, token, what was typed); when the page answers with a
redirect -- the change was made -- the claim is kept with where it redirected. The same
form sent again (a double click, a reload that re-posts) is redirected there with a
message and changes nothing. A refused or previewed form keeps its token usable.

Two copies of a request racing each other: on SQLite writes queue (BEGIN IMMEDIATE), so
the second finds the first's claim; on PostgreSQL the second's claim waits on the unique
index until the first commits, then fails, and the second answers as a replay.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

from flask import Flask, Response, flash, g, redirect, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, delete, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import HiddenField

from .errors import InvalidInput, InvalidTransition, MalformedInput
from .extensions import db
from .models_base import UTCDateTime, utcnow
from .pagecache import new_form_token

KEPT_FOR = timedelta(hours=24)
HEADER = "Idempotency-Key"
FORM_FIELD = "form_token"
_VALID_KEY = re.compile(r"[\x21-\x7e]{1,255}")
_VALID_TOKEN = re.compile(r"[A-Za-z0-9_-]{8,64}")


class IdempotencyKey(db.Model):
    """A request that was carried out, by key, with the answer it got."""

    __tablename__ = "idempotency_key"
    __table_args__ = (UniqueConstraint("user_id", "key_hash", name="uq_idempotency_key_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # SHA-256 of the key (API) or of path, token and fields (form): a fixed size, and
    # nothing a person typed is kept here.
    key_hash: Mapped[str] = mapped_column(String(64))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class OnceForm(FlaskForm):
    """A form whose submission takes effect once (see the module's docstring)."""

    form_token = HiddenField(default=new_form_token)


def init_app(app: Flask) -> None:
    """Pages' form tokens before each request; recording answers after it (before the
    transaction commits, so that the claim and the effect are committed together)."""
    app.before_request(_claim_form_token)
    app.after_request(_record_answer)


# Claiming ---------------------------------------------------------------------------


def _sha(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def claim_api_key(user) -> Response | None:
    """For the API, after authentication: the stored answer when this POST's key was
    used before, else None (the key is claimed and the request goes on)."""
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None or user is None:
        return None
    if not _VALID_KEY.fullmatch(key):
        raise MalformedInput(
            _("The Idempotency-Key header must be 1 to 255 visible ASCII characters."),
            details={"header": HEADER},
        )
    fingerprint = _sha(request.method, request.full_path, request.get_data(cache=True))
    earlier = _claim(user.id, _sha("api", key), fingerprint)
    if earlier is None:
        return None
    if earlier.request_hash != fingerprint:
        raise InvalidInput(
            _("This Idempotency-Key was already used for a different request."),
            details={"header": HEADER},
        )
    response = Response(
        earlier.body or "", status=earlier.status, content_type=earlier.content_type
    )
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _claim_form_token():
    token = request.form.get(FORM_FIELD, "") if request.method == "POST" else ""
    if request.blueprint == "api" or not _VALID_TOKEN.fullmatch(token):
        return None
    if not current_user.is_authenticated:
        return None
    key = _sha("form", request.path, token, *_typed_fields())
    earlier = _claim(current_user.id, key, key)
    if earlier is None:
        return None
    flash(_("This form had already been sent; it was not carried out a second time."), "info")
    return redirect(earlier.location or request.path)


def _typed_fields() -> list[str | bytes]:
    """What the form carried besides its tokens, in a stable order (files by content)."""
    fields: list[str | bytes] = [
        f"{name}={value}"
        for name, value in sorted(request.form.items(multi=True))
        if name not in ("csrf_token", FORM_FIELD)
    ]
    for name, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
        content = upload.stream.read()
        upload.stream.seek(0)
        fields += [f"{name}:{upload.filename}", content]
    return fields


def _claim(user_id: int, key_hash: str, request_hash: str) -> IdempotencyKey | None:
    """The answered earlier request with this key, or None after claiming the key."""
    cutoff = utcnow() - KEPT_FOR
    db.session.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.user_id == user_id, IdempotencyKey.created_at < cutoff
        )
    )
    earlier = _find(user_id, key_hash)
    if earlier is None:
        claim = IdempotencyKey(user_id=user_id, key_hash=key_hash, request_hash=request_hash)
        db.session.add(claim)
        try:
            db.session.flush()
        except IntegrityError:  # PostgreSQL: the same request, committed meanwhile
            db.session.rollback()
            earlier = _find(user_id, key_hash)
        else:
            g.idempotency_claim = claim
            return None
    if earlier is None or earlier.status is None:
        raise InvalidTransition(_("The same request is still being carried out; try again."))
    return earlier


def _find(user_id: int, key_hash: str) -> IdempotencyKey | None:
    return db.session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.user_id == user_id, IdempotencyKey.key_hash == key_hash
        )
    )


# Recording --------------------------------------------------------------------------


def _record_answer(response: Response) -> Response:
    """Store the answer with the claim. The claim is gone if the use case was refused
    and rolled back; an error answer is rolled back with it by the commit point."""
    claim = g.pop("idempotency_claim", None)
    if claim is None or not inspect(claim).persistent:
        return response
    if request.blueprint == "api":
        claim.status = response.status_code
        claim.content_type = response.content_type
        claim.body = response.get_data(as_text=True)
    elif 300 <= response.status_code < 400:
        claim.status = response.status_code
        claim.location = response.headers.get("Location", "")[:2000]
    else:  # shown again (errors, a preview): nothing was done, the token stays usable
        db.session.delete(claim)
    db.session.flush()
    return response
