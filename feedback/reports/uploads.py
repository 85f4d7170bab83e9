"""Importing an uploaded draft (.docx or .md): what was found, then the report.

The file is read by the pure ``feedback.wordimport`` (checked before anything parses
it); a refusal becomes a 4xx with a sentence the drafter can act on, and nothing is
stored. ``preview`` shows what an import would make; ``import_draft`` makes it.
"""

from __future__ import annotations

import posixpath

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import permissions, wordfiles
from ..errors import InvalidInput
from ..richtext.blocks import canonical
from ..validation import clean_line
from ..wordimport.numbering import printed_number, to_roman
from ..wordimport.package import OLE_MAGIC, UnsafeDocument
from ..wordimport.reader import WordDraft, WordSection, read_docx
from . import importer
from .models import Report
from .services import MAX_TITLE, build_report

REFUSALS = {
    **wordfiles.REFUSALS,
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
    limits = wordfiles.upload_limits()
    if len(data) > limits.max_bytes:
        raise wordfiles.refusal("too_large", limits)
    if extension in (".md", ".markdown", ".txt"):
        return _markdown_draft(data)
    if extension == ".doc" or (extension != ".docx" and data.startswith(OLE_MAGIC)):
        raise _refuse("doc")
    if extension == ".docm":
        raise _refuse("macros")
    if extension != ".docx":
        raise _refuse("kind")
    try:
        return read_docx(data, limits=limits, preamble_heading=_("Preamble"))
    except UnsafeDocument as refusal:
        raise wordfiles.refusal(refusal.kind, limits) from None


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
            to_roman(n) if depth == 0 and draft.numbering == "roman" else str(n)
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
