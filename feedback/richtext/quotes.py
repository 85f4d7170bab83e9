"""A quoted passage of a section as the reader saw it, not as it is stored.

A comment's quote is a span of the section's stored Markdown: selected across a table
it is pipe rows ("| 5 | Thu ngân sách … | 40 | 48,5 | Vượt |"), across a list "- " lines,
on a heading "### ...", on bold text "**48,5**". ``parse_quote`` reads it line by line
(a partial selection is no Markdown document, so it is not rendered as one): lines with
cell separators become rows of one table (the separator line dropped), list lines become
items with the bullet or number the reader sees, headings and quotes lose their marks,
and every piece of text is read as inline Markdown into styled runs. ``quote_html``
writes that as safe HTML; the disposition table's Word writer uses the same parts.

Pure on purpose (tests/unit/test_textdiff_purity.py).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from feedback.richtext.inlines import Run, Runs, markdown_runs, runs_html

_CELL_BAR = re.compile(r"(?<!\\)\|")
_DELIMITER = re.compile(r"\s*:?-{1,}:?\s*")
_ITEM = re.compile(r"\s*(?:([-*+])|(\d{1,9})([.)]))\s+(.*)")
_HEADING = re.compile(r"\s{0,3}#{1,6}(?:\s+|$)(.*?)(?:\s+#+)?\s*")
_BLOCKQUOTE = re.compile(r"\s{0,3}>\s?(.*)")


@dataclass(frozen=True)
class QuoteLine:
    runs: Runs
    marker: str = ""  # "•" for a bullet, "1." for a numbered item, "" for prose


@dataclass(frozen=True)
class QuoteTable:
    rows: tuple[tuple[Runs, ...], ...]


QuotePart = QuoteLine | QuoteTable


def _cells(line: str) -> list[str] | None:
    """The cells of a pipe-table row (or part of one), or None for a line without any."""
    if not _CELL_BAR.search(line):
        return None
    pieces = _CELL_BAR.split(line.strip())
    if pieces and not pieces[0].strip():
        pieces = pieces[1:]
    if pieces and not pieces[-1].strip():
        pieces = pieces[:-1]
    return [piece.strip() for piece in pieces]


def _line(line: str) -> QuoteLine:
    item = _ITEM.fullmatch(line)
    if item:
        marker = "•" if item.group(1) else f"{item.group(2)}{item.group(3)}"
        return QuoteLine(markdown_runs(item.group(4)), marker)
    heading = _HEADING.fullmatch(line)
    if heading:
        return QuoteLine(markdown_runs(heading.group(1)))
    quoted = _BLOCKQUOTE.fullmatch(line)
    return QuoteLine(markdown_runs((quoted.group(1) if quoted else line).strip()))


def parse_quote(source: str) -> tuple[QuotePart, ...]:
    """The quoted Markdown as lines and tables of styled runs (see the module docstring)."""
    parts: list[QuotePart] = []
    rows: list[tuple[Runs, ...]] = []
    prose: list[str] = []

    def flush_rows() -> None:
        if rows:
            parts.append(QuoteTable(tuple(rows)))
            rows.clear()

    def flush_prose() -> None:
        if prose:
            parts.append(_line(" ".join(prose)))  # a paragraph's lines are one line
            prose.clear()

    for line in (source or "").replace("\r\n", "\n").split("\n"):
        cells = _cells(line)
        if cells is not None:
            flush_prose()
            if not all(_DELIMITER.fullmatch(cell) for cell in cells):
                rows.append(tuple(markdown_runs(cell.replace("\\|", "|")) for cell in cells))
            continue
        flush_rows()
        if not line.strip():
            flush_prose()
        elif _ITEM.fullmatch(line) or _HEADING.fullmatch(line):
            flush_prose()
            parts.append(_line(line))
        else:
            prose.append(line.strip())
    flush_rows()
    flush_prose()
    return tuple(parts)


def structured(parts: tuple[QuotePart, ...]) -> bool:
    """True when the quote is more than one piece of prose (a table, a list, lines)."""
    return len(parts) > 1 or any(isinstance(part, QuoteTable) or part.marker for part in parts)


def plain_text(runs: Runs) -> str:
    return " ".join("".join(run.text for run in runs).split())


def quote_html(source: str, shown: str = "") -> str:
    """The quote as safe HTML: ``<q>`` around prose (``shown``, the text the reader was
    shown, when there is one), or a ``div.quote`` with the lines and table of a quote
    that has structure."""
    parts = parse_quote(source)
    if not structured(parts):
        text = shown or (plain_text(parts[0].runs) if parts else "")  # type: ignore[union-attr]
        return f"<q>{html.escape(' '.join(text.split()))}</q>" if text.strip() else ""
    out = ['<div class="quote">']
    for part in parts:
        if isinstance(part, QuoteTable):
            out.append('<table class="quote-table">')
            for row in part.rows:
                out.append("<tr>" + "".join(f"<td>{runs_html(c)}</td>" for c in row) + "</tr>")
            out.append("</table>")
        else:
            marker = f"{html.escape(part.marker)} " if part.marker else ""
            out.append(f"<p>{marker}{runs_html(part.runs)}</p>")
    out.append("</div>")
    return "".join(out)


__all__ = ["QuoteLine", "QuotePart", "QuoteTable", "Run", "parse_quote", "quote_html", "structured"]
