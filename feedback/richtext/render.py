"""A structured diff rendered as the document, with its changes marked.

``render_html(diff)`` shows formatted text, never Markdown: headings, paragraphs, nested
lists, tables (merged cells kept), bold, italic, code, links. A changed word is marked
inside the element it is in (``<ins>``/``<del>`` in the ``<td>``, in the ``<li>``); a
whole block, row or column that was added or removed carries a class and its text is in
``<ins>``/``<del>`` too, so the change reads without CSS. Every text is escaped; links
are kept only for http, https and mailto; there is no ``style`` attribute and no script,
so the output is safe under a Content-Security-Policy without inline styles.

Classes, for CSS:

- ``block-added`` / ``block-deleted``: on a ``p``, ``h1``-``h6``, ``li``, ``table`` or
  ``div.opaque`` added or removed whole;
- ``row-added`` / ``row-deleted``: on a ``tr``; ``col-added`` / ``col-deleted``: on the
  ``th``/``td`` of a column added or removed;
- ``format-changed``: a heading's level, a list item's depth or list type, or a cell's
  alignment or header-ness changed (the text changes, if any, are marked inside);
- ``align-left`` / ``align-center`` / ``align-right``: a cell's alignment;
- ``opaque``: a ``div`` around a block shown read-only as rendered (code, quote, rule,
  raw HTML...); a changed one is shown twice, old (``block-deleted``) then new
  (``block-added``);
- ``footnote-ref``: a ``sup`` holding a footnote's number (a reference in the text, or
  the start of its note); ``footnote``: a ``div`` around footnote definitions. Footnotes
  are numbered in the order they first appear, as markup.render numbers them.

Pure on purpose (tests/unit/test_textdiff_purity.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from feedback import textdiff
from feedback.richtext import footnotes
from feedback.richtext.diff import BlockDiff, DocDiff
from feedback.richtext.diffcore import CHANGED, DELETED, EQUAL, INSERTED, WordOp
from feedback.richtext.inlines import Runs, markdown_html, runs_html
from feedback.richtext.model import Cell, Heading, Inline, ListItem, Opaque, Paragraph, Row, Table
from feedback.richtext.tablediff import CellDiff, RowDiff, TableDiff

BLOCK_CLASS = {INSERTED: "block-added", DELETED: "block-deleted"}
ROW_CLASS = {INSERTED: "row-added", DELETED: "row-deleted"}
COLUMN_CLASS = {INSERTED: "col-added", DELETED: "col-deleted"}
_MARK = {INSERTED: "ins", DELETED: "del", textdiff.INSERT: "ins", textdiff.DELETE: "del"}


def _class(*names: str | None) -> str:
    names_ = [n for n in names if n]
    return f' class="{" ".join(names_)}"' if names_ else ""


def _marked(runs: Runs, kind: str) -> str:
    """Runs as HTML, inside <ins> or <del> when the whole of them was added or removed."""
    body = runs_html(runs)
    tag = _MARK.get(kind)
    return f"<{tag}>{body}</{tag}>" if tag and body else body


def _ops_html(ops: Sequence[WordOp]) -> str:
    return "".join(_marked(op.runs, op.kind) for op in ops)


def _inline_html(diff: BlockDiff) -> str:
    if diff.kind == CHANGED:
        return _ops_html(diff.ops)
    return _marked(diff.block.inline.runs, diff.kind)  # type: ignore[union-attr]


def _form_changed(diff: BlockDiff) -> str | None:
    old, new = diff.old, diff.new
    if diff.kind != CHANGED:
        return None
    if isinstance(old, Heading) and isinstance(new, Heading) and old.level != new.level:
        return "format-changed"
    if (
        isinstance(old, ListItem)
        and isinstance(new, ListItem)
        and (old.depth, old.ordered) != (new.depth, new.ordered)
    ):
        return "format-changed"
    return None


# Lists ----------------------------------------------------------------------------------------


class _Lists:
    """Writes a run of list items as nested <ul>/<ol>, an <li> open at every level."""

    def __init__(self, out: list[str]) -> None:
        self.done = out
        self.out: list[str] = []
        self.levels: list[list] = []  # [ordered, number the browser would show next]

    def close_level(self) -> None:
        ordered, _ = self.levels.pop()
        self.out.append("</li></ol>" if ordered else "</li></ul>")

    def close(self) -> None:
        while self.levels:
            self.close_level()
        if self.out:
            self.done.append("".join(self.out))
            self.out = []

    def item(self, diff: BlockDiff) -> None:
        item = diff.block
        assert isinstance(item, ListItem)
        depth = min(item.depth, len(self.levels))
        while len(self.levels) > depth + 1:
            self.close_level()
        if len(self.levels) == depth + 1:
            if self.levels[-1][0] != item.ordered:
                self.close_level()
            else:
                self.out.append("</li>")
        if len(self.levels) == depth:
            start = item.number if item.ordered and item.number not in (None, 1) else None
            opening = "<ol>" if item.ordered else "<ul>"
            self.out.append(opening if start is None else f'<ol start="{start}">')
            self.levels.append([item.ordered, 1 if start is None else start])
        value = ""
        if item.ordered and item.number is not None:
            if item.number != self.levels[-1][1]:
                value = f' value="{item.number}"'
            self.levels[-1][1] = item.number + 1
        classes = _class(BLOCK_CLASS.get(diff.kind), _form_changed(diff))
        self.out.append(f"<li{classes}{value}>{_inline_html(diff)}")


# Tables ---------------------------------------------------------------------------------------


def _cell_tag(cell: Cell | None, header_row: bool) -> str:
    return "th" if (cell.header if cell is not None else header_row) else "td"


def _cell_attributes(cell: Cell | None, span: int, *classes: str | None) -> str:
    attributes = f' colspan="{span}"' if span > 1 else ""
    if cell is not None and cell.rowspan > 1:
        attributes += f' rowspan="{cell.rowspan}"'
    align = f"align-{cell.align}" if cell is not None and cell.align else None
    return _class(*classes, align) + attributes


def _plain_table(table: Table, kind: str) -> str:
    """A table added, removed or unchanged, as it is."""
    parts = [f"<table{_class(BLOCK_CLASS.get(kind))}>"]
    # A pipe table without rows is shown with one empty row, as markup.render shows it.
    empty = (
        () if table.body or table.html else (Row((Cell(Inline(""), False),) * len(table.align)),)
    )
    for section, rows in (("thead", table.header), ("tbody", table.body or empty)):
        if rows:
            parts.append(f"<{section}>")
            for row in rows:
                cells = []
                for cell in row.cells:
                    tag = _cell_tag(cell, section == "thead")
                    body = _marked(cell.inline.runs, kind)
                    cells.append(f"<{tag}{_cell_attributes(cell, cell.colspan)}>{body}</{tag}>")
                parts.append("<tr>" + "".join(cells) + "</tr>")
            parts.append(f"</{section}>")
    parts.append("</table>")
    return "".join(parts)


def _diff_cell(cell: CellDiff, row: RowDiff, table: TableDiff) -> str:
    column_kinds = {table.columns[u].kind for u in range(cell.column, cell.column + cell.span)}
    column_class = COLUMN_CLASS.get(column_kinds.pop()) if len(column_kinds) == 1 else None
    shown = cell.cell
    if cell.kind == CHANGED:
        body = _ops_html(cell.ops) if cell.ops else runs_html(shown.inline.runs)  # type: ignore[union-attr]
    elif shown is None:
        body = ""
    else:
        body = _marked(shown.inline.runs, cell.kind if cell.kind != EQUAL else row.kind)
    form = (
        "format-changed"
        if cell.old is not None
        and cell.new is not None
        and (cell.old.align, cell.old.header) != (cell.new.align, cell.new.header)
        else None
    )
    tag = _cell_tag(shown, row.header)
    return f"<{tag}{_cell_attributes(shown, cell.span, column_class, form)}>{body}</{tag}>"


def _diff_table(table: TableDiff) -> str:
    parts = ["<table>"]
    for header, section in ((True, "thead"), (False, "tbody")):
        rows = [row for row in table.rows if row.header == header]
        if rows:
            parts.append(f"<{section}>")
            for row in rows:
                cells = "".join(_diff_cell(cell, row, table) for cell in row.cells)
                parts.append(f"<tr{_class(ROW_CLASS.get(row.kind))}>{cells}</tr>")
            parts.append(f"</{section}>")
    parts.append("</table>")
    return "".join(parts)


# Blocks ---------------------------------------------------------------------------------------


_NOTE_NUMBER = re.compile(r'<sup class="footnote-ref">([^<]*)</sup>')


def _numbered(out: str) -> str:
    """Footnote labels replaced by the numbers a reader sees: in order of appearance."""
    numbers: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        label = numbers.setdefault(match.group(1), len(numbers) + 1)
        return f'<sup class="footnote-ref">{label}</sup>'

    return _NOTE_NUMBER.sub(number, out)


def _opaque(block: Opaque, kind: str, render_markdown: Callable[[str], str]) -> str:
    if block.construct == "footnote":
        body = footnotes.definitions_html(block.source, render_markdown)
    else:
        body = render_markdown(block.source)
    tag = _MARK.get(kind)
    if tag:
        body = f"<{tag}>{body}</{tag}>"
    return f"<div{_class('opaque', BLOCK_CLASS.get(kind))}>{body}</div>"


def _whole(block: object, kind: str, render_markdown: Callable[[str], str]) -> str:
    """A block shown as it is: unchanged, added or removed."""
    if isinstance(block, Opaque):
        return _opaque(block, kind, render_markdown)
    if isinstance(block, Table):
        return _plain_table(block, kind)
    diff = BlockDiff(kind, block, block)  # type: ignore[arg-type]
    if isinstance(block, Heading):
        level = min(max(block.level, 1), 6)
        return f"<h{level}{_class(BLOCK_CLASS.get(kind))}>{_inline_html(diff)}</h{level}>"
    assert isinstance(block, Paragraph)
    return f"<p{_class(BLOCK_CLASS.get(kind))}>{_inline_html(diff)}</p>"


def _block_html(diff: BlockDiff, render_markdown: Callable[[str], str]) -> str:
    if diff.kind != CHANGED:
        return _whole(diff.block, diff.kind, render_markdown)
    if isinstance(diff.new, Table) and diff.table is not None:
        return _diff_table(diff.table)
    if isinstance(diff.new, Heading):
        level = min(max(diff.new.level, 1), 6)
        return f"<h{level}{_class(_form_changed(diff))}>{_inline_html(diff)}</h{level}>"
    if isinstance(diff.new, Paragraph) and isinstance(diff.old, Paragraph):
        return f"<p>{_inline_html(diff)}</p>"
    # Opaque, or a table that no longer fits one grid: the old one, then the new one.
    return _whole(diff.old, DELETED, render_markdown) + _whole(diff.new, INSERTED, render_markdown)


def render_html(diff: DocDiff, render_markdown: Callable[[str], str] = markdown_html) -> str:
    """The document with its changes marked, as safe HTML (see the module docstring).

    ``render_markdown`` shows opaque blocks; by default the same Python-Markdown and
    sanitiser settings as markup.render (the app may pass markup.render itself).
    """
    out: list[str] = []
    lists = _Lists(out)
    for block in diff.blocks:
        if isinstance(block.block, ListItem):
            lists.item(block)
            continue
        if isinstance(block.block, Opaque) and block.block.construct == "reference":
            continue  # link definitions show nothing (their links show in the text)
        lists.close()
        out.append(_block_html(block, render_markdown))
    lists.close()
    return _numbered("\n".join(out))
