"""The audit trail page's rows: what happened in words, and a link to what it happened to.

The objects an event names are looked up in one query per kind for the whole page (not
one per row). An event about a department's draft gets no link (the administrator sees
that it happened, never the draft); an object since deleted is named without a link;
links to accounts and departments are for the administrator only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, load_only

from .. import permissions
from ..auth.models import ApiToken, Department, User
from ..consolidation.models import Edition
from ..extensions import db
from ..labels import LABELS, label
from ..reports.models import Report, Section, SectionVersion
from ..review.links import comment_target
from ..review.models import Comment, Reply, Round, Submission, Suggestion
from . import wording
from .models import AuditEvent


@dataclass(frozen=True)
class Line:
    event: AuditEvent
    action: str  # the action in words
    notable: str | None  # a red label for actions that stand out
    details: list[tuple[str, str, str | None]]  # (name, value, link)
    object_text: str
    object_url: str | None


Target = tuple[str, str | None]  # (text, url)


def _rows(model, ids: set[int], *options):
    if not ids:
        return {}
    return {
        r.id: r
        for r in db.session.scalars(select(model).where(model.id.in_(ids)).options(*options))
    }


def _reports(ids, _viewer) -> dict[int, Target]:
    return {
        i: (r.title, url_for("reports.report", rid=i))
        for i, r in _rows(Report, ids, load_only(Report.title)).items()
    }


def _sections(ids, _viewer) -> dict[int, Target]:
    rows = _rows(Section, ids, joinedload(Section.current).load_only(SectionVersion.heading))
    return {i: (s.current.heading, url_for("reports.section", sid=i)) for i, s in rows.items()}


def _comments(ids, _viewer) -> dict[int, Target]:
    return {
        i: (_("comment #%(id)d", id=i), comment_target(c)) for i, c in _rows(Comment, ids).items()
    }


def _replies(ids, _viewer) -> dict[int, Target]:
    rows = _rows(Reply, ids, joinedload(Reply.comment))
    return {
        i: (_("reply to comment #%(id)d", id=r.comment_id), comment_target(r.comment))
        for i, r in rows.items()
    }


def _suggestions(ids, _viewer) -> dict[int, Target]:
    return {
        i: (_("suggestion #%(id)d", id=i), url_for("review.suggestion", suggestion_id=i))
        for i in _rows(Suggestion, ids)
    }


def _rounds(ids, _viewer) -> dict[int, Target]:
    return {
        i: (_("Round %(n)d", n=r.number), url_for("review.round_status", round_id=i))
        for i, r in _rows(Round, ids).items()
    }


def _submissions(ids, _viewer) -> dict[int, Target]:
    rows = _rows(Submission, ids, joinedload(Submission.department))
    return {
        i: (
            _("response of %(department)s", department=s.department.name),
            url_for("review.round_status", round_id=s.round_id),
        )
        for i, s in rows.items()
    }


def _editions(ids, _viewer) -> dict[int, Target]:
    return {
        i: (
            _("Draft no. %(n)d", n=e.number),
            url_for("consolidation.edition", rid=e.report_id, n=e.number),
        )
        for i, e in _rows(Edition, ids).items()
    }


def _admin_url(viewer, endpoint: str, **values) -> str | None:
    return url_for(endpoint, **values) if permissions.can_manage_accounts(viewer) else None


def _users(ids, viewer) -> dict[int, Target]:
    return {
        i: (f"{u.name} · {u.username}", _admin_url(viewer, "admin.edit_user", uid=i))
        for i, u in _rows(User, ids).items()
    }


def _tokens(ids, viewer) -> dict[int, Target]:
    rows = _rows(ApiToken, ids, joinedload(ApiToken.user))
    return {
        i: (
            _("API token of %(name)s", name=t.user.name),
            _admin_url(viewer, "admin.edit_user", uid=t.user_id),
        )
        for i, t in rows.items()
    }


def _departments(ids, viewer) -> dict[int, Target]:
    return {
        i: (d.name, _admin_url(viewer, "admin.edit_department", did=i))
        for i, d in _rows(Department, ids).items()
    }


_FINDERS: dict[str, Callable] = {
    "report": _reports,
    "section": _sections,
    "comment": _comments,
    "reply": _replies,
    "suggestion": _suggestions,
    "round": _rounds,
    "submission": _submissions,
    "edition": _editions,
    "user": _users,
    "api_token": _tokens,
    "department": _departments,
}

# What an object is called when it no longer exists (a deleted draft).
_KINDS = {
    "report": lambda i: _("report #%(id)d", id=i),
    "section": lambda i: _("section #%(id)d", id=i),
    "comment": lambda i: _("comment #%(id)d", id=i),
    "reply": lambda i: _("reply #%(id)d", id=i),
    "suggestion": lambda i: _("suggestion #%(id)d", id=i),
    "round": lambda i: _("round #%(id)d", id=i),
    "submission": lambda i: _("response #%(id)d", id=i),
    "edition": lambda i: _("draft #%(id)d", id=i),
    "user": lambda i: _("account #%(id)d", id=i),
    "api_token": lambda i: _("API token #%(id)d", id=i),
    "department": lambda i: _("department #%(id)d", id=i),
    "indicator": lambda i: _("indicator #%(id)d", id=i),
    "indicator_check": lambda i: _("check of a figure #%(id)d", id=i),
    "indicator_table": lambda i: _("indicator table #%(id)d", id=i),
}


# Details that name another object by its id: shown by name, with a link.
_REFERENCES = {"section": "section", "comment": "comment"}


def _references(event: AuditEvent):
    """(detail key, object kind, id) of the ids an event's details carry."""
    for key, kind in _REFERENCES.items():
        value = (event.details or {}).get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            yield key, kind, value


def _targets(events: list[AuditEvent], viewer) -> dict[tuple[str, int], Target]:
    wanted: dict[str, set[int]] = {}
    for e in events:
        if e.department_id is not None:
            continue  # a draft: named, never linked
        if e.object_id is not None and e.object_type in _FINDERS:
            wanted.setdefault(e.object_type, set()).add(e.object_id)
        for _key, kind, ident in _references(e):
            wanted.setdefault(kind, set()).add(ident)
    found: dict[tuple[str, int], Target] = {}
    for kind, ids in wanted.items():
        for i, target in _FINDERS[kind](ids, viewer).items():
            found[(kind, i)] = target
    return found


def _object(event: AuditEvent, targets) -> Target:
    if event.object_id is None:
        return ("", None)
    target = targets.get((event.object_type, event.object_id))
    if target is not None:
        return target
    name = _KINDS.get(event.object_type)
    return (name(event.object_id) if name else f"{event.object_type} #{event.object_id}", None)


def _details(event: AuditEvent, targets) -> list[tuple[str, str, str | None]]:
    linked = {key: targets.get((kind, ident)) for key, kind, ident in _references(event)}
    return [
        (name, *linked[key]) if linked.get(key) else (name, value, None)
        for key, name, value in wording.details(event.details)
    ]


def lines(events: list[AuditEvent], viewer) -> list[Line]:
    """The page's rows, newest first as given."""
    targets = _targets(events, viewer)
    result = []
    for e in events:
        text, url = _object(e, targets)
        result.append(
            Line(
                event=e,
                action=wording.action_label(e.action),
                notable=label("notable_action", e.action)
                if e.action in LABELS["notable_action"]
                else None,
                details=_details(e, targets),
                object_text=text,
                object_url=url,
            )
        )
    return result
