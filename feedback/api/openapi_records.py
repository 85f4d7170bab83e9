"""The OpenAPI description of a report's record: its archive and its audit trail
(kept apart from ``openapi``, which is long enough)."""

from __future__ import annotations

from collections.abc import Callable


def operations(_op: Callable[..., dict], _query: Callable[..., dict]) -> dict:
    return {
        ("/reports/{rid}/archive", "get"): _op(
            "The report's whole record as one zip (drafter, chair, admin): docs/archive-format.md",
            returns={"type": "string", "format": "binary"},
            media="application/zip",
            errors=(401, 403, 404),
        ),
        ("/reports/{rid}/audit", "get"): _op(
            "The report's audit trail, newest first (admin, drafter, chair); each event's "
            "`action` is a code, `label` the same in words (Accept-Language)",
            params=(_query("limit"), _query("cursor"), _query("actor"), _query("action", "string")),
            errors=(401, 403, 404),
        ),
    }
