"""Turning editions and the disposition table into downloadable documents."""

from __future__ import annotations

import re
import unicodedata

from flask import Response, render_template, url_for
from flask_babel import gettext as _

from ..diffview import tracked_html
from ..labels import label
from . import documents, queries
from .models import Edition

_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str, extension: str) -> str:
    """ASCII, no separators or control characters: safe in Content-Disposition."""
    ascii_name = unicodedata.normalize("NFKD", name.replace("Đ", "D").replace("đ", "d"))
    ascii_name = ascii_name.encode("ascii", "ignore").decode()
    ascii_name = _UNSAFE_FILENAME.sub("-", ascii_name).strip("-.")[:80] or "document"
    return f"{ascii_name}.{extension}"


def attachment(data: bytes | str, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
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
            documents.DocSection(number=e.number, heading=e.heading, level=e.depth + 1, text=e.text)
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
                )
            )
    return documents.DocEdition(
        report_title=edition.title,
        edition_number=edition.number,
        issued_at=edition.created_at,
        note=edition.note,
        sections=sections,
        changes_since=changes_since.number if changes_since else None,
        status_label=label("edition_status", edition.status),
        author=_("Drafting team"),
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
        },
    )


EDITION_FORMATS = ("docx", "md", "html")


def edition_download(edition: Edition, changes_since: Edition | None, fmt: str) -> Response | str:
    """The edition as a ``.docx`` or Markdown attachment, or the print-friendly HTML page
    (``fmt`` one of EDITION_FORMATS); the changes since ``changes_since`` marked."""
    doc = doc_edition(edition, changes_since)
    name = f"du-thao-lan-{edition.number}"
    if changes_since is not None:
        name += f"-thay-doi-tu-lan-{changes_since.number}"
    if fmt == "docx":
        return attachment(
            documents.edition_docx(doc),
            safe_filename(name, "docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    if fmt == "md":
        return attachment(
            documents.edition_markdown(doc),
            safe_filename(name, "md"),
            "text/markdown; charset=utf-8",
        )
    diffs = {}
    if changes_since is not None:
        diffs = {
            index: tracked_html(s.old_text or "", s.text if s.change != "removed" else "")
            for index, s in enumerate(doc.sections)
            if s.change != "same"
        }
    return render_template(
        "consolidation/print.html", doc=doc, report=edition.report, edition=edition, diffs=diffs
    )


def row_link(row) -> str:
    """The absolute address of the tracked diff a disposition row caused ("" if none)."""
    if row.link is None:
        return ""
    sid, old, new = row.link
    return url_for("reports.diff", sid=sid, _external=True, **{"from": old, "to": new})
