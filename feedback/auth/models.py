"""Departments, users and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import UTCDateTime, enum_check, utcnow
from . import passwords


class Role(StrEnum):
    ADMIN = "admin"
    DRAFTER = "drafter"
    CHAIR = "chair"
    LEAD = "lead"
    REVIEWER = "reviewer"

    @property
    def in_department(self) -> bool:
        return self in (Role.LEAD, Role.REVIEWER)


class MailFrequency(StrEnum):
    """How a user wants notifications by e-mail: each one, a daily digest, or none."""

    IMMEDIATE = "immediate"
    DAILY = "daily"
    NONE = "none"


class Department(db.Model):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # The department's official mailbox (văn thư): round and deadline mails go there too.
    mailbox: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="department")

    def __repr__(self) -> str:
        return f"<Department {self.code}>"


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(enum_check("role", [r.value for r in Role]), name="role_known"),
        CheckConstraint(
            "(role IN ('lead', 'reviewer')) = (department_id IS NOT NULL)",
            name="department_iff_department_role",
        ),
        CheckConstraint(
            enum_check("mail_frequency", [f.value for f in MailFrequency]),
            name="mail_frequency_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set when someone else (the administrator) chose the password: the person must
    # choose their own before doing anything else.
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    locale: Mapped[str | None] = mapped_column(String(8))
    email: Mapped[str | None] = mapped_column(String(254))
    mail_frequency: Mapped[str] = mapped_column(
        String(16), default=MailFrequency.IMMEDIATE.value, server_default="immediate"
    )
    # The local day of the last daily digest made for this user (at most one a day).
    digest_sent_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    department: Mapped[Department | None] = relationship(back_populates="users")

    # The secret of the login session this request runs in (not stored): Flask-Login
    # keeps it, not the user's id, in the cookie. See LoginSession.
    session_secret = None

    def set_password(self, password: str) -> None:
        self.password_hash = passwords.hash_password(password)

    def check_password(self, password: str) -> bool:
        return passwords.verify_password(self.password_hash, password)

    # Flask-Login
    def get_id(self) -> str | None:
        return self.session_secret

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_department_user(self) -> bool:
        return self.role_enum.in_department

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenSource(StrEnum):
    LOGIN = "login"  # POST /api/v1/tokens with a username and password
    CLI = "cli"  # `flask users token`: an integration's token, set up by the operator


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_token"
    __table_args__ = (
        CheckConstraint(enum_check("source", [s.value for s in TokenSource]), name="source_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(16), default=TokenSource.LOGIN.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the administrators were told that this token is about to expire.
    expiry_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @classmethod
    def issue(cls, user: User, *, days: int, source: TokenSource) -> tuple[ApiToken, str]:
        token = secrets.token_urlsafe(32)
        now = utcnow()
        row = cls(
            user=user,
            token_hash=hash_token(token),
            source=source.value,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        return row, token

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > utcnow()


class LoginSession(db.Model):
    """One browser login: listed on the account page, ended alone or with all the others.

    The cookie carries a random secret; only its SHA-256 is stored, so a copy of the
    database does not log anyone in, and ending the row kills every copy of the cookie.
    """

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User] = relationship()

    @classmethod
    def start(cls, user: User, *, address: str, user_agent: str) -> tuple[LoginSession, str]:
        secret = secrets.token_urlsafe(32)
        now = utcnow()
        row = cls(
            user=user,
            secret_hash=hash_token(secret),
            created_at=now,
            last_seen_at=now,
            address=address[:64],
            user_agent=user_agent[:300],
        )
        return row, secret
