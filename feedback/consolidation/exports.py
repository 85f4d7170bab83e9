"""Turning editions and the disposition table into downloadable documents."""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import unicodedata

from flask import (
    Response,
    current_app,
    has_request_context,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from .. import caching
from ..diffview import tracked_html
from ..labels import label
from ..transaction import keep_stored_rendering
from . import dispositions, documents, queries, stored
from .models import Edition, EditionStatus

export_log = logging.getLogger("feedback.exports")
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str, extension: str) -> str:
    """ASCII, no separators or control characters: safe in Content-Disposition."""
    ascii_name = unicodedata.normalize("NFKD", name.replace("Đ", "D").replace("đ", "d"))
    ascii_name = ascii_name.encode("ascii", "ignore").decode()
    ascii_name = _UNSAFE_FILENAME.sub("-", ascii_name).strip("-.")[:80] or "document"
    return f"{ascii_name}.{extension}"


def attachment(data: bytes | str, filename: str, content_type: str) -> Response:
    """A download. ``content_type`` is the whole header ("text/csv; charset=utf-8"): given
    as a mimetype, werkzeug appended a second charset to text types."""
    response = Response(data, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def change_html(changes) -> dict[int, str]:
    """The tracked changes of every section that changed, was added or was removed."""
    return {
        c.section_id: tracked_html(c.old.text if c.old else "", c.new.text if c.new else "")
        for c in changes
        if c.status != "same"
    }


def doc_edition(edition: Edition, changes_since: Edition | None) -> documents.DocEdition:
    new = queries.entries(edition)
    if changes_since is None:
        sections = [
            documents.DocSection(
                number=e.number,
                heading=e.heading,
                level=e.depth + 1,
                text=e.text,
                section_id=e.section_id,
                version=e.version.number,
                label=e.shown_number,
            )
            for e in new
        ]
    else:
        sections = []
        for change in queries.compare(queries.entries(changes_since), new):
            entry = change.entry
            sections.append(
                documents.DocSection(
                    number=entry.number,
                    heading=entry.heading,
                    level=entry.depth + 1,
                    text=entry.text,
                    change=change.status,
                    ops=change.ops,
                    old_text=change.old.text if change.old else None,
                    old_heading=change.old.heading if change.renamed else None,
                    moved=change.moved,
                    section_id=change.section_id,
                    version=entry.version.number,
                    label=entry.shown_number,
                )
            )
    return documents.DocEdition(
        report_title=edition.title,
        edition_number=edition.number,
        issued_at=edition.created_at,
        note=edition.note,
        sections=sections,
        changes_since=changes_since.number if changes_since else None,
        # For the Markdown working copy only: the .docx and the print page leave it out.
        status_label=label("edition_status", edition.status),
        author=_("Drafting team"),
        report_id=edition.report_id,
        format=doc_format(edition),
        draft=is_draft(edition),
        labels={
            "edition": _("Draft no."),
            "date": _("Date"),
            "changes_since": _("Changes since draft no."),
            "removed_section": _("(Section removed)"),
            "added_section": _("(New section)"),
            "moved_section": _("(Section moved)"),
            "renamed_from": _("Renamed from"),
            "note": _("Note"),
            "no": _("No."),
            # "DỰ THẢO lần", "Số", "Nơi nhận" are not translated: they belong to the
            # Vietnamese administrative format, like the national motto.
        },
    )


def doc_format(source) -> documents.DocFormat:
    """The administrative format of an edition (its frozen copy) or of a report (the
    settings in force)."""
    values = source.document_format()
    values["document_type"] = values["document_type"] or documents.DEFAULT_DOCUMENT_TYPE
    return documents.DocFormat(**values)


def is_draft(edition: Edition) -> bool:
    """Whether the document says "DỰ THẢO lần N": until the chair approves the edition.
    An issued edition is a draft sent out for comments; an approved (or submitted) one
    is the text the Committee adopts."""
    return edition.status == EditionStatus.ISSUED


EDITION_FORMATS = ("docx", "md", "html")
# Part of every export's ETag: raise it when the documents' layout changes, so that
# browsers holding an older rendering fetch the new one.
EXPORT_LAYOUT = 2


def log_export(actor, document: str, report_id: int, fmt: str, **details) -> None:
    """One structured log line per export (who, which report, edition, format): exports
    are GET requests, which write nothing to the database, so they are logged instead."""
    line = {
        "event": "export",
        "document": document,
        "user": getattr(actor, "username", None),
        "user_id": getattr(actor, "id", None),
        "report": report_id,
        "format": fmt,
        **details,
    }
    export_log.info(json.dumps(line, ensure_ascii=False, sort_keys=True))


_EDITION_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


def edition_download(actor, edition: Edition, changes_since: Edition | None, fmt: str) -> Response:
    """The edition as a ``.docx`` or Markdown attachment, or the print-friendly HTML page
    (``fmt`` one of EDITION_FORMATS); the changes since ``changes_since`` marked. The
    bytes are the ones stored when the edition was issued (``stored``), or built and
    stored now by the first request for this language or pair of editions; the ETag is
    their hash, so a browser that has them gets a 304 without the bytes being read."""
    log_export(
        actor,
        "edition",
        edition.report_id,
        fmt,
        edition=edition.number,
        changes_since=changes_since.number if changes_since is not None else None,
    )
    locale = str(get_locale())
    key = export_key(edition, changes_since, fmt, locale)
    sha = None
    if request.if_none_match:  # a browser that has some copy: its hash before any bytes
        sha = stored.digest(key)
        if sha is not None and caching.etag_of(sha) in request.if_none_match:
            return caching.not_modified(caching.etag_of(sha))
    found = stored.load(key, sha)
    if found is None:
        found = ensure(edition, changes_since, fmt, locale)
        keep_stored_rendering()
    data, sha = found
    return caching.tagged(caching.etag_of(sha), _as_response(edition, changes_since, fmt, data))


def export_key(
    edition: Edition, changes_since: Edition | None, fmt: str, locale: str
) -> stored.ExportKey:
    return stored.ExportKey(
        edition_id=edition.id,
        since_number=changes_since.number if changes_since is not None else 0,
        fmt=fmt,
        draft=is_draft(edition),
        locale=locale,
        layout=EXPORT_LAYOUT,
    )


def ensure(
    edition: Edition, changes_since: Edition | None, fmt: str, locale: str
) -> tuple[bytes, str]:
    """The stored export and its SHA-256, built in ``locale`` and stored first if
    missing (the same edition, status and settings always give the same bytes)."""
    key = export_key(edition, changes_since, fmt, locale)
    found = stored.load(key)
    if found is not None:
        return found
    return stored.save(key, build_export(edition, changes_since, fmt, locale))


def build_export(edition: Edition, changes_since: Edition | None, fmt: str, locale: str) -> bytes:
    """The export built now in ``locale``, stored nowhere (``ensure`` stores it)."""
    with force_locale(locale):
        if fmt != "html" or has_request_context():
            return edition_bytes(edition, changes_since, fmt)
        with current_app.test_request_context("/"):  # the print page links its CSS
            return edition_bytes(edition, changes_since, fmt)


def stored_or_built(
    edition: Edition, changes_since: Edition | None, fmt: str, locale: str
) -> bytes:
    """The stored export, or the same bytes built now when it is not stored yet (for
    readers that must write nothing, such as the report archive)."""
    found = stored.load(export_key(edition, changes_since, fmt, locale))
    return found[0] if found is not None else build_export(edition, changes_since, fmt, locale)


def _as_response(edition: Edition, changes_since: Edition | None, fmt: str, data: bytes):
    if fmt == "html":
        return Response(data, content_type=_EDITION_TYPES["html"])
    name = f"du-thao-lan-{edition.number}"
    if changes_since is not None:
        name += f"-thay-doi-tu-lan-{changes_since.number}"
    return attachment(data, safe_filename(name, fmt), _EDITION_TYPES[fmt])


def edition_bytes(edition: Edition, changes_since: Edition | None, fmt: str) -> bytes:
    """The export built now, in the current language: the same edition (and status)
    always gives the same bytes."""
    doc = doc_edition(edition, changes_since)
    if fmt == "docx":
        return documents.edition_docx(doc)
    if fmt == "md":
        return documents.edition_markdown(doc).encode("utf-8")
    diffs = {}
    if changes_since is not None:
        diffs = {
            index: tracked_html(s.old_text or "", s.text if s.change != "removed" else "")
            for index, s in enumerate(doc.sections)
            if s.change != "same"
        }
    return render_template(
        "consolidation/print.html",
        doc=doc,
        report=edition.report,
        edition=edition,
        diffs=diffs,
        date_line=documents.official_date(edition.created_at, doc.format.place),
    ).encode("utf-8")


DISPOSITION_FORMATS = ("csv", "docx")


def disposition_download(actor, table, fmt: str) -> Response:
    """The consolidation table as CSV (for Excel) or landscape .docx (``fmt``)."""
    log_export(
        actor,
        "dispositions",
        table.report.id,
        fmt,
        round=table.round.number if table.round is not None else None,
    )
    name = safe_filename("bang-tong-hop-y-kien", fmt)
    content_type = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    return attachment(disposition_bytes(table, fmt), name, content_type)


def disposition_bytes(table, fmt: str) -> bytes:
    """The consolidation table as CSV (UTF-8) or landscape .docx bytes."""
    data = dispositions.export_table(table, row_link)
    edition = _consulted_edition(table)
    data = dataclasses.replace(
        data,
        format=doc_format(edition or table.report),
        report_id=table.report.id,
        edition_number=edition.number if edition is not None else None,
    )
    if fmt == "csv":
        return documents.dispositions_csv(data).encode("utf-8")
    return documents.dispositions_docx(data)


def _consulted_edition(table) -> Edition | None:
    """The edition the table's round consulted on; for all rounds, the latest edition.
    Its frozen format heads the table (the report's settings when there is none)."""
    if table.round is not None and table.round.edition_number is not None:
        return queries.get_edition(table.report, table.round.edition_number)
    return queries.latest(table.report)


def row_link(row) -> str:
    """The address of the tracked diff a disposition row caused ("" if none): absolute
    from ``FEEDBACK_BASE_URL`` when it is set, else a path. Never built from the
    request's Host header, which whoever sends the request chooses."""
    if row.link is None:
        return ""
    sid, old, new = row.link
    path = url_for("reports.diff", sid=sid, **{"from": old, "to": new})
    return absolute_url(path)


def absolute_url(path: str) -> str:
    """``path`` under ``FEEDBACK_BASE_URL``, or ``path`` itself when that is unset."""
    base = (current_app.config.get("FEEDBACK_BASE_URL") or "").rstrip("/")
    return base + path if base else path
