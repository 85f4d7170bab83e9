"""The figures' pages share one blueprint: a department's indicators, the drafting
team's list, mapping and assignment, an indicator's history, the CSV, the keyword map."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user, login_required

from .. import markup, permissions

bp = Blueprint("figures", __name__)


@bp.before_request
@login_required
def _readers_only():
    permissions.require(permissions.can_read_reports(current_user))


@bp.app_template_filter("cell")
def cell_text(text: str | None) -> str:
    """A table cell's Markdown as the reader sees it: no ``**`` or ``\\|`` on the pages."""
    return markup.plain_text(text or "")
