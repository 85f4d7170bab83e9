"""pandoc's HTML tables made into the stored form: a plain grid of inline cells.

pandoc writes a table it cannot write as a pipe table (merged cells, several
paragraphs in a cell) as HTML with a ``<colgroup>`` and ``<p>`` inside cells;
``feedback.richtext.htmltables`` reads a grid of inline cells, so the column widths go
and a cell's paragraphs are joined by line breaks.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

TABLE_BLOCK = re.compile(r"^<table[^>]*>\n.*?^</table>$", re.MULTILINE | re.DOTALL)
_KEEP = {"table", "thead", "tbody", "tr", "th", "td"}
_INLINE = {"strong", "em", "b", "i", "sup", "sub", "del", "s", "code", "a", "br"}
_ALIGN = re.compile(r"text-align\s*:\s*(left|center|right)")


class _Rewriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.in_cell = False
        self.cell_parts = 0
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("colgroup", "col"):
            self.skip += tag == "colgroup"
            return
        if tag in ("th", "td"):
            self.in_cell, self.cell_parts = True, 0
            self.out.append(f"<{tag}{_cell_attributes(values)}>")
        elif tag in _KEEP:
            self.out.append(f"\n<{tag}>" if tag in ("tr", "thead", "tbody") else f"<{tag}>")
        elif tag in ("p", "li", "div") and self.in_cell:
            if self.cell_parts:
                self.out.append("<br>")
            self.cell_parts += 1
        elif tag == "a" and values.get("href"):
            self.out.append(f'<a href="{html.escape(values["href"] or "")}">')
        elif tag in _INLINE and tag != "a":
            self.out.append("<br>" if tag == "br" else f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "colgroup":
            self.skip -= 1
        elif tag in ("th", "td"):
            self.in_cell = False
            self.out.append(f"</{tag}>")
        elif tag in _KEEP:
            self.out.append(f"</{tag}>" if tag != "table" else "\n</table>")
        elif tag in _INLINE and tag != "br":
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if not self.in_cell:
            return
        self.out.append(html.escape(re.sub(r"\s+", " ", data), quote=False))


def _cell_attributes(values: dict[str, str | None]) -> str:
    out = ""
    for name in ("colspan", "rowspan"):
        value = (values.get(name) or "").strip()
        if value.isdigit() and int(value) > 1:
            out += f' {name}="{int(value)}"'
    align = _ALIGN.search(values.get("style") or "")
    if align:
        out += f' align="{align.group(1)}"'
    return out


def grid_table(block: str) -> str:
    rewriter = _Rewriter()
    rewriter.feed(block)
    rewriter.close()
    text = re.sub(r" *<br> *", "<br>", "".join(rewriter.out))
    text = re.sub(r"(<t[hd][^>]*>) +| +(</t[hd]>)", lambda m: m.group(1) or m.group(2), text)
    lines = [line for line in text.split("\n") if line.strip()]
    return "\n".join(lines)


# A pipe table whose header row is blank, its delimiter row and its first row.
_BLANK_HEADER = re.compile(r"^\|(?: *\|)+ *\n(\|(?: *:?-+:? *\|)+) *\n(\|.*\|) *$", re.MULTILINE)


def promote_blank_headers(markdown: str) -> str:
    """pandoc writes a Word table whose first row is not marked as a header (no "header
    row" in its table style) with a blank header row, which every reader would see as an
    empty row on top; its first row becomes the header instead."""
    return _BLANK_HEADER.sub(lambda m: f"{m.group(2)}\n{m.group(1)}", markdown)


def rewrite_tables(markdown: str) -> tuple[str, int]:
    """Every HTML table in ``markdown`` as a grid; also how many there were."""
    count = 0

    def replace(match: re.Match) -> str:
        nonlocal count
        count += 1
        return grid_table(match.group(0))

    return TABLE_BLOCK.sub(replace, markdown), count
