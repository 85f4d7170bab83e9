"""Every "may this user do this to that?" decision, in one place.

Views, API handlers, services and templates all ask these predicates, so a button
is never shown for an action the server refuses, and the server refuses what a
hand-made request tries. ``require`` turns a refusal into :class:`PermissionDenied`.

The predicates decide from the facts they are given and import nothing above
``auth``: where a decision depends on a consultation round (which departments are
invited), the caller looks that up and passes it in as ``invited``.
"""

from __future__ import annotations

from collections.abc import Collection

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


def can_change_mail_preferences(user, account) -> bool:
    """How a person is mailed is theirs to choose; an administrator may set it for them."""
    return is_admin(user) or (_role(user) is not None and user.id == account.id)


def can_read_audit(user) -> bool:
    return _role(user) in (Role.ADMIN, Role.DRAFTER, Role.CHAIR)


def can_see_draft_events(user) -> bool:
    """Audit events of departments' drafts: the administrator only (they carry no text)."""
    return is_admin(user)


def can_read_account_audit(user) -> bool:
    """Logins, failed logins (with addresses), tokens, role changes: the administrator's."""
    return is_admin(user)


# Reports --------------------------------------------------------------------


def can_read_reports(user) -> bool:
    return _role(user) is not None


def can_edit_report(user, report=None) -> bool:
    """Write and restructure the draft: the drafting team only."""
    return is_drafter(user)


def can_edit_section(user, section) -> bool:
    return is_drafter(user) and not section.is_deleted


# Consultation and feedback -----------------------------------------------------


def _invited(user, invited: Collection[int]) -> bool:
    return in_department(user) and user.department_id in invited


def can_manage_rounds(user, report=None) -> bool:
    return is_drafter(user)


def can_see_round_status(user, round_=None) -> bool:
    """All departments' statuses and counts: the drafting team and the chair."""
    return _role(user) in (Role.DRAFTER, Role.CHAIR, Role.ADMIN)


def can_comment(user, report, section=None, *, invited: Collection[int]) -> bool:
    """Comment on the report or a section: the drafting team and chair at any time,
    department members while their department is ``invited`` to the open round."""
    if section is not None and section.is_deleted:
        return False
    if _role(user) in (Role.DRAFTER, Role.CHAIR):
        return True
    return _invited(user, invited)


def can_suggest(user, section, *, invited: Collection[int]) -> bool:
    """Propose new text: department members whose department is ``invited`` to the open round."""
    return not section.is_deleted and _invited(user, invited)


def can_write_section_text(user, section, *, invited: Collection[int]) -> bool:
    """Write new text for a section in the editor (and see its tracked changes while
    typing): propose a revision, or, for the drafting team, edit it or accept with edits."""
    return can_suggest(user, section, invited=invited) or can_edit_section(user, section)


def can_import_markup(user, round_, *, invited: Collection[int]) -> bool:
    """Import the department's marked-up Word copy as its drafts: its lead or reviewers,
    while the round (to which the departments ``invited`` are invited) is open."""
    return round_.is_open and _invited(user, invited)


def can_remove_markup_import(user, batch) -> bool:
    """Remove what one imported Word file made: its uploader, or the department's lead."""
    return _own_department(user, batch) and (
        user.id == batch.uploaded_by_id or _role(user) is Role.LEAD
    )


def _own_department(user, item) -> bool:
    return (
        in_department(user)
        and item.department_id is not None
        and item.department_id == user.department_id
    )


def can_see_feedback(user, item) -> bool:
    """A comment or suggestion: drafts only to their department; submitted ones to the
    drafting team, chair and admin, and to other departments where the report allows it.
    (``review.visibility`` holds its SQL twin.)"""
    role = _role(user)
    if role is None:
        return False
    if _own_department(user, item):
        return True
    if item.is_draft:
        return False
    if role in (Role.DRAFTER, Role.CHAIR, Role.ADMIN):
        return True
    return item.department_id is None or item.report.departments_see_each_other


def can_edit_feedback(user, item) -> bool:
    """Edit or delete a draft: anyone in its department."""
    return item.is_draft and _own_department(user, item)


def can_withdraw(user, item) -> bool:
    """Withdraw submitted, undecided feedback: its department."""
    return (
        _own_department(user, item)
        and item.is_outstanding
        and getattr(item, "disposition", None) is None
    )


def can_reply(user, comment) -> bool:
    return (
        _role(user) in (Role.DRAFTER, Role.CHAIR, Role.LEAD, Role.REVIEWER)
        and can_see_feedback(user, comment)
        and not comment.is_withdrawn
    )


