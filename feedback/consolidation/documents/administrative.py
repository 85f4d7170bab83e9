"""The blocks of an administrative document (Decree 30/2020/NĐ-CP, Appendix I): the
header block with the issuing body and the national motto, the "DỰ THẢO" box, the
document type and title, and the signature and "Nơi nhận:" block at the end.

Laid out as borderless tables, the way agencies' own Word templates do it, so that Word
and LibreOffice place them the same. Short rules are empty paragraphs with a bottom
border between indents: no drawing objects, which LibreOffice and Word place differently.
"""

from __future__ import annotations

from datetime import datetime

from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from .model import DocFormat, clean, official_date, one_line, xml_text
from .word import P_PR_ORDER, insert_ordered

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_LINE = "Độc lập - Tự do - Hạnh phúc"
DEFAULT_TYPE = "BÁO CÁO"

# Rough advance widths of Times New Roman (em per character) to size the rules; a rule
# a few millimetres off is invisible, a rule twice too long is not.
_EM_CAPS, _EM_MIXED = 0.68, 0.47
_PT_PER_MM = 72 / 25.4


def lines(text: str | None) -> list[str]:
    """A multi-line setting as its lines, spaces tidied, outer blank lines dropped."""
    rows = [" ".join(line.split()) for line in clean(text).split("\n")]
    while rows and not rows[0]:
        rows.pop(0)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def text_width_mm(text: str, size: float, *, caps: bool) -> float:
    return len(text) * size * (_EM_CAPS if caps else _EM_MIXED) / _PT_PER_MM


# Building blocks --------------------------------------------------------------------------


def borderless_table(document: DocxDocument, widths_mm: tuple[float, ...]) -> Table:
    """One row, fixed column widths, no borders, no cell padding on the sides."""
    table = document.add_table(rows=1, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"
    )
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for cell, width in zip(table.rows[0].cells, widths_mm, strict=True):
        cell.width = Mm(width)
    return table


def line(
    container: _Cell | DocxDocument,
    text: str,
    *,
    size: float,
    bold: bool = False,
    italic: bool = False,
    align=WD_ALIGN_PARAGRAPH.CENTER,
    first: bool = False,
) -> Paragraph:
    """One tight paragraph (no spacing, single line); ``first`` reuses a cell's empty one."""
    paragraph = container.paragraphs[0] if first else container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    fmt.first_line_indent = Mm(0)
    text = xml_text(text)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold or None, italic or None
        run.font.size = Pt(size)
    return paragraph


def rule(container: _Cell | DocxDocument, length_mm: float, span_mm: float) -> Paragraph:
    """A centred horizontal rule ``length_mm`` long in a space ``span_mm`` wide."""
    paragraph = line(container, "", size=2)
    paragraph.paragraph_format.space_before = Pt(2)
    side = max((span_mm - length_mm) / 2, 0)
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = Mm(side)
    _border(paragraph, ("bottom",))
    # The empty paragraph's own height is its mark's font size: keep it a hairline.
    mark = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "4")
    mark.append(size)
    insert_ordered(paragraph._p.get_or_add_pPr(), "w:rPr", P_PR_ORDER, mark)
    return paragraph


def _border(paragraph: Paragraph, edges: tuple[str, ...]) -> None:
    borders = OxmlElement("w:pBdr")
    for edge in edges:
        element = OxmlElement(f"w:{edge}")
        for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1")):
            element.set(qn(key), value)
        element.set(qn("w:color"), "000000")
        borders.append(element)
    insert_ordered(paragraph._p.get_or_add_pPr(), "w:pBdr", P_PR_ORDER, borders)


# The blocks -------------------------------------------------------------------------------


def draft_box(document: DocxDocument, text: str, width_mm: float) -> Paragraph:
    """ "DỰ THẢO lần 2", bold in a box at the top right."""
    text = one_line(text)
    box = text_width_mm(text, 13, caps=True) * 0.85 + 8
    paragraph = line(document, text, size=13, bold=True)
    paragraph.paragraph_format.left_indent = Mm(max(width_mm - box, 0))
    paragraph.paragraph_format.space_after = Pt(6)
    _border(paragraph, ("top", "left", "bottom", "right"))
    return paragraph


def header_block(
    document: DocxDocument,
    fmt: DocFormat,
    when: datetime,
    widths_mm: tuple[float, float],
    *,
    number_label: str = "Số",
    with_number: bool = True,
) -> Table:
    """Issuing body and number on the left, the national motto and the place and date
    line on the right: the two-column borderless table every administrative document
    opens with."""
    left_width, right_width = widths_mm
    table = borderless_table(document, widths_mm)
    left, right = table.rows[0].cells
    first = True
    for text in lines(fmt.superior_body):
        line(left, text.upper(), size=13, first=first)
        first = False
    issuing = lines(fmt.issuing_body)
    for text in issuing:
        line(left, text.upper(), size=13, bold=True, first=first)
        first = False
    if issuing:
        longest = max(text_width_mm(text, 13, caps=True) for text in issuing)
        rule(left, min(longest * 0.4, left_width * 0.5), left_width)
    # Not one_line: "Số:      /BC-UBND" keeps the blank a draft leaves for the number.
    number = clean(fmt.document_number).replace("\n", " ").rstrip()
    if with_number and number:
        paragraph = line(left, f"{number_label}: {number}", size=13, first=first)
        paragraph.paragraph_format.space_before = Pt(6)

    line(right, MOTTO, size=12, bold=True, first=True)
    line(right, MOTTO_LINE, size=13, bold=True)
    rule(right, text_width_mm(MOTTO_LINE, 13, caps=False), right_width)
    date = line(right, official_date(when, fmt.place), size=13, italic=True)
    date.paragraph_format.space_before = Pt(6)
    return table


def title_block(document: DocxDocument, fmt: DocFormat, title: str, width_mm: float) -> None:
    """The document type and the title (trích yếu), centred in bold, a short rule under."""
    kind = line(document, (one_line(fmt.document_type) or DEFAULT_TYPE).upper(), size=14, bold=True)
    kind.paragraph_format.space_before = Pt(18)
    line(document, one_line(title), size=14, bold=True)
    rule(document, 30, width_mm).paragraph_format.space_after = Pt(12)


def signature_block(
    document: DocxDocument,
    fmt: DocFormat,
    widths_mm: tuple[float, float],
    *,
    recipients_label: str = "Nơi nhận",
) -> Table | None:
    """ "Nơi nhận:" and its list on the left (smaller), the signer's block on the right;
    a blank line in the signature block is the space for the signature and seal."""
    signature, recipients = lines(fmt.signature_block), lines(fmt.recipients)
    if not signature and not recipients:
        return None
    spacer = line(document, "", size=13)
    spacer.paragraph_format.space_before = Pt(6)
    table = borderless_table(document, widths_mm)
    left, right = table.rows[0].cells
    if recipients:
        label = line(left, f"{recipients_label}:", size=12, bold=True, italic=True, first=True)
        label.alignment = WD_ALIGN_PARAGRAPH.LEFT
        for text in recipients:
            line(left, text, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    first, gap = True, False
    for text in signature:
        if not text:
            gap = True
            continue
        paragraph = line(right, text, size=13, bold=True, first=first)
        if gap:
            paragraph.paragraph_format.space_before = Pt(64)  # signature and seal
        first, gap = False, False
    return table
