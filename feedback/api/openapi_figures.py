"""The OpenAPI description of the figures' endpoints (issue 15), added to the
operations of ``openapi`` (kept apart: that module is long enough)."""

from __future__ import annotations

from collections.abc import Callable

from . import schemas

ASSESSMENT = {"type": "string", "enum": ["exceeded", "met", "not_met", "unknown"]}
DEPARTMENT = {
    "type": ["object", "null"],
    "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
}
INDICATOR = {
    "type": "object",
    "required": [
        "id",
        "section_id",
        "row",
        "name",
        "unit",
        "target",
        "actual",
        "assessment",
        "computed_assessment",
        "direction",
        "department",
        "status",
        "source",
    ],
    "properties": {
        "id": {"type": "integer"},
        "section_id": {"type": "integer"},
        "table_id": {"type": "integer"},
        "table_kind": {"type": "string", "enum": ["results", "targets"]},
        "row": {"type": "integer", "description": "0-based row of the table in the current text"},
        "name": {"type": "string"},
        "unit": {"type": "string"},
        "target": {"type": "string"},
        "actual": {"type": "string"},
        "stated_assessment": {"type": "string", "description": "the assessment cell as written"},
        "assessment": {**ASSESSMENT, "description": "the assessment cell, read"},
        "computed_assessment": ASSESSMENT,
        "flagged": {
            "type": "boolean",
            "description": "stated and computed fall on different sides of met",
        },
        "direction": {"type": "string", "enum": ["higher", "lower"]},
        "department": DEPARTMENT,
        "status": {"type": "string", "enum": ["unchecked", "confirmed", "corrected", "decided"]},
        "source": {"type": "string"},
        "draft": {
            "type": "boolean",
            "description": "your department's unsubmitted check gives the status",
        },
        "history": {"type": "array", "items": {"type": "object"}},
        "deemed_agree": {
            "type": "boolean",
            "description": "round closed; its department never answered: not confirmed",
        },
        "department_not_invited": {
            "type": "boolean",
            "description": "assigned to a department the round did not invite",
        },
    },
}
INDICATORS = {"type": "object", "properties": {"items": {"type": "array", "items": INDICATOR}}}
COUNTS = {
    "type": "object",
    "properties": {
        k: {"type": "integer"} for k in ("met", "exceeded", "not_met", "unknown", "total")
    },
}
MISMATCH = {
    "type": "object",
    "required": ["section_id", "quote", "says", "table_says"],
    "properties": {
        "section_id": {"type": "integer"},
        "quote": {"type": "string"},
        "says": {"type": "string"},
        "table_says": {"type": "string"},
        "start": {"type": "integer"},
        "end": {"type": "integer"},
        "table_section_ids": {"type": "array", "items": {"type": "integer"}},
    },
}
CONSISTENCY = {
    "type": "object",
    "required": ["counts", "mismatches"],
    "properties": {
        "counts": COUNTS,
        "mismatches": {"type": "array", "items": MISMATCH},
        "flagged_rows": {"type": "array", "items": {"type": "object"}},
    },
}
TABLE_INDEX = {
    "name": "index",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 0},
    "description": "0-based ordinal of the table in the section's text",
}


def operations(op: Callable[..., dict]) -> dict[tuple[str, str], dict]:
    write = (400, 401, 403, 404, 409, 422)
    return {
        ("/reports/{rid}/indicators", "get"): op(
            "The report's indicators with status and source (a department also sees its own "
            "unsubmitted check, marked `draft`)",
            returns=INDICATORS,
            errors=(401, 403, 404),
        ),
        ("/reports/{rid}/indicators", "post"): op(
            "Propose a new indicator for a next period's table (lead or reviewer, round "
            "open): a draft suggestion adding its row",
            schemas.NewIndicatorProposal,
            201,
            errors=write,
        ),
        ("/indicators/{indicator_id}", "get"): op(
            "One indicator with its history of confirmations, corrections and proposals",
            returns=INDICATOR,
            errors=(401, 403, 404),
        ),
        ("/indicators/{indicator_id}", "put"): op(
            "Assign the indicator to a department and/or set its direction (drafter)",
            schemas.IndicatorUpdate,
            returns=INDICATOR,
            errors=(400, 401, 403, 404, 422),
        ),
        ("/indicators/{indicator_id}/confirm", "post"): op(
            "Confirm the figure with its source (lead or reviewer of the assigned department, "
            "round open); a draft of the department until its lead submits the response",
            schemas.IndicatorConfirm,
            returns=INDICATOR,
            errors=write,
        ),
        ("/indicators/{indicator_id}/correct", "post"): op(
            "Correct the figure: a draft suggestion on exactly that cell (and the assessment's "
            "when it follows)",
            schemas.IndicatorCorrect,
            201,
            errors=write,
        ),
        ("/indicators/{indicator_id}/proposals", "post"): op(
            "Propose a next period's target (lead or reviewer of an invited department, round "
            "open): a draft suggestion on the target's cell",
            schemas.IndicatorProposal,
            201,
            errors=write,
        ),
        ("/reports/{rid}/indicator-tables", "get"): op(
            "The report's indicator tables with their column map and kind",
            errors=(401, 403, 404),
        ),
        ("/sections/{sid}/tables/{index}", "put"): op(
            "Map a table's columns (or confirm the recognised ones) and mark it as results or "
            "the next period's targets (drafter)",
            schemas.TableMapping,
            errors=(400, 401, 403, 404, 422),
            params=(TABLE_INDEX,),
        ),
        ("/indicator-keywords", "get"): op(
            "The keyword map that assigns new indicators to departments", errors=(401, 403)
        ),
        ("/indicator-keywords", "put"): op(
            "Replace the keyword map (admin)", schemas.KeywordMap, errors=(400, 401, 403, 422)
        ),
        ("/reports/{rid}/indicator-summary", "get"): op(
            "The results figures by status and by department, those deemed to agree (round "
            "closed, never answered), those of departments not invited (drafter, chair)",
            errors=(401, 403, 404),
        ),
        ("/reports/{rid}/consistency", "get"): op(
            "The results tables counted, and the places in the text that say otherwise "
            "(drafter, chair)",
            returns=CONSISTENCY,
            errors=(401, 403, 404),
        ),
    }
