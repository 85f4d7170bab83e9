"""A comment's quoted passage in the disposition table, as the reader saw it: a quoted
table row is a small table, a quoted list its items with their bullets or numbers, never
the stored Markdown (``feedback.richtext.quotes`` reads it)."""

from __future__ import annotations

from feedback.richtext.quotes import QuoteTable, parse_quote, plain_text, structured

from .engine import Flow, Writer
from .tables import column_widths, keep_together, set_widths
from .tracked import write_runs
from .word import ITALIC, add_run


def write_quote(writer: Writer, flow: Flow, source: str, shown: str) -> None:
    """The quote of ``source`` (stored Markdown) in italics: prose in quotation marks
    (``shown``, the text the reader was shown, when given), or its lines and tables."""
    parts = parse_quote(source) if source.strip() else ()
    if not structured(parts):
        text = " ".join((shown or (plain_text(parts[0].runs) if parts else "")).split())  # type: ignore[union-attr]
        if text:
            add_run(flow.paragraph(), f"“{text}”", ITALIC)
        return
    for part in parts:
        if isinstance(part, QuoteTable):
            _table(writer, flow, part)
            continue
        paragraph = flow.paragraph()
        if part.marker:
            add_run(paragraph, f"{part.marker} ", ITALIC)
        write_runs(writer, paragraph, part.runs, None, ITALIC)


def _table(writer: Writer, flow: Flow, part: QuoteTable) -> None:
    width = max(len(row) for row in part.rows)
    table = flow.table(len(part.rows), width)
    for tr, row in zip(table.rows, part.rows, strict=True):
        keep_together(tr)
        for cell, runs in zip(tr.cells, row, strict=False):
            write_runs(writer, Flow(cell).paragraph(), runs, None, ITALIC)
    texts = [[plain_text(row[c]) for row in part.rows if c < len(row)] for c in range(width)]
    set_widths(table, column_widths(texts, flow.width()))
