"""API: editions, exports, approval, the disposition table, the audit trail."""

from __future__ import annotations

from flask import g, jsonify, request

from .. import caching, permissions
from ..audit import queries as audit_queries
from ..audit import wording
from ..consolidation import (
    approval,
    disposition_cache,
    dispositions,
    exports,
    queries,
    reimport,
    services,
)
from ..errors import InvalidInput
from ..reports import queries as report_queries
from ..reports import uploads
from . import serializers
from .blueprint import bp
from .schemas import EditionCreate
from .util import parse, query_int


def _edition(edition, *, with_text: bool = False) -> dict:
    data = {
        "id": edition.id,
        "report_id": edition.report_id,
        "number": edition.number,
        "title": edition.title,
        "note": edition.note,
        "status": edition.status,
        "created_at": serializers.iso(edition.created_at),
        "created_by": serializers.person(edition.created_by),
        "approved_at": serializers.iso(edition.approved_at),
        "approved_by": serializers.person(edition.approved_by),
        "submitted_at": serializers.iso(edition.submitted_at),
        "submitted_by": serializers.person(edition.submitted_by),
        # The administrative format as it was when the edition was issued.
        "document_format": edition.document_format(),
    }
    if with_text:
        data["sections"] = [
            {
                "section_id": e.section_id,
                "version": e.version.number,
                "number": e.number,
                "level": e.depth + 1,
                "heading": e.heading,
                "text": e.text,
            }
            for e in queries.entries(edition)
        ]
    else:
        data["sections"] = [
            {"section_id": s.section_id, "version": s.version, "number": s.number}
            for s in edition.sections
        ]
    return data


def _read():
    permissions.require(permissions.can_read_reports(g.actor))


@bp.get("/reports/<int:rid>/editions")
def list_editions(rid: int):
    _read()
    report = report_queries.get_report(rid)
    return jsonify([_edition(e) for e in queries.editions(report)])


@bp.post("/reports/<int:rid>/editions")
def issue_edition(rid: int):
    report = report_queries.get_report(rid)
    permissions.require(permissions.can_issue_edition(g.actor, report))
    body = parse(EditionCreate)
    edition = services.issue_edition(g.actor, report, note=body.note)
    return jsonify(_edition(edition)), 201


@bp.get("/reports/<int:rid>/editions/<int:n>")
def get_edition(rid: int, n: int):
    _read()
    edition = queries.get_edition(report_queries.get_report(rid), n)
    return caching.immutable(None, lambda: jsonify(_edition(edition, with_text=True)))


@bp.post("/reports/<int:rid>/editions/<int:n>/approve")
def approve_edition(rid: int, n: int):
    """Approves as asked, and says what argued for waiting (``warnings``)."""
    edition = queries.get_edition(report_queries.get_report(rid), n)
    warnings = approval.approval_warnings(edition)
    services.approve_edition(g.actor, edition)
    data = _edition(edition)
    data["warnings"] = [
        {"code": w.code, "message": w.message, "details": w.details} for w in warnings
    ]
    return jsonify(data)


@bp.post("/reports/<int:rid>/editions/<int:n>/submit")
def submit_edition(rid: int, n: int):
    edition = queries.get_edition(report_queries.get_report(rid), n)
    services.submit_edition(g.actor, edition)
    return jsonify(_edition(edition))


def _export(rid: int, n: int, fmt: str):
    _read()
    report = report_queries.get_report(rid)
    edition = queries.get_edition(report, n)
    since = query_int("changes_since", None, minimum=1)
    changes_since = queries.get_edition(report, since) if since else None
    return exports.edition_download(g.actor, edition, changes_since, fmt)


@bp.get("/reports/<int:rid>/editions/<int:n>/export.docx")
def export_docx(rid: int, n: int):
    return _export(rid, n, "docx")


@bp.get("/reports/<int:rid>/editions/<int:n>/export.md")
def export_md(rid: int, n: int):
    return _export(rid, n, "md")


@bp.get("/reports/<int:rid>/editions/<int:n>/export.html")
def export_html(rid: int, n: int):
    return _export(rid, n, "html")


