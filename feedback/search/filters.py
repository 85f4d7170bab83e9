"""Reading a search request's words and filters, the same for the page and the API."""

from __future__ import annotations

from sqlalchemy import select

from ..auth.models import Department
from ..extensions import db
from ..labels import LABELS
from ..review.models import CommentStatus, SuggestionStatus
from .models import EntryType
from .queries import Filters

MAX_QUERY = 200
TYPES = tuple(t.value for t in EntryType)
STATUSES = tuple(
    dict.fromkeys([*(s.value for s in CommentStatus), *(s.value for s in SuggestionStatus)])
)


def filters_from(args) -> Filters:
    """Unknown filter values are ignored (a filter narrows; it never errs)."""
    department = (args.get("department") or "").strip()
    department_id = None
    if department:
        department_id = db.session.scalar(
            select(Department.id).where(Department.code == department.upper())
        ) or (int(department) if department.isdigit() and len(department) < 10 else -1)
    kind = args.get("kind") if args.get("kind") in LABELS["comment_kind"] else None
    status = args.get("status") if args.get("status") in STATUSES else None
    kind_of_thing = args.get("type") if args.get("type") in TYPES else None
    return Filters(type=kind_of_thing, department_id=department_id, kind=kind, status=status)


def query_from(args) -> str:
    return (args.get("q") or "").strip()[:MAX_QUERY]
