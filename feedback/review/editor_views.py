"""What the in-place editor asks the server while someone types: the tracked changes
their text makes to the version they started from, rendered by the one renderer every
diff page uses (feedback.diffview), so the live preview reads as the saved one will."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions
from ..errors import MalformedInput
from ..extensions import limiter
from ..reports import queries as report_queries
from ..transaction import attempt
from . import rounds, services
from .blueprint import bp


def _per_user() -> str:
    return f"user:{current_user.get_id()}"


def _limit() -> str:
    return current_app.config["FEEDBACK_PREVIEW_LIMIT"]


def _refused(error):
    body = {"error": {"code": error.code, "message": error.message, "details": error.details}}
    return jsonify(body), error.status


@bp.post("/sections/<int:sid>/tracked-changes")
@limiter.limit(_limit, key_func=_per_user)
def tracked_changes(sid: int):
    """POST {"base_version": n, "text": markdown} -> {"html": tracked changes}.

    For whoever may change the section's text: propose a revision, edit it, or accept
    with edits. Held to the size limit of a suggestion; changes nothing (and so takes no
    write lock, see web.py)."""
    section = report_queries.get_section(sid)
    invited = rounds.invited_to_open_round(section.report_id)
    permissions.require(permissions.can_write_section_text(current_user, section, invited=invited))
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        return _refused(MalformedInput(_("Send the text to compare as JSON.")))
    html, error = attempt(
        lambda: services.preview_changes(section, body.get("base_version"), body["text"])
    )
    if error is not None:
        return _refused(error)
    return jsonify(html=str(html))


tracked_changes.writes_nothing = True
