"""The demo's figures: its indicator tables, who answers for each figure, no false flag."""

from __future__ import annotations

from feedback.figures import consistency, queries

from ..figure_helpers import load_demo, user


def test_the_demo_targets_table_is_an_indicator_table_with_departments(app):
    report = load_demo()
    views = queries.indicator_views(report.id, user("chutich"))
    results = [v for v in views if not v.indicator.table.is_targets]
    targets = [v for v in views if v.indicator.table.is_targets]
    assert len(results) == 14
    assert [v.indicator.name for v in targets] == [
        "Tốc độ tăng trưởng GRDP bình quân",
        "GRDP bình quân đầu người",
        "Tốc độ tăng năng suất lao động xã hội bình quân",
        "Tỷ lệ đô thị hóa",
        "Tỷ lệ che phủ rừng",
    ]
    by_name = {v.indicator.name: v for v in results}
    assert by_name["GRDP bình quân đầu người (USD)"].indicator.department.code == "CTK"
    assert (
        by_name["Thu ngân sách nhà nước trên địa bàn (nghìn tỷ đồng)"].indicator.department.code
        == "STC"
    )
    assert by_name["Tỷ lệ hộ nghèo theo chuẩn đa chiều (%)"].indicator.department.code == "SLDTBXH"
    assert all(v.indicator.department is not None for v in results)
    assert {v.status.value for v in views} == {"unchecked"}


def test_the_demo_raises_no_false_flag_on_day_one(app):
    report = load_demo()
    result = consistency.check_report(report)
    assert (result.counts.met_or_exceeded, result.counts.not_met, result.counts.total) == (
        11,
        3,
        14,
    )
    assert result.flags == []
    assert result.mismatches == []
