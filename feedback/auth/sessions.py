"""Login sessions and API tokens: start, look up, list, end; one rule for "end everything".

A password change, an administrator's reset and a deactivation end every session and
revoke every token of the person (a password change keeps the browser it was made in).
"Last seen" and "last used" are written at most once an hour, not on every request.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import contains_eager

from .. import pagecache, permissions
from ..audit.services import record
from ..errors import InvalidInput, InvalidTransition
from ..extensions import db
from ..models_base import utcnow
from .models import ApiToken, LoginSession, TokenSource, User, hash_token

TOUCH_EVERY = timedelta(hours=1)
MAX_TOKEN_DAYS = 3650


def _config(name: str):
    return current_app.config[name]


# Login sessions -------------------------------------------------------------------


def start_session(user: User, *, address: str, user_agent: str, via: str = "page") -> str:
    """Record a successful page login and return the secret the cookie will carry."""
    row, secret = LoginSession.start(user, address=address, user_agent=user_agent)
    db.session.add(row)
    note_login(user, via=via, address=address)
    user.session_secret = secret
    return secret


def note_login(user: User, *, via: str, address: str | None) -> None:
    """Every successful login (page or API): the user's last login, an audit event, and,
    when an administrator logs in, the notices of integration tokens about to expire
    (so no scheduler is needed: administrators log in at least every working day)."""
    user.last_login_at = utcnow()
    record(user, "user.login", user, object_type="user", via=via, address=address)
    if permissions.can_manage_accounts(user):
        notify_expiring_tokens()


# Every request asks: built once, with its user and the data generation in the same query.
_LIVE_SESSION = (
    select(LoginSession, pagecache.GENERATION)
    .join(LoginSession.user)
    .options(contains_eager(LoginSession.user))
    .where(
        LoginSession.secret_hash == bindparam("secret_hash"),
        LoginSession.ended_at.is_(None),
        LoginSession.created_at > bindparam("started_after"),
        LoginSession.last_seen_at > bindparam("seen_after"),
        User.active.is_(True),
    )
)


def session_for_secret(secret: str) -> LoginSession | None:
    """The live session a cookie's secret belongs to: not ended, not idle too long, not
    older than the absolute lifetime, its user active."""
    now = utcnow()
    idle = current_app.permanent_session_lifetime
    absolute = timedelta(hours=_config("FEEDBACK_ABSOLUTE_SESSION_HOURS"))
    found = db.session.execute(
        _LIVE_SESSION,
        {
            "secret_hash": hash_token(secret),
            "started_after": now - absolute,
            # last_seen_at lags by up to TOUCH_EVERY; the cookie's own expiry is exact.
            "seen_after": now - idle - TOUCH_EVERY,
        },
    ).first()
    if found is None:
        return None
    row, generation = found
    pagecache.note_generation(generation)
    row.user.session_secret = secret
    return row


def touch_session(row: LoginSession) -> bool:
    """Note that the session was used now, at most once an hour; True if written."""
    now = utcnow()
    if now - row.last_seen_at < TOUCH_EVERY:
        return False
    row.last_seen_at = now
    return True


def sessions_of(user: User) -> list[LoginSession]:
    """The person's live sessions, the most recent first."""
    now = utcnow()
    absolute = timedelta(hours=_config("FEEDBACK_ABSOLUTE_SESSION_HOURS"))
    return list(
        db.session.scalars(
            select(LoginSession)
            .where(
                LoginSession.user_id == user.id,
                LoginSession.ended_at.is_(None),
                LoginSession.created_at > now - absolute,
            )
            .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
        )
    )


def end_session(actor: User, row: LoginSession) -> None:
    """Log one session out (the person's own, or any as an administrator)."""
    permissions.require(row.user_id == actor.id or permissions.can_manage_accounts(actor))
    if row.ended_at is None:
        row.ended_at = utcnow()
        record(actor, "user.logout", row.user, object_type="user", session=row.id)


def end_sessions(user: User, *, keep: LoginSession | None = None) -> int:
    """End every live session of ``user`` except ``keep``; the number ended."""
    stmt = update(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.ended_at.is_(None)
    )
    if keep is not None:
        stmt = stmt.where(LoginSession.id != keep.id)
    return db.session.execute(stmt.values(ended_at=utcnow())).rowcount


