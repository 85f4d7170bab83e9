"""API: reports, sections, versions and diffs."""

from __future__ import annotations

from flask import current_app, g, jsonify, request

from .. import caching, permissions, textdiff
from ..diffview import tracked_html
from ..errors import InvalidInput
from ..reports import queries, services, uploads
from ..reports.models import DOCUMENT_FORMAT
from . import serializers
from .blueprint import bp
from .schemas import ReportCreate, ReportUpdate, SectionCreate, SectionRestore, SectionUpdate
from .util import parse, query_int


def _read_guard():
    permissions.require(permissions.can_read_reports(g.actor))


def report_payload(report) -> dict:
    """The report with its outline; other domains add their parts (current round...)."""
    data = serializers.report_summary(report)
    data.update(report.document_format())
    data["sections"] = [serializers.outline_section(e) for e in queries.outline(report)]
    for extend in current_app.extensions.get(REPORT_FIELDS, ()):
        extend(report, data, g.actor)
    return data


# Other domains (review, consolidation) add fields to a report's JSON; create_app
# registers them with register_report_field, so reports never imports them.
REPORT_FIELDS = "feedback.api_report_fields"


def register_report_field(app, extend) -> None:
    app.extensions.setdefault(REPORT_FIELDS, []).append(extend)


@bp.get("/reports")
def list_reports():
    _read_guard()
    return jsonify([serializers.report_summary(r) for r in queries.list_reports()])


@bp.post("/reports")
def create_report():
    permissions.require(permissions.can_edit_report(g.actor))
    body = parse(ReportCreate)
    report = services.import_report(g.actor, title=body.title, markdown=body.markdown)
    return jsonify(report_payload(report)), 201


@bp.post("/reports/import")
def import_report():
    """A draft uploaded as a .docx or .md file (multipart ``file``); ``dry_run`` shows
    what would be made and stores nothing."""
    permissions.require(permissions.can_edit_report(g.actor))
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidInput(str(uploads.REFUSALS["kind"]), details={"field": "file"})
    data = upload.read()
    if request.form.get("dry_run", "").strip().lower() in ("1", "true"):
        _draft, found = uploads.preview(g.actor, upload.filename, data)
        return jsonify(found)
    report = uploads.import_draft(
        g.actor, title=request.form.get("title"), filename=upload.filename, data=data
    )
    return jsonify(report_payload(report)), 201


@bp.get("/reports/<int:rid>")
def get_report(rid: int):
    _read_guard()
    return jsonify(report_payload(queries.get_report(rid)))


@bp.patch("/reports/<int:rid>")
def update_report(rid: int):
    report = queries.get_report(rid)
    permissions.require(permissions.can_edit_report(g.actor, report))
    body = parse(ReportUpdate)
    services.update_report(
        g.actor,
        report,
        title=body.title,
        departments_see_each_other=body.departments_see_each_other,
        document_format={key: getattr(body, key) for key in DOCUMENT_FORMAT},
        numbering_scheme=body.numbering_scheme,
    )
    return jsonify(report_payload(report))


def _section(sid: int, *, include_deleted: bool = True):
    _read_guard()
    return queries.get_section(sid, include_deleted=include_deleted)


@bp.post("/reports/<int:rid>/sections")
def create_section(rid: int):
    report = queries.get_report(rid)
    permissions.require(permissions.can_edit_report(g.actor, report))
    body = parse(SectionCreate)
    parent = queries.get_section(body.parent_id) if body.parent_id is not None else None
    after = queries.get_section(body.after_id) if body.after_id is not None else None
    section = services.add_section(
        g.actor, report, heading=body.heading, text=body.text, parent=parent, after=after
    )
    return jsonify(serializers.section(queries.section_entry(section))), 201


@bp.get("/sections/<int:sid>")
def get_section(sid: int):
    return jsonify(serializers.section(queries.section_entry(_section(sid))))


@bp.put("/sections/<int:sid>")
def update_section(sid: int):
    section = _section(sid)
    permissions.require(permissions.can_edit_section(g.actor, section))
    body = parse(SectionUpdate)
    services.save_section(
        g.actor,
        section,
        text=body.text,
        base_version=body.base_version,
        heading=body.heading,
        reason=body.reason,
    )
    return jsonify(serializers.section(queries.section_entry(section)))


@bp.delete("/sections/<int:sid>")
def delete_section(sid: int):
    section = _section(sid, include_deleted=False)
    services.delete_section(g.actor, section)
    return "", 204


@bp.post("/sections/<int:sid>/restore")
def restore_section_version(sid: int):
    section = _section(sid)
    body = parse(SectionRestore)
    services.restore_version(g.actor, section, number=body.version, base_version=body.base_version)
    return jsonify(serializers.section(queries.section_entry(section)))


@bp.get("/sections/<int:sid>/versions")
def list_versions(sid: int):
    section = _section(sid)
    return jsonify([serializers.version(v) for v in queries.versions(section)])


@bp.get("/sections/<int:sid>/versions/<int:n>")
def get_version(sid: int, n: int):
    version = queries.get_version(_section(sid), n)
    return caching.immutable(None, lambda: jsonify(serializers.version(version, with_text=True)))


@bp.get("/sections/<int:sid>/diff")
def diff(sid: int):
    section = _section(sid)
    to_number = query_int("to", section.current_version, minimum=1)
    from_number = query_int("from", max(1, to_number - 1), minimum=1)
    old = queries.get_version(section, from_number)
    new = queries.get_version(section, to_number)
    ops = textdiff.diff_words(old.text, new.text)
    return jsonify(
        {
            "from": from_number,
            "to": to_number,
            "html": tracked_html(old.text, new.text),
            "ops": [list(op) for op in ops],
            "heading": {"from": old.heading, "to": new.heading},
            "stats": textdiff.diff_stats(ops),
        }
    )
