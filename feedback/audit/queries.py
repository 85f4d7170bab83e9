"""Reading the audit trail, newest first, with filters and keyset pagination."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import AuditEvent

# Account events (logins, failed logins with addresses, tokens, roles): the admin's only.
ACCOUNT_ACTIONS = ("user.", "token.")


def events(
    *,
    report_id: int | None = None,
    actor_id: int | None = None,
    action: str | None = None,
    object_type: str | None = None,
    before_id: int | None = None,
    limit: int = 50,
    include_drafts: bool = False,
    with_account_events: bool = True,
) -> list[AuditEvent]:
    """Newest first. Events about departments' drafts only with ``include_drafts``
    (permissions.can_see_draft_events decides who), account events (logins, tokens,
    roles) only with ``with_account_events`` (permissions.can_read_account_audit)."""
    stmt = select(AuditEvent).options(selectinload(AuditEvent.actor)).order_by(AuditEvent.id.desc())
    if not include_drafts:
        stmt = stmt.where(AuditEvent.department_id.is_(None))
    if not with_account_events:
        stmt = stmt.where(*(~AuditEvent.action.startswith(p) for p in ACCOUNT_ACTIONS))
    if report_id is not None:
        stmt = stmt.where(AuditEvent.report_id == report_id)
    if actor_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action, autoescape=True))
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if before_id is not None:
        stmt = stmt.where(AuditEvent.id < before_id)
    return list(db.session.scalars(stmt.limit(limit)))


def actions(*, include_drafts: bool = False, with_account_events: bool = True) -> list[str]:
    """The actions recorded, for the trail's filter (hidden as for ``events``)."""
    stmt = select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    if not include_drafts:
        stmt = stmt.where(AuditEvent.department_id.is_(None))
    if not with_account_events:
        stmt = stmt.where(*(~AuditEvent.action.startswith(p) for p in ACCOUNT_ACTIONS))
    return list(db.session.scalars(stmt))
