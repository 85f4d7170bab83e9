"""API: the report's figures -- indicators, their checks, tables, keyword map, consistency."""

from __future__ import annotations

from flask import g, jsonify
from flask_babel import gettext as _

from .. import permissions
from ..errors import InvalidInput
from ..figures import checks, consistency, queries, services
from ..reports import queries as report_queries
from ..review import services as review_services
from . import serializers
from .blueprint import bp
from .schemas import (
    IndicatorConfirm,
    IndicatorCorrect,
    IndicatorProposal,
    IndicatorUpdate,
    KeywordMap,
    NewIndicatorProposal,
    TableMapping,
)
from .util import parse


def indicator(v: queries.IndicatorView, *, history: bool = False) -> dict:
    i = v.indicator
    data = {
        "id": i.id,
        "section_id": i.section_id,
        "table_id": i.table_id,
        "table_kind": i.table.kind,
        "row": i.row,
        "name": i.name,
        "unit": i.unit,
        "target": i.target,
        "actual": i.actual,
        "stated_assessment": i.assessment,
        "assessment": (v.stated.value if v.stated else "unknown"),
        "computed_assessment": v.computed.value,
        "flagged": v.flagged,
        "direction": i.direction or "higher",
        "direction_set": i.direction is not None,
        "department": _department(i.department),
        "status": v.status.value,
        "source": v.source,
    }
    if v.draft:
        data["draft"] = True
    if history:
        data["history"] = [check(c) for c in v.checks]
    return data


def _department(d) -> dict | None:
    return None if d is None else {"code": d.code, "name": d.name}


def check(c) -> dict:
    return {
        "id": c.id,
        "kind": c.kind,
        "value": c.value,
        "name": c.name,
        "source": c.source,
        "note": c.note,
        "draft": c.is_draft,
        "department": _department(c.department),
        "author": serializers.person(c.author),
        "created_at": serializers.iso(c.created_at),
        "submitted_at": serializers.iso(c.submitted_at),
        "suggestion": (
            {
                "id": c.suggestion.id,
                "status": c.suggestion.status,
                "decision_note": c.suggestion.decision_note,
                "decided_by": serializers.person(c.suggestion.decided_by),
                "decided_at": serializers.iso(c.suggestion.decided_at),
                "result_version": c.suggestion.result_version,
            }
            if c.suggestion is not None
            else None
        ),
    }


def _suggestion(suggestion):
    html = review_services.suggestion_diff_html(suggestion)
    return jsonify(serializers.suggestion(suggestion, html)), 201


@bp.get("/reports/<int:rid>/indicators")
def list_indicators(rid: int):
    permissions.require(permissions.can_read_figures(g.actor))
    report = report_queries.get_report(rid)
    views = queries.indicator_views(report.id, g.actor)
    deemed, not_invited = (
        {v.indicator.id for v in group} for group in queries.round_notes(report, views)
    )
    items = [
        {
            **indicator(v),
            "deemed_agree": v.indicator.id in deemed,
            "department_not_invited": v.indicator.id in not_invited,
        }
        for v in views
    ]
    return jsonify({"items": items})


@bp.get("/reports/<int:rid>/indicator-summary")
def indicator_summary(rid: int):
    report = report_queries.get_report(rid)
    permissions.require(permissions.can_view_dashboard(g.actor, report))
    result = queries.summary(report, g.actor)
    return jsonify(
        {
            "total": result.total,
            "checked": result.checked,
            "line": queries.confirmation_line(report, g.actor),
            "counts": {s.value: result.counts[s.value] for s in queries.Status},
            "by_department": [
                {
                    "department": _department(d.department),
                    "counts": {s.value: d.counts[s.value] for s in queries.Status},
                }
                for d in result.by_department
            ],
            "deemed_agree": [v.indicator.id for v in result.deemed_agree],
            "not_invited": [v.indicator.id for v in result.not_invited],
            "unassigned": [v.indicator.id for v in result.unassigned],
        }
    )


@bp.get("/indicators/<int:indicator_id>")
def get_indicator(indicator_id: int):
    permissions.require(permissions.can_read_figures(g.actor))
    v = queries.indicator_view(queries.get_indicator(indicator_id), g.actor)
    return jsonify(indicator(v, history=True))


@bp.put("/indicators/<int:indicator_id>")
def update_indicator(indicator_id: int):
    item = queries.get_indicator(indicator_id)
    permissions.require(permissions.can_manage_figures(g.actor, item.report_id))
    body = parse(IndicatorUpdate)
    given = body.model_fields_set
    services.update_indicator(
        g.actor,
        item,
        department_code=body.department_code if "department_code" in given else ...,
        direction=body.direction if "direction" in given else ...,
    )
    return jsonify(indicator(queries.indicator_view(item, g.actor)))


