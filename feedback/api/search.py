"""API: search a report."""

from __future__ import annotations

from flask import g, jsonify, request

from .. import permissions
from ..reports import queries as report_queries
from ..search import queries
from ..search.filters import filters_from, query_from
from .blueprint import bp
from .util import query_int


@bp.get("/reports/<int:rid>/search")
def search(rid: int):
    permissions.require(permissions.can_read_reports(g.actor))
    report = report_queries.get_report(rid)
    limit = query_int("limit", 20, minimum=1, maximum=100)
    cursor = query_int("cursor", 0, minimum=0)
    results = queries.search(
        g.actor,
        report,
        query_from(request.args),
        filters_from(request.args),
        limit=limit,
        cursor=cursor,
    )
    return jsonify(
        {
            "items": [
                {
                    "type": hit.type,
                    "id": hit.id,
                    "section_id": hit.section_id,
                    "comment_id": hit.comment_id,
                    "snippet": hit.snippet,
                    "match": list(hit.match),
                }
                for hit in results.hits
            ],
            "total": results.total,
            "next_cursor": results.next_cursor,
        }
    )
