"""The edition as an administrative document (Decree 30/2020/NĐ-CP): the header block,
"DỰ THẢO lần N" while a draft, the document type and title, each section as a heading
and body (with ``changes_since``, the differences as Word revisions, see ``redline``),
the signature block and "Nơi nhận:"; the provenance of every section in bookmarks and in
a custom document property (see ``provenance``)."""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.shared import Pt

from ...provenance import Bookmarks, Provenance, bookmark_name, stamp
from . import administrative
from .engine import Flow, Writer
from .model import (
    EDITION_LABELS,
    DocEdition,
    DocSection,
    heading_level,
    heading_text,
    label_for,
    one_line,
)
from .redline import tracked_section
from .word import core_properties, new_document, page_numbers, save

# A4 portrait, margins left 30 mm and right 15 mm: 165 mm of text.
TEXT_WIDTH_MM = 165.0
HEADER_COLUMNS_MM = (63.0, 102.0)
SIGNATURE_COLUMNS_MM = (80.0, 85.0)


def edition_docx(doc: DocEdition) -> bytes:
    """The edition as .docx in the administrative format.

    With ``changes_since`` the differences from that edition are Word revisions.
    """
    labels = doc.labels
    tracked = doc.changes_since is not None
    document = new_document(size=13)
    core_properties(document, one_line(doc.report_title), one_line(doc.author), doc.issued_at)
    page_numbers(document.sections[0], skip_first=True)
    first_page(document, doc)
    writer = Writer(document, doc.author, doc.issued_at)
    body = Flow(document)
    marks = Bookmarks(document.element.body)
    for section in doc.sections:
        if not tracked and section.change == "removed":
            continue  # not part of this edition; only listed when showing changes
        start = len(document.element.body) - 1  # blocks go in before the final w:sectPr
        if tracked:
            tracked_section(writer, body, section, labels)
        else:
            document.add_heading(heading_text(section), heading_level(section))
            writer.markdown(body, section.text)
        if section.change != "removed":
            _bookmark(document, marks, section, start)
    administrative.signature_block(
        document,
        doc.format,
        SIGNATURE_COLUMNS_MM,
        recipients_label=label_for(labels, EDITION_LABELS, "recipients"),
    )
    data = save(document)
    if doc.report_id is None:
        return data
    return stamp(data, edition_provenance(doc))


def edition_provenance(doc: DocEdition) -> Provenance:
    """The report, the edition and the version of each of its sections (a removed
    section, shown only as a deletion, is not part of the edition)."""
    sections = {
        s.section_id: s.version
        for s in doc.sections
        if s.section_id is not None and s.version is not None and s.change != "removed"
    }
    return Provenance(report=doc.report_id or 0, edition=doc.edition_number, sections=sections)


def _bookmark(document: DocxDocument, marks: Bookmarks, section: DocSection, start: int) -> None:
    if section.section_id is None or section.version is None:
        return
    blocks = list(document.element.body)[start:-1]
    heading = next((b for b in blocks if b.tag.endswith("}p")), None)
    if heading is not None:
        marks.wrap(heading, blocks[-1], bookmark_name(section.section_id, section.version))


def first_page(document: DocxDocument, doc: DocEdition) -> None:
    """The top of the first page: "DỰ THẢO lần N" while a draft, the header block, the
    document type and title. The workflow status and the internal note stay out."""
    labels = doc.labels
    if doc.draft:
        draft = f"{label_for(labels, EDITION_LABELS, 'draft')} {doc.edition_number}"
        administrative.draft_box(document, draft, TEXT_WIDTH_MM)
    administrative.header_block(
        document,
        doc.format,
        doc.issued_at,
        HEADER_COLUMNS_MM,
        number_label=label_for(labels, EDITION_LABELS, "number"),
    )
    administrative.title_block(document, doc.format, doc.report_title, TEXT_WIDTH_MM)
    if doc.changes_since is not None:
        since = f"{label_for(labels, EDITION_LABELS, 'changes_since')} {doc.changes_since}"
        paragraph = administrative.line(document, since, size=13, italic=True)
        paragraph.paragraph_format.space_after = Pt(12)
