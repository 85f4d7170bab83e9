"""Importing an uploaded draft (.docx or .md): what was found, then the report.

The file is read by the pure ``feedback.wordimport`` (checked before anything parses
it); a refusal becomes a 4xx with a sentence the drafter can act on, and nothing is
stored. ``preview`` shows what an import would make; ``import_draft`` makes it.
"""

from __future__ import annotations

import posixpath

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import permissions
from ..errors import InvalidInput, TooLarge
from ..richtext.blocks import canonical
from ..validation import clean_line
from ..wordimport.numbering import printed_number
from ..wordimport.package import OLE_MAGIC, Limits, UnsafeDocument
from ..wordimport.reader import WordDraft, WordSection, read_docx
from . import importer
from .models import Report
from .services import MAX_TITLE, build_report

REFUSALS = {
    "ole": _l(
        "This file is protected by a password or is an old Word (.doc) file. Remove the "
        "password, or open it in Word and save it as .docx (File › Save As › Word "
        "Document), then upload the .docx."
    ),
    "encrypted": _l("This file is protected by a password. Remove the password in Word first."),
    "doc": _l(
        "This is an old Word (.doc) file. Open it in Word and save it as .docx first "
        "(File › Save As › Word Document), then upload the .docx."
    ),
    "macros": _l("Documents with macros (.docm) are not accepted. Save it as .docx first."),
    "not_docx": _l("This file is not a Word document (.docx)."),
    "corrupt": _l("This Word document is damaged and cannot be read. Open and save it in Word."),
    "too_many_parts": _l("This Word document has too many parts to be a report."),
    "bomb": _l("This file expands to far more data than a report holds; it is refused."),
    "entities": _l("This Word document contains XML entity declarations; it is refused."),
    "external": _l(
        "This Word document links to outside files or addresses (they are never "
        "fetched); remove the links, or copy the text into a new document."
    ),
    "timeout": _l("Reading this document took too long; it is refused."),
    "kind": _l("Upload a Word document (.docx) or a Markdown file (.md)."),
    "not_utf8": _l("The file is not UTF-8 text."),
}


# What the import does not keep, as the preview names it.
SKIPPED_KINDS = {
    "image": _l("Image"),
    "chart": _l("Chart"),
    "text_box": _l("Text box"),
    "diagram": _l("Diagram (SmartArt)"),
    "object": _l("Embedded object"),
    "comment": _l("Comment"),
    "tracked_changes": _l("Tracked changes (read as accepted; number of changes)"),
    "legacy_vni": _l(
        "Text in the VNI encoding (not converted: retype it or convert it to Unicode)"
    ),
}


def _refuse(kind: str) -> InvalidInput:
    return InvalidInput(str(REFUSALS[kind]), details={"field": "file", "reason": kind})


def _limits() -> Limits:
    config = current_app.config
    return Limits(
        max_bytes=config["FEEDBACK_UPLOAD_MAX_BYTES"],
        max_uncompressed=config["FEEDBACK_UPLOAD_MAX_UNCOMPRESSED"],
        max_parts=config["FEEDBACK_UPLOAD_MAX_PARTS"],
    )


def _markdown_draft(data: bytes) -> WordDraft:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse("not_utf8") from None
    parsed = importer.parse(text.replace("\r\n", "\n"), preamble_heading=_("Preamble"))
    sections = [
        WordSection(s.level, s.heading, canonical(s.text), numbered=s.numbered)
        for s in parsed.sections
    ]
    return WordDraft(parsed.title, None, sections, path_numbering=parsed.numbering)


def read_draft(filename: str, data: bytes) -> WordDraft:
    """The draft in an upload, or InvalidInput/TooLarge saying why it cannot be read."""
    extension = posixpath.splitext((filename or "").lower())[1]
    if len(data) > current_app.config["FEEDBACK_UPLOAD_MAX_BYTES"]:
        raise TooLarge(
            _("The file is larger than %(mib)d MiB.", mib=_limits().max_bytes // 1024**2),
            details={"field": "file"},
        )
    if extension in (".md", ".markdown", ".txt"):
        return _markdown_draft(data)
    if extension == ".doc" or (extension != ".docx" and data.startswith(OLE_MAGIC)):
        raise _refuse("doc")
    if extension == ".docm":
        raise _refuse("macros")
    if extension != ".docx":
        raise _refuse("kind")
    try:
        return read_docx(data, limits=_limits(), preamble_heading=_("Preamble"))
    except UnsafeDocument as refusal:
        if refusal.kind == "too_large":
            raise TooLarge(_("The file is too large."), details={"field": "file"}) from None
        raise _refuse(refusal.kind) from None


def numbers(draft: WordDraft) -> list[tuple[str, str]]:
    """(number, printed_number) of each section as the report will number it."""
    return [(number, printed) for number, printed, _suffix in _numbered(draft)]


def labels(draft: WordDraft) -> list[str]:
    """What each heading will show before its text, as the report page shows it: "1.",
    "a)", or the path "I.1." without a numbering scheme; "" for an unnumbered one."""
    return [f"{printed}{suffix}" if number else "" for number, printed, suffix in _numbered(draft)]


def _numbered(draft: WordDraft) -> list[tuple[str, str, str]]:
    out = []
    counters: list[int] = []
    for section in draft.sections:
        if not section.numbered:
            out.append(("", "", ""))
            continue
        counters = counters[: section.level]
        counters += [0] * (section.level - len(counters))
        counters[-1] += 1
        path = [
            importer.to_roman(n) if depth == 0 and draft.numbering == "roman" else str(n)
            for depth, n in enumerate(counters)
        ]
        number = ".".join(path)
        printed, suffix = number, "."
        if draft.scheme and section.level <= len(draft.scheme):
            printed, suffix = printed_number(draft.scheme[section.level - 1], counters)
        out.append((number, printed, suffix))
    return out


def summary(draft: WordDraft) -> dict:
    """The dry run's answer: the sections found and what is not kept."""
    sections = [
        {
            "number": number,
            "printed_number": printed,
            "heading": section.heading,
            "level": section.level,
            "chars": len(section.text),
            "tables": section.tables,
        }
        for section, (number, printed) in zip(draft.sections, numbers(draft), strict=True)
    ]
    return {
        "title": draft.title,
        "numbering_scheme": draft.scheme,
        "sections": sections,
        "skipped": [{"kind": s["kind"], "text": s["text"]} for s in draft.skipped],
        "converted": list(draft.converted),
    }


def preview(actor, filename: str, data: bytes) -> tuple[WordDraft, dict]:
    permissions.require(permissions.can_edit_report(actor))
    draft = read_draft(filename, data)
    return draft, summary(draft)


def import_draft(actor, *, title: str | None, filename: str, data: bytes) -> Report:
    """A new report from an uploaded draft, split at its headings."""
    permissions.require(permissions.can_edit_report(actor))
    draft = read_draft(filename, data)
    if not any(section.text.strip() or section.numbered for section in draft.sections):
        raise InvalidInput(_("The document has no text."), details={"field": "file"})
    fallback = posixpath.splitext(posixpath.basename(filename or ""))[0]
    title = title if (title or "").strip() else (draft.title or fallback)
    title = clean_line(title, _("Title"), max_chars=MAX_TITLE)
    source = posixpath.basename(filename or "") or "upload"
    return build_report(
        actor, title, draft.numbering, draft.scheme, draft.sections, {"source": source}
    )
