"""The report's numbers agree with themselves: the counts the text states ("11/14 chỉ tiêu
đạt và vượt") and the figures it quotes against the indicator table. The demo report must
raise no false flag on day one; a correction that changes a count must."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from feedback.indicators.consistency import (
    Counts,
    check_text,
    count,
    find_count_claims,
    find_figure_claims,
)
from feedback.indicators.numbers import (
    Assessment,
    assess,
    effective,
    is_flagged,
    parse_stated,
)
from feedback.indicators.tables import (
    Row,
    find_tables,
    indicator_rows,
    recognise_columns,
    replace_cells,
)

DEMO = (Path(__file__).resolve().parents[2] / "feedback" / "demo_report.md").read_text("utf-8")
URBANISATION = 6  # row 7 of the demo table: "Tỷ lệ đô thị hóa (%)", target 65, actual 65,3


def _table(text: str) -> tuple[list[Row], Counts]:
    table = find_tables(text)[0]  # the demo's results table (III.2's targets come after it)
    rows = indicator_rows(table, recognise_columns(table.header))
    assessed = [
        effective(parse_stated(r.assessment), assess(r.target, r.actual, None)) for r in rows
    ]
    return rows, count(assessed)


def _check(text: str) -> list[tuple[str, str, str]]:
    rows, counts = _table(text)
    return [(m.quote, m.says, m.table_says) for m in check_text(text, counts, rows)]


def test_the_demo_counts_eleven_of_fourteen() -> None:
    rows, counts = _table(DEMO)
    assert (counts.met_or_exceeded, counts.not_met, counts.unknown, counts.total) == (11, 3, 0, 14)


def test_the_demos_computed_assessments_agree_with_every_stated_one() -> None:
    rows, _ = _table(DEMO)
    computed = [assess(r.target, r.actual, None) for r in rows]
    assert [
        r.position
        for r, c in zip(rows, computed, strict=True)
        if is_flagged(parse_stated(r.assessment), c)
    ] == []
    assert computed[1] is Assessment.UNKNOWN  # "51 – 43 – 6": composite, counted as stated
    assert computed[8] is Assessment.MET  # "dưới 1" with 0,16


def test_the_demo_raises_no_false_flag() -> None:
    claims = find_count_claims(DEMO)
    assert [(c.n, c.of, c.category) for c in claims] == [
        (11, 14, "met_or_exceeded"),
        (3, 14, "not_met"),
        (3, 14, "not_met"),
    ]
    assert _check(DEMO) == []


def test_a_correction_that_makes_the_text_wrong_then_a_fix_that_makes_it_right() -> None:
    corrected = replace_cells(DEMO, 0, URBANISATION, {3: "64,1"})
    found = _check(corrected)
    assert ("11/14 chỉ tiêu Nghị quyết đạt và vượt", "11/14", "10/14") in found
    assert [says for _, says, _ in found] == ["11/14", "3/14", "3/14"]
    assert {table for _, _, table in found} == {"10/14", "4/14"}

    fixed_text = corrected.replace("11/14", "10/14").replace("3/14", "4/14")
    assert _check(fixed_text) == []
    restored = replace_cells(corrected, 0, URBANISATION, {3: "65,3"})
    assert _check(restored) == []


def test_mismatch_offsets_point_at_the_quote() -> None:
    text = unicodedata.normalize("NFC", replace_cells(DEMO, 0, URBANISATION, {3: "64,1"}))
    rows, counts = _table(text)
    for mismatch in check_text(text, counts, rows):
        assert text[mismatch.start : mismatch.end] == mismatch.quote


def test_nfd_text_gives_the_same_answer() -> None:
    corrected = replace_cells(DEMO, 0, URBANISATION, {3: "64,1"})
    assert _check(unicodedata.normalize("NFD", corrected)) == _check(corrected)
    assert _check(unicodedata.normalize("NFD", DEMO)) == []


COUNTS = Counts(met=3, exceeded=8, not_met=3, unknown=0, total=14)


@pytest.mark.parametrize(
    ("sentence", "claim"),
    [
        ("Có mười một chỉ tiêu đạt và vượt.", (11, None, "met_or_exceeded")),
        ("Mười một chỉ tiêu hoàn thành.", (11, None, "met_or_exceeded")),
        ("Ba chỉ tiêu chưa hoàn thành mục tiêu.", (3, None, "not_met")),
        ("Còn 3 chỉ tiêu không đạt.", (3, None, "not_met")),
        ("Đã đạt và vượt 11/14 chỉ tiêu.", (11, 14, "met_or_exceeded")),
        ("Nghị quyết có 14 chỉ tiêu chủ yếu.", (14, None, "total")),
        ("Hai mươi mốt chỉ tiêu đạt.", (21, None, "met_or_exceeded")),
        ("Mười lăm chỉ tiêu vượt.", (15, None, "met_or_exceeded")),
    ],
)
def test_count_claims_in_digits_and_words(sentence: str, claim: tuple) -> None:
    (found,) = find_count_claims(sentence)
    assert (found.n, found.of, found.category) == claim
    assert sentence[found.start : found.end] == found.quote


@pytest.mark.parametrize(
    "sentence",
    [
        "Một số chỉ tiêu chưa đạt.",
        "Năm 2020 các chỉ tiêu đều đạt.",
        "Một chỉ tiêu quan trọng là tỷ lệ hộ nghèo.",
        "Các chỉ tiêu chủ yếu đến năm 2025:",
        "Giai đoạn 2016 – 2020 chỉ tiêu tăng trưởng đạt khá.",
        "Ban hành 12 văn bản hướng dẫn; các chỉ tiêu đạt.",
    ],
)
def test_no_count_claim_where_there_is_none(sentence: str) -> None:
    assert find_count_claims(sentence) == []


def test_a_clause_belongs_to_its_own_count() -> None:
    claims = find_count_claims("Trong 14 chỉ tiêu, có 11 chỉ tiêu đạt và 3 chỉ tiêu không đạt.")
    assert [(c.n, c.category) for c in claims] == [
        (14, "total"),
        (11, "met_or_exceeded"),
        (3, "not_met"),
    ]


@pytest.mark.parametrize(
    ("sentence", "says", "table_says"),
    [
        ("Có mười chỉ tiêu đạt và vượt.", "10", "11"),
        ("Có 4 chỉ tiêu chưa đạt.", "4", "3"),
        ("Nghị quyết có 15 chỉ tiêu.", "15", "14"),
        ("Có 11/15 chỉ tiêu đạt.", "11/15", "11/14"),
    ],
)
def test_count_mismatches(sentence: str, says: str, table_says: str) -> None:
    (mismatch,) = check_text(sentence, COUNTS, [])
    assert (mismatch.says, mismatch.table_says) == (says, table_says)


def test_counts_within_reach_of_unknown_rows_are_not_flagged() -> None:
    counts = Counts(met=2, exceeded=8, not_met=2, unknown=2, total=14)
    assert check_text("Có 11 chỉ tiêu đạt; 3 chỉ tiêu chưa đạt.", counts, []) == []
    assert len(check_text("Có 13 chỉ tiêu đạt.", counts, [])) == 1


def test_no_table_no_count_mismatch() -> None:
    assert check_text("Có 11/14 chỉ tiêu đạt.", Counts(), []) == []


ROWS = [
    Row(0, "GRDP bình quân đầu người (USD)", "USD", "8.000", "7.150", "Không đạt"),
    Row(1, "Tỷ lệ đô thị hóa (%)", "%", "65", "65,3", "Đạt"),
    Row(2, "Thu ngân sách nhà nước trên địa bàn", "nghìn tỷ đồng", "40", "48,5", "Vượt"),
    Row(3, "Tốc độ tăng trưởng GRDP bình quân (%/năm)", "%/năm", "9 – 10", "10,7", "Vượt"),
]


def test_a_figure_quoted_in_prose_agrees_with_the_table() -> None:
    assert find_figure_claims("GRDP bình quân đầu người đạt 7.150 USD.", ROWS) == []


def test_a_figure_quoted_in_prose_that_disagrees() -> None:
    text = "Năm 2020, GRDP bình quân đầu người đạt 7.200 USD, tăng khá."
    (claim,) = find_figure_claims(text, ROWS)
    assert (claim.row_position, claim.says, claim.table_says) == (0, "7.200 USD", "7.150 USD")
    assert (
        text[claim.start : claim.end]
        == claim.quote
        == "Năm 2020, GRDP bình quân đầu người đạt 7.200 USD"
    )
    (mismatch,) = check_text(text, COUNTS, ROWS)
    assert (mismatch.says, mismatch.table_says) == ("7.200 USD", "7.150 USD")


@pytest.mark.parametrize(
    "sentence",
    [
        "Tỷ lệ đô thị hóa tăng 5,3 điểm %.",  # "điểm %" is not "%"
        "Thu ngân sách nhà nước trên địa bàn đạt 48 tỷ đồng.",  # "tỷ" is not "nghìn tỷ"
        "GRDP bình quân đầu người đạt trên 10.000 USD.",  # a bound, a target's wording
        "Phấn đấu tỷ lệ đô thị hóa đạt 70%.",  # a target
        "Mục tiêu đến năm 2025:\n\n1. Tỷ lệ đô thị hóa đạt 70%.\n",  # a list of targets
        "Tỷ lệ hộ nghèo giảm còn 0,5%.",  # no such indicator
        "Tốc độ tăng trưởng GRDP bình quân đạt 9 – 10%/năm.",  # a range
        "Tỷ lệ đô thị hóa tăng bình quân 1,5%/năm.",  # a change, not the level
        "Tỷ lệ đô thị hóa đạt 1,2% so với năm 2015.",  # a comparison
    ],
)
def test_figures_not_compared(sentence: str) -> None:
    assert find_figure_claims(sentence, ROWS) == []


def test_a_level_reached_by_a_change_is_compared() -> None:
    (claim,) = find_figure_claims("Tỷ lệ đô thị hóa tăng lên 66%.", ROWS)
    assert (claim.says, claim.table_says) == ("66%", "65,3%")
    assert find_figure_claims("Tỷ lệ đô thị hóa tăng lên 65,3%.", ROWS) == []


def test_percent_figures_in_prose_compare_with_percent_rows() -> None:
    text = "Tốc độ tăng trưởng GRDP bình quân giai đoạn 2016 – 2020 ước đạt 10,9%/năm; tỷ lệ đô thị hóa đạt 65,3%."
    (claim,) = find_figure_claims(text, ROWS)
    assert (claim.row_position, claim.says, claim.table_says) == (3, "10,9%/năm", "10,7%/năm")


def test_the_table_itself_is_not_prose() -> None:
    rows, counts = _table(DEMO)
    stale = [Row(r.position, r.name, r.unit, r.target, "1", r.assessment) for r in rows]
    only_table = DEMO[DEMO.index("| STT") : DEMO.index("Nguồn số liệu")]
    assert check_text(only_table, counts, stale) == []


def test_a_bare_scale_takes_the_rows_currency() -> None:
    (claim,) = find_figure_claims("Thu ngân sách nhà nước trên địa bàn đạt 47 nghìn tỷ.", ROWS)
    assert (claim.says, claim.table_says) == ("47 nghìn tỷ", "48,5 nghìn tỷ")


def test_targets_of_the_next_period_are_not_this_tables_counts() -> None:
    text = (
        "## Mục tiêu giai đoạn 2020 – 2025\n\nNghị quyết có 15 chỉ tiêu chủ yếu, 15 chỉ tiêu đạt.\n"
    )
    assert check_text(text, COUNTS, ROWS) == []


def test_a_heading_about_results_of_targets_is_checked() -> None:
    text = "## I. Kết quả thực hiện mục tiêu, nhiệm vụ\n\n- Tỷ lệ đô thị hóa đạt 64%.\n- Có 12 chỉ tiêu đạt.\n"
    assert [(m.says, m.table_says) for m in check_text(text, COUNTS, ROWS)] == [
        ("64%", "65,3%"),
        ("12", "11"),
    ]


@pytest.mark.parametrize(
    ("sentence", "claims"),
    [
        ("Có 11 trên 14 chỉ tiêu đạt.", [(11, 14, "met_or_exceeded")]),
        ("Đạt 11 trong tổng số 14 chỉ tiêu.", [(11, 14, "met_or_exceeded")]),
        ("Mười một trên mười bốn chỉ tiêu đạt.", []),
    ],
)
def test_of_written_in_words_is_not_a_claim_of_its_own(sentence: str, claims: list) -> None:
    assert [(c.n, c.of, c.category) for c in find_count_claims(sentence)] == claims
