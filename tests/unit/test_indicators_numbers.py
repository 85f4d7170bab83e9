"""Vietnamese figures as drafters write them, and the assessment a department's figure
earns: the rules that decide whether a row of the indicator table is flagged."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest

from feedback.indicators.numbers import (
    Assessment,
    Direction,
    Value,
    assess,
    direction_from_target,
    effective,
    is_flagged,
    parse_stated,
    parse_value,
    stated_word,
)

D = Decimal
EXCEEDED, MET, NOT_MET, UNKNOWN = (
    Assessment.EXCEEDED,
    Assessment.MET,
    Assessment.NOT_MET,
    Assessment.UNKNOWN,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8.000", Value("number", D(8000), D(8000))),
        ("10,7", Value("number", D("10.7"), D("10.7"))),
        ("1.234,5", Value("number", D("1234.5"), D("1234.5"))),
        ("1.234.567", Value("number", D(1234567), D(1234567))),
        ("0,16", Value("number", D("0.16"), D("0.16"))),
        ("7.150 USD", Value("number", D(7150), D(7150))),
        ("**48,5**", Value("number", D("48.5"), D("48.5"))),
        ("10,7%/năm", Value("number", D("10.7"), D("10.7"))),
        ("9 – 10", Value("range", D(9), D(10))),
        ("9-10", Value("range", D(9), D(10))),
        ("9 — 10%", Value("range", D(9), D(10))),
        ("từ 9 đến 10", Value("range", D(9), D(10))),
        ("dưới 1", Value("below", None, D(1))),
        ("không quá 5", Value("below", None, D(5))),
        ("tối đa 5", Value("below", None, D(5))),
        ("trên 80", Value("above", D(80), None)),
        ("tối thiểu 80", Value("above", D(80), None)),
        ("ít nhất 3", Value("above", D(3), None)),
        ("không dưới 70", Value("above", D(70), None)),
        ("từ 80 trở lên", Value("above", D(80), None)),
        ("10%/năm trở lên", Value("above", D(10), None)),
        ("Trên 10.000 USD", Value("above", D(10000), None)),
        ("20 m2/người", Value("number", D(20), D(20))),
    ],
)
def test_parse_value_reads_vietnamese_figures(text: str, expected: Value) -> None:
    assert parse_value(text) == expected


@pytest.mark.parametrize(
    "text", ["51 – 43 – 6", "45,5 – 48,6 – 5,9", "", "Tăng mạnh", "10 – 9", "10 và 12"]
)
def test_parse_value_refuses_what_is_not_one_figure(text: str) -> None:
    assert parse_value(text) is None


def test_strict_bounds_are_remembered_but_not_compared() -> None:
    assert parse_value("dưới 1").strict is True
    assert parse_value("không quá 1").strict is False
    assert parse_value("dưới 1") == parse_value("không quá 1")


def test_nfd_input_is_read_like_nfc() -> None:
    assert parse_value(unicodedata.normalize("NFD", "dưới 1")) == Value("below", None, D(1))
    assert direction_from_target(unicodedata.normalize("NFD", "tối đa 5")) is Direction.LOWER


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dưới 1", Direction.LOWER),
        ("không quá 5", Direction.LOWER),
        ("Tối đa 5", Direction.LOWER),
        ("trên 80", Direction.HIGHER),
        ("tối thiểu 80", Direction.HIGHER),
        ("ít nhất 3", Direction.HIGHER),
        ("10%/năm trở lên", Direction.HIGHER),
        ("8.000", None),
        ("9 – 10", None),
    ],
)
def test_direction_comes_from_the_target_wording(text: str, expected: Direction | None) -> None:
    assert direction_from_target(text) is expected


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [
        ("8.000", "7.150", NOT_MET),
        ("8.000", "8.000", MET),
        ("8.000", "8.000,5", EXCEEDED),
        ("9 – 10", "10,7", EXCEEDED),
        ("9 – 10", "9,5", MET),
        ("9 – 10", "9", MET),
        ("9 – 10", "8,9", NOT_MET),
        ("trên 80", "81,2", MET),
        ("trên 80", "80", NOT_MET),
        ("tối thiểu 80", "80", MET),
        ("từ 80 trở lên", "79,9", NOT_MET),
        ("65", "65,3", EXCEEDED),
    ],
)
def test_assess_higher_is_better(target: str, actual: str, expected: Assessment) -> None:
    assert assess(target, actual, None) is expected


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [
        ("dưới 1", "0,16", MET),
        ("dưới 1", "1", NOT_MET),
        ("dưới 1", "1,2", NOT_MET),
        ("không quá 5", "5", MET),
        ("không quá 5", "5,1", NOT_MET),
        ("tối đa 5", "0", MET),
    ],
)
def test_assess_lower_bounds(target: str, actual: str, expected: Assessment) -> None:
    assert assess(target, actual, None) is expected


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [
        ("2", "1,5", EXCEEDED),
        ("2", "2", MET),
        ("2", "2,5", NOT_MET),
        ("1 – 1,5", "0,8", EXCEEDED),
        ("1 – 1,5", "1,2", MET),
        ("1 – 1,5", "1,6", NOT_MET),
    ],
)
def test_assess_lower_is_better_when_the_drafter_says_so(
    target: str, actual: str, expected: Assessment
) -> None:
    assert assess(target, actual, Direction.LOWER) is expected


def test_an_explicit_direction_overrides_the_default() -> None:
    assert assess("2", "1,5", None) is NOT_MET
    assert assess("2", "1,5", Direction.HIGHER) is NOT_MET
    assert assess("2", "1,5", Direction.LOWER) is EXCEEDED


@pytest.mark.parametrize(
    ("target", "actual"),
    [
        ("51 – 43 – 6", "45,5 – 48,6 – 5,9"),
        ("8.000", ""),
        ("", "7.150"),
        ("8.000", "đang cập nhật"),
    ],
)
def test_assess_is_unknown_when_a_side_is_not_a_figure(target: str, actual: str) -> None:
    assert assess(target, actual, None) is UNKNOWN


def test_an_actual_range_counts_only_when_all_of_it_lands_alike() -> None:
    assert assess("80", "85 – 90", None) is EXCEEDED
    assert assess("80", "75 – 85", None) is UNKNOWN
    assert assess("95", "trên 99", None) is EXCEEDED


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vượt", EXCEEDED),
        ("Vượt mức", EXCEEDED),
        ("Đạt và vượt", EXCEEDED),
        ("Hoàn thành vượt mức", EXCEEDED),
        ("Đạt", MET),
        ("đạt", MET),
        ("**Đạt**", MET),
        ("Hoàn thành", MET),
        ("Không đạt", NOT_MET),
        ("Chưa đạt", NOT_MET),
        ("Chưa hoàn thành", NOT_MET),
        ("KHÔNG ĐẠT", NOT_MET),
        (unicodedata.normalize("NFD", "Chưa đạt"), NOT_MET),
        ("Dat", MET),
        ("", None),
        ("Đang rà soát", None),
    ],
)
def test_parse_stated_reads_the_drafters_words(text: str, expected: Assessment | None) -> None:
    assert parse_stated(text) == expected


@pytest.mark.parametrize(
    ("stated", "computed", "flagged"),
    [
        (MET, EXCEEDED, False),
        (EXCEEDED, MET, False),
        (MET, MET, False),
        (NOT_MET, NOT_MET, False),
        (MET, NOT_MET, True),
        (EXCEEDED, NOT_MET, True),
        (NOT_MET, MET, True),
        (NOT_MET, EXCEEDED, True),
        (NOT_MET, UNKNOWN, False),
        (None, NOT_MET, False),
        (UNKNOWN, MET, False),
    ],
)
def test_flag_only_across_the_met_line(
    stated: Assessment | None, computed: Assessment, flagged: bool
) -> None:
    assert is_flagged(stated, computed) is flagged


def test_effective_prefers_computed_then_stated() -> None:
    assert effective(MET, NOT_MET) is NOT_MET
    assert effective(NOT_MET, UNKNOWN) is NOT_MET
    assert effective(None, UNKNOWN) is UNKNOWN
    assert effective(None, EXCEEDED) is EXCEEDED


def test_stated_word_round_trips() -> None:
    assert [stated_word(a) for a in (EXCEEDED, MET, NOT_MET)] == ["Vượt", "Đạt", "Không đạt"]
    for a in (EXCEEDED, MET, NOT_MET):
        assert parse_stated(stated_word(a)) is a


def test_stored_strings_work_like_the_enums() -> None:
    assert assess("2", "1,5", "lower") is EXCEEDED
    assert effective("not_met", "unknown") is NOT_MET
    assert effective(None, "met") is MET
    assert is_flagged("met", "not_met") is True
    assert is_flagged("exceeded", "met") is False


@pytest.mark.parametrize(
    "text",
    ["[48,5](https://thongke.example/2020/bao-cao-12)", "48,5[^1]", "48,5<sup>2</sup>", "`48,5`"],
)
def test_links_and_footnotes_around_a_figure_are_ignored(text: str) -> None:
    assert parse_value(text) == Value("number", D("48.5"), D("48.5"))
