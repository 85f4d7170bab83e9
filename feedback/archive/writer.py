"""Writing a report's archive: records.json, the documents, a manifest of hashes.

Reading only: the archive is built from what is stored (an edition's stored .docx, or
the same bytes built now without storing them), so the API's GET writes nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import resources

from flask import current_app, has_request_context
from flask_babel import force_locale

from ..consolidation import dispositions, exports, queries
from ..consolidation.models import Edition, EditionStatus
from ..models_base import utcnow
from ..provenance import write_zip
from ..reports.models import Report
from ..review import rounds as review_rounds
from . import pdf, records

FORMAT = "feedback-report-archive"
VERSION = 1
MANIFEST = "manifest.json"
RECORDS = "records.json"
SCHEMA = "archive.schema.json"


@dataclass
class Archive:
    """The archive's files (path -> bytes) and the manifest's entries for them."""

    files: dict[str, bytes] = field(default_factory=dict)
    entries: list[dict] = field(default_factory=list)

    def add(self, path: str, data: bytes, kind: str, **about) -> None:
        self.files[path] = data
        self.entries.append(
            {
                "path": path,
                "kind": kind,
                "sha256": hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
                **about,
            }
        )


def json_bytes(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def schema_bytes() -> bytes:
    return resources.files(__package__).joinpath(SCHEMA).read_bytes()


def build(report: Report, *, made_by: str | None, with_pdf: bool = True) -> tuple[bytes, dict]:
    """The archive of ``report`` as zip bytes (in the site's first language), and its
    manifest."""
    locale = current_app.config["FEEDBACK_LANGUAGES"][0]
    with force_locale(locale):
        if has_request_context():
            return _build(report, made_by, with_pdf, locale)
        with current_app.test_request_context("/"):  # links in the disposition tables
            return _build(report, made_by, with_pdf, locale)


def _build(report: Report, made_by: str | None, with_pdf: bool, locale: str) -> tuple[bytes, dict]:
    rows = records.collect(report.id)
    users, departments = records.people(rows)
    archive = Archive()
    archive.add(
        RECORDS,
        json_bytes(
            {
                "format": FORMAT,
                "version": VERSION,
                "tables": rows,
                "users": users,
                "departments": departments,
            }
        ),
        "records",
    )
    archive.add(SCHEMA, schema_bytes(), "schema")
    editions = sorted(queries.editions(report), key=lambda e: e.number)
    docx = _editions(archive, editions, locale)
    pdf_note = _pdfs(archive, editions, docx, with_pdf)
    _dispositions(archive, report)
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "made_at": utcnow().isoformat(),
        "made_by": made_by,
        "locale": locale,
        "source": {
            "report_id": report.id,
            "title": report.title,
            "base_url": current_app.config.get("FEEDBACK_BASE_URL") or None,
        },
        "counts": {name: len(table_rows) for name, table_rows in rows.items()},
        "pdf": pdf_note,
        "files": archive.entries,
    }
    members = [(MANIFEST, json_bytes(manifest))]
    members += sorted(archive.files.items())
    return write_zip(members), manifest


def _editions(archive: Archive, editions: list[Edition], locale: str) -> dict[str, bytes]:
    """Each edition's .docx as stored (plain, in its status), by file stem."""
    out = {}
    for edition in editions:
        stem = f"du-thao-lan-{edition.number}"
        data = exports.stored_or_built(edition, None, "docx", locale)
        archive.add(
            f"editions/{stem}.docx",
            data,
            "edition_docx",
            edition=edition.number,
            status=edition.status,
            draft=exports.is_draft(edition),
        )
        out[stem] = data
    return out


def _pdfs(archive: Archive, editions: list[Edition], docx: dict[str, bytes], wanted: bool):
    """A PDF of each approved (or submitted) edition, made by LibreOffice; what the
    manifest says about them."""
    approved = {f"du-thao-lan-{e.number}": e for e in editions if e.status != EditionStatus.ISSUED}
    if not approved:
        return {"included": True, "note": "No edition is approved: there is no PDF to make."}
    if not wanted:
        return {"included": False, "note": "PDFs were not asked for (--no-pdf)."}
    if not current_app.config.get("FEEDBACK_ARCHIVE_PDF", True):
        return {
            "included": False,
            "note": "PDFs are turned off on this instance (FEEDBACK_ARCHIVE_PDF).",
        }
    program = pdf.executable(current_app.config.get("FEEDBACK_SOFFICE"))
    if program is None:
        return {
            "included": False,
            "note": "LibreOffice (soffice) is not installed where the archive was made: "
            "the approved editions are here as .docx only.",
        }
    made = pdf.convert(program, {stem: docx[stem] for stem in approved})
    for stem, data in made.items():
        archive.add(f"editions/{stem}.pdf", data, "edition_pdf", edition=approved[stem].number)
    return {"included": True, "note": "A PDF of every approved edition, made by LibreOffice."}


def _dispositions(archive: Archive, report: Report) -> None:
    """The disposition table of every round, and of all rounds together, as CSV and .docx."""
    tables = [(f"vong-{r.number}", r) for r in sorted(review_rounds.rounds(report), key=_number)]
    tables.append(("tat-ca-cac-vong", None))
    for stem, round_ in tables:
        table = dispositions.build(report, round_)
        about = {"round": round_.number if round_ is not None else None}
        for fmt in ("csv", "docx"):
            archive.add(
                f"dispositions/{stem}.{fmt}",
                exports.disposition_bytes(table, fmt),
                f"dispositions_{fmt}",
                **about,
            )


def _number(round_) -> int:
    return round_.number
