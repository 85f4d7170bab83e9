"""Splitting a Markdown draft into nested, numbered sections."""

import pytest

from feedback.reports.importer import parse, strip_number
from feedback.wordimport.numbering import to_roman


@pytest.mark.parametrize(
    ("heading", "number", "rest"),
    [
        ("I. ĐÁNH GIÁ KẾT QUẢ", "I", "ĐÁNH GIÁ KẾT QUẢ"),
        ("II) Phương hướng", "II", "Phương hướng"),
        ("1. Kinh tế", "1", "Kinh tế"),
        ("1.2. Xã hội", "1.2", "Xã hội"),
        ("2.3 Văn hoá", "2.3", "Văn hoá"),
        ("2020 – 2025: mục tiêu", None, "2020 – 2025: mục tiêu"),
        ("Kết quả 11/14 chỉ tiêu", None, "Kết quả 11/14 chỉ tiêu"),
        ("IV.", None, "IV."),
    ],
)
def test_strip_number(heading, number, rest):
    assert strip_number(heading) == (number, rest)


def test_single_top_heading_is_the_title_and_levels_move_up():
    parsed = parse(
        "# Báo cáo tổng kết\n\n## I. Đánh giá\n\nVăn bản.\n\n### 1. Kinh tế\n\nTăng trưởng.\n"
    )
    assert parsed.title == "Báo cáo tổng kết"
    assert [(s.level, s.heading, s.text) for s in parsed.sections] == [
        (1, "Đánh giá", "Văn bản."),
        (2, "Kinh tế", "Tăng trưởng."),
    ]
    assert parsed.numbering == "roman"


def test_several_top_headings_are_sections():
    parsed = parse("# Một\n\nA\n\n# Hai\n\nB\n")
    assert parsed.title is None
    assert [(s.level, s.heading) for s in parsed.sections] == [(1, "Một"), (1, "Hai")]


def test_decimal_numbers_on_headings_choose_decimal_numbering():
    parsed = parse("# 1. Kinh tế\n\nA\n\n## 1.1. Công nghiệp\n\nB\n\n# 2. Xã hội\n\nC\n")
    assert parsed.numbering == "decimal"
    assert [s.heading for s in parsed.sections] == ["Kinh tế", "Công nghiệp", "Xã hội"]


def test_tables_lists_and_code_fences_survive_and_fenced_hashes_are_not_headings():
    md = (
        "# Chỉ tiêu\n\n| STT | Chỉ tiêu |\n|---|---|\n| 1 | GRDP |\n\n- một\n- hai\n\n"
        "```\n# không phải tiêu đề\n```\n\n#### Chi tiết\n\nđoạn\n\n# Phụ lục\n\nx\n"
    )
    section, _appendix = parse(md).sections
    assert "| 1 | GRDP |" in section.text
    assert "- một\n- hai" in section.text
    assert "# không phải tiêu đề" in section.text
    assert "#### Chi tiết" in section.text


def test_text_before_the_first_heading_becomes_an_unnumbered_preamble():
    parsed = parse("Lời mở đầu.\n\n# I. Đánh giá\n\nA\n", preamble_heading="Mở đầu")
    first = parsed.sections[0]
    assert (first.heading, first.numbered, first.text) == ("Mở đầu", False, "Lời mở đầu.")


def test_levels_never_jump():
    parsed = parse("# A\n\nx\n\n### B\n\ny\n\n# C\n\nz\n")
    assert [s.level for s in parsed.sections] == [1, 2, 1]


def test_roman():
    assert [to_roman(n) for n in (1, 4, 9, 14, 40)] == ["I", "IV", "IX", "XIV", "XL"]