def _table(rid: int):
    report = report_queries.get_report(rid)
    permissions.require(permissions.can_view_dispositions(g.actor, report))
    return dispositions.build_for_round(report, query_int("round", None, minimum=1))


@bp.get("/reports/<int:rid>/dispositions")
def disposition_table(rid: int):
    table = _table(rid)
    p = table.preamble
    return jsonify(
        {
            "report_id": rid,
            "round": serializers.round_(table.round) if table.round else None,
            "preamble": {
                "consulted": [d.code for d in p.consulted],
                "received": [
                    {
                        "department": d.code,
                        "dispatches": [
                            {
                                "number": s.dispatch_number,
                                "date": s.dispatch_date.isoformat() if s.dispatch_date else None,
                            }
                            for s in subs
                            if s.dispatch_number
                        ],
                    }
                    for d, subs in p.received
                ],
                "agreed": [d.code for d in p.agreed],
                "deemed_to_agree": [d.code for d in p.deemed],
                "commented": [d.code for d in p.commented],
                "no_reply": [d.code for d in p.no_reply],
                # Figures confirmed by their departments (or corrected and decided), of
                # the results tables' indicators; null when the report has none.
                "figures": (
                    {"checked": p.figures[0], "total": p.figures[1]} if p.figures else None
                ),
                "text": p.sentences(),
            },
            "rows": [
                {
                    "id": r.item.id,
                    "type": r.kind,
                    "section_id": r.section_id,
                    "group": r.group,
                    "department": r.department_code or None,
                    "who": r.who,
                    "dispatch": r.dispatch,
                    "quote": r.quote,
                    "text": r.content,
                    "decision": r.decision_code,
                    "decision_label": r.decision,
                    "response": r.response,
                    "link": exports.row_link(r) or None,
                }
                for r in table.rows
            ],
        }
    )


def _stored_download(rid: int, fmt: str):
    report = report_queries.get_report(rid)
    permissions.require(permissions.can_view_dispositions(g.actor, report))
    return disposition_cache.download(
        g.actor,
        report,
        query_int("round", None, minimum=1),
        fmt,
        lambda: exports.disposition_download(g.actor, _table(rid), fmt),
    )


@bp.get("/reports/<int:rid>/dispositions.csv")
def disposition_csv(rid: int):
    return _stored_download(rid, "csv")


@bp.get("/reports/<int:rid>/dispositions.docx")
def disposition_docx(rid: int):
    return _stored_download(rid, "docx")


@bp.get("/reports/<int:rid>/audit")
def audit(rid: int):
    report = report_queries.get_report(rid)
    permissions.require(permissions.can_read_audit(g.actor))
    limit = query_int("limit", 50, minimum=1, maximum=500)
    cursor = query_int("cursor", None, minimum=1)
    events = audit_queries.events(
        report_id=report.id,
        actor_id=query_int("actor", None, minimum=1),
        action=request.args.get("action") or None,
        before_id=cursor,
        limit=limit + 1,
        include_drafts=permissions.can_see_draft_events(g.actor),
    )
    page = events[:limit]
    return jsonify(
        {
            "items": [
                {
                    "id": e.id,
                    "at": serializers.iso(e.at),
                    "actor": serializers.person(e.actor),
                    "action": e.action,
                    "label": wording.action_label(e.action),
                    "object": {"type": e.object_type, "id": e.object_id},
                    "details": e.details,
                }
                for e in page
            ],
            "next_cursor": str(page[-1].id) if len(events) > limit else None,
        }
    )


@bp.post("/reports/<int:rid>/reimport")
def reimport_report(rid: int):
    """A revised draft (multipart ``file``) into the report: only what changed; with
    ``dry_run`` the plan, nothing changed."""
    report = report_queries.get_report(rid)
    permissions.require(permissions.can_edit_report(g.actor, report))
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidInput(str(uploads.REFUSALS["kind"]), details={"field": "file"})
    data = upload.read()
    if request.form.get("dry_run", "").strip().lower() in ("1", "true"):
        return jsonify(reimport.plan(g.actor, report, upload.filename, data).summary())
    return jsonify(reimport.reimport(g.actor, report, upload.filename, data))
