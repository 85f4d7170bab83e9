"""Reading a raw HTML ``<table>`` block (as the Word import will store tables with merged
cells) into the block model.

Only a plain grid is a Table: ``<thead>``/``<tbody>``, ``<tr>``, ``<th>``/``<td>`` with
colspan, rowspan and alignment, cells of inline content (text, bold, italic, code,
strike, sup/sub, links, line breaks). A caption, a footer, a nested table, block content
in a cell or text outside the cells make it None: the caller keeps it as an opaque block.
Attributes other than colspan, rowspan and alignment are dropped, as markup.py's
sanitiser drops them.

Pure on purpose (tests/unit/test_textdiff_purity.py).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from feedback.richtext.inlines import BLOCK_TAGS, Run, Runs, new_builder, runs_html
from feedback.richtext.model import Cell, Inline, Row, Table

_UNSUPPORTED = frozenset({"caption", "colgroup", "col", "tfoot", "table"})
_SECTIONS = frozenset({"thead", "tbody"})
_ALIGN_STYLE = re.compile(r"text-align\s*:\s*(left|center|right)", re.IGNORECASE)
_MAX_SPAN = 1000
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # not NBSP, which HTML does not collapse


class _Unsupported(Exception):
    pass


def _span(value: str | None) -> int:
    try:
        return min(max(int((value or "1").strip()), 1), _MAX_SPAN)
    except ValueError:
        return 1


def _align(attributes: dict[str, str | None]) -> str | None:
    align = (attributes.get("align") or "").strip().lower()
    if align in ("left", "center", "right"):
        return align
    match = _ALIGN_STYLE.search(attributes.get("style") or "")
    return match.group(1).lower() if match else None


def _tidy(runs: list[Run]) -> Runs:
    """A cell's runs with HTML whitespace collapsed and trimmed at both ends (the browser
    shows it so), so that a re-indented import is not a change."""
    out = [run if run.style.br else Run(_HTML_SPACE.sub(" ", run.text), run.style) for run in runs]
    while out and not out[0].style.br and not out[0].text.lstrip(" "):
        out.pop(0)
    if out and not out[0].style.br:
        out[0] = Run(out[0].text.lstrip(" "), out[0].style)
    while out and not out[-1].style.br and not out[-1].text.rstrip(" "):
        out.pop()
    if out and not out[-1].style.br:
        out[-1] = Run(out[-1].text.rstrip(" "), out[-1].style)
    return tuple(out)


class _TableReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.opened = self.closed = False
        self.section = "tbody"
        self.rows: list[tuple[str, list[Cell]]] = []
        self.row: list[Cell] | None = None
        self.cell: tuple[str, dict[str, str | None]] | None = None
        self.content = new_builder()

    # Cells and rows close implicitly, as in HTML, when the next one starts.
    def _close_cell(self) -> None:
        if self.cell is None:
            return
        tag, attributes = self.cell
        if self.content.block_tags:
            raise _Unsupported(f"block content in a <{tag}>")
        runs = _tidy(self.content.runs)
        assert self.row is not None
        self.row.append(
            Cell(
                Inline(runs_html(runs, link_rel=False), html=True),
                header=tag == "th",
                colspan=_span(attributes.get("colspan")),
                rowspan=_span(attributes.get("rowspan")),
                align=_align(attributes),
            )
        )
        self.cell = None

    def _close_row(self) -> None:
        self._close_cell()
        if self.row is not None:
            self.rows.append((self.section, self.row))
            self.row = None

    def _structure(self, tag: str, attributes: dict[str, str | None]) -> None:
        if tag in _SECTIONS:
            self._close_row()
            self.section = tag
        elif tag == "tr":
            self._close_row()
            self.row = []
        else:  # td, th
            self._close_cell()
            if self.row is None:
                self.row = []
            self.cell = (tag, attributes)
            self.content = new_builder()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and not self.opened:
            self.opened = True
        elif self.closed or tag in _UNSUPPORTED:
            raise _Unsupported(f"<{tag}>")
        elif tag in _SECTIONS or tag in ("tr", "td", "th"):
            self._structure(tag, dict(attrs))
        elif self.cell is not None:
            self.content.start(tag, attrs)
        else:
            raise _Unsupported(f"<{tag}> outside a cell")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if self.cell is not None and tag not in ("td", "th", "br"):
            self.content.end(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._close_row()
            self.closed = True
        elif tag in ("td", "th"):
            self._close_cell()
        elif tag == "tr":
            self._close_row()
        elif tag in _SECTIONS:
            self._close_row()
            self.section = "tbody"
        elif self.cell is not None:
            if tag in BLOCK_TAGS:
                raise _Unsupported(f"</{tag}> in a cell")
            self.content.end(tag)

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.content.data(data)
        elif data.strip():
            raise _Unsupported("text outside the cells")


def read_html_table(source: str) -> Table | None:
    """The Table an HTML ``<table>`` block holds, or None when it is more than a grid.

    Header rows are those of ``<thead>``, or without one the leading rows made only of
    ``<th>`` cells.
    """
    reader = _TableReader()
    try:
        reader.feed(source)
        reader.close()
    except _Unsupported:
        return None
    if not reader.opened or not reader.closed or not reader.rows:
        return None
    rows = reader.rows
    if any(section == "thead" for section, _ in rows):
        header = [Row(tuple(cells)) for section, cells in rows if section == "thead"]
        body = [Row(tuple(cells)) for section, cells in rows if section != "thead"]
    else:
        split = 0
        while split < len(rows) and rows[split][1] and all(c.header for c in rows[split][1]):
            split += 1
        header = [Row(tuple(cells)) for _, cells in rows[:split]]
        body = [Row(tuple(cells)) for _, cells in rows[split:]]
    return Table(header=tuple(header), body=tuple(body), html=True)
