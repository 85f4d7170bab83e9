"""The report and section pages' blueprint."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user, login_required

from .. import permissions

bp = Blueprint("reports", __name__)


@bp.before_request
@login_required
def _readers_only():
    permissions.require(permissions.can_read_reports(current_user))
