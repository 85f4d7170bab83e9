"""Markdown into Word: the sanitised HTML of a section walked into python-docx paragraphs,
runs, lists and tables (only as text, never as markup), optionally all as revisions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .model import clean
from .revisions import RevisionMarks
from .tables import column_widths, keep_together, repeat_as_header, set_widths
from .tree import Node, html_tree
from .word import P_PR_ORDER, PLAIN, Fmt, add_run, insert_ordered


@dataclass
class _Item:
    """A list item being written: its first paragraph carries the bullet or number."""

    style: str
    continue_style: str
    num_id: int | None
    started: bool = False


@dataclass(frozen=True)
class Ctx:
    style: str | None = None  # paragraph style for plain paragraphs ("Quote" in quotes)
    rev: str | None = None  # INSERT / DELETE: everything written is a tracked change
    fmt: Fmt = PLAIN  # base character formatting (bold in table header cells)
    item: _Item | None = None
    list_depth: int = 0


class Flow:
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

    def width(self) -> int:
        """The width (EMU) a table here may take: the page's text width, or the cell's."""
        if isinstance(self.parent, _Cell):
            return max((self.parent.width or Mm(80)) - Mm(4), Mm(20))
        section = self.parent.sections[-1]
        return section.page_width - section.left_margin - section.right_margin


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


_HEADING_TAGS = {f"h{level}" for level in range(1, 7)}
_BLOCK_TAGS = {"p", "ul", "ol", "li", "table", "blockquote", "pre", "hr", "div", *_HEADING_TAGS}
_NOTE_SIZE = Pt(10)  # footnotes at the end of a section: smaller than the 13-14 pt body
_SPACES = re.compile(r"[ \t\n\r\f]+")  # HTML whitespace; not \xa0, which is content
_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


class Writer(RevisionMarks):
    """Writes Markdown, links and tracked changes into one python-docx document."""

    def __init__(self, document: DocxDocument, author: str, when: datetime) -> None:
        super().__init__(document, author, when)
        self._links: dict[str, str] = {}  # URL -> relationship id
        # Footnote label -> the number shown, when a redline shows notes block by block.
        self.note_numbers: dict[str, str] = {}

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
        run = add_run(paragraph, text, Fmt(underline=True), color="1F4E9A")
        link.append(run._r)  # moves the run into the hyperlink
        paragraph._p.append(link)

    # Markdown -------------------------------------------------------------------------

    def markdown(self, flow: Flow, text: str, ctx: Ctx | None = None) -> None:
        if text and text.strip():
            self._blocks(flow, html_tree(text).children, ctx or Ctx())

    def _blocks(self, flow: Flow, nodes: Iterable[Node | str], ctx: Ctx) -> None:
        """Block children in order; loose inline content is gathered into paragraphs."""
        pending: list[Node | str] = []
        for node in nodes:
            if isinstance(node, Node) and node.tag in _BLOCK_TAGS:
                self._inline_paragraph(flow, pending, ctx)
                pending = []
                self._block(flow, node, ctx)
            else:
                pending.append(node)
        self._inline_paragraph(flow, pending, ctx)

    def _block(self, flow: Flow, node: Node, ctx: Ctx) -> None:
        tag = node.tag
        if tag == "p":
            self._inline_paragraph(flow, node.children, ctx, force=True)
        elif tag in ("ul", "ol"):
            self._list(flow, node, ctx)
        elif tag == "li":  # stray item outside a list: treat it as a bullet
            self._list(flow, Node("ul", {}, [node]), ctx)
        elif tag == "table":
            self._table(flow, node, ctx)
        elif tag == "blockquote":
            self._blocks(flow, node.children, replace(ctx, style="Quote", item=None))
        elif tag == "pre":
            self._pre(flow, node, ctx)
        elif tag == "hr":
            self._hr(flow, ctx)
        elif tag == "div" and node.attrs.get("class") == "footnote":
            self._notes(flow, node, ctx)
        elif tag == "div":
            self._blocks(flow, node.children, ctx)
        else:  # h1..h6 inside a section: bold lines, not Word headings (outline stays clean)
            paragraph = self._inline_paragraph(
                flow, node.children, replace(ctx, fmt=replace(ctx.fmt, bold=True)), force=True
            )
            if paragraph is not None:
                paragraph.paragraph_format.keep_with_next = True

    def _paragraph(self, flow: Flow, ctx: Ctx) -> Paragraph:
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
        self, flow: Flow, nodes: Sequence[Node | str], ctx: Ctx, force: bool = False
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
        nodes: Iterable[Node | str],
        fmt: Fmt,
        ctx: Ctx,
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
            elif node.tag == "a" and node.attrs.get("class") == "footnote-backref":
                continue  # a footnote's link back to its reference: nothing to print
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

    def _list(self, flow: Flow, node: Node, ctx: Ctx) -> None:
        depth = min(ctx.list_depth + 1, 3)  # the template has list styles for 3 levels
        ordered = node.tag == "ol"
        style, continue_style = _list_styles(ordered, depth)
        num_id = self._restart_numbering(style, _start(node)) if ordered else None
        for child in node.children:
            if isinstance(child, Node) and child.tag == "li":
                item = _Item(style, continue_style, num_id)
                self._blocks(flow, child.children, replace(ctx, item=item, list_depth=depth))
                if not item.started:  # empty "- " item: still show its bullet
                    self._paragraph(flow, replace(ctx, item=item))

    def list_numbering(self, ordered: bool, depth: int, start: int) -> int | None:
        """A new numbered list at ``depth`` (1..3) starting at ``start``; None for bullets."""
        return self._restart_numbering(_list_styles(True, depth)[0], start) if ordered else None

    def list_paragraph(
        self, flow: Flow, ordered: bool, depth: int, num_id: int | None, rev: str | None
    ) -> Paragraph:
        """A list item's paragraph at ``depth`` (1..3), its mark a revision when ``rev``."""
        style, continue_style = _list_styles(ordered, depth)
        return self._paragraph(flow, Ctx(rev=rev, item=_Item(style, continue_style, num_id)))

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

    def _table(self, flow: Flow, node: Node, ctx: Ctx) -> None:
        rows = list(_table_rows(node))
        if not rows:
            return
        width = max(len(cells) for _, cells in rows) or 1
        table = flow.table(len(rows), width)
        for tr, (header, cells) in zip(table.rows, rows, strict=True):
            if header:
                repeat_as_header(tr)
            keep_together(tr)
            self.mark_row(tr, ctx.rev)
            word_cells = tr.cells
            for cell_node, cell in zip(cells, word_cells, strict=False):
                bold = header or cell_node.tag == "th"
                cell_ctx = Ctx(rev=ctx.rev, fmt=replace(ctx.fmt, bold=ctx.fmt.bold or bold))
                self._blocks(Flow(cell), cell_node.children, cell_ctx)
                alignment = _ALIGN.get(_cell_align(cell_node), WD_ALIGN_PARAGRAPH.LEFT)
                for paragraph in cell.paragraphs:
                    paragraph.alignment = alignment
        texts = [
            [cells[c].text() if c < len(cells) else "" for _, cells in rows] for c in range(width)
        ]
        set_widths(table, column_widths(texts, flow.width()))

    def _pre(self, flow: Flow, node: Node, ctx: Ctx) -> None:
        paragraph = self._paragraph(flow, ctx)
        fmt = replace(ctx.fmt, code=True)
        for index, line in enumerate(node.text().rstrip("\n").split("\n")):
            if index:
                self.run(paragraph, "", fmt, ctx.rev).add_break()
            if line:
                self.run(paragraph, line, fmt, ctx.rev)

    def _notes(self, flow: Flow, node: Node, ctx: Ctx) -> None:
        """Footnotes (markup.render's ``div.footnote``) as small paragraphs at the end of
        the section, each after its number in superscript, as the reference shows it."""
        items = [
            n
            for ol in node.children
            if isinstance(ol, Node) and ol.tag == "ol"
            for n in ol.children
            if isinstance(n, Node) and n.tag == "li"
        ]
        for index, item in enumerate(items, start=1):
            label = item.attrs.get("id", "").split("-", 2)[-1]  # fn-<prefix>-<label>
            number = self.note_numbers.get(label, str(index))
            paragraph = self._paragraph(flow, ctx)
            self.run(paragraph, number, replace(ctx.fmt, sup=True), ctx.rev)
            self.run(paragraph, " ", ctx.fmt, ctx.rev)
            content = [
                c
                for p in item.children
                for c in (p.children if isinstance(p, Node) and p.tag == "p" else [p])
            ]
            self._inline(paragraph, content, ctx.fmt, ctx, _LineState(at_line_start=True))
            _trim_end(paragraph)
            for r in paragraph._p.iter(qn("w:r")):  # also inside a revision's w:ins
                Run(r, paragraph).font.size = _NOTE_SIZE

    def _hr(self, flow: Flow, ctx: Ctx) -> None:
        paragraph = self._paragraph(flow, ctx)
        borders = OxmlElement("w:pBdr")
        line = {"w:val": "single", "w:sz": "6", "w:space": "1", "w:color": "auto"}
        borders.append(OxmlElement("w:bottom", attrs={qn(k): v for k, v in line.items()}))
        insert_ordered(paragraph._p.get_or_add_pPr(), "w:pBdr", P_PR_ORDER, borders)


