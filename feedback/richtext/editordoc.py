"""A section's text as the in-place editor's document (ProseMirror JSON).

The browser never parses Markdown: the server reads the text into the block model
(``blocks.parse``) and hands the editor this document. Every heading, paragraph, list
item and table cell carries its inline Markdown as written (``src``), so that the editor
writes back an untouched block exactly as it was stored and only what the reader changed
is new (assets/editor/markdown.js). Blocks the editor does not model (code, quotes,
raw HTML, link and footnote definitions, lists of several paragraphs an item) are
``opaque`` nodes: their source, kept verbatim, and their sanitised rendering, shown
read-only.

The node and mark names are those of the editor's schema (assets/editor/schema.js).

Pure on purpose (tests/unit/test_textdiff_purity.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from feedback.richtext import footnotes
from feedback.richtext.blocks import parse
from feedback.richtext.inlines import Run, Runs, markdown_html
from feedback.richtext.model import Block, Cell, Heading, Inline, ListItem, Opaque, Paragraph, Table

Json = dict[str, Any]

# Run style flags and the editor's marks, outermost first (the schema sorts them anyway).
_MARKS = (("bold", "strong"), ("italic", "em"), ("strike", "strike"), ("code", "code"))
_MARKS += (("sup", "sup"), ("sub", "sub"))


def _marks(run: Run) -> list[Json]:
    marks: list[Json] = []
    if run.style.link:
        marks.append({"type": "link", "attrs": {"href": run.style.link}})
    marks += [{"type": mark} for flag, mark in _MARKS if getattr(run.style, flag)]
    return marks


def inline_nodes(runs: Runs) -> list[Json]:
    """Styled runs as the editor's inline nodes: text with marks, line breaks, footnotes."""
    nodes: list[Json] = []
    for run in runs:
        if run.style.br:
            nodes.append({"type": "hard_break"})
        elif run.style.footnote:
            nodes.append({"type": "footnote", "attrs": {"label": run.text}})
        elif run.text:
            node: Json = {"type": "text", "text": run.text}
            marks = _marks(run)
            if marks:
                node["marks"] = marks
            nodes.append(node)
    return nodes


def _textblock(kind: str, inline: Inline, **attrs: Any) -> Json:
    node: Json = {"type": kind, "attrs": {**attrs, "src": inline.source}}
    content = inline_nodes(inline.runs)
    if content:
        node["content"] = content
    return node


def _cell(cell: Cell) -> Json:
    attrs = {"colspan": cell.colspan, "rowspan": cell.rowspan, "align": cell.align}
    return {
        "type": "table_header" if cell.header else "table_cell",
        "attrs": attrs,
        "content": [_textblock("paragraph", cell.inline)],
    }


def _table(table: Table) -> Json:
    rows = []
    for k, row in enumerate(table.rows):
        head = k < len(table.header)
        rows.append(
            {"type": "table_row", "attrs": {"head": head}, "content": [_cell(c) for c in row.cells]}
        )
    if not table.body and not table.html:
        # A pipe table without rows is shown with one empty row, as markup.render shows it.
        empty = Cell(Inline(""))
        cells = [_cell(Cell(empty.inline, align=a)) for a in table.align]
        rows.append({"type": "table_row", "attrs": {"head": False}, "content": cells})
    return {"type": "table", "attrs": {"html": table.html}, "content": rows}


def _opaque(block: Opaque) -> Json:
    if block.construct == "footnote":
        shown = footnotes.definitions_html(block.source, markdown_html)
    else:
        shown = "" if block.construct == "reference" else markdown_html(block.source)
    return {
        "type": "opaque",
        "attrs": {"source": block.source, "construct": block.construct, "html": shown},
    }


def _lists(items: Sequence[ListItem], start: int, depth: int) -> tuple[list[Json], int]:
    """The lists that items[start:] open at ``depth``: (list nodes, index after them).

    The block model flattens nested lists into items with a depth; the editor nests them
    again, an item's sub-list inside the item, as the reader sees them.
    """
    lists: list[Json] = []
    k = start
    while k < len(items) and items[k].depth == depth:
        first = items[k]
        kind = "ordered_list" if first.ordered else "bullet_list"
        node: Json = {"type": kind, "content": []}
        if first.ordered:
            node["attrs"] = {"order": first.number if first.number is not None else 1}
        while k < len(items) and items[k].depth == depth and items[k].ordered == first.ordered:
            item: Json = {
                "type": "list_item",
                "content": [_textblock("paragraph", items[k].inline)],
            }
            k += 1
            if k < len(items) and items[k].depth > depth:
                nested, k = _lists(items, k, depth + 1)
                item["content"] += nested
            node["content"].append(item)
        lists.append(node)
    return lists, k


def _runs_of_items(blocks: Sequence[Block]) -> Iterator[Block | list[ListItem]]:
    """Blocks, with each run of list items that the reader sees as one list grouped."""
    items: list[ListItem] = []
    for block in blocks:
        if isinstance(block, ListItem):
            top_change = block.depth == 0 and items and items[0].ordered != block.ordered
            if top_change:
                yield items
                items = []
            items.append(block)
            continue
        if items:
            yield items
            items = []
        yield block
    if items:
        yield items


def _block(block: Block) -> Json:
    if isinstance(block, Heading):
        return _textblock("heading", block.inline, level=min(max(block.level, 1), 6))
    if isinstance(block, Paragraph):
        return _textblock("paragraph", block.inline)
    if isinstance(block, Table):
        return _table(block)
    assert isinstance(block, Opaque)
    return _opaque(block)


def _nested(items: list[ListItem]) -> list[ListItem]:
    """Items whose depth is at most one more than the item before (as a list can nest)."""
    out: list[ListItem] = []
    for item in items:
        deepest = out[-1].depth + 1 if out else 0
        out.append(replace(item, depth=deepest) if item.depth > deepest else item)
    return out


def editor_doc(markdown: str) -> Json:
    """The editor's document for a section's Markdown text (normalised to NFC first)."""
    content: list[Json] = []
    for part in _runs_of_items(parse(markdown or "").blocks):
        if isinstance(part, list):
            lists, _end = _lists(_nested(part), 0, 0)
            content += lists
        else:
            content.append(_block(part))
    if not content:
        content.append({"type": "paragraph", "attrs": {"src": ""}})
    return {"type": "doc", "content": content}
