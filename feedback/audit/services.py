"""Recording audit events inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from ..extensions import db
from .models import AuditEvent


def record(
    actor,
    action: str,
    obj=None,
    *,
    report_id: int | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the session; it commits with the change it describes.

    An event about a department's draft (a comment or suggestion not yet submitted) is
    private to that department: the audit trail shows it to the administrator only."""
    private_to = None
    if obj is not None and getattr(obj, "is_draft", False):
        private_to = getattr(obj, "department_id", None)
    if obj is not None:
        db.session.flush()
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else obj.id
        if report_id is None:
            report_id = obj.id if object_type == "report" else getattr(obj, "report_id", None)
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type or "system",
        object_id=object_id,
        report_id=report_id,
        details=details,
        department_id=private_to,
    )
    db.session.add(event)
    return event
