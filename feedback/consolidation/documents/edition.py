"""The edition as a Word document: a title page, then each section as a heading and body;
with ``changes_since``, the differences as Word revisions (see ``redline``)."""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.enum.text import WD_BREAK

from .engine import Flow, Writer
from .model import (
    EDITION_LABELS,
    DocEdition,
    clean,
    heading_level,
    heading_text,
    label_for,
    local_date,
    one_line,
)
from .redline import tracked_section
from .word import BOLD, add_run, centred, core_properties, new_document, page_numbers, save


def edition_docx(doc: DocEdition) -> bytes:
    """The edition as .docx: a title page, then each section as a Word heading and body.

    With ``changes_since`` the differences from that edition are Word revisions.
    """
    labels = doc.labels
    tracked = doc.changes_since is not None
    document = new_document(size=13)
    core_properties(document, one_line(doc.report_title), one_line(doc.author), doc.issued_at)
    page_numbers(document.sections[0], skip_first=True)
    _title_page(document, doc)
    writer = Writer(document, doc.author, doc.issued_at)
    body = Flow(document)
    for section in doc.sections:
        if not tracked and section.change == "removed":
            continue  # not part of this edition; only listed when showing changes
        if tracked:
            tracked_section(writer, body, section, labels)
        else:
            document.add_heading(heading_text(section), heading_level(section))
            writer.markdown(body, section.text)
    return save(document)


def _title_page(document: DocxDocument, doc: DocEdition) -> None:
    labels = doc.labels
    for _ in range(4):
        document.add_paragraph()
    centred(document, one_line(doc.report_title), size=16, bold=True)
    edition = f"{label_for(labels, EDITION_LABELS, 'edition')} {doc.edition_number}"
    centred(document, edition, size=14, bold=True)
    date = f"{label_for(labels, EDITION_LABELS, 'date')}: {local_date(doc.issued_at)}"
    centred(document, date, italic=True)
    if doc.status_label.strip():
        centred(document, one_line(doc.status_label), bold=True)
    if doc.changes_since is not None:
        since = f"{label_for(labels, EDITION_LABELS, 'changes_since')} {doc.changes_since}"
        centred(document, since, italic=True)
    note = clean(doc.note).strip()
    if note:
        paragraph = centred(document, "")
        add_run(paragraph, f"{label_for(labels, EDITION_LABELS, 'note')}: ", BOLD)
        add_run(paragraph, note)  # line breaks of the note become w:br
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
