"""Every "may this user do this to that?" decision, in one place.

Views, API handlers, services and templates all ask these predicates, so a button
is never shown for an action the server refuses, and the server refuses what a
hand-made request tries. ``require`` turns a refusal into :class:`PermissionDenied`.
"""

from __future__ import annotations

from flask_babel import gettext as _

from .auth.models import Role
from .errors import PermissionDenied


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("You are not allowed to do this."))


def _role(user) -> Role | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return None
    return Role(user.role)


def is_drafter(user) -> bool:
    return _role(user) is Role.DRAFTER


def is_chair(user) -> bool:
    return _role(user) is Role.CHAIR


def is_admin(user) -> bool:
    return _role(user) is Role.ADMIN


def in_department(user) -> bool:
    role = _role(user)
    return role is not None and role.in_department


# Accounts -------------------------------------------------------------------


def can_manage_accounts(user) -> bool:
    return is_admin(user)


def can_read_audit(user) -> bool:
    return _role(user) in (Role.ADMIN, Role.DRAFTER, Role.CHAIR)


# Reports --------------------------------------------------------------------


def can_read_reports(user) -> bool:
    return _role(user) is not None


def can_edit_report(user, report=None) -> bool:
    """Write and restructure the draft: the drafting team only."""
    return is_drafter(user)


def can_edit_section(user, section) -> bool:
    return is_drafter(user) and not section.is_deleted
