"""Audit events: append-only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..extensions import db
from ..models_base import UTCDateTime, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_report_at", "report_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None]
    # Denormalised so a report's trail is one indexed range scan.
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Set on events about a department's draft: until the department submits, nobody
    # outside it learns what or how much it drafts (the admin sees them, without text).
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))

    actor: Mapped[User | None] = relationship()


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _append_only(_mapper, _connection, target):
    raise RuntimeError(f"audit events are append-only (event {target.id})")
