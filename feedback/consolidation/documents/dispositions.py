"""The consolidation table (bảng tổng hợp, tiếp thu, giải trình ý kiến) as landscape .docx
in the standard four columns, and as CSV for Excel."""

from __future__ import annotations

import csv
import io
import re

from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm
from docx.table import Table, _Cell

from ...provenance import Provenance, stamp
from . import administrative
from .engine import Flow, Writer
from .model import (
    TABLE_LABELS,
    DispositionRow,
    DispositionTable,
    clean,
    label_for,
    local_date,
    one_line,
)
from .quotes import write_quote
from .word import (
    BOLD,
    ITALIC,
    add_run,
    cant_split,
    centred,
    core_properties,
    new_document,
    page_numbers,
    repeat_header,
    save,
)

# Landscape A4 minus the margins of Decree 30 (left 30 mm, right 15 mm) = 252 mm:
# STT, group, who, content, response.
_COLUMN_WIDTHS_MM = (12, 40, 50, 86, 64)
_HEADER_COLUMNS_MM = (95.0, 157.0)


def dispositions_docx(table: DispositionTable) -> bytes:
    """The consolidation table in the standard form, landscape A4; under the Decree 30
    header block of the report when ``table.format`` is given."""
    document = new_document(size=12)
    core_properties(document, one_line(table.title), "", table.generated_at)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.top_margin = section.bottom_margin = Mm(20)
    page_numbers(section, skip_first=True)
    _heading(document, table)
    labels = table.labels
    for sentence in table.preamble:
        paragraph = document.add_paragraph(clean(sentence).strip())
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Mm(10)

    grid = document.add_table(rows=1, cols=len(_COLUMN_WIDTHS_MM))
    grid.style = "Table Grid"
    grid.autofit = False
    _set_widths(grid)
    headings = [label_for(labels, TABLE_LABELS, "no"), *(one_line(c) for c in table.columns)]
    header = grid.rows[0]
    repeat_header(header)
    for cell, text in zip(header.cells, headings, strict=True):
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_run(paragraph, text, BOLD)

    writer = Writer(document, "", table.generated_at)
    group_top: _Cell | None = None
    previous_group: str | None = None
    link_text = label_for(labels, TABLE_LABELS, "view_change")
    for number, row in enumerate(table.rows, start=1):
        added = grid.add_row()
        cant_split(added)
        cells = added.cells
        group = one_line(row.group)
        _number_cell(cells[0], number)
        if group_top is not None and group == previous_group:
            # Same group as the row above: merge vertically, as the standard form shows it.
            group_top._tc.vMerge = "restart"
            cells[1]._tc.vMerge = "continue"
        else:
            group_top, previous_group = cells[1], group
            add_run(cells[1].paragraphs[0], group, BOLD)
        _who_cell(cells[2], row)
        _content_cell(writer, cells[3], row)
        _response_cell(writer, cells[4], row, link_text)
    data = save(document)
    if table.report_id is None or table.edition_number is None:
        return data
    # The table quotes no section as a whole: its provenance names the report and the
    # edition consulted on, with no sections.
    return stamp(data, Provenance(report=table.report_id, edition=table.edition_number))


def _heading(document: DocxDocument, table: DispositionTable) -> None:
    labels = table.labels
    if table.format is not None:
        # The table goes with the report and has no number of its own.
        administrative.header_block(
            document, table.format, table.generated_at, _HEADER_COLUMNS_MM, with_number=False
        )
        administrative.line(document, "", size=12).paragraph_format.space_after = Mm(4)
    centred(document, one_line(table.title), size=14, bold=True)
    centred(document, one_line(table.report_title), bold=True)
    if table.scope.strip():
        centred(document, one_line(table.scope), italic=True)
    if table.format is None:
        generated = label_for(labels, TABLE_LABELS, "generated")
        centred(document, f"{generated}: {local_date(table.generated_at)}", italic=True)


def _number_cell(cell: _Cell, number: int) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_run(paragraph, str(number))


def _who_cell(cell: _Cell, row: DispositionRow) -> None:
    add_run(cell.paragraphs[0], one_line(row.who))
    dispatch = one_line(row.dispatch)
    if dispatch:
        add_run(cell.add_paragraph(), dispatch, ITALIC)


def _content_cell(writer: Writer, cell: _Cell, row: DispositionRow) -> None:
    flow = Flow(cell)
    # The quoted passage as the reader saw it (a table row as a table, never as Markdown).
    write_quote(writer, flow, clean(row.quote_source), clean(row.quote).strip())
    writer.markdown(flow, row.content)


def _response_cell(writer: Writer, cell: _Cell, row: DispositionRow, link_text: str) -> None:
    flow = Flow(cell)
    decision = one_line(row.decision)
    if decision:
        add_run(flow.paragraph(), decision, BOLD)
    writer.markdown(flow, row.response)
    link = one_line(row.link)
    # Only an absolute address is a link in a document read away from the site; a path
    # (no FEEDBACK_BASE_URL configured) leads nowhere there, so it is left out.
    if re.match(r"https?://", link, re.IGNORECASE):
        writer.hyperlink(flow.paragraph(), link, link_text)


def _set_widths(grid: Table) -> None:
    """Column widths, before any row is added: ``add_row`` copies them into its cells.

    Word reads the cell widths, LibreOffice the grid columns: both are set.
    """
    for column, width in zip(grid.columns, _COLUMN_WIDTHS_MM, strict=True):
        column.width = Mm(width)
    for tc, width in zip(grid.rows[0]._tr.tc_lst, _COLUMN_WIDTHS_MM, strict=True):
        tc.width = Mm(width)


# CSV -------------------------------------------------------------------------------------

# A cell starting with one of these is a formula in Excel/LibreOffice/Sheets (OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: str) -> str:
    value = value or ""
    text = clean(value)
    if text.startswith(_FORMULA_START) or value.startswith(_FORMULA_START):
        return "'" + text
    return text


def dispositions_csv(table: DispositionTable) -> str:
    """The table as CSV for Excel: BOM first, one line per comment, formulas defused."""
    labels = table.labels

    def word(key: str) -> str:
        return label_for(labels, TABLE_LABELS, key)

    group, who, content, response = table.columns
    header = [word("no"), group, who, word("dispatch"), word("kind"), word("quote"), content]
    header += [word("decision"), response, word("link")]
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([_csv_cell(h) for h in header])
    for number, row in enumerate(table.rows, start=1):
        kind = labels.get(f"kind_{row.kind}") or TABLE_LABELS.get(f"kind_{row.kind}", row.kind)
        values = (row.group, row.who, row.dispatch, kind, row.quote, row.content, row.decision)
        values += (row.response, row.link)
        writer.writerow([str(number), *(_csv_cell(v) for v in values)])
    return "\ufeff" + buffer.getvalue()
