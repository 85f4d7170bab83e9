"""The audit trail page."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import permissions
from ..auth.models import User
from ..extensions import db
from ..validation import whole_number
from . import presentation, queries, wording

bp = Blueprint("audit", __name__)


@bp.get("/audit")
@login_required
def trail():
    permissions.require(permissions.can_read_audit(current_user))
    limit = current_app.config["FEEDBACK_PAGE_SIZE"]
    filters = {
        "report_id": request.args.get("report", type=whole_number),
        "actor_id": request.args.get("actor", type=whole_number),
        "action": request.args.get("action") or None,
    }
    include_drafts = permissions.can_see_draft_events(current_user)
    accounts = permissions.can_read_account_audit(current_user)
    events = queries.events(
        **filters,
        before_id=request.args.get("before", type=whole_number),
        limit=limit + 1,
        include_drafts=include_drafts,
        with_account_events=accounts,
    )
    more = len(events) > limit
    events = events[:limit]
    users = db.session.scalars(select(User).order_by(User.name)).all()
    actions = queries.actions(include_drafts=include_drafts, with_account_events=accounts)
    return render_template(
        "audit/trail.html",
        lines=presentation.lines(events, current_user),
        last_id=events[-1].id if events else None,
        more=more,
        filters=filters,
        users=users,
        actions=[(a, wording.action_label(a)) for a in actions],
    )
