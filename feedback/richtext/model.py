"""The block model of a section's text, and how each block is written in canonical form.

A section is a sequence of blocks: Heading, Paragraph, ListItem (nested lists are
flattened, each item with its depth), Table (cells with inline content, colspan and
rowspan) and Opaque (anything else, kept verbatim). feedback.richtext.blocks reads Markdown into
this model; feedback.richtext.diff compares two of them.

Pure on purpose (tests/unit/test_textdiff_purity.py).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar

from feedback.richtext.inlines import Runs, html_runs, markdown_runs, runs_html

References = Mapping[str, tuple[str, str | None]]


@dataclass(frozen=True)
class Inline:
    """A block's or a cell's inline content: its source and, parsed on demand, its runs.

    ``source`` is Markdown, or for a cell of an HTML table the cell's sanitised HTML.
    Two inlines are equal when their sources are; ``runs`` is what the reader sees.
    """

    source: str
    html: bool = False
    references: References = field(default_factory=dict, compare=False, hash=False, repr=False)

    @cached_property
    def runs(self) -> Runs:
        if self.html:
            return html_runs(self.source)
        return markdown_runs(self.source, self.references)


@dataclass(frozen=True)
class Heading:
    level: int
    inline: Inline
    kind: ClassVar[str] = "heading"

    @property
    def markdown(self) -> str:
        return "#" * self.level + (f" {self.inline.source}" if self.inline.source else "")

    @property
    def key(self) -> tuple:
        return (self.kind, self.level, self.inline.source)


@dataclass(frozen=True)
class Paragraph:
    inline: Inline
    kind: ClassVar[str] = "paragraph"

    @property
    def markdown(self) -> str:
        return self.inline.source

    @property
    def key(self) -> tuple:
        return (self.kind, self.inline.source)


@dataclass(frozen=True)
class ListItem:
    """One item of a (possibly nested) list; ``number`` is the number shown (ordered only)."""

    ordered: bool
    depth: int
    number: int | None
    inline: Inline
    kind: ClassVar[str] = "item"

    @property
    def markdown(self) -> str:
        # An empty item keeps the one space its marker needs (the only trailing space),
        # and is "*" rather than "-", which under a line could read as a heading's rule.
        bullet = "-" if self.inline.source else "*"
        marker = f"{self.number}." if self.ordered else bullet
        return f"{'    ' * self.depth}{marker} {self.inline.source}"

    @property
    def key(self) -> tuple:
        # Without the number: renumbering after an insertion is no change to the item.
        return (self.kind, self.ordered, self.depth, self.inline.source)


@dataclass(frozen=True)
class Cell:
    inline: Inline
    header: bool = False  # a <th>
    colspan: int = 1
    rowspan: int = 1
    align: str | None = None  # "left" | "center" | "right"


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    """Header rows (<thead>), body rows, and for a pipe table its column alignments.

    ``html`` tables (imported with merged cells) are stored as sanitised HTML, the others
    as GFM pipe tables. Either way cells hold inline content only.
    """

    header: tuple[Row, ...]
    body: tuple[Row, ...]
    align: tuple[str | None, ...] = ()
    html: bool = False
    kind: ClassVar[str] = "table"

    @property
    def rows(self) -> tuple[Row, ...]:
        return self.header + self.body

    @cached_property
    def markdown(self) -> str:
        return _html_table(self) if self.html else _pipe_table(self)

    @property
    def key(self) -> tuple:
        return (self.kind, self.markdown)


@dataclass(frozen=True)
class Opaque:
    """Anything else, kept verbatim; ``construct`` says what it is: code, fence, quote,
    hr, html, reference, footnote (a definition) or list (items of more than one
    paragraph)."""

    source: str
    construct: str
    kind: ClassVar[str] = "opaque"

    @property
    def markdown(self) -> str:
        return self.source

    @property
    def key(self) -> tuple:
        return (self.kind, self.source)


Block = Heading | Paragraph | ListItem | Table | Opaque


@dataclass(frozen=True)
class Document:
    blocks: tuple[Block, ...]
    references: References = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def markdown(self) -> str:
        return to_markdown(self.blocks)


# Writing ----------------------------------------------------------------------------------

_SEPARATOR_CELL = {None: "---", "left": ":---", "right": "---:", "center": ":---:"}


def _pipe_row(sources: Sequence[str]) -> str:
    return "| " + " | ".join(sources) + " |"


def _pipe_table(table: Table) -> str:
    """Cells are not padded to a common width: an edit of one cell changes one line."""
    lines = [_pipe_row([c.inline.source for c in row.cells]) for row in table.header]
    lines.insert(1, _pipe_row([_SEPARATOR_CELL[a] for a in table.align]))
    lines += [_pipe_row([c.inline.source for c in row.cells]) for row in table.body]
    return "\n".join(lines)


def _cell_html(cell: Cell, tag: str | None = None, attributes: str = "") -> str:
    """A cell as canonical HTML: span and alignment attributes, content from its runs."""
    tag = tag or ("th" if cell.header else "td")
    if cell.colspan > 1:
        attributes += f' colspan="{cell.colspan}"'
    if cell.rowspan > 1:
        attributes += f' rowspan="{cell.rowspan}"'
    if cell.align:
        attributes += f' align="{html.escape(cell.align)}"'
    return f"<{tag}{attributes}>{runs_html(cell.inline.runs, link_rel=False)}</{tag}>"


def _html_table(table: Table) -> str:
    lines = ["<table>"]
    for section, rows in (("thead", table.header), ("tbody", table.body)):
        if rows:
            lines.append(f"<{section}>")
            lines += ["<tr>" + "".join(map(_cell_html, row.cells)) + "</tr>" for row in rows]
            lines.append(f"</{section}>")
    lines.append("</table>")
    return "\n".join(lines)


def to_markdown(blocks: Sequence[Block]) -> str:
    """Blocks in the canonical form: one blank line between blocks, none between the
    items of one list, and no newline at the end."""
    parts: list[str] = []
    top_ordered: bool | None = None
    previous: Block | None = None
    for block in blocks:
        if previous is not None:
            same_list = (
                isinstance(block, ListItem)
                and isinstance(previous, ListItem)
                and (block.depth > 0 or block.ordered == top_ordered)
            )
            parts.append("\n" if same_list else "\n\n")
        if isinstance(block, ListItem) and block.depth == 0:
            top_ordered = block.ordered
        parts.append(block.markdown)
        previous = block
    return "".join(parts)
