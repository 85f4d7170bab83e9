"""API: a report's archive (its whole record as one zip)."""

from __future__ import annotations

from flask import g

from .. import permissions
from ..archive import writer
from ..consolidation import exports
from ..reports import queries as report_queries
from .blueprint import bp


@bp.get("/reports/<int:rid>/archive")
def report_archive(rid: int):
    """The archive described in docs/archive-format.md. A GET: it is built from what is
    stored and writes nothing; PDFs of approved editions when LibreOffice is installed
    here (the manifest says when they are not)."""
    report = report_queries.get_report(rid)
    permissions.require(permissions.can_archive_report(g.actor, report))
    exports.log_export(g.actor, "archive", report.id, "zip")
    data, _manifest = writer.build(report, made_by=g.actor.username)
    name = exports.safe_filename(f"ho-so-bao-cao-{report.id}", "zip")
    return exports.attachment(data, name, "application/zip")
