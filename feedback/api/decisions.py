"""API: accept, reject, rebase conflicts, comment dispositions, what is outstanding."""

from __future__ import annotations

from flask import g, jsonify

from .. import permissions
from ..errors import MergeConflict
from ..figures import consistency
from ..reports import queries as report_queries
from ..review import decisions, visibility
from ..review import outstanding as review_outstanding
from ..transaction import keep_changes
from . import figures as api_figures
from . import serializers
from .blueprint import bp
from .review import _comment_json, _suggestion_json
from .schemas import AcceptRequest, BulkAccept, RejectRequest, ReopenRequest, ResolveRequest
from .util import parse


def _conflict_error(outcome) -> MergeConflict:
    conflict = outcome.conflict
    return MergeConflict(
        _merge_message(outcome.suggestion.id),
        details={
            "suggestion_id": outcome.suggestion.id,
            "base": conflict.base,
            "current": conflict.current,
            "proposed": conflict.proposed,
            "current_version": outcome.suggestion.conflict_version,
            "clashes": [
                {
                    "base": [c.base_start, c.base_end],
                    "current": [c.current_start, c.current_end],
                    "proposed": [c.proposed_start, c.proposed_end],
                    "base_text": c.base_text,
                    "current_text": c.current_text,
                    "proposed_text": c.proposed_text,
                }
                for c in conflict.clashes
            ],
        },
    )


def _merge_message(suggestion_id: int) -> str:
    from flask_babel import gettext as _

    return _(
        "Suggestion #%(id)d overlaps changes made to the section since its base version; "
        'accept it with merged text ("text") or reject it.',
        id=suggestion_id,
    )


def _accepted_json(outcome) -> dict:
    return {
        "suggestion": _suggestion_json(outcome.suggestion),
        "section_version": serializers.version(outcome.version, with_text=True),
    }


@bp.post("/suggestions/<int:suggestion_id>/accept")
def accept_suggestion(suggestion_id: int):
    suggestion = visibility.get_suggestion(suggestion_id, g.actor)
    permissions.require(permissions.can_decide(g.actor))
    body = parse(AcceptRequest)
    outcome = decisions.accept_suggestion(
        g.actor, suggestion, text=body.text, note=body.note, expected_version=body.expected_version
    )
    if outcome.conflict is not None:
        keep_changes()  # the conflict is recorded on the suggestion; the section is untouched
        raise _conflict_error(outcome)
    return jsonify(_accepted_json(outcome))


@bp.post("/suggestions/<int:suggestion_id>/reject")
def reject_suggestion(suggestion_id: int):
    suggestion = visibility.get_suggestion(suggestion_id, g.actor)
    permissions.require(permissions.can_decide(g.actor))
    body = parse(RejectRequest)
    decisions.reject_suggestion(g.actor, suggestion, reason=body.reason)
    return jsonify(_suggestion_json(suggestion))


@bp.post("/suggestions/<int:suggestion_id>/reopen")
def reopen_suggestion(suggestion_id: int):
    suggestion = visibility.get_suggestion(suggestion_id, g.actor)
    permissions.require(permissions.can_decide(g.actor))
    body = parse(ReopenRequest)
    decisions.reopen_suggestion(g.actor, suggestion, note=body.note)
    return jsonify(_suggestion_json(suggestion))


@bp.post("/sections/<int:sid>/accept-suggestions")
def accept_in_order(sid: int):
    section = report_queries.get_section(sid)
    permissions.require(permissions.can_decide(g.actor))
    body = parse(BulkAccept)
    items = [visibility.get_suggestion(i, g.actor) for i in body.ids]
    outcome = decisions.accept_in_order(g.actor, section, items)
    payload = {"accepted": [_accepted_json(o) for o in outcome.accepted], "conflict": None}
    if outcome.conflict is not None:
        keep_changes()  # the accepted ones and the conflict stay recorded
        error = _conflict_error(outcome.conflict)
        payload["conflict"] = {
            "suggestion_id": outcome.conflict.suggestion.id,
            "message": error.message,
            "details": error.details,
        }
        return jsonify(payload), 409
    return jsonify(payload)


@bp.post("/comments/<int:comment_id>/resolve")
def resolve_comment(comment_id: int):
    comment = visibility.get_comment(comment_id, g.actor)
    permissions.require(permissions.can_decide(g.actor) or permissions.is_chair(g.actor))
    body = parse(ResolveRequest)
    others = [visibility.get_comment(i, g.actor) for i in body.also if i != comment.id]
    resolved = decisions.resolve_comments(
        g.actor,
        [comment, *others],
        disposition=body.disposition,
        response=body.response,
        absorbed_version=body.absorbed_version,
    )
    data = _comment_json(comment)
    if others:
        data["also"] = [_comment_json(c) for c in resolved[1:]]
    return jsonify(data)


@bp.post("/comments/<int:comment_id>/reopen")
def reopen_comment(comment_id: int):
    comment = visibility.get_comment(comment_id, g.actor)
    permissions.require(permissions.can_decide(g.actor))
    body = parse(ReopenRequest)
    decisions.reopen_comment(g.actor, comment, note=body.note)
    return jsonify(_comment_json(comment))


def _item(item, kind: str) -> dict:
    return {
        "id": item.id,
        "type": kind,
        "section_id": item.section_id,
        "department": serializers.department(item.department),
        "author": serializers.person(item.author),
        "submitted_at": serializers.iso(item.submitted_at),
        "url": f"/{'suggestions' if kind == 'suggestion' else 'comments'}/{item.id}",
        **(
            {"kind": item.kind, "body": item.body, "disposition": item.disposition}
            if kind == "comment"
            else {"base_version": item.base_version, "conflict_version": item.conflict_version}
        ),
    }


@bp.get("/reports/<int:rid>/outstanding")
def outstanding(rid: int):
    report = report_queries.get_report(rid)
    permissions.require(permissions.can_view_outstanding(g.actor, report))
    result = review_outstanding.outstanding(report)
    figures = consistency.check_report(report)
    return jsonify(
        {
            "counts": {
                **result.counts,
                "inconsistencies": len(figures.mismatches),
                "flagged_indicators": len(figures.flags),
            },
            # The text says what the tables do not (issue 15): the drafting team's to fix.
            "inconsistencies": [api_figures.mismatch(m) for m in figures.mismatches],
            "flagged_indicators": [api_figures.row_flag(f) for f in figures.flags],
            "round": serializers.round_(result.round) if result.round else None,
            "comments": [_item(c, "comment") for c in result.comments],
            "suggestions": [_item(s, "suggestion") for s in result.suggestions],
            "conflicts": [_item(s, "suggestion") for s in result.conflicts],
            "escalated": [_item(c, "comment") for c in result.escalated],
            "departments_pending": [
                {
                    "code": r.department.code,
                    "name": r.department.name,
                    "status": r.status.value,
                }
                for r in result.departments_pending
            ],
        }
    )
