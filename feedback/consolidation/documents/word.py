"""Word document basics: an A4 page in Times New Roman, page numbers, formatted runs
written straight as XML, and the schema order Word insists on."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import docx
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from ...provenance import fixed_zip
from .model import aware, xml_text

_FONT = "Times New Roman"  # has every Vietnamese glyph; the font of official documents
_CODE_FONT = "Courier New"
_BLACK = RGBColor(0, 0, 0)
_THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _set_fonts(r_fonts, name: str) -> None:
    """Name the font for every script; theme attributes would win over names, so go."""
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        r_fonts.set(qn(attr), name)
    for attr in _THEME_FONT_ATTRS:
        r_fonts.attrib.pop(qn(attr), None)


def new_document(size: float) -> DocxDocument:
    """A4 document in Times New Roman, Vietnamese proofing, black headings."""
    document = docx.Document()
    styles = document.styles
    # The default template names theme fonts (Calibri/Cambria) everywhere: replace them
    # all, in the document defaults and in every style, by Times New Roman.
    for r_fonts in styles.element.iter(qn("w:rFonts")):
        _set_fonts(r_fonts, _FONT)
    for lang in styles.element.iter(qn("w:lang")):
        lang.set(qn("w:val"), "vi-VN")

    normal = styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr().get_or_add_rFonts(), _FONT)
    normal.font.size = Pt(size)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for level, heading_size, italic in ((1, size + 1, False), (2, size, False), (3, size, True)):
        heading = styles[f"Heading {level}"]
        heading.font.size = Pt(heading_size)
        heading.font.bold = True
        heading.font.italic = italic
        heading.font.color.rgb = _BLACK
        heading.paragraph_format.space_before = Pt(12)
        heading.paragraph_format.space_after = Pt(6)
    styles["Quote"].paragraph_format.left_indent = Mm(10)

    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    # Margins of Decree 30/2020/NĐ-CP on administrative documents.
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    return document


def page_numbers(section, skip_first: bool) -> None:
    """Page number centred in the header, as official documents have it."""
    section.different_first_page_header_footer = skip_first
    if skip_first:
        # An empty first-page header of its own, not merely an absent one: readers
        # differ on what an absent first-page header means.
        section.first_page_header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def save(document: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue())  # python-docx stamps every member with "now"


def core_properties(document: DocxDocument, title: str, author: str, when: datetime) -> None:
    props = document.core_properties
    props.title = xml_text(title)[:255]
    props.author = props.last_modified_by = xml_text(author)[:255]
    props.language = "vi-VN"
    props.revision = 1
    # core.xml wants naive UTC.
    props.created = props.modified = aware(when).astimezone(UTC).replace(tzinfo=None)
    props.comments = ""


def centred(
    document: DocxDocument,
    text: str,
    *,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
) -> Paragraph:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    text = xml_text(text)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold or None, italic or None
        if size:
            run.font.size = Pt(size)
    return paragraph


# Schema order of the children of w:trPr and w:pPr: python-docx only knows some of them,
# and Word rejects a file whose property elements are out of order.
# fmt: off
TR_PR_ORDER = (
    "w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter",
    "w:cantSplit", "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden",
    "w:ins", "w:del", "w:trPrChange",
)
P_PR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
    "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
    "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap",
    "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)
# fmt: on


def insert_ordered(parent, tag: str, order: tuple[str, ...], element=None):
    """Insert ``element`` (or a new empty ``tag``) where the schema sequence wants it."""
    element = OxmlElement(tag) if element is None else element
    parent.insert_element_before(element, *order[order.index(tag) + 1 :])
    return element


def repeat_header(row: _Row) -> None:
    """Mark a table row as header: Word repeats it at the top of every page."""
    cant_split(row)
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:tblHeader")) is None:
        insert_ordered(tr_pr, "w:tblHeader", TR_PR_ORDER)


def cant_split(row: _Row) -> None:
    """Keep a table row on one page: a reader never turns the page mid-row."""
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:cantSplit")) is None:
        insert_ordered(tr_pr, "w:cantSplit", TR_PR_ORDER)


# Markdown -> Word -----------------------------------------------------------------------


@dataclass(frozen=True)
class Fmt:
    """Character formatting accumulated while descending inline elements."""

    bold: bool = False
    italic: bool = False
    underline: bool = False
    strike: bool = False
    code: bool = False
    sub: bool = False
    sup: bool = False


PLAIN = Fmt()
BOLD = Fmt(bold=True)
ITALIC = Fmt(italic=True)


def _prop(tag: str, val: str | None = None):
    element = OxmlElement(tag)
    if val is not None:
        element.set(qn("w:val"), val)
    return element


def add_run(
    paragraph: Paragraph,
    text: str,
    fmt: Fmt = PLAIN,
    *,
    deleted: bool = False,
    color: str | None = None,
) -> Run:
    """Append a formatted run, built directly as XML.

    python-docx's font setters look up the schema position of every property on each
    call, which made a 2,000-row disposition table take ten seconds; the properties are
    written here in schema order instead. Deleted text must be ``w:delText``: Word
    reports ``w:t`` inside ``w:del`` as a corrupt file.
    """
    r = OxmlElement("w:r")
    props = []
    if fmt.code:
        fonts = OxmlElement("w:rFonts")
        _set_fonts(fonts, _CODE_FONT)
        props.append(fonts)
    props += [_prop(tag) for tag, on in (("w:b", fmt.bold), ("w:i", fmt.italic)) if on]
    if fmt.strike:
        props.append(_prop("w:strike"))
    if color:
        props.append(_prop("w:color", color))
    if fmt.underline:
        props.append(_prop("w:u", "single"))
    if fmt.sub or fmt.sup:
        props.append(_prop("w:vertAlign", "superscript" if fmt.sup else "subscript"))
    if props:
        r_pr = OxmlElement("w:rPr")
        r_pr.extend(props)
        r.append(r_pr)
    text_tag = "w:delText" if deleted else "w:t"
    # Every text run passes here: nothing XML forbids reaches lxml, whatever the caller.
    for piece in _RUN_SPLIT.split(xml_text(text)):
        if piece == "\t":
            r.append(OxmlElement("w:tab"))
        elif piece == "\n":
            r.append(OxmlElement("w:br"))
        elif piece:
            t = OxmlElement(text_tag)
            t.text = piece
            if piece[0].isspace() or piece[-1].isspace():
                t.set(qn("xml:space"), "preserve")
            r.append(t)
    paragraph._p.append(r)
    return Run(r, paragraph)


_RUN_SPLIT = re.compile(r"([\t\n])")
