"""The consultation's pages share one blueprint: rounds, feedback, decisions."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user, login_required

from .. import permissions

bp = Blueprint("review", __name__)


@bp.before_request
@login_required
def _readers_only():
    permissions.require(permissions.can_read_reports(current_user))
