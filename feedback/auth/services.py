"""Account use cases: log in, manage departments and users, issue API tokens."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from .. import permissions
from ..audit.services import record
from ..errors import InvalidInput, InvalidTransition, NotFound
from ..extensions import db
from ..models_base import utcnow
from ..validation import clean_email, clean_line
from .models import ApiToken, Department, MailFrequency, Role, User, hash_token

security_log = logging.getLogger("feedback.security")

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 256

_COMMON_PASSWORDS = frozenset(
    (Path(__file__).with_name("common_passwords.txt")).read_text().split()
)
# Checking a password against this hash when the user does not exist keeps the
# time of a failed login the same whether or not the username exists.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def authenticate(username: str, password: str) -> User | None:
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def log_failed_login(username: str, *, via: str) -> None:
    # repr() keeps a hostile username from forging log lines.
    security_log.warning("login_failed via=%s username=%r", via, username[:64])


def check_password_policy(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise InvalidInput(
            _("The password must have at least %(n)d characters.", n=MIN_PASSWORD),
            details={"field": "password"},
        )
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(
            _("The password must have at most %(n)d characters.", n=MAX_PASSWORD),
            details={"field": "password"},
        )
    if password.lower() in _COMMON_PASSWORDS:
        raise InvalidInput(
            _("This password is too common; choose another."), details={"field": "password"}
        )


def log_out(user: User) -> None:
    """End every browser session of ``user`` (cookies carry the rotated token)."""
    user.rotate_session()
    record(user, "user.logout", user, object_type="user")


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise InvalidInput(_("The current password is wrong."), details={"field": "current"})
    check_password_policy(new)
    user.set_password(new)
    record(user, "user.password_changed", user, object_type="user")


# Departments ----------------------------------------------------------------


def get_department(code: str) -> Department:
    department = db.session.scalar(select(Department).where(Department.code == code.upper()))
    if department is None:
        raise InvalidInput(
            _("There is no department with code %(code)s.", code=code),
            details={"field": "department_code"},
        )
    return department


def create_department(actor: User | None, code, name, mailbox=None) -> Department:
    """Create a department; ``actor`` is None only for the command line."""
    if actor is not None:
        permissions.require(permissions.can_manage_accounts(actor))
    code = clean_line(code, _("Code"), max_chars=32).upper()
    if not CODE_RE.match(code):
        raise InvalidInput(
            _("A department code uses letters A-Z, digits, - and _ (at most 32)."),
            details={"field": "code"},
        )
    name = clean_line(name, _("Name"))
    if db.session.scalar(select(Department.id).where(Department.code == code)):
        raise InvalidTransition(
            _("A department with code %(code)s already exists.", code=code),
            details={"field": "code"},
        )
    mailbox = clean_email(mailbox, _("Official mailbox"), "mailbox")
    department = Department(code=code, name=name, mailbox=mailbox)
    db.session.add(department)
    record(actor, "department.created", department, code=code, name=name, mailbox=mailbox)
    return department


def update_department(actor: User, department: Department, name, mailbox=None) -> Department:
    """Rename a department; ``mailbox`` None keeps its official mailbox, "" removes it."""
    permissions.require(permissions.can_manage_accounts(actor))
    old = department.name
    department.name = clean_line(name, _("Name"))
    if old != department.name:
        record(actor, "department.renamed", department, before=old, after=department.name)
    if mailbox is not None:
        cleaned = clean_email(mailbox, _("Official mailbox"), "mailbox")
        if cleaned != department.mailbox:
            department.mailbox = cleaned
            record(actor, "department.mailbox_changed", department, mailbox=cleaned)
    return department


# Users ----------------------------------------------------------------------


def _check_role(role, department: Department | None) -> Role:
    try:
        role = Role(role)
    except ValueError:
        raise InvalidInput(
            _("Unknown role %(role)s.", role=role), details={"field": "role"}
        ) from None
    if role.in_department and department is None:
        raise InvalidInput(
            _("A department lead or reviewer must belong to a department."),
            details={"field": "department_code"},
        )
    if not role.in_department and department is not None:
        raise InvalidInput(
            _("Only department leads and reviewers belong to a department."),
            details={"field": "department_code"},
        )
    return role


def create_user(
    actor: User | None,
    *,
    username,
    name,
    role,
    password,
    department: Department | None = None,
    email=None,
    mail_frequency=None,
) -> User:
    """Create an account; ``actor`` is None only for the command line."""
    if actor is not None:
        permissions.require(permissions.can_manage_accounts(actor))
    username = clean_line(username, _("Username"), max_chars=64).lower()
    if not USERNAME_RE.match(username):
        raise InvalidInput(
            _("A username uses a-z, digits, '.', '-' and '_' (2 to 64 characters)."),
            details={"field": "username"},
        )
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise InvalidTransition(
            _("The username %(username)s is taken.", username=username),
            details={"field": "username"},
        )
    role = _check_role(role, department)
    check_password_policy(password)
    user = User(
        username=username,
        name=clean_line(name, _("Name")),
        role=role.value,
        department=department,
        email=clean_email(email, _("E-mail"), "email"),
        mail_frequency=check_mail_frequency(mail_frequency or MailFrequency.IMMEDIATE).value,
    )
    user.set_password(password)
    db.session.add(user)
    record(actor, "user.created", user, object_type="user", username=username, role=role.value)
    return user


def update_user(
    actor: User,
    user: User,
    *,
    name=None,
    role=None,
    department: Department | None = None,
    active: bool | None = None,
    email=None,
) -> User:
    """Change an account; ``email`` None keeps the address, "" removes it."""
    permissions.require(permissions.can_manage_accounts(actor))
    changes: dict[str, object] = {}
    if name is not None:
        user.name = clean_line(name, _("Name"))
        changes["name"] = user.name
    if email is not None:
        cleaned = clean_email(email, _("E-mail"), "email")
        if cleaned != user.email:
            user.email = changes["email"] = cleaned
    if role is not None:
        new_role = _check_role(role, department)
        if user.id == actor.id and new_role is not Role.ADMIN:
            raise InvalidTransition(_("You cannot remove your own administrator role."))
        if new_role.value != user.role or department is not user.department:
            user.role = new_role.value
            user.department = department
            changes.update(role=new_role.value, department=department.code if department else None)
            # A changed role takes effect now: end the sessions that carry the old one.
            user.rotate_session()
    if active is not None and active != user.active:
        if user.id == actor.id and not active:
            raise InvalidTransition(_("You cannot deactivate your own account."))
        user.active = active
        user.rotate_session()
        changes["active"] = active
    record(actor, "user.updated", user, object_type="user", **changes)
    return user


def check_mail_frequency(value) -> MailFrequency:
    try:
        return MailFrequency(value)
    except ValueError:
        raise InvalidInput(
            _("Choose how to receive e-mail: each notification, a daily digest, or none."),
            details={"field": "mail_frequency"},
        ) from None


def set_mail_frequency(actor: User, user: User, frequency) -> User:
    """How ``user`` is mailed: each notification, a daily digest, or not at all."""
    permissions.require(permissions.can_change_mail_preferences(actor, user))
    frequency = check_mail_frequency(frequency)
    if frequency.value != user.mail_frequency:
        user.mail_frequency = frequency.value
        record(actor, "user.mail_frequency", user, object_type="user", frequency=frequency.value)
    return user


def reset_password(actor: User, user: User, password) -> None:
    permissions.require(permissions.can_manage_accounts(actor))
    check_password_policy(password)
    user.set_password(password)
    record(actor, "user.password_reset", user, object_type="user")


# API tokens -----------------------------------------------------------------


def issue_token(user: User, actor: User | None = None) -> str:
    """Issue a new bearer token for ``user`` and return it (shown once, stored hashed)."""
    if not user.active:
        raise InvalidTransition(_("This account is deactivated."))
    token_row, token = ApiToken.issue(user)
    db.session.add(token_row)
    record(actor or user, "token.issued", token_row, object_type="api_token", user=user.username)
    return token


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None)
        )
    )
    if row is None or not row.user.active:
        return None
    return row.user


def revoke_token(user: User, token: str) -> None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.user_id != user.id:
        raise NotFound(_("No such token."))
    row.revoked_at = utcnow()
    record(user, "token.revoked", row, object_type="api_token")
