"""Indicator tables in a section's Markdown: found, their columns recognised however the
header is worded, and single cells rewritten without touching any other byte (a
correction is a suggestion on exactly one cell; a stray change elsewhere would be a
change nobody asked for)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from feedback.indicators.tables import (
    ColumnMap,
    Row,
    append_row,
    find_tables,
    indicator_rows,
    recognise_columns,
    replace_cells,
)

DEMO = (Path(__file__).resolve().parents[2] / "feedback" / "demo_report.md").read_text("utf-8")

TEXT = """Đoạn mở đầu, có dấu | giữa câu.

| TT | Tên chỉ tiêu | ĐVT | Kế hoạch | Ước TH 2020 | Kết quả đánh giá |
|----|--------------|-----|---------:|:-----------:|------------------|
| 1 | **Thu ngân sách** | nghìn tỷ đồng | 40 | [48,5](https://thongke.example/ns) | Vượt |
| 2 | Tỷ lệ che phủ rừng \\| toàn tỉnh | % |  54  | 54,6 |   Đạt   |
| 3 | Số bác sĩ trên 1 vạn dân | bác sĩ | 12 | 13,4 |

```
| không | phải |
|---|---|
| bảng | mã |
```

Văn bản sau bảng.
"""


def test_find_tables_reads_header_rows_and_lines() -> None:
    tables = find_tables(TEXT)
    assert len(tables) == 1  # the fenced block is code, not a table
    table = tables[0]
    assert table.index == 0
    assert table.header == [
        "TT",
        "Tên chỉ tiêu",
        "ĐVT",
        "Kế hoạch",
        "Ước TH 2020",
        "Kết quả đánh giá",
    ]
    assert table.rows[0][1] == "**Thu ngân sách**"
    assert table.rows[0][4] == "[48,5](https://thongke.example/ns)"
    assert table.rows[1][1] == "Tỷ lệ che phủ rừng \\| toàn tỉnh"
    assert table.rows[2] == ["3", "Số bác sĩ trên 1 vạn dân", "bác sĩ", "12", "13,4", ""]
    lines = TEXT.splitlines()
    assert lines[table.start_line].startswith("| TT |")
    assert lines[table.end_line - 1].startswith("| 3 |")
    assert lines[table.end_line] == ""


def test_the_demo_report_has_its_fourteen_indicators() -> None:
    table, targets = find_tables(DEMO)  # the results, then III.2's next-period targets
    colmap = recognise_columns(table.header)
    assert colmap == ColumnMap(name=1, unit=None, target=2, actual=3, assessment=4, number=0)
    rows = indicator_rows(table, colmap)
    assert len(rows) == 14
    assert rows[2] == Row(2, "GRDP bình quân đầu người (USD)", "USD", "8.000", "7.150", "Không đạt")
    assert rows[5].unit == "nghìn tỷ đồng, 5 năm"
    assert rows[10].unit == ""  # "Số bác sĩ trên 1 vạn dân" has no unit in parentheses
    goals = recognise_columns(targets.header)
    assert (goals.name, goals.unit, goals.target, goals.actual) == (1, 2, 3, None)


def test_tables_without_leading_pipes_and_several_tables() -> None:
    text = "a | b\n--|--\n1 | 2\n\nĐoạn.\n\n| Chỉ tiêu | Thực hiện |\n|---|---|\n| X | 3 |\n"
    tables = find_tables(text)
    assert [t.index for t in tables] == [0, 1]
    assert tables[0].rows == [["1", "2"]]
    assert tables[1].rows == [["X", "3"]]


def test_a_delimiter_of_another_width_is_no_table() -> None:
    assert find_tables("| a | b |\n|---|\n| 1 | 2 |\n") == []


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            ["STT", "Chỉ tiêu", "Đơn vị", "Mục tiêu", "Thực hiện", "Đánh giá"],
            ColumnMap(name=1, unit=2, target=3, actual=4, assessment=5, number=0),
        ),
        (
            ["TT", "Tên chỉ tiêu", "ĐVT", "Kế hoạch", "Ước TH 2020", "Kết quả đánh giá"],
            ColumnMap(name=1, unit=2, target=3, actual=4, assessment=5, number=0),
        ),
        (
            ["Nội dung", "Đơn vị tính", "Chỉ tiêu NQ", "Kết quả"],
            ColumnMap(name=0, unit=1, target=2, actual=3),
        ),
        (
            ["Chỉ tiêu", "Đơn vị chủ trì", "Kế hoạch", "Đơn vị thực hiện", "Thực hiện", "ĐVT"],
            ColumnMap(name=0, unit=5, target=2, actual=4),
        ),
        (
            ["Chỉ tiêu", "Mục tiêu 2025"],
            ColumnMap(name=0, target=1),
        ),
        (
            ["**Chỉ tiêu**", "**Ước thực hiện**"],
            ColumnMap(name=0, actual=1),
        ),
        (
            [
                unicodedata.normalize("NFD", h)
                for h in ("Chỉ tiêu", "Mục tiêu Nghị quyết", "Đánh giá")
            ],
            ColumnMap(name=0, target=1, assessment=2),
        ),
    ],
)
def test_recognise_columns_with_varied_wordings(header: list[str], expected: ColumnMap) -> None:
    assert recognise_columns(header) == expected


@pytest.mark.parametrize(
    "header",
    [
        ["Họ và tên", "Chức vụ", "Đơn vị"],
        ["Chỉ tiêu", "Ghi chú"],
        ["Mục tiêu", "Thực hiện"],
    ],
)
def test_not_an_indicator_table(header: list[str]) -> None:
    assert recognise_columns(header) is None


def test_column_map_round_trips_through_json_shapes() -> None:
    colmap = ColumnMap(name=1, unit=None, target=2, actual=3, assessment=4, number=0)
    data = colmap.to_dict()
    assert data == {"name": 1, "unit": None, "target": 2, "actual": 3, "assessment": 4, "number": 0}
    assert ColumnMap.from_dict(data) == colmap
    with pytest.raises(ValueError):
        ColumnMap.from_dict({"target": 2})


def _changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def test_replace_cells_changes_only_those_cells() -> None:
    after = replace_cells(TEXT, 0, 0, {4: "47,9", 5: "Vượt"})
    assert _changed_lines(TEXT, after) == [
        (
            "| 1 | **Thu ngân sách** | nghìn tỷ đồng | 40 | [48,5](https://thongke.example/ns) | Vượt |\n",
            "| 1 | **Thu ngân sách** | nghìn tỷ đồng | 40 | 47,9 | Vượt |\n",
        )
    ]


def test_replace_cells_keeps_odd_spacing_escaped_pipes_and_other_rows() -> None:
    after = replace_cells(TEXT, 0, 1, {3: "55", 5: "Không đạt"})
    assert _changed_lines(TEXT, after) == [
        (
            "| 2 | Tỷ lệ che phủ rừng \\| toàn tỉnh | % |  54  | 54,6 |   Đạt   |\n",
            "| 2 | Tỷ lệ che phủ rừng \\| toàn tỉnh | % |  55  | 54,6 |   Không đạt   |\n",
        )
    ]


def test_replace_cells_escapes_pipes_and_fills_a_short_row() -> None:
    after = replace_cells(TEXT, 0, 2, {5: "Vượt | rõ"})
    (change,) = _changed_lines(TEXT, after)
    assert change[1] == "| 3 | Số bác sĩ trên 1 vạn dân | bác sĩ | 12 | 13,4 | Vượt \\| rõ |\n"
    assert find_tables(after)[0].rows[2][5] == "Vượt \\| rõ"


def test_replace_cells_keeps_nfd_and_crlf_bytes_elsewhere() -> None:
    text = unicodedata.normalize("NFD", DEMO).replace("\n", "\r\n")
    after = replace_cells(text, 0, 6, {3: "64,1"})
    (change,) = _changed_lines(text, after)
    assert change[0].replace("65,3", "64,1") == change[1]
    assert change[1].endswith("\r\n")
    assert len(after) == len(text)


def test_replace_cells_refuses_rows_and_columns_that_do_not_exist() -> None:
    with pytest.raises(IndexError):
        replace_cells(TEXT, 0, 3, {1: "x"})
    with pytest.raises(IndexError):
        replace_cells(TEXT, 1, 0, {1: "x"})
    with pytest.raises(IndexError):
        replace_cells(TEXT, 0, 0, {6: "x"})


def test_append_row_adds_after_the_last_row() -> None:
    after = append_row(TEXT, 0, ["4", "Tỷ lệ đô thị hóa", "%", "70"])
    table = find_tables(after)[0]
    assert table.rows[3] == ["4", "Tỷ lệ đô thị hóa", "%", "70", "", ""]
    assert after.replace("| 4 | Tỷ lệ đô thị hóa | % | 70 |  |  |\n", "", 1) == TEXT


def test_append_row_at_the_end_of_a_text_without_newline() -> None:
    text = "| Chỉ tiêu | Thực hiện |\n|---|---|\n| A | 1 |"
    assert append_row(text, 0, ["B", "2"]) == text + "\n| B | 2 |"
