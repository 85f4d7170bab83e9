"""Diff of two tables: columns matched from the header, rows by content, cells by words.

Columns are identified by their header (for merged header cells, the texts of all the
header cells above a column, e.g. "2020 / Kế hoạch"), aligned by an LCS and, where the
headers differ, paired by the words of the whole column; a column found on one side
only is INSERTED or DELETED. Rows are aligned the same way by their cells (header rows
among header rows, body rows among body rows), so an added or removed row is a row
change and a changed figure is a change in its cell, wherever the row moved to.

Cells sit on a grid (colspan, rowspan); ``TableDiff.columns`` is the union of both
tables' columns, and every CellDiff says which of them it covers. A paired row whose
cells do not line up once added and removed columns are set aside (cells merged or
split) is shown as removed and added; rowspans with rows or columns added or removed are
not drawn in one grid at all (``diff_tables`` returns None).

Pure on purpose (tests/unit/test_textdiff_purity.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from feedback.richtext.diffcore import (
    CHANGED,
    DELETED,
    EQUAL,
    INSERTED,
    WordOp,
    dice,
    has_changes,
    match,
    word_ops,
    words,
)
from feedback.richtext.model import Cell, Row, Table


@dataclass(frozen=True)
class ColumnDiff:
    kind: str  # EQUAL (on both sides; its header may have changed) | INSERTED | DELETED
    old: int | None  # grid column in the old table
    new: int | None


@dataclass(frozen=True)
class CellDiff:
    kind: str  # EQUAL | CHANGED | INSERTED | DELETED
    old: Cell | None  # None when inserted, or for an empty filler
    new: Cell | None  # None when deleted, or for an empty filler
    column: int  # the first of TableDiff.columns it covers
    span: int  # how many of TableDiff.columns it covers
    ops: tuple[WordOp, ...] = ()  # when CHANGED

    @property
    def cell(self) -> Cell | None:
        return self.new if self.new is not None else self.old


@dataclass(frozen=True)
class RowDiff:
    kind: str  # EQUAL | CHANGED | INSERTED | DELETED
    old: Row | None
    new: Row | None
    header: bool
    cells: tuple[CellDiff, ...]


@dataclass(frozen=True)
class TableDiff:
    columns: tuple[ColumnDiff, ...]
    rows: tuple[RowDiff, ...]  # header rows first


_ROW_THRESHOLD = 0.5
_COLUMN_THRESHOLD = 0.3


class _Grid:
    """Where the cells of a table sit: per row, (first column, cell)."""

    def __init__(self, table: Table) -> None:
        rows = table.rows
        self.placed: list[list[tuple[int, Cell]]] = []
        self.covering: dict[tuple[int, int], Cell] = {}
        for r, row in enumerate(rows):
            placed = []
            c = 0
            for cell in row.cells:
                while (r, c) in self.covering:
                    c += 1
                placed.append((c, cell))
                for dr in range(min(cell.rowspan, len(rows) - r)):
                    for dc in range(cell.colspan):
                        self.covering[(r + dr, c + dc)] = cell
                c += cell.colspan
            self.placed.append(placed)
        self.width = max((c for _, c in self.covering), default=-1) + 1
        self.rowspans = any(cell.rowspan > 1 for row in rows for cell in row.cells)

    def column_text(self, c: int, rows: range) -> str:
        return " ".join(
            cell.inline.source for r in rows if (cell := self.covering.get((r, c))) is not None
        )


def _match_columns(old: Table, new: Table, a: _Grid, b: _Grid) -> list[ColumnDiff]:
    def keys(table: Table, grid: _Grid) -> list[str]:
        rows = range(len(table.header)) if table.header else range(len(table.rows))
        return [grid.column_text(c, rows) for c in range(grid.width)]

    words_a = [words(a.column_text(c, range(len(old.rows)))) for c in range(a.width)]
    words_b = [words(b.column_text(c, range(len(new.rows)))) for c in range(b.width)]
    matched = match(
        keys(old, a),
        keys(new, b),
        lambda key: key,
        lambda i, j: dice(words_a[i], words_b[j]),
        _COLUMN_THRESHOLD,
    )
    return [ColumnDiff(EQUAL if kind in (EQUAL, CHANGED) else kind, i, j) for kind, i, j in matched]


class _Union:
    """The union of both tables' columns, and where each side's columns are in it."""

    def __init__(self, columns: list[ColumnDiff]) -> None:
        self.columns = columns
        self.old = {c.old: u for u, c in enumerate(columns) if c.old is not None}
        self.new = {c.new: u for u, c in enumerate(columns) if c.new is not None}

    def place(self, placed: list[tuple[int, Cell]], side: str) -> dict[int, tuple[Cell, int]]:
        """Cells of a row by their first union column, with their span in union columns."""
        where = self.old if side == "old" else self.new
        last = max(where, default=0)
        out = {}
        for c, cell in placed:
            start = where[c]
            out[start] = (cell, where[min(c + cell.colspan - 1, last)] - start + 1)
        return out

    def only(self, start: int, span: int, kind: str) -> bool:
        return all(self.columns[u].kind == kind for u in range(start, start + span))


def _fill(cells: list[CellDiff], width: int) -> tuple[CellDiff, ...]:
    """The row's cells in column order, with an empty filler where none stands (a row
    added where a column was removed). ``width`` 0: no fillers (rowspans cover slots)."""
    covered = {u for cell in cells for u in range(cell.column, cell.column + cell.span)}
    fillers = [CellDiff(EQUAL, None, None, u, 1) for u in range(width) if u not in covered]
    return tuple(sorted([*cells, *fillers], key=lambda cell: cell.column))


def _paired_cells(
    old: dict[int, tuple[Cell, int]], new: dict[int, tuple[Cell, int]], union: _Union
) -> list[CellDiff] | None:
    kept_old = {(u, s) for u, (_, s) in old.items() if not union.only(u, s, DELETED)}
    kept_new = {(u, s) for u, (_, s) in new.items() if not union.only(u, s, INSERTED)}
    if kept_old != kept_new:
        return None  # cells merged or split: not one row any more
    cells = []
    for u in sorted(old.keys() | new.keys()):
        if u in old and u in new:
            (a, _), (b, span) = old[u], new[u]
            ops = word_ops(a.inline.runs, b.inline.runs) if a.inline != b.inline else ()
            changed = has_changes(ops) or (a.header, a.align) != (b.header, b.align)
            cells.append(CellDiff(CHANGED if changed else EQUAL, a, b, u, span, ops))
        elif u in new:
            cells.append(CellDiff(INSERTED, None, new[u][0], u, new[u][1]))
        else:
            cells.append(CellDiff(DELETED, old[u][0], None, u, old[u][1]))
    return cells


class _Rows:
    """Header rows among header rows, or body rows among body rows, of both tables."""

    def __init__(self, old: Table, new: Table, grids: tuple[_Grid, _Grid], header: bool):
        self.header = header
        self.grids = grids
        self.rows = (old.header, new.header) if header else (old.body, new.body)
        self.first = (0, 0) if header else (len(old.header), len(new.header))
        self.words = [
            [words(" ".join(c.inline.source for c in row.cells)) for row in rows]
            for rows in self.rows
        ]

    def similar(self, i: int, j: int) -> float:
        # Header rows pair in order; body rows when they share enough words.
        return 1.0 if self.header else dice(self.words[0][i], self.words[1][j])

    def placed(self, side: int, index: int | None, union: _Union) -> dict[int, tuple[Cell, int]]:
        if index is None:
            return {}
        placed = self.grids[side].placed[self.first[side] + index]
        return union.place(placed, "old" if side == 0 else "new")

    def diff(self, union: _Union) -> list[RowDiff]:
        width = 0 if self.grids[0].rowspans or self.grids[1].rowspans else len(union.columns)
        out: list[RowDiff] = []
        for _, i, j in match(*self.rows, lambda row: row, self.similar, _ROW_THRESHOLD):
            old, new = self.placed(0, i, union), self.placed(1, j, union)
            old_row = self.rows[0][i] if i is not None else None
            new_row = self.rows[1][j] if j is not None else None
            paired = old_row is not None and new_row is not None
            cells = _paired_cells(old, new, union) if paired else None
            if cells is not None:
                kind = CHANGED if any(cell.kind != EQUAL for cell in cells) else EQUAL
                out.append(RowDiff(kind, old_row, new_row, self.header, _fill(cells, width)))
                continue
            if old_row is not None:
                cells = [CellDiff(DELETED, c, None, u, s) for u, (c, s) in old.items()]
                out.append(RowDiff(DELETED, old_row, None, self.header, _fill(cells, width)))
            if new_row is not None:
                cells = [CellDiff(INSERTED, None, c, u, s) for u, (c, s) in new.items()]
                out.append(RowDiff(INSERTED, None, new_row, self.header, _fill(cells, width)))
        return out


def diff_tables(old: Table, new: Table) -> TableDiff | None:
    """Rows and columns of two versions of a table, matched; None when they cannot be
    drawn in one grid (see the module docstring)."""
    a, b = _Grid(old), _Grid(new)
    union = _Union(_match_columns(old, new, a, b))
    rows = _Rows(old, new, (a, b), True).diff(union) + _Rows(old, new, (a, b), False).diff(union)
    reshaped = any(c.kind != EQUAL for c in union.columns) or any(
        r.kind in (INSERTED, DELETED) for r in rows
    )
    if reshaped and (a.rowspans or b.rowspans):
        return None
    return TableDiff(tuple(union.columns), tuple(rows))