def can_see_reply(user, reply) -> bool:
    """A reply is seen where its comment is; a draft reply only by its department.
    (``review.visibility.visible_replies`` holds its SQL twin.)"""
    if not can_see_feedback(user, reply.comment):
        return False
    return not reply.is_draft or _own_department(user, reply)


def can_publish_reply(user, reply, round_, *, invited: Collection[int]) -> bool:
    """Send a draft reply on its own: its department's lead, while the round is open."""
    return (
        reply.is_draft
        and _own_department(user, reply)
        and can_submit_response(user, round_, invited=invited)
    )


def can_submit_response(user, round_, *, invited: Collection[int]) -> bool:
    """Submit the department's official response: its lead, while the round (to which
    the departments ``invited`` are invited) is open."""
    return _role(user) is Role.LEAD and round_.is_open and _invited(user, invited)


# Decisions ---------------------------------------------------------------------------


def can_decide(user, item=None) -> bool:
    """Accept or reject suggestions, answer comments: the drafting team only."""
    return is_drafter(user)


def can_decide_suggestion(user, suggestion) -> bool:
    return is_drafter(user) and suggestion.is_outstanding and not suggestion.section.is_deleted


def can_resolve_comment(user, comment) -> bool:
    """The drafting team answers submitted comments; an escalated one waits for the chair."""
    if comment.awaits_chair:
        return is_chair(user)
    return is_drafter(user) and comment.is_outstanding


def can_reopen(user, item) -> bool:
    """Reopen an answered comment or a rejected suggestion (recorded, never erased)."""
    if not is_drafter(user):
        return False
    if hasattr(item, "disposition"):
        return item.is_answered
    return item.is_rejected


def can_view_outstanding(user, report=None) -> bool:
    return _role(user) in (Role.DRAFTER, Role.CHAIR)


# Editions ----------------------------------------------------------------------------


def can_issue_edition(user, report=None) -> bool:
    return is_drafter(user)


def can_approve_edition(user, edition=None) -> bool:
    """Approve an edition and mark it submitted to the Committee: the chair only."""
    return is_chair(user)


def can_view_dashboard(user, report=None) -> bool:
    return _role(user) in (Role.DRAFTER, Role.CHAIR)


def can_archive_report(user, report=None) -> bool:
    """Download a report's whole record (every version, the submitted feedback, the
    decisions, the editions, the audit trail without departments' drafts): the drafting
    team, the chair and the administrator."""
    return _role(user) in (Role.ADMIN, Role.DRAFTER, Role.CHAIR)


def can_view_dispositions(user, report=None) -> bool:
    return _role(user) in (Role.DRAFTER, Role.CHAIR)


# Figures (indicators) ------------------------------------------------------------------


def can_read_figures(user, report=None) -> bool:
    return _role(user) is not None


def can_manage_figures(user, report=None) -> bool:
    """Map a table's columns, mark it as the next period's, assign indicators to
    departments, set a direction: the drafting team."""
    return is_drafter(user)


def can_edit_keyword_map(user) -> bool:
    """The keyword map that assigns indicators by default: the administrator."""
    return is_admin(user)


def can_check_indicator(user, indicator, round_, *, invited: Collection[int]) -> bool:
    """Confirm or correct a figure: the lead or a reviewer of the department it is
    assigned to, while the round (to which ``invited`` are invited) is open."""
    return (
        round_ is not None
        and round_.is_open
        and _invited(user, invited)
        and indicator.department_id is not None
        and indicator.department_id == user.department_id
        and not indicator.is_removed
    )


def can_propose_target(user, round_, *, invited: Collection[int]) -> bool:
    """Propose a next period's target or a new indicator: the lead or a reviewer of any
    department invited to the open round (several may propose for one indicator)."""
    return round_ is not None and round_.is_open and _invited(user, invited)


def can_see_check(user, check) -> bool:
    """A confirmation, correction or proposal: a draft only to its department."""
    if _role(user) is None:
        return False
    return not check.is_draft or _own_department(user, check)


def can_view_consistency(user, report=None) -> bool:
    return _role(user) in (Role.DRAFTER, Role.CHAIR)


def can_view_indicator(user, indicator) -> bool:
    """An indicator's page and history: the drafting team, the chair and the
    administrator; a department only its own figures and the next period's targets
    (which any invited department may propose for)."""
    if _role(user) in (Role.DRAFTER, Role.CHAIR, Role.ADMIN):
        return True
    return in_department(user) and (
        indicator.table.is_targets or indicator.department_id == user.department_id
    )