def _trim_end(paragraph: Paragraph) -> None:
    """Drop the whitespace HTML leaves before a closing tag (or a removed <script>)."""
    texts = [e for e in paragraph._p.iter(qn("w:t"), qn("w:delText")) if e.text]
    if texts:
        texts[-1].text = texts[-1].text.rstrip(" ")


@dataclass
class _LineState:
    at_line_start: bool = True  # drop HTML's leading whitespace at starts of lines


def _list_styles(ordered: bool, depth: int) -> tuple[str, str]:
    """The template's list styles at ``depth`` (1..3): the item's, and its continuation's."""
    depth = min(max(depth, 1), 3)
    suffix = "" if depth == 1 else f" {depth}"
    return ("List Number" if ordered else "List Bullet") + suffix, "List Continue" + suffix


def _start(node: Node) -> int:
    try:
        return max(int(node.attrs.get("start", "1")), 0)
    except ValueError:
        return 1


def _table_rows(node: Node) -> Iterable[tuple[bool, list[Node]]]:
    """(is header row, cells) for each row, looking through thead/tbody/tfoot."""
    for child in node.children:
        if not isinstance(child, Node):
            continue
        if child.tag in ("thead", "tbody", "tfoot"):
            for tr in child.children:
                if isinstance(tr, Node) and tr.tag == "tr":
                    yield child.tag == "thead", _cells(tr)
        elif child.tag == "tr":
            yield False, _cells(child)


def _cells(tr: Node) -> list[Node]:
    return [c for c in tr.children if isinstance(c, Node) and c.tag in ("td", "th")]


def _cell_align(node: Node) -> str:
    match = re.search(r"text-align:\s*(\w+)", node.attrs.get("style", ""))
    return (match.group(1) if match else node.attrs.get("align", "")).lower()
