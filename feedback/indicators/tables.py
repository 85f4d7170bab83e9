"""Indicator tables in a section's Markdown: find GFM pipe tables, recognise their columns,
read their rows, and rewrite single cells leaving every other byte of the text alone.

Pure: standard library and the other modules of this package only. Line numbers are
0-based; ``end_line`` is exclusive (the table is ``lines[start_line:end_line]``).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from feedback.indicators.numbers import fold, nfc

_DELIMITER = re.compile(r"^ {0,3}\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass
class Table:
    index: int
    header: list[str]
    rows: list[list[str]]
    start_line: int
    end_line: int


@dataclass
class ColumnMap:
    name: int
    unit: int | None = None
    target: int | None = None
    actual: int | None = None
    assessment: int | None = None
    number: int | None = None

    def to_dict(self) -> dict[str, int | None]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ColumnMap:
        keys = ("name", "unit", "target", "actual", "assessment", "number")
        values = {k: (int(data[k]) if data.get(k) is not None else None) for k in keys}
        if values["name"] is None:
            raise ValueError("a column map needs the name column")
        return cls(**values)


@dataclass
class Row:
    position: int
    name: str
    unit: str
    target: str
    actual: str
    assessment: str


def cell_spans(line: str) -> list[tuple[int, int]]:
    """(start, end) offsets in ``line`` of each cell's content between its pipes
    (surrounding spaces included); escaped pipes do not split."""
    body_end = len(line.rstrip("\r\n"))
    separators = [
        m.start() for m in re.finditer(r"\|", line[:body_end]) if not _escaped(line, m.start())
    ]
    lead = len(line) - len(line.lstrip(" "))
    starts_with_pipe = bool(separators) and separators[0] == lead
    stripped_end = len(line[:body_end].rstrip())
    ends_with_pipe = bool(separators) and separators[-1] == stripped_end - 1
    bounds = list(separators)
    if not starts_with_pipe:
        bounds.insert(0, lead - 1)
    if not ends_with_pipe:
        bounds.append(stripped_end)
    return [(bounds[i] + 1, bounds[i + 1]) for i in range(len(bounds) - 1)]


def _escaped(line: str, at: int) -> bool:
    backslashes = 0
    while at - backslashes - 1 >= 0 and line[at - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _cells(line: str) -> list[str]:
    return [line[a:b].strip() for a, b in cell_spans(line)]


def _table_lines(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) line ranges of the pipe tables, outside fenced code blocks."""
    found, fence, i = [], None, 0
    while i < len(lines):
        marker = _FENCE.match(lines[i])
        if marker:
            char = marker.group(1)[0]
            if fence is None:
                fence = char
            elif char == fence:
                fence = None
            i += 1
            continue
        if fence is None and _starts_table(lines, i):
            end = i + 2
            while end < len(lines) and "|" in lines[end] and lines[end].strip():
                end += 1
            found.append((i, end))
            i = end
            continue
        i += 1
    return found


def _starts_table(lines: list[str], i: int) -> bool:
    if i + 1 >= len(lines) or "|" not in lines[i] or not _DELIMITER.match(lines[i + 1]):
        return False
    if "|" not in lines[i + 1] and "|" not in lines[i]:
        return False
    return len(_cells(lines[i])) == len(_cells(lines[i + 1]))


def find_tables(markdown: str) -> list[Table]:
    """The GFM pipe tables of a text, in order; body rows padded or cut to the header's width."""
    lines = nfc(markdown).splitlines()
    tables = []
    for index, (start, end) in enumerate(_table_lines(lines)):
        header = _cells(lines[start])
        rows = []
        for line in lines[start + 2 : end]:
            cells = _cells(line)[: len(header)]
            rows.append(cells + [""] * (len(header) - len(cells)))
        tables.append(Table(index, header, rows, start, end))
    return tables


_NUMBER_HEADERS = {"stt", "tt", "so tt", "so thu tu", "thu tu", "#"}
_ROLE_PATTERNS = (
    ("assessment", re.compile(r"\bdanh gia\b|\bxep loai\b")),
    ("unit", re.compile(r"^(don vi( tinh| do)?|dvt)$")),
    # "Đơn vị chủ trì", "Cơ quan thực hiện": who answers for the figure, not a figure.
    ("responsible", re.compile(r"\b(don vi|co quan|so nganh|chu tri|phu trach)\b")),
    (
        "target",
        re.compile(
            r"\b(muc tieu|ke hoach|kh|chi tieu (nq|nghi quyet|ke hoach|dai hoi|giao)|nghi quyet)\b"
        ),
    ),
    ("actual", re.compile(r"\b(thuc hien|th|ket qua|thuc te|uoc dat|uoc)\b")),
    ("name", re.compile(r"^(ten )?(chi tieu|noi dung|ten)\b")),
)