# API tokens -----------------------------------------------------------------------


def issue_token(
    user: User,
    actor: User | None = None,
    *,
    days: int | None = None,
    source: TokenSource = TokenSource.LOGIN,
    address: str | None = None,
) -> tuple[ApiToken, str]:
    """Issue a bearer token for ``user``: the row and the token (shown once, stored hashed)."""
    if not user.active:
        raise InvalidTransition(_("This account is deactivated."))
    days = _config("FEEDBACK_TOKEN_DAYS") if days is None else days
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(
            _("A token lasts from 1 to %(n)d days.", n=MAX_TOKEN_DAYS),
            details={"field": "expires_in"},
        )
    row, token = ApiToken.issue(user, days=days, source=source)
    db.session.add(row)
    details = {"user": user.username, "via": source.value, "expires_at": row.expires_at.isoformat()}
    if address is not None:
        details["address"] = address
    record(actor or user, "token.issued", row, object_type="api_token", **details)
    return row, token


def token_row(token: str) -> ApiToken | None:
    """The live token row for a bearer token (not revoked, not expired, user active)."""
    row = db.session.scalar(
        select(ApiToken)
        .join(ApiToken.user)
        .where(
            ApiToken.token_hash == hash_token(token),
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > utcnow(),
            User.active.is_(True),
        )
    )
    return row


def user_for_token(token: str) -> User | None:
    row = token_row(token)
    return row.user if row is not None else None


def touch_token(row: ApiToken) -> bool:
    """Note that the token was used now, at most once an hour; True if written."""
    now = utcnow()
    if row.last_used_at is not None and now - row.last_used_at < TOUCH_EVERY:
        return False
    row.last_used_at = now
    return True


def tokens_of(user: User) -> list[ApiToken]:
    """The person's live tokens, the newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(
                ApiToken.user_id == user.id,
                ApiToken.revoked_at.is_(None),
                ApiToken.expires_at > utcnow(),
            )
            .order_by(ApiToken.id.desc())
        )
    )


def revoke_token_row(actor: User, row: ApiToken) -> None:
    permissions.require(row.user_id == actor.id or permissions.can_manage_accounts(actor))
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        record(actor, "token.revoked", row, object_type="api_token", user=row.user.username)


def revoke_tokens(user: User) -> int:
    """Revoke every live token of ``user``; the number revoked."""
    return db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    ).rowcount


def revoke_user_tokens(actor: User | None, user: User) -> int:
    """An administrator (or the command line, ``actor`` None) revokes all of a user's tokens."""
    if actor is not None:
        permissions.require(permissions.can_manage_accounts(actor))
    count = revoke_tokens(user)
    record(actor, "token.revoked_all", user, object_type="user", user=user.username, count=count)
    return count


def end_everything(user: User, *, keep: LoginSession | None = None) -> None:
    """Every session (but ``keep``) and every token of ``user`` stop working now."""
    end_sessions(user, keep=keep)
    revoke_tokens(user)


def log_out_everywhere(user: User) -> None:
    """The person ends all their sessions, this one too, and revokes all their tokens."""
    end_everything(user)
    record(user, "user.logout_everywhere", user, object_type="user")


# Expiring integration tokens --------------------------------------------------------


def notify_expiring_tokens(now: datetime | None = None) -> int:
    """Tell every administrator, once per token, that an integration's token (issued on the
    command line) expires within the warning period; the number of tokens announced."""
    from ..notifications.services import administrators, notify

    now = now or utcnow()
    horizon = now + timedelta(days=_config("FEEDBACK_TOKEN_WARNING_DAYS"))
    rows = db.session.scalars(
        select(ApiToken).where(
            ApiToken.source == TokenSource.CLI.value,
            ApiToken.revoked_at.is_(None),
            ApiToken.expiry_notified_at.is_(None),
            ApiToken.expires_at > now,
            ApiToken.expires_at <= horizon,
        )
    ).all()
    admins = administrators()
    for row in rows:
        notify(
            admins,
            "token_expiring",
            link=f"user:{row.user_id}",
            username=row.user.username,
            token=row.id,
            expires_at=row.expires_at.isoformat(),
        )
        row.expiry_notified_at = now
    return len(rows)
