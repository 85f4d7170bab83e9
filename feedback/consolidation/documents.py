"""Editions and the disposition table as Word, Markdown and CSV documents.

Pure on purpose: python-docx, the standard library and ``feedback.markup`` only, no Flask,
no database. Callers build the plain dataclasses below from their models and get bytes or
text back, so the same code serves the web downloads, the CLI and the tests.

Section texts are Markdown. For Word they are rendered with ``feedback.markup.render``
(which sanitises them) and the resulting HTML is walked into python-docx paragraphs,
runs, lists and tables: nothing from the HTML is ever copied into the document XML as
markup, only as text.

Tracked changes are real Word revisions (``w:ins`` / ``w:del``) that Word and LibreOffice
can accept or reject one by one; the inserted and deleted runs are also underlined /
struck through so they still show in viewers that ignore revisions.

All text goes through ``clean``: NFC (NFD Vietnamese from macOS or Office copies would
otherwise show broken diacritics in some fonts) and without the control characters that
XML 1.0, and therefore lxml, refuses.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from feedback.markup import render

__all__ = [
    "DispositionRow",
    "DispositionTable",
    "DocEdition",
    "DocSection",
    "Op",
    "clean",
    "dispositions_csv",
    "dispositions_docx",
    "edition_docx",
    "edition_markdown",
]

Op = tuple[str, str]  # ("equal" | "insert" | "delete", text): a word-level diff

EQUAL, INSERT, DELETE = "equal", "insert", "delete"


# Data the callers build -----------------------------------------------------------------


@dataclass(frozen=True)
class DocSection:
    number: str  # display number, "I", "I.2", "" for an unnumbered preamble
    heading: str
    level: int  # 1..3
    text: str  # Markdown of the section
    change: str = "same"  # "same" | "changed" | "added" | "removed" (only with changes)
    ops: list[Op] | None = None  # word diff old->new of the text when change == "changed"
    old_heading: str | None = None  # when the heading was renamed
    moved: bool = False  # the section moved position since the compared edition


@dataclass(frozen=True)
class DocEdition:
    report_title: str
    edition_number: int
    issued_at: datetime  # aware; shown in Asia/Ho_Chi_Minh as dd/mm/yyyy
    note: str
    sections: list[DocSection]
    changes_since: int | None = None  # edition compared with, when changes are shown
    status_label: str = ""  # e.g. "Đã phê duyệt" (translated by the caller)
    author: str = "Tổ soạn thảo"  # author of the Word revision marks
    labels: dict[str, str] = field(default_factory=dict)  # translated words, see _EDITION_LABELS


@dataclass(frozen=True)
class DispositionRow:
    group: str  # "Ý kiến chung (kết cấu, bố cục)" or "I.2. Kinh tế"; rows come pre-sorted
    who: str  # department name (or person)
    dispatch: str  # "Công văn số 123/STC-KH ngày 10/12/2019" or ""
    content: str  # what they said; plain text/Markdown
    quote: str  # the quoted passage or ""
    kind: str  # "comment" | "suggestion"
    decision: str  # translated label: "Tiếp thu", "Giải trình", ...
    response: str  # the drafting team's response/explanation, or ""
    link: str = ""  # URL of the section version / diff it caused, or ""


@dataclass(frozen=True)
class DispositionTable:
    title: str
    report_title: str
    scope: str  # e.g. "Đợt lấy ý kiến 1 (hạn 12/12/2019)"
    generated_at: datetime  # aware
    preamble: list[str]  # already-written, translated sentences
    columns: tuple[str, str, str, str]  # the four translated headings of the standard form
    rows: list[DispositionRow]
    # Optional addition: translated words for the STT column, the CSV-only columns and the
    # "generated on" line; Vietnamese defaults in _TABLE_LABELS.
    labels: dict[str, str] = field(default_factory=dict)


_EDITION_LABELS = {
    "edition": "Dự thảo lần",
    "date": "Ngày",
    "changes_since": "Thay đổi so với dự thảo lần",
    "removed_section": "(Mục đã bị xoá)",
    "added_section": "(Mục mới)",
    "moved_section": "(Mục đã chuyển vị trí)",
    "renamed_from": "Đổi tên từ",
    "note": "Ghi chú",
    "no": "STT",
}

_TABLE_LABELS = {
    "no": "STT",
    "dispatch": "Văn bản góp ý",
    "kind": "Loại",
    "quote": "Đoạn trích dẫn",
    "decision": "Kết quả xử lý",
    "link": "Liên kết",
    "generated": "Ngày lập",
    "kind_comment": "Góp ý",
    "kind_suggestion": "Đề xuất sửa văn bản",
}


def _label(labels: dict[str, str], defaults: dict[str, str], key: str) -> str:
    return clean(labels.get(key) or defaults.get(key, key))


# Text and dates -------------------------------------------------------------------------

# Everything XML 1.0 forbids (tab, LF and CR are allowed), plus lone surrogates, which
# cannot be encoded as UTF-8 at all.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str | None) -> str:
    """NFC, ``\\n`` line endings and no character that lxml would refuse."""
    if not text:
        return ""
    text = _XML_INVALID.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return unicodedata.normalize("NFC", text)


def _one_line(text: str | None) -> str:
    return " ".join(clean(text).split())


def _vietnam_zone() -> timezone | ZoneInfo:
    try:
        return ZoneInfo("Asia/Ho_Chi_Minh")
    except ZoneInfoNotFoundError:  # no tz database (slim containers): Vietnam has no DST
        return timezone(timedelta(hours=7), "ICT")


_VIETNAM = _vietnam_zone()


def _aware(moment: datetime) -> datetime:
    # Naive datetimes are taken as UTC, the way the database stores them.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _local_date(moment: datetime) -> str:
    """dd/mm/yyyy in Vietnam time, the date format of Vietnamese official documents."""
    return _aware(moment).astimezone(_VIETNAM).strftime("%d/%m/%Y")


def _iso_utc(moment: datetime) -> str:
    # w:date is an xsd:dateTime; Word chokes on microseconds, so whole seconds in UTC.
    return _aware(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _number(section: DocSection) -> str:
    return _one_line(section.number).rstrip(".")  # "I." and "I" both display as "I. "


def _heading_text(section: DocSection) -> str:
    number = _number(section)
    heading = _one_line(section.heading)
    return f"{number}. {heading}" if number else heading


def _level(section: DocSection) -> int:
    return min(max(section.level, 1), 3)


def _ops(section: DocSection) -> list[Op] | None:
    """The section's diff, cleaned; None when there is nothing to show as changed."""
    if not section.ops:
        return None
    ops = [(kind, clean(text)) for kind, text in section.ops]
    if all(kind == EQUAL for kind, _ in ops):
        return None
    return ops


