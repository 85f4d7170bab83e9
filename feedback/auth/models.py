"""Departments, users and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models_base import UTCDateTime, enum_check, utcnow


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


def _new_session_token() -> str:
    return secrets.token_urlsafe(32)


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
    # Flask-Login stores this token, not the id, in the session cookie; rotating
    # it (logout, password change, deactivation) makes every copied cookie useless.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=_new_session_token)
    locale: Mapped[str | None] = mapped_column(String(8))
    email: Mapped[str | None] = mapped_column(String(254))
    mail_frequency: Mapped[str] = mapped_column(
        String(16), default=MailFrequency.IMMEDIATE.value, server_default="immediate"
    )
    # The local day of the last daily digest made for this user (at most one a day).
    digest_sent_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    department: Mapped[Department | None] = relationship(back_populates="users")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")
        self.rotate_session()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def rotate_session(self) -> None:
        self.session_token = _new_session_token()

    # Flask-Login
    def get_id(self) -> str:
        return self.session_token

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


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @classmethod
    def issue(cls, user: User) -> tuple[ApiToken, str]:
        token = secrets.token_urlsafe(32)
        return cls(user=user, token_hash=hash_token(token)), token
