"""Reading the audit trail, newest first, with filters and keyset pagination."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import AuditEvent


def events(
    *,
    report_id: int | None = None,
    actor_id: int | None = None,
    action: str | None = None,
    object_type: str | None = None,
    before_id: int | None = None,
    limit: int = 50,
    include_drafts: bool = False,
) -> list[AuditEvent]:
    """Newest first. Events about departments' drafts only with ``include_drafts``
    (permissions.can_see_draft_events decides who)."""
    stmt = select(AuditEvent).options(selectinload(AuditEvent.actor)).order_by(AuditEvent.id.desc())
    if not include_drafts:
        stmt = stmt.where(AuditEvent.department_id.is_(None))
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


def actions(*, include_drafts: bool = False) -> list[str]:
    """The actions recorded, for the trail's filter (draft events: as for ``events``)."""
    stmt = select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    if not include_drafts:
        stmt = stmt.where(AuditEvent.department_id.is_(None))
    return list(db.session.scalars(stmt))