@bp.post("/indicators/<int:indicator_id>/confirm")
def confirm_indicator(indicator_id: int):
    item = queries.get_indicator(indicator_id)
    body = parse(IndicatorConfirm)
    checks.confirm(g.actor, item, source=body.source)
    return jsonify(indicator(queries.indicator_view(item, g.actor)))


@bp.post("/indicators/<int:indicator_id>/correct")
def correct_indicator(indicator_id: int):
    item = queries.get_indicator(indicator_id)
    body = parse(IndicatorCorrect)
    return _suggestion(
        checks.correct(g.actor, item, actual=body.actual, source=body.source, note=body.note)
    )


@bp.post("/indicators/<int:indicator_id>/proposals")
def propose_target(indicator_id: int):
    item = queries.get_indicator(indicator_id)
    body = parse(IndicatorProposal)
    return _suggestion(checks.propose(g.actor, item, target=body.target, rationale=body.rationale))


@bp.post("/reports/<int:rid>/indicators")
def propose_indicator(rid: int):
    report = report_queries.get_report(rid)
    body = parse(NewIndicatorProposal)
    section = report_queries.get_section(body.section_id)
    targets = [t for t in queries.tables(report.id) if t.section_id == section.id and t.is_targets]
    if section.report_id != report.id or not targets:
        raise InvalidInput(
            _("That section has no next period's table of this report."),
            details={"field": "section_id"},
        )
    suggestion = checks.propose_new(
        g.actor,
        targets[0],
        name=body.name,
        unit=body.unit,
        target=body.target,
        rationale=body.rationale,
    )
    return _suggestion(suggestion)


# Tables and the keyword map -------------------------------------------------------------


def table(t) -> dict:
    return {
        "id": t.id,
        "section_id": t.section_id,
        "table_index": t.table_index,
        "kind": t.kind,
        "columns": t.columns,
        "mapped": t.mapped_by_id is not None,
    }


@bp.get("/reports/<int:rid>/indicator-tables")
def list_tables(rid: int):
    permissions.require(permissions.can_read_figures(g.actor))
    report = report_queries.get_report(rid)
    return jsonify({"items": [table(t) for t in queries.tables(report.id)]})


@bp.put("/sections/<int:sid>/tables/<int:index>")
def map_table(sid: int, index: int):
    section = report_queries.get_section(sid)
    permissions.require(permissions.can_manage_figures(g.actor, section.report_id))
    body = parse(TableMapping)
    columns = body.columns.model_dump() if body.columns is not None else None
    row = services.map_table(g.actor, section, table_index=index, columns=columns, kind=body.kind)
    return jsonify(table(row))


def _keywords() -> dict:
    return {
        "keywords": [
            {"keyword": k.keyword, "department": _department(k.department)}
            for k in services.keyword_map_rows()
        ]
    }


@bp.get("/indicator-keywords")
def get_keywords():
    permissions.require(permissions.can_read_figures(g.actor))
    return jsonify(_keywords())


@bp.put("/indicator-keywords")
def put_keywords():
    permissions.require(permissions.can_edit_keyword_map(g.actor))
    body = parse(KeywordMap)
    services.set_keyword_map(g.actor, [(k.keyword, k.department_code) for k in body.keywords])
    return jsonify(_keywords())


# Consistency ----------------------------------------------------------------------------


def mismatch(m: consistency.TextMismatch) -> dict:
    return {
        "section_id": m.section_id,
        "quote": m.quote,
        "says": m.says,
        "table_says": m.table_says,
        "start": m.start,
        "end": m.end,
        "table_section_ids": m.table_section_ids,
    }


def row_flag(f: consistency.RowFlag) -> dict:
    return {
        "indicator_id": f.indicator_id,
        "section_id": f.section_id,
        "row": f.row,
        "name": f.name,
        "assessment": f.stated.value if f.stated else "unknown",
        "computed_assessment": f.computed.value,
    }


def counts(c) -> dict:
    return {
        "met": c.met,
        "exceeded": c.exceeded,
        "not_met": c.not_met,
        "unknown": c.unknown,
        "total": c.total,
    }


@bp.get("/reports/<int:rid>/consistency")
def report_consistency(rid: int):
    report = report_queries.get_report(rid)
    permissions.require(permissions.can_view_consistency(g.actor, report))
    result = consistency.check_report(report)
    return jsonify(
        {
            "counts": counts(result.counts),
            "mismatches": [mismatch(m) for m in result.mismatches],
            "flagged_rows": [row_flag(f) for f in result.flags],
        }
    )
