"""The search page of a report."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from .. import permissions
from ..auth.models import Department
from ..extensions import db
from ..reports import queries as report_queries
from ..validation import whole_number
from . import queries
from .filters import filters_from, query_from

bp = Blueprint("search", __name__)
PAGE = 30


@bp.get("/reports/<int:rid>/search")
@login_required
def search(rid: int):
    permissions.require(permissions.can_read_reports(current_user))
    report = report_queries.get_report(rid)
    query = query_from(request.args)
    cursor = request.args.get("cursor", 0, type=whole_number) or 0
    results = None
    if query:
        results = queries.search(
            current_user,
            report,
            query,
            filters_from(request.args),
            limit=PAGE,
            cursor=max(cursor, 0),
        )
    return render_template(
        "search/results.html",
        report=report,
        query=query,
        results=results,
        cursor=cursor,
        args={k: v for k, v in request.args.items() if k != "cursor"},
        entries={e.section.id: e for e in report_queries.outline(report, with_text=False)},
        departments=db.session.query(Department).order_by(Department.code).all(),
    )