# HTML -> tree ---------------------------------------------------------------------------


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list[_Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


_VOID = {"br", "hr", "img", "wbr"}
# Deeper nesting (">>>>>>..." quotes) is flattened so the recursive walk cannot overflow.
_MAX_DEPTH = 40


class _TreeBuilder(HTMLParser):
    """A forgiving element tree of the (already sanitised, well-formed) HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self._stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {name: value or "" for name, value in attrs})
        self._stack[-1].children.append(node)
        if tag not in _VOID and len(self._stack) < _MAX_DEPTH:
            self._stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._stack) - 1, 0, -1):
            if self._stack[depth].tag == tag:
                del self._stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._stack[-1].children.append(data)


def _html_tree(markdown_text: str) -> _Node:
    builder = _TreeBuilder()
    builder.feed(render(clean(markdown_text)))
    builder.close()
    return builder.root


# Word document basics -------------------------------------------------------------------

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


def _new_document(size: float) -> DocxDocument:
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


def _page_numbers(section, skip_first: bool) -> None:
    """Page number centred in the header, as official documents have it."""
    section.different_first_page_header_footer = skip_first
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


def _save(document: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _core_properties(document: DocxDocument, title: str, author: str, when: datetime) -> None:
    props = document.core_properties
    props.title = title[:255]
    props.author = props.last_modified_by = author[:255]
    props.language = "vi-VN"
    props.revision = 1
    # core.xml wants naive UTC.
    props.created = props.modified = _aware(when).astimezone(UTC).replace(tzinfo=None)
    props.comments = ""


def _centred(
    document: DocxDocument,
    text: str,
    *,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
) -> Paragraph:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold or None, italic or None
        if size:
            run.font.size = Pt(size)
    return paragraph


# Schema order of the children of w:trPr and w:pPr: python-docx only knows some of them,
# and Word rejects a file whose property elements are out of order.
# fmt: off
_TR_PR_ORDER = (
    "w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter",
    "w:cantSplit", "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden",
    "w:ins", "w:del", "w:trPrChange",
)
_P_PR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
    "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
    "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap",
    "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)
# fmt: on


def _insert_ordered(parent, tag: str, order: tuple[str, ...], element=None):
    """Insert ``element`` (or a new empty ``tag``) where the schema sequence wants it."""
    element = OxmlElement(tag) if element is None else element
    parent.insert_element_before(element, *order[order.index(tag) + 1 :])
    return element


def _repeat_header(row: _Row) -> None:
    """Mark a table row as header: Word repeats it at the top of every page."""
    tr_pr = row._tr.get_or_add_trPr()
    _insert_ordered(tr_pr, "w:cantSplit", _TR_PR_ORDER)
    _insert_ordered(tr_pr, "w:tblHeader", _TR_PR_ORDER)


# Markdown -> Word -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Fmt:
    """Character formatting accumulated while descending inline elements."""

    bold: bool = False
    italic: bool = False
    underline: bool = False
    strike: bool = False
    code: bool = False
    sub: bool = False
    sup: bool = False


_PLAIN = _Fmt()
_BOLD = _Fmt(bold=True)
_ITALIC = _Fmt(italic=True)


def _prop(tag: str, val: str | None = None):
    element = OxmlElement(tag)
    if val is not None:
        element.set(qn("w:val"), val)
    return element


def _add_run(
    paragraph: Paragraph,
    text: str,
    fmt: _Fmt = _PLAIN,
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
    for piece in _RUN_SPLIT.split(text):
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

_INLINE_FMT = {
    "strong": {"bold": True},
    "b": {"bold": True},
    "em": {"italic": True},
    "i": {"italic": True},
    "code": {"code": True},
    "del": {"strike": True},
    "s": {"strike": True},
    "ins": {"underline": True},
    "sub": {"sub": True},
    "sup": {"sup": True},
}


@dataclass
class _Item:
    """A list item being written: its first paragraph carries the bullet or number."""

    style: str
    continue_style: str
    num_id: int | None
    started: bool = False


@dataclass(frozen=True)
class _Ctx:
    style: str | None = None  # paragraph style for plain paragraphs ("Quote" in quotes)
    rev: str | None = None  # INSERT / DELETE: everything written is a tracked change
    fmt: _Fmt = _PLAIN  # base character formatting (bold in table header cells)
    item: _Item | None = None
    list_depth: int = 0


class _Flow:
    """Where blocks go: the document body or a table cell.

    A new cell already holds one empty paragraph, which Word requires; it is used for the
    first block instead of leaving a blank line at the top of the cell.
    """

    def __init__(self, parent: DocxDocument | _Cell) -> None:
        self.parent = parent
        self._spare: Paragraph | None = None
        if isinstance(parent, _Cell):
            first = parent.paragraphs[0]
            if not first.runs:
                self._spare = first

    def paragraph(self, style: str | None = None) -> Paragraph:
        if self._spare is not None:
            paragraph, self._spare = self._spare, None
            if style:
                paragraph.style = style
            return paragraph
        return self.parent.add_paragraph(style=style)

    def table(self, rows: int, cols: int) -> Table:
        if self._spare is not None:
            # _Cell.add_table appends the paragraph Word needs after the table.
            self._spare._p.getparent().remove(self._spare._p)
            self._spare = None
        table = self.parent.add_table(rows, cols)
        table.style = "Table Grid"
        return table


_HEADING_TAGS = {f"h{level}" for level in range(1, 7)}
_BLOCK_TAGS = {"p", "ul", "ol", "li", "table", "blockquote", "pre", "hr", *_HEADING_TAGS}
_SPACES = re.compile(r"[ \t\n\r\f]+")  # HTML whitespace; not \xa0, which is content
_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


class _Writer:
    """Writes Markdown and tracked changes into one python-docx document."""

    def __init__(self, document: DocxDocument, author: str, when: datetime) -> None:
        self.document = document
        self.author = _one_line(author)[:255] or "-"
        self.date = _iso_utc(when)
        self._ids = itertools.count(1)  # revision ids must be unique in the document
        self._links: dict[str, str] = {}  # URL -> relationship id

    def hyperlink(self, paragraph: Paragraph, url: str, text: str) -> None:
        """A clickable external link (python-docx has no API for it).

        The relationship is added under our own id: ``Part.relate_to`` scans every
        existing relationship, which is quadratic in a table with a link on each row.
        """
        rels = self.document.part.rels
        r_id = self._links.get(url)
        if r_id is None:
            r_id = f"rIdLink{len(self._links) + 1}"
            rels.add_relationship(RT.HYPERLINK, url, r_id, is_external=True)
            self._links[url] = r_id
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), r_id)
        run = _add_run(paragraph, text, _Fmt(underline=True), color="1F4E9A")
        link.append(run._r)  # moves the run into the hyperlink
        paragraph._p.append(link)

    # Revisions ----------------------------------------------------------------------

    def _revision(self, kind: str):
        element = OxmlElement("w:ins" if kind == INSERT else "w:del")
        element.set(qn("w:id"), str(next(self._ids)))
        element.set(qn("w:author"), self.author)
        element.set(qn("w:date"), self.date)
        return element

    def run(
        self, paragraph: Paragraph, text: str, fmt: _Fmt = _PLAIN, rev: str | None = None
    ) -> Run:
        """Add a run; inside ``w:ins``/``w:del`` when ``rev`` is INSERT/DELETE."""
        if rev == INSERT:
            fmt = replace(fmt, underline=True)
        elif rev == DELETE:
            fmt = replace(fmt, strike=True)
        run = _add_run(paragraph, text, fmt, deleted=rev == DELETE)
        if rev in (INSERT, DELETE):
            wrapper = self._revision(rev)
            run._r.addprevious(wrapper)
            wrapper.append(run._r)
        return run

    def mark_paragraph(self, paragraph: Paragraph, rev: str | None) -> None:
        """Track the paragraph mark itself, so accepting/rejecting joins paragraphs."""
        if rev not in (INSERT, DELETE):
            return
        p_pr = paragraph._p.get_or_add_pPr()
        r_pr = p_pr.find(qn("w:rPr"))
        if r_pr is None:
            r_pr = _insert_ordered(p_pr, "w:rPr", _P_PR_ORDER)
        r_pr.insert(0, self._revision(rev))  # w:ins/w:del come first in a paragraph mark

    def _mark_row(self, row: _Row, rev: str | None) -> None:
        if rev in (INSERT, DELETE):
            tag = "w:ins" if rev == INSERT else "w:del"
            _insert_ordered(row._tr.get_or_add_trPr(), tag, _TR_PR_ORDER, self._revision(rev))

    def label(self, flow: _Flow, text: str) -> None:
        """An editorial note such as "(Mục mới)": italic and grey, never a revision."""
        _add_run(flow.paragraph(), text, _ITALIC, color="595959")

    # Tracked diff of Markdown source ------------------------------------------------

    def ops(self, flow: _Flow, ops: Sequence[Op]) -> None:
        """One paragraph per line of the diff; a changed line break is a changed mark."""
        lines: list[tuple[list[Op], str]] = []
        current: list[Op] = []
        for kind, text in ops:
            for index, part in enumerate(text.split("\n")):
                if index:
                    lines.append((current, kind))  # this "\n" ends the line; kind says how
                    current = []
                if part:
                    current.append((kind, part))
        lines.append((current, EQUAL))
        for segments, mark in lines:
            if not segments and mark == EQUAL:
                continue  # blank Markdown line between paragraphs: spacing does that
            paragraph = flow.paragraph()
            for kind, text in segments:
                self.run(paragraph, text, rev=kind if kind != EQUAL else None)
            self.mark_paragraph(paragraph, mark if mark != EQUAL else None)

    # Markdown -------------------------------------------------------------------------

    def markdown(self, flow: _Flow, text: str, ctx: _Ctx | None = None) -> None:
        if text and text.strip():
            self._blocks(flow, _html_tree(text).children, ctx or _Ctx())

    def _blocks(self, flow: _Flow, nodes: Iterable[_Node | str], ctx: _Ctx) -> None:
        """Block children in order; loose inline content is gathered into paragraphs."""
        pending: list[_Node | str] = []
        for node in nodes:
            if isinstance(node, _Node) and node.tag in _BLOCK_TAGS:
                self._inline_paragraph(flow, pending, ctx)
                pending = []
                self._block(flow, node, ctx)
            else:
                pending.append(node)
        self._inline_paragraph(flow, pending, ctx)

    def _block(self, flow: _Flow, node: _Node, ctx: _Ctx) -> None:
        tag = node.tag
        if tag == "p":
            self._inline_paragraph(flow, node.children, ctx, force=True)
        elif tag in ("ul", "ol"):
            self._list(flow, node, ctx)
        elif tag == "li":  # stray item outside a list: treat it as a bullet
            self._list(flow, _Node("ul", {}, [node]), ctx)
        elif tag == "table":
            self._table(flow, node, ctx)
        elif tag == "blockquote":
            self._blocks(flow, node.children, replace(ctx, style="Quote", item=None))
        elif tag == "pre":
            self._pre(flow, node, ctx)
        elif tag == "hr":
            self._hr(flow, ctx)
        else:  # h1..h6 inside a section: bold lines, not Word headings (outline stays clean)
            paragraph = self._inline_paragraph(
                flow, node.children, replace(ctx, fmt=replace(ctx.fmt, bold=True)), force=True
            )
            if paragraph is not None:
                paragraph.paragraph_format.keep_with_next = True

    def _paragraph(self, flow: _Flow, ctx: _Ctx) -> Paragraph:
        item = ctx.item
        if item is None:
            paragraph = flow.paragraph(ctx.style)
        elif not item.started:
            item.started = True
            paragraph = flow.paragraph(item.style)
            if item.num_id is not None:
                num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_ilvl().val = 0
                num_pr.get_or_add_numId().val = item.num_id
        else:
            paragraph = flow.paragraph(item.continue_style)
        self.mark_paragraph(paragraph, ctx.rev)
        return paragraph

    def _inline_paragraph(
        self, flow: _Flow, nodes: Sequence[_Node | str], ctx: _Ctx, force: bool = False
    ) -> Paragraph | None:
        if not nodes or (not force and all(isinstance(n, str) and not n.strip() for n in nodes)):
            return None
        paragraph = self._paragraph(flow, ctx)
        self._inline(paragraph, nodes, ctx.fmt, ctx, _LineState())
        _trim_end(paragraph)
        return paragraph

    def _inline(
        self,
        paragraph: Paragraph,
        nodes: Iterable[_Node | str],
        fmt: _Fmt,
        ctx: _Ctx,
        state: _LineState,
    ) -> None:
        for node in nodes:
            if isinstance(node, str):
                text = _SPACES.sub(" ", node)
                if state.at_line_start:
                    text = text.lstrip(" ")
                if text:
                    self.run(paragraph, text, fmt, ctx.rev)
                    state.at_line_start = False
            elif node.tag == "br":
                self.run(paragraph, "", fmt, ctx.rev).add_break()
                state.at_line_start = True
            elif node.tag == "a":
                self._inline(paragraph, node.children, fmt, ctx, state)
                href = clean(node.attrs.get("href", "")).strip()
                # Links as text: keep the address when the visible text does not show it.
                if href and href != node.text().strip() and not href.startswith("#"):
                    self.run(paragraph, f" ({href})", fmt, ctx.rev)
            elif node.tag in _INLINE_FMT:
                self._inline(
                    paragraph, node.children, replace(fmt, **_INLINE_FMT[node.tag]), ctx, state
                )
            else:  # abbr, stray blocks inside inline content...: their text
                self._inline(paragraph, node.children, fmt, ctx, state)

    def _list(self, flow: _Flow, node: _Node, ctx: _Ctx) -> None:
        depth = min(ctx.list_depth + 1, 3)  # the template has list styles for 3 levels
        suffix = "" if depth == 1 else f" {depth}"
        ordered = node.tag == "ol"
        style = ("List Number" if ordered else "List Bullet") + suffix
        num_id = self._restart_numbering(style, _start(node)) if ordered else None
        for child in node.children:
            if isinstance(child, _Node) and child.tag == "li":
                item = _Item(style, "List Continue" + suffix, num_id)
                self._blocks(flow, child.children, replace(ctx, item=item, list_depth=depth))
                if not item.started:  # empty "- " item: still show its bullet
                    self._paragraph(flow, replace(ctx, item=item))

    def _restart_numbering(self, style_name: str, start: int) -> int | None:
        """A fresh numbering instance, or every ordered list would continue the last one."""
        try:
            base_id = self.document.styles[style_name].element.pPr.numPr.numId.val
            numbering = self.document.part.numbering_part.element
            abstract_id = numbering.num_having_numId(base_id).abstractNumId.val
        except (AttributeError, KeyError):
            return None
        num = numbering.add_num(abstract_id)
        num.add_lvlOverride(ilvl=0).add_startOverride(start)
        return num.numId

    def _table(self, flow: _Flow, node: _Node, ctx: _Ctx) -> None:
        rows = list(_table_rows(node))
        if not rows:
            return
        width = max(len(cells) for _, cells in rows) or 1
        table = flow.table(len(rows), width)
        for tr, (header, cells) in zip(table.rows, rows, strict=True):
            if header:
                _repeat_header(tr)
            self._mark_row(tr, ctx.rev)
            word_cells = tr.cells
            for cell_node, cell in zip(cells, word_cells, strict=False):
                bold = header or cell_node.tag == "th"
                cell_ctx = _Ctx(rev=ctx.rev, fmt=replace(ctx.fmt, bold=ctx.fmt.bold or bold))
                self._blocks(_Flow(cell), cell_node.children, cell_ctx)
                alignment = _ALIGN.get(_cell_align(cell_node), WD_ALIGN_PARAGRAPH.LEFT)
                for paragraph in cell.paragraphs:
                    paragraph.alignment = alignment

    def _pre(self, flow: _Flow, node: _Node, ctx: _Ctx) -> None:
        paragraph = self._paragraph(flow, ctx)
        fmt = replace(ctx.fmt, code=True)
        for index, line in enumerate(node.text().rstrip("\n").split("\n")):
            if index:
                self.run(paragraph, "", fmt, ctx.rev).add_break()
            if line:
                self.run(paragraph, line, fmt, ctx.rev)

    def _hr(self, flow: _Flow, ctx: _Ctx) -> None:
        paragraph = self._paragraph(flow, ctx)
        borders = OxmlElement("w:pBdr")
        line = {"w:val": "single", "w:sz": "6", "w:space": "1", "w:color": "auto"}
        borders.append(OxmlElement("w:bottom", attrs={qn(k): v for k, v in line.items()}))
        _insert_ordered(paragraph._p.get_or_add_pPr(), "w:pBdr", _P_PR_ORDER, borders)


def _trim_end(paragraph: Paragraph) -> None:
    """Drop the whitespace HTML leaves before a closing tag (or a removed <script>)."""
    texts = [e for e in paragraph._p.iter(qn("w:t"), qn("w:delText")) if e.text]
    if texts:
        texts[-1].text = texts[-1].text.rstrip(" ")


@dataclass
class _LineState:
    at_line_start: bool = True  # drop HTML's leading whitespace at starts of lines


def _start(node: _Node) -> int:
    try:
        return max(int(node.attrs.get("start", "1")), 0)
    except ValueError:
        return 1


def _table_rows(node: _Node) -> Iterable[tuple[bool, list[_Node]]]:
    """(is header row, cells) for each row, looking through thead/tbody/tfoot."""
    for child in node.children:
        if not isinstance(child, _Node):
            continue
        if child.tag in ("thead", "tbody", "tfoot"):
            for tr in child.children:
                if isinstance(tr, _Node) and tr.tag == "tr":
                    yield child.tag == "thead", _cells(tr)
        elif child.tag == "tr":
            yield False, _cells(child)


def _cells(tr: _Node) -> list[_Node]:
    return [c for c in tr.children if isinstance(c, _Node) and c.tag in ("td", "th")]


def _cell_align(node: _Node) -> str:
    match = re.search(r"text-align:\s*(\w+)", node.attrs.get("style", ""))
    return (match.group(1) if match else node.attrs.get("align", "")).lower()


# Editions -------------------------------------------------------------------------------


def edition_docx(doc: DocEdition) -> bytes:
    """The edition as .docx: a title page, then each section as a Word heading and body.

    With ``changes_since`` the differences from that edition are Word revisions.
    """
    labels = doc.labels
    tracked = doc.changes_since is not None
    document = _new_document(size=13)
    _core_properties(document, _one_line(doc.report_title), _one_line(doc.author), doc.issued_at)
    _page_numbers(document.sections[0], skip_first=True)
    _title_page(document, doc)
    writer = _Writer(document, doc.author, doc.issued_at)
    body = _Flow(document)
    for section in doc.sections:
        if not tracked and section.change == "removed":
            continue  # not part of this edition; only listed when showing changes
        if tracked:
            _tracked_section(writer, body, section, labels)
        else:
            document.add_heading(_heading_text(section), _level(section))
            writer.markdown(body, section.text)
    return _save(document)


def _title_page(document: DocxDocument, doc: DocEdition) -> None:
    labels = doc.labels
    for _ in range(4):
        document.add_paragraph()
    _centred(document, _one_line(doc.report_title), size=16, bold=True)
    edition = f"{_label(labels, _EDITION_LABELS, 'edition')} {doc.edition_number}"
    _centred(document, edition, size=14, bold=True)
    date = f"{_label(labels, _EDITION_LABELS, 'date')}: {_local_date(doc.issued_at)}"
    _centred(document, date, italic=True)
    if doc.status_label.strip():
        _centred(document, _one_line(doc.status_label), bold=True)
    if doc.changes_since is not None:
        since = f"{_label(labels, _EDITION_LABELS, 'changes_since')} {doc.changes_since}"
        _centred(document, since, italic=True)
    note = clean(doc.note).strip()
    if note:
        paragraph = _centred(document, "")
        _add_run(paragraph, f"{_label(labels, _EDITION_LABELS, 'note')}: ", _BOLD)
        _add_run(paragraph, note)  # line breaks of the note become w:br
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _tracked_section(
    writer: _Writer, body: _Flow, section: DocSection, labels: dict[str, str]
) -> None:
    document = writer.document
    heading = document.add_heading("", _level(section))
    if section.change in ("added", "removed"):
        rev = INSERT if section.change == "added" else DELETE
        writer.run(heading, _heading_text(section), rev=rev)
        writer.mark_paragraph(heading, rev)
        writer.label(body, _label(labels, _EDITION_LABELS, f"{section.change}_section"))
        writer.markdown(body, section.text, _Ctx(rev=rev))
        return
    old_heading = _one_line(section.old_heading)
    if old_heading and old_heading != _one_line(section.heading):
        number = _number(section)
        if number:
            writer.run(heading, f"{number}. ")
        writer.run(heading, old_heading, rev=DELETE)
        writer.run(heading, _one_line(section.heading), rev=INSERT)
    else:
        writer.run(heading, _heading_text(section))
    if section.moved:
        writer.label(body, _label(labels, _EDITION_LABELS, "moved_section"))
    ops = _ops(section) if section.change == "changed" else None
    if ops is None:
        writer.markdown(body, section.text)
    else:
        writer.ops(body, ops)


# Markdown edition ------------------------------------------------------------------------


def edition_markdown(doc: DocEdition) -> str:
    """The edition as one Markdown document; changes in CriticMarkup when tracked."""
    labels = doc.labels
    tracked = doc.changes_since is not None

    def word(key: str) -> str:
        return _label(labels, _EDITION_LABELS, key)

    facts = [
        f"**{word('edition')} {doc.edition_number}**",
        f"{word('date')}: {_local_date(doc.issued_at)}",
    ]
    if doc.status_label.strip():
        facts.append(_one_line(doc.status_label))
    blocks = [f"# {_one_line(doc.report_title)}", " · ".join(facts)]
    if tracked:
        blocks.append(f"*{word('changes_since')} {doc.changes_since}*")
    note = clean(doc.note).strip()
    if note:
        blocks.append(f"**{word('note')}:** {note}")
    for section in doc.sections:
        if not tracked and section.change == "removed":
            continue
        blocks.extend(_markdown_section(section, tracked, word))
    return _defuse_html("\n\n".join(block for block in blocks if block)) + "\n"


def _markdown_section(section: DocSection, tracked: bool, word) -> list[str]:
    hashes = "#" * (_level(section) + 1)
    text = clean(section.text).strip("\n")
    if not tracked:
        return [f"{hashes} {_heading_text(section)}", text]
    if section.change in ("added", "removed"):
        mark = "++" if section.change == "added" else "--"
        return [
            f"{hashes} {_critic(_heading_text(section), mark)}",
            f"*{word(section.change + '_section')}*",
            _critic_lines(text, mark),
        ]
    blocks = []
    old_heading = _one_line(section.old_heading)
    if old_heading and old_heading != _one_line(section.heading):
        number = _number(section)
        prefix = f"{number}. " if number else ""
        renamed = _critic(old_heading, "--") + _critic(_one_line(section.heading), "++")
        blocks += [f"{hashes} {prefix}{renamed}", f"*{word('renamed_from')}: {old_heading}*"]
    else:
        blocks.append(f"{hashes} {_heading_text(section)}")
    if section.moved:
        blocks.append(f"*{word('moved_section')}*")
    ops = _ops(section) if section.change == "changed" else None
    blocks.append(text if ops is None else _critic_ops(ops).strip("\n"))
    return blocks


# Raw HTML in the Markdown (a tag, comment, doctype or processing instruction) and the
# code in which it is harmless text.
_RAW_HTML = re.compile(r"<(?=/?[A-Za-z][A-Za-z0-9-]*(?:[\s/>]|$)|[!?])")
_CODE = re.compile(r"^(`{3,}|~{3,})[^\n]*\n.*?^\1[ \t]*$|`[^`\n]+`", re.MULTILINE | re.DOTALL)


def _defuse_html(markdown_text: str) -> str:
    """Escape raw HTML outside code so that no viewer of the export runs it.

    The app itself never shows raw HTML (markup.render drops it), so this only turns
    ``<script>`` into visible text; autolinks such as ``<https://...>`` are left alone.
    """
    out, end = [], 0
    for code in _CODE.finditer(markdown_text):
        out += [_RAW_HTML.sub("&lt;", markdown_text[end : code.start()]), code.group()]
        end = code.end()
    out.append(_RAW_HTML.sub("&lt;", markdown_text[end:]))
    return "".join(out)


def _critic(text: str, mark: str) -> str:
    return f"{{{mark}{text}{mark}}}" if text else ""


# A line's Markdown block marker (list bullet, number, quote) stays outside the markup so
# the line still renders as a list item or quote in CriticMarkup-aware viewers.
_BLOCK_PREFIX = re.compile(r"^(\s*(?:(?:[-*+]|\d+[.)]|>|#{1,6})\s+)*)(.*)$")


def _critic_lines(text: str, mark: str) -> str:
    out = []
    for line in text.split("\n"):
        prefix, rest = _BLOCK_PREFIX.match(line).groups()
        out.append(prefix + _critic(rest, mark) if rest.strip() else line)
    return "\n".join(out)


def _critic_ops(ops: Sequence[Op]) -> str:
    # CriticMarkup must not span paragraphs: each line of a change is marked on its own.
    out = []
    for kind, text in ops:
        if kind == EQUAL:
            out.append(text)
        else:
            mark = "++" if kind == INSERT else "--"
            out.append("\n".join(_critic(part, mark) for part in text.split("\n")))
    return "".join(out)


# Disposition table ----------------------------------------------------------------------

# Landscape A4 minus 20 mm margins = 257 mm: STT, group, who, content, response.
_COLUMN_WIDTHS_MM = (12, 42, 50, 88, 65)


def dispositions_docx(table: DispositionTable) -> bytes:
    """The consolidation table in the standard form, landscape A4."""
    document = _new_document(size=12)
    _core_properties(document, _one_line(table.title), "", table.generated_at)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)
    _page_numbers(section, skip_first=False)

    labels = table.labels
    _centred(document, _one_line(table.title), size=14, bold=True)
    _centred(document, _one_line(table.report_title), bold=True)
    if table.scope.strip():
        _centred(document, _one_line(table.scope), italic=True)
    generated = f"{_label(labels, _TABLE_LABELS, 'generated')}: {_local_date(table.generated_at)}"
    _centred(document, generated, italic=True)
    for sentence in table.preamble:
        paragraph = document.add_paragraph(clean(sentence).strip())
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Mm(10)

    grid = document.add_table(rows=1, cols=len(_COLUMN_WIDTHS_MM))
    grid.style = "Table Grid"
    grid.autofit = False
    _set_widths(grid)
    headings = [_label(labels, _TABLE_LABELS, "no"), *(_one_line(c) for c in table.columns)]
    header = grid.rows[0]
    _repeat_header(header)
    for cell, text in zip(header.cells, headings, strict=True):
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _add_run(paragraph, text, _BOLD)

    writer = _Writer(document, "", table.generated_at)
    group_top: _Cell | None = None
    previous_group: str | None = None
    for number, row in enumerate(table.rows, start=1):
        cells = grid.add_row().cells
        group = _one_line(row.group)
        _number_cell(cells[0], number)
        if group_top is not None and group == previous_group:
            # Same group as the row above: merge vertically, as the standard form shows it.
            group_top._tc.vMerge = "restart"
            cells[1]._tc.vMerge = "continue"
        else:
            group_top, previous_group = cells[1], group
            _add_run(cells[1].paragraphs[0], group, _BOLD)
        _who_cell(cells[2], row)
        _content_cell(writer, cells[3], row)
        _response_cell(writer, cells[4], row)
    return _save(document)


def _number_cell(cell: _Cell, number: int) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _add_run(paragraph, str(number))


def _who_cell(cell: _Cell, row: DispositionRow) -> None:
    _add_run(cell.paragraphs[0], _one_line(row.who))
    dispatch = _one_line(row.dispatch)
    if dispatch:
        _add_run(cell.add_paragraph(), dispatch, _ITALIC)


def _content_cell(writer: _Writer, cell: _Cell, row: DispositionRow) -> None:
    flow = _Flow(cell)
    quote = clean(row.quote).strip()
    if quote:
        # Quoted passages are shown verbatim (not as Markdown): they are the report's words.
        paragraph = flow.paragraph()
        _add_run(paragraph, f"“{quote}”", _ITALIC)
    writer.markdown(flow, row.content)


def _response_cell(writer: _Writer, cell: _Cell, row: DispositionRow) -> None:
    flow = _Flow(cell)
    decision = _one_line(row.decision)
    if decision:
        _add_run(flow.paragraph(), decision, _BOLD)
    writer.markdown(flow, row.response)
    link = _one_line(row.link)
    if link:
        paragraph = flow.paragraph()
        if re.match(r"https?://", link, re.IGNORECASE):
            writer.hyperlink(paragraph, link, link)
        else:  # relative or odd: printed, not clickable
            _add_run(paragraph, link)


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
        return _label(labels, _TABLE_LABELS, key)

    group, who, content, response = table.columns
    header = [word("no"), group, who, word("dispatch"), word("kind"), word("quote"), content]
    header += [word("decision"), response, word("link")]
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([_csv_cell(h) for h in header])
    for number, row in enumerate(table.rows, start=1):
        kind = labels.get(f"kind_{row.kind}") or _TABLE_LABELS.get(f"kind_{row.kind}", row.kind)
        values = (row.group, row.who, row.dispatch, kind, row.quote, row.content, row.decision)
        values += (row.response, row.link)
        writer.writerow([str(number), *(_csv_cell(v) for v in values)])
    return "\ufeff" + buffer.getvalue()
