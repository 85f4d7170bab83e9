"""An indicator keeps its identity across versions of its table (its confirmations,
department and history follow it): matched by name first, then by position."""

from __future__ import annotations

import unicodedata

from feedback.indicators.identity import match_rows, normalise_name

OLD = [
    "Tốc độ tăng trưởng GRDP bình quân (%/năm)",
    "GRDP bình quân đầu người (USD)",
    "Tỷ lệ đô thị hóa (%)",
]


def test_normalise_name_ignores_case_units_markup_and_spacing() -> None:
    assert normalise_name("**GRDP  bình quân đầu người** (USD)") == "grdp bình quân đầu người"
    assert (
        normalise_name(unicodedata.normalize("NFD", "Tỷ lệ đô thị hóa (%)")) == "tỷ lệ đô thị hóa"
    )
    assert normalise_name("Tỷ lệ che phủ rừng.") == normalise_name("tỷ lệ che phủ rừng")
    assert normalise_name("Tỷ lệ hộ nghèo") != normalise_name("Tỷ lệ hộ cận nghèo")


def test_unchanged_table_maps_each_row_to_itself() -> None:
    assert match_rows(OLD, list(OLD)) == {0: 0, 1: 1, 2: 2}


def test_a_renamed_row_keeps_its_identity_by_position() -> None:
    new = [OLD[0], "Tổng sản phẩm bình quân đầu người (USD)", OLD[2]]
    assert match_rows(OLD, new) == {0: 0, 1: 1, 2: 2}


def test_a_reordered_table_follows_the_names() -> None:
    new = [OLD[2], OLD[0], OLD[1]]
    assert match_rows(OLD, new) == {0: 2, 1: 0, 2: 1}


def test_an_added_row_is_new() -> None:
    new = [OLD[0], "Tỷ lệ che phủ rừng (%)", OLD[1], OLD[2]]
    assert match_rows(OLD, new) == {0: 0, 2: 1, 3: 2}
    assert match_rows(OLD, [*OLD, "Số bác sĩ trên 1 vạn dân"]) == {0: 0, 1: 1, 2: 2}


def test_a_removed_row_disappears() -> None:
    assert match_rows(OLD, [OLD[0], OLD[2]]) == {0: 0, 1: 2}


def test_reordered_with_a_new_row_in_a_taken_position() -> None:
    new = [OLD[2], OLD[1], OLD[0], "Tỷ lệ hộ nghèo (%)"]
    assert match_rows(OLD, new) == {0: 2, 1: 1, 2: 0}


def test_duplicate_names_are_matched_in_order() -> None:
    assert match_rows(["A", "A", "B"], ["B", "A", "A"]) == {0: 2, 1: 0, 2: 1}
