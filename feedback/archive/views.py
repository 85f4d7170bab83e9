"""Pages: a report's archive, downloaded from the page of its consolidated drafts."""

from __future__ import annotations

from flask_login import current_user

from .. import permissions
from ..consolidation import exports
from ..consolidation.blueprint import bp
from ..reports import queries as report_queries
from . import writer


@bp.get("/reports/<int:rid>/archive.zip")
def report_archive(rid: int):
    """The same archive as ``GET /api/v1/reports/{rid}/archive``: a read that writes
    nothing (docs/archive-format.md)."""
    report = report_queries.get_report(rid)
    permissions.require(permissions.can_archive_report(current_user, report))
    exports.log_export(current_user, "archive", report.id, "zip")
    data, _manifest = writer.build(report, made_by=current_user.username)
    name = exports.safe_filename(f"ho-so-bao-cao-{report.id}", "zip")
    return exports.attachment(data, name, "application/zip")
