"""GFM pipe tables read as Python-Markdown's tables extension reads them, rule for rule.

A chunk is a table when its first row has two cells or more (or one, with borders on
every row) and its second row is a separator of as many cells; pipes inside backtick
code spans or escaped (``\\|``) do not split cells; every row gets as many cells as the
header (missing ones empty, surplus ones dropped, as the reader is shown).

Pure on purpose (tests/unit/test_textdiff_purity.py).
"""

from __future__ import annotations

import re

from feedback.richtext.model import Cell, Inline, Row, Table

_CODE_PIPES = re.compile(r"(?:(\\\\)|(\\`+)|(`+)|(\\\|)|(\|))")
_END_BORDER = re.compile(r"(?<!\\)(?:\\\\)*\|$")
_ALIGN: dict[tuple[bool, bool], str] = {
    (True, True): "center",
    (True, False): "left",
    (False, True): "right",
}


def _split(row: str) -> list[str]:
    """Cells of a row: pipes inside backtick code spans or escaped do not split."""
    pipes: list[int] = []
    ticks: list[tuple[int, int, int, int]] = []  # (length, start, end, escaped)
    for m in _CODE_PIPES.finditer(row):
        if m.group(2):
            ticks.append((len(m.group(2)) - 1, m.start(2), m.end(2) - 1, 1))
        elif m.group(3):
            ticks.append((len(m.group(3)), m.start(3), m.end(3) - 1, 0))
        elif m.group(5):
            pipes.append(m.start(5))
    regions = []
    pos = 0
    while pos < len(ticks):
        size = ticks[pos][0] - ticks[pos][3]
        later = [t[0] for t in ticks[pos + 1 :]]
        if size == 0 or size not in later:
            pos += 1
            continue
        index = later.index(size) + 1
        regions.append((ticks[pos][1], ticks[pos + index][2]))
        pos += index + 1
    cells, start = [], 0
    for pipe in pipes:
        if not any(a <= pipe <= b for a, b in regions):
            cells.append(row[start:pipe])
            start = pipe + 1
    return [*cells, row[start:]]


def _without_end_border(row: str) -> str:
    """``_END_BORDER.sub("", row)`` without a regex scan of the whole row: a final pipe
    after an even run of backslashes goes, with them."""
    if not row.endswith("|"):
        return row
    slashes = len(row) - 1 - len(row[:-1].rstrip("\\"))
    return row[: -1 - slashes] if slashes % 2 == 0 else row


def _split_row(row: str, border: bool) -> list[str]:
    if border:
        row = _without_end_border(row.removeprefix("|"))
    return _split(row)


_SEPARATOR_CHARS = frozenset("|:- ")


def _bordered(row: str) -> bool:
    return row.startswith("|") or bool(_END_BORDER.search(row))


def _alignment(separator_cell: str) -> str | None:
    cell = separator_cell.strip(" ")
    return _ALIGN.get((cell.startswith(":"), cell.endswith(":")))


def pipe_table_cells(chunk: str) -> tuple[list[list[str]], list[str | None]] | None:
    """(rows of cell sources, alignments) when ``chunk`` is a pipe table, else None."""
    head, _, rest = chunk.partition("\n")
    if "|" not in head or not rest or not set(rest.partition("\n")[0]) <= _SEPARATOR_CHARS:
        return None  # the quick answer for nearly every chunk
    rows = [row.strip(" ") for row in chunk.split("\n")]
    border = _bordered(rows[0])
    header = _split_row(rows[0], border)
    n = len(header)
    # One column takes borders on every row.
    if n < 2 and not (n == 1 and border and all(map(_bordered, rows[1:]))):
        return None
    separator = _split_row(rows[1], border)
    if len(separator) != n or not set("".join(separator)) <= _SEPARATOR_CHARS:
        return None
    body = [_split_row(row, border) for row in rows[2:]]
    cells = [[(r[i].strip(" ") if i < len(r) else "") for i in range(n)] for r in [header, *body]]
    return cells, [_alignment(c) for c in separator]


def pipe_table(chunk: str, references: dict) -> Table | None:
    parsed = pipe_table_cells(chunk)
    if parsed is None:
        return None
    rows, align = parsed

    def row(sources: list[str], header: bool) -> Row:
        return Row(
            tuple(
                Cell(Inline(source, references=references), header=header, align=a)
                for source, a in zip(sources, align, strict=True)
            )
        )

    return Table(
        header=(row(rows[0], True),),
        body=tuple(row(r, False) for r in rows[1:]),
        align=tuple(align),
    )
