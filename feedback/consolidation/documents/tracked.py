"""A section's structured diff (``feedback.richtext.diff``) written as Word revisions.

The section reads as it now is, with its changes as revisions Word and LibreOffice can
accept or reject one by one, never as Markdown:

- a paragraph, heading or list item that changed has word-level ``w:ins``/``w:del`` runs
  that keep their bold and italic; one added or removed whole is a paragraph whose runs
  and paragraph mark are inserted or deleted (accepting or rejecting joins it away);
- a table is a Word table: a changed cell has its revision inside that cell; an added or
  removed row is a revision-marked row (``w:trPr/w:ins`` or ``w:del``, its runs too); an
  added or removed column has its cells' text inserted or deleted (Word has no column
  revision); merged cells stay merged; header rows repeat on every page;
- lists are Word lists (the template's list styles, automatic numbering, so numbers
  follow what is accepted); item by item;
- a block the diff treats as opaque (code, quote, raw HTML...) is shown as rendered,
  inserted or deleted whole; a changed one as the old deleted, then the new inserted.

Pure, like the rest of the package: python-docx and the pure ``feedback.richtext``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.table import _Cell
from docx.text.paragraph import Paragraph as WordParagraph

from feedback.richtext.diff import BlockDiff, DocDiff, diff
from feedback.richtext.diffcore import CHANGED, DELETED, EQUAL, INSERTED, WordOp
from feedback.richtext.footnotes import note_numbers
from feedback.richtext.inlines import Runs, Style
from feedback.richtext.model import Heading, ListItem, Opaque, Table
from feedback.richtext.tablediff import CellDiff, RowDiff, TableDiff, diff_tables

from .engine import Ctx, Flow, Writer
from .model import DELETE, INSERT, clean
from .tables import column_widths, keep_together, repeat_as_header, set_widths
from .word import BOLD, PLAIN, Fmt

# Block, row and cell kinds, and word ops' kinds (textdiff's "insert"/"delete", which
# are the revision kinds themselves).
_REV = {INSERTED: INSERT, DELETED: DELETE, INSERT: INSERT, DELETE: DELETE}
_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}
_SPACES = re.compile(r"[ \t\n\r\f]+")  # Markdown's soft line breaks are spaces; \xa0 stays


def tracked_text(writer: Writer, flow: Flow, old: str, new: str) -> bool:
    """The changes from ``old`` to ``new`` (Markdown) as revisions; False, writing nothing,
    when the two read the same."""
    result = diff(clean(old), clean(new))
    if not result.changed:
        return False
    # Footnotes show the numbers the page shows (the new text's, then the old text's own).
    numbers = note_numbers(clean(new))
    for label in note_numbers(clean(old)):
        numbers.setdefault(label, str(len(numbers) + 1))
    writer.note_numbers = numbers
    try:
        write_diff(writer, flow, result)
    finally:
        writer.note_numbers = {}
    return True


def write_diff(writer: Writer, flow: Flow, result: DocDiff) -> None:
    """Every block of ``result`` in order; consecutive list items as one Word list."""
    lists = _Lists(writer, flow)
    for block in result.blocks:
        shown = block.block
        if isinstance(shown, ListItem):
            lists.item(block)
            continue
        lists.close()
        if isinstance(shown, Opaque) and shown.construct == "reference":
            continue  # link definitions show nothing (their links show in the text)
        _block(writer, flow, block)


# Inline content ---------------------------------------------------------------------------


def _fmt(style: Style, base: Fmt) -> Fmt:
    return replace(
        base,
        bold=base.bold or style.bold,
        italic=base.italic or style.italic,
        strike=base.strike or style.strike,
        code=base.code or style.code,
        sup=base.sup or style.sup or style.footnote,
        sub=base.sub or style.sub,
        underline=base.underline or style.link is not None,
    )


def write_runs(
    writer: Writer, paragraph: WordParagraph, runs: Runs, rev: str | None, base: Fmt = PLAIN
) -> None:
    """Styled runs as Word runs, all of them a revision when ``rev`` is INSERT/DELETE."""
    for run in runs:
        fmt = _fmt(run.style, base)
        if run.style.br:
            writer.run(paragraph, "", fmt, rev).add_break()
            continue
        text = _SPACES.sub(" ", run.text)
        if run.style.footnote:
            text = writer.note_numbers.get(text, text)
        if text:
            writer.run(paragraph, text, fmt, rev)
        link = run.style.link
        if link and link.strip() != run.text.strip() and not link.startswith("mailto:"):
            # Links as text, as the edition writes them: the address when it is not shown.
            writer.run(paragraph, f" ({link})", _fmt(Style(), base), rev)


def write_ops(
    writer: Writer, paragraph: WordParagraph, ops: Sequence[WordOp], base: Fmt = PLAIN
) -> None:
    for op in ops:
        write_runs(writer, paragraph, op.runs, _REV.get(op.kind), base)


def _inline(writer: Writer, paragraph: WordParagraph, block: BlockDiff, base: Fmt) -> None:
    if block.kind == CHANGED:
        write_ops(writer, paragraph, block.ops, base)
    else:
        write_runs(writer, paragraph, block.block.inline.runs, _REV.get(block.kind), base)  # type: ignore[union-attr]


# Blocks -----------------------------------------------------------------------------------


def _block(writer: Writer, flow: Flow, block: BlockDiff) -> None:
    shown = block.block
    if isinstance(shown, Table):
        _table_block(writer, flow, block)
    elif isinstance(shown, Opaque):
        if block.kind == CHANGED:
            _opaque(writer, flow, block.old, DELETED)
            _opaque(writer, flow, block.new, INSERTED)
        else:
            _opaque(writer, flow, shown, block.kind)
    else:
        # A heading inside a section is a bold line, as the edition writes it (the
        # document's outline holds the sections only).
        heading = isinstance(shown, Heading)
        paragraph = flow.paragraph()
        writer.mark_paragraph(paragraph, _REV.get(block.kind))
        _inline(writer, paragraph, block, BOLD if heading else PLAIN)
        if heading:
            paragraph.paragraph_format.keep_with_next = True


def _opaque(writer: Writer, flow: Flow, block: object, kind: str) -> None:
    if isinstance(block, Opaque):
        writer.markdown(flow, block.source, Ctx(rev=_REV.get(kind)))
    elif isinstance(block, Table):  # a changed table that no longer fits one grid
        table = diff_tables(block, block)
        if table is not None:
            _table(writer, flow, table, kind)


def _table_block(writer: Writer, flow: Flow, block: BlockDiff) -> None:
    if block.kind == CHANGED:
        if block.table is not None:
            _table(writer, flow, block.table, None)
        else:
            _opaque(writer, flow, block.old, DELETED)
            _opaque(writer, flow, block.new, INSERTED)
        return
    table = diff_tables(block.block, block.block)  # type: ignore[arg-type]
    if table is not None:  # the table against itself: its grid, every row equal
        _table(writer, flow, table, block.kind)


# Lists ------------------------------------------------------------------------------------


class _Lists:
    """Consecutive list items as Word list paragraphs; a new numbering at each list."""

    def __init__(self, writer: Writer, flow: Flow) -> None:
        self.writer = writer
        self.flow = flow
        self.levels: list[tuple[bool, int | None]] = []  # (ordered, numbering) per depth

    def close(self) -> None:
        self.levels = []

    def item(self, block: BlockDiff) -> None:
        item = block.block
        assert isinstance(item, ListItem)
        depth = min(item.depth, len(self.levels))
        del self.levels[depth + 1 :]
        if len(self.levels) == depth + 1 and self.levels[-1][0] != item.ordered:
            self.levels.pop()  # another kind of list at the same depth: a new list
        if len(self.levels) == depth:
            start = item.number if item.number is not None else 1
            num_id = self.writer.list_numbering(item.ordered, depth + 1, start)
            self.levels.append((item.ordered, num_id))
        rev = _REV.get(block.kind)
        paragraph = self.writer.list_paragraph(
            self.flow, item.ordered, depth + 1, self.levels[-1][1], rev
        )
        _inline(self.writer, paragraph, block, PLAIN)


# Tables -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Placed:
    row: int
    cell: CellDiff
    rows: int  # how many rows it spans


def _placed(table: TableDiff) -> list[_Placed]:
    out = []
    for r, row in enumerate(table.rows):
        for cell in row.cells:
            shown = cell.cell
            rowspan = shown.rowspan if shown is not None else 1
            out.append(_Placed(r, cell, max(1, min(rowspan, len(table.rows) - r))))
    return out


def _cell_texts(cell: CellDiff) -> list[str]:
    return [
        "".join(run.text for run in side.inline.runs)
        for side in (cell.old, cell.new)
        if side is not None
    ]


def _table(writer: Writer, flow: Flow, table: TableDiff, whole: str | None) -> None:
    """The table on its grid; ``whole`` (INSERTED/DELETED/EQUAL) for a table shown whole."""
    width = len(table.columns) or 1
    word = flow.table(len(table.rows), width)
    placed = _placed(table)
    for item in placed:  # merge first: merging moves content
        last_column = min(item.cell.column + item.cell.span, width) - 1
        if item.cell.span > 1 or item.rows > 1:
            word.cell(item.row, item.cell.column).merge(
                word.cell(item.row + item.rows - 1, last_column)
            )
    for r, row in enumerate(table.rows):
        tr = word.rows[r]
        if row.header:
            repeat_as_header(tr)
        keep_together(tr)
        writer.mark_row(tr, _REV.get(whole or row.kind))
    texts: list[list[str]] = [[] for _ in range(width)]
    for item in placed:
        row = table.rows[item.row]
        _cell(writer, word.cell(item.row, item.cell.column), item.cell, row, whole)
        if item.cell.span == 1:
            texts[item.cell.column] += _cell_texts(item.cell)
    set_widths(word, column_widths(texts, flow.width()))


def _cell(writer: Writer, target: _Cell, cell: CellDiff, row: RowDiff, whole: str | None) -> None:
    shown = cell.cell
    if shown is None:
        return  # an empty filler where no cell stands
    base = BOLD if shown.header or row.header else PLAIN
    paragraph = Flow(target).paragraph()
    if cell.kind == CHANGED and cell.ops:
        write_ops(writer, paragraph, cell.ops, base)
    else:
        kind = whole or (cell.kind if cell.kind not in (EQUAL, CHANGED) else row.kind)
        write_runs(writer, paragraph, shown.inline.runs, _REV.get(kind), base)
    paragraph.alignment = _ALIGN.get(shown.align or "", WD_ALIGN_PARAGRAPH.LEFT)
