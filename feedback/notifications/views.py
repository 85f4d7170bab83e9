"""The notifications page."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..reports.forms import ActionForm
from . import services

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index():
    items = services.recent(current_user)
    return render_template(
        "notifications/index.html",
        items=[(n, services.message(n), services.url(n)) for n in items],
        action_form=ActionForm(),
    )


@bp.post("/notifications/read")
@login_required
def mark_read():
    if ActionForm().validate_on_submit():
        services.mark_all_read(current_user)
    return redirect(url_for(".index"))


def unread_count_processor():
    if current_user.is_authenticated:
        return {"unread_notifications": services.unread_count(current_user)}
    return {"unread_notifications": 0}
