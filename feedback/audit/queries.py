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
    with_account_events: bool = True,
) -> list[AuditEvent]:
    stmt = select(AuditEvent).options(selectinload(AuditEvent.actor)).order_by(AuditEvent.id.desc())
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


def actions(*, with_account_events: bool = True) -> list[str]:
    stmt = select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    if not with_account_events:
        stmt = stmt.where(*(~AuditEvent.action.startswith(p) for p in ACCOUNT_ACTIONS))
    return list(db.session.scalars(stmt))
