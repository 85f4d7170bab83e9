"""Account use cases: log in, manage departments and users, passwords, API tokens."""

from __future__ import annotations

import logging
import re

from flask_babel import gettext as _
from sqlalchemy import select

from .. import permissions
from ..audit.services import record
from ..errors import (
    InvalidInput,
    InvalidTransition,
    NotFound,
    PasswordChangeRequired,
    PermissionDenied,
)
from ..extensions import db
from ..validation import clean_email, clean_line
from . import passwords, sessions
from .models import (
    ApiToken,
    Department,
    LoginSession,
    MailFrequency,
    Role,
    TokenSource,
    User,
    hash_token,
)

security_log = logging.getLogger("feedback.security")

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")


def authenticate(username: str, password: str) -> User | None:
    """The active user with this username and password, or None. A hash made the old way
    (scrypt) or with older parameters is replaced by today's argon2id on success."""
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        passwords.waste_a_verification(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    if passwords.needs_rehash(user.password_hash):
        user.set_password(password)
    return user


def record_failed_login(username: str, *, via: str, address: str | None) -> None:
    """A log line and an audit event for a failed login: the username tried, never the
    password. The caller keeps the event although it answers 401."""
    tried = (username or "")[:64]
    # repr() keeps a hostile username from forging log lines.
    security_log.warning("login_failed via=%s username=%r address=%s", via, tried, address)
    user = db.session.scalar(select(User).where(User.username == tried.strip().lower()))
    record(
        None,
        "user.login_failed",
        object_type="user",
        object_id=user.id if user is not None else None,
        username=tried,
        via=via,
        address=address,
    )


def api_login(user: User, *, address: str | None) -> tuple[ApiToken, str]:
    """A login through POST /api/v1/tokens: a new token, and the login on record. Someone
    who must first choose their own password gets no token (403)."""
    if user.must_change_password:
        raise PasswordChangeRequired(password_change_message())
    sessions.note_login(user, via="api", address=address)
    return sessions.issue_token(user, address=address)


def password_change_message() -> str:
    return _(
        "Your password was set by an administrator: log in on the website and choose your "
        "own password before using the API."
    )


def check_password_policy(password, user: User | None = None, *, username="", name="") -> None:
    if user is not None:
        username, name = user.username, user.name
    passwords.check_policy(password, user_inputs=(str(username or ""), str(name or "")))


def change_password(user: User, current: str, new: str, *, keep: LoginSession | None = None):
    """The person chooses a new password: every other session and every token ends."""
    if not user.check_password(current):
        raise InvalidInput(_("The current password is wrong."), details={"field": "current"})
    if new == current:
        raise InvalidInput(
            _("Choose a password different from the current one."), details={"field": "new"}
        )
    check_password_policy(new, user)
    user.set_password(new)
    user.must_change_password = False
    sessions.end_everything(user, keep=keep)
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
    must_change_password: bool | None = None,
    skip_password_policy: bool = False,
) -> User:
    """Create an account; ``actor`` is None only for the command line and the demo.

    An account an administrator creates must choose its own password at first login
    (``must_change_password`` defaults to whether an administrator acts). Only the demo
    loader skips the password policy, to keep its documented password.
    """
    if actor is not None:
        permissions.require(permissions.can_manage_accounts(actor))
    if skip_password_policy and actor is not None:
        raise PermissionDenied()
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
    name = clean_line(name, _("Name"))
    if not skip_password_policy:
        check_password_policy(password, username=username, name=name)
    user = User(
        username=username,
        name=name,
        role=role.value,
        department=department,
        email=clean_email(email, _("E-mail"), "email"),
        mail_frequency=check_mail_frequency(mail_frequency or MailFrequency.IMMEDIATE).value,
    )
    user.set_password(password)
    user.must_change_password = (
        actor is not None if must_change_password is None else must_change_password
    )
    db.session.add(user)
    record(actor, "user.created", user, object_type="user", username=username, role=role.value)
    if role is Role.CHAIR:
        _announce_chair(actor, user)
    return user


def _announce_chair(actor: User | None, user: User) -> None:
    """A new chair account can approve editions: every other chair hears of it at once,
    and the audit trail marks it with its own action."""
    from ..notifications.services import chairs, notify

    record(actor, "user.chair_granted", user, object_type="user", username=user.username)
    notify(
        [c for c in chairs() if c.id != user.id],
        "chair_granted",
        username=user.username,
        name=user.name,
        by=actor.name if actor is not None else "",
    )


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
        changes.update(_change_role(actor, user, role, department))
    if active is not None and active != user.active:
        if user.id == actor.id and not active:
            raise InvalidTransition(_("You cannot deactivate your own account."))
        user.active = active
        # Deactivation ends every session and token; reactivation brings none back.
        sessions.end_everything(user)
        changes["active"] = active
    record(actor, "user.updated", user, object_type="user", **changes)
    if changes.get("role") == Role.CHAIR.value:
        _announce_chair(actor, user)
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


def _change_role(actor: User, user: User, role, department: Department | None) -> dict:
    new_role = _check_role(role, department)
    if user.id == actor.id and new_role is not Role.ADMIN:
        raise InvalidTransition(_("You cannot remove your own administrator role."))
    if new_role.value == user.role and department is user.department:
        return {}
    user.role = new_role.value
    user.department = department
    # A changed role takes effect now: end the sessions that carry the old one.
    sessions.end_sessions(user)
    return {"role": new_role.value, "department": department.code if department else None}


def reset_password(actor: User, user: User, password) -> None:
    """The administrator sets a password: every session and token of the person ends, and
    they must choose their own password at their next login."""
    permissions.require(permissions.can_manage_accounts(actor))
    check_password_policy(password, user)
    user.set_password(password)
    user.must_change_password = user.id != actor.id
    sessions.end_everything(user)
    record(actor, "user.password_reset", user, object_type="user")


def set_password_from_console(user: User, password) -> None:
    """The server's operator sets a password on the command line (a locked-out
    administrator, a lost password): the same rules as on the pages; every session and
    token of the person ends. They keep this password, as with ``users create``: the
    operator gives it to them in person."""
    check_password_policy(password, user)
    user.set_password(password)
    user.must_change_password = False
    sessions.end_everything(user)
    record(None, "user.password_reset", user, object_type="user", via="cli")


# API tokens (the bearer-token API's view of auth.sessions) ---------------------------


def issue_token(
    user: User,
    actor: User | None = None,
    *,
    days: int | None = None,
    source: TokenSource = TokenSource.LOGIN,
) -> str:
    """Issue a new bearer token for ``user`` and return it (shown once, stored hashed)."""
    _row, token = sessions.issue_token(user, actor, days=days, source=source)
    return token


def user_for_token(token: str) -> User | None:
    return sessions.user_for_token(token)


def revoke_token(user: User, token: str) -> None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.user_id != user.id:
        raise NotFound(_("No such token."))
    sessions.revoke_token_row(user, row)