def _role(cell: str) -> str | None:
    folded = fold(cell)
    if folded in _NUMBER_HEADERS:
        return "number"
    for role, pattern in _ROLE_PATTERNS:
        if pattern.search(folded):
            return role
    return None


def recognise_columns(header: list[str]) -> ColumnMap | None:
    """Which column holds what, from the header's words; None unless the name column and
    a target or an actual column are found. The first column of each kind wins."""
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        role = _role(cell)
        if role not in (None, "responsible") and role not in found:
            found[role] = i
    if "name" not in found or not ("target" in found or "actual" in found):
        return None
    return ColumnMap(**found)


_UNIT_AT_END = re.compile(r"\(([^()]*)\)\s*$")


def _cell(row: list[str], column: int | None) -> str:
    if column is None or column >= len(row):
        return ""
    return row[column]


def indicator_rows(table: Table, colmap: ColumnMap) -> list[Row]:
    """The table's rows as indicators; the unit from its column, else from "(…)" ending the name."""
    result = []
    for position, cells in enumerate(table.rows):
        name = _cell(cells, colmap.name)
        unit = _cell(cells, colmap.unit)
        if not unit:
            match = _UNIT_AT_END.search(name)
            unit = match.group(1).strip() if match else ""
        result.append(
            Row(
                position,
                name,
                unit,
                _cell(cells, colmap.target),
                _cell(cells, colmap.actual),
                _cell(cells, colmap.assessment),
            )
        )
    return result


def escape_cell(text: str) -> str:
    """Cell text safe inside a pipe table: one line, unescaped pipes escaped."""
    text = " ".join(nfc(text).split())
    return re.sub(r"(?<!\\)((?:\\\\)*)\|", r"\1\\|", text)


def _table_range(markdown: str, table_index: int) -> tuple[list[str], int, int]:
    lines = markdown.splitlines(keepends=True)
    ranges = _table_lines([nfc(line) for line in lines])
    if not 0 <= table_index < len(ranges):
        raise IndexError(f"no table {table_index}")
    start, end = ranges[table_index]
    return lines, start, end


def replace_cells(
    markdown: str, table_index: int, row_position: int, changes: dict[int, str]
) -> str:
    """The text with those cells of one body row replaced; every other byte unchanged."""
    lines, start, end = _table_range(markdown, table_index)
    line_no = start + 2 + row_position
    if row_position < 0 or line_no >= end:
        raise IndexError(f"no row {row_position} in table {table_index}")
    line = lines[line_no]
    body = line.rstrip("\r\n")
    newline = line[len(body) :]
    spans = cell_spans(body)
    width = len(_cells(lines[start]))
    if max(changes, default=-1) >= width:
        raise IndexError("no such column")
    if max(changes, default=-1) >= len(spans):
        body, spans = _pad_row(body, spans, max(changes) + 1)
    for column in sorted(changes, reverse=True):
        a, b = spans[column]
        body = body[:a] + _fill(body[a:b], escape_cell(changes[column])) + body[b:]
    lines[line_no] = body + newline
    return "".join(lines)


def _fill(old: str, new: str) -> str:
    """The cell's interior with its text replaced, keeping the spaces around it."""
    if not old.strip():
        return f" {new} "
    lead = old[: len(old) - len(old.lstrip())]
    trail = old[len(old.rstrip()) :]
    return f"{lead}{new}{trail}"


def _pad_row(body: str, spans: list[tuple[int, int]], count: int):
    """A short row given empty cells up to ``count`` (GFM reads missing cells as empty)."""
    trailing = body.rstrip().endswith("|") and not _escaped(body.rstrip(), len(body.rstrip()) - 1)
    text = body.rstrip()
    if not trailing:
        text += " |"
    text += "  |" * (count - len(spans))
    return text, cell_spans(text)


def append_row(markdown: str, table_index: int, cells: list[str]) -> str:
    """The text with a new body row after the table's last row, in the table's pipe style."""
    lines, start, end = _table_range(markdown, table_index)
    width = len(_cells(lines[start]))
    values = [escape_cell(c) for c in cells[:width]]
    values += [""] * (width - len(values))
    last = lines[end - 1]
    body = last.rstrip("\r\n")
    newline = last[len(body) :] or "\n"
    indent = body[: len(body) - len(body.lstrip(" "))]
    row = indent + "| " + " | ".join(values) + " |"
    if not last.endswith(("\n", "\r")):
        lines[end - 1] = last + newline
        newline = ""
    lines.insert(end, row + newline)
    return "".join(lines)


def blank_tables(text: str) -> str:
    """The NFC text with its pipe-table lines blanked (same length, so offsets hold)."""
    text = nfc(text)
    lines = text.split("\n")
    for table in find_tables(text):
        for i in range(table.start_line, min(table.end_line, len(lines))):
            lines[i] = " " * len(lines[i])
    return "\n".join(lines)
