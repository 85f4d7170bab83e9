"""The figures through the real flow: identity across versions, who may check a figure,
drafts, the response, corrections and proposals decided as suggestions, consistency."""

from __future__ import annotations

import pytest

from feedback.errors import InvalidInput, InvalidTransition, PermissionDenied
from feedback.extensions import db
from feedback.figures import checks, consistency, queries, services
from feedback.reports import services as reports
from feedback.review import consultation, decisions
from feedback.review.models import SuggestionStatus

from ..figure_helpers import indicator, load_demo, open_round, section, user

RESULTS = "Kết quả thực hiện các chỉ tiêu chủ yếu"
GOALS = "Mục tiêu tổng quát và các chỉ tiêu chủ yếu"
ROW_1 = "| 1 | Tốc độ tăng trưởng GRDP bình quân (%/năm) | 9 – 10 | 10,7 | Vượt |"
ROW_7 = "| 7 | Tỷ lệ đô thị hóa (%) | 65 | 65,3 | Đạt |"
ROW_8 = "| 8 | Tỷ lệ xã đạt chuẩn nông thôn mới (%) | 70 | 81,5 | Vượt |"


@pytest.fixture
def report(app):
    return load_demo()


def _status(report, start, viewer):
    item = indicator(report, start, viewer)
    return queries.indicator_view(item, viewer)


def _submit(lead_name, report, **kw):
    consultation.submit_response(user(lead_name), open_round(report), **kw)
    db.session.commit()


def _accept(suggestion):
    outcome = decisions.accept_suggestion(user("tosoanthao"), suggestion)
    db.session.commit()
    assert outcome.conflict is None
    return outcome


# Identity across versions ------------------------------------------------------------


def test_an_indicator_keeps_its_identity_when_rows_are_renamed_reordered_and_added(report):
    drafter = user("tosoanthao")
    target = section(report, RESULTS)
    grdp = indicator(report, "Tốc độ tăng trưởng GRDP")
    forest = indicator(report, "Tỷ lệ che phủ rừng")
    confirmed_by = user("ctk.canbo")
    checks.confirm(confirmed_by, grdp, source="Cục Thống kê, số liệu ước đến 30/11")
    db.session.commit()

    text = target.current.text
    row_14 = "| 14 | Tỷ lệ che phủ rừng (%) | 54 | 54,6 | Đạt |"
    moved = text.replace(ROW_1 + "\n", "").replace(row_14, row_14 + "\n" + ROW_1)
    renamed = moved.replace("Tỷ lệ che phủ rừng (%)", "Tỷ lệ che phủ rừng chung (%)")
    added = renamed.replace(ROW_1, ROW_1 + "\n| 15 | Chỉ số PCI (điểm) | 65 | 68,2 | Vượt |")
    for text in (moved, added):  # reordered; then renamed in place, and a row added
        reports.save_section(drafter, target, text=text, base_version=target.current_version)
        db.session.commit()

    views = {v.indicator.name: v for v in queries.indicator_views(report.id, confirmed_by)}
    assert views["Tốc độ tăng trưởng GRDP bình quân (%/năm)"].indicator.id == grdp.id
    assert views["Tốc độ tăng trưởng GRDP bình quân (%/năm)"].indicator.row == 13
    assert views["Tốc độ tăng trưởng GRDP bình quân (%/năm)"].status.value == "confirmed"
    assert views["Tỷ lệ che phủ rừng chung (%)"].indicator.id == forest.id  # renamed in place
    pci = views["Chỉ số PCI (điểm)"].indicator
    assert pci.id not in (grdp.id, forest.id) and pci.row == 14

    restored = reports.restore_version(
        drafter, target, number=1, base_version=target.current_version
    )
    db.session.commit()
    assert restored.number == 4
    names = [v.indicator.name for v in queries.indicator_views(report.id, drafter)]
    assert "Chỉ số PCI (điểm)" not in names  # a removed row disappears
    assert indicator(report, "Tốc độ tăng trưởng GRDP").id == grdp.id


# Who may check a figure -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("ctk.canbo", True),
        ("ctk.lanhdao", True),
        ("stc.canbo", False),  # another department
        ("tosoanthao", False),
        ("chutich", False),
    ],
)
def test_only_the_assigned_department_confirms_its_figure(report, username, allowed):
    grdp = indicator(report, "GRDP bình quân đầu người")
    if allowed:
        check = checks.confirm(user(username), grdp, source="Cục Thống kê tỉnh")
        assert check.is_draft
    else:
        with pytest.raises(PermissionDenied):
            checks.confirm(user(username), grdp, source="Cục Thống kê tỉnh")


def test_no_figure_is_checked_without_an_open_round(report):
    consultation.close_round(user("tosoanthao"), open_round(report))
    db.session.commit()
    with pytest.raises(InvalidTransition):
        checks.confirm(user("ctk.canbo"), indicator(report, "GRDP bình quân"), source="CTK")


def test_a_confirmation_needs_its_source(report):
    with pytest.raises(InvalidInput):
        checks.confirm(user("ctk.canbo"), indicator(report, "GRDP bình quân"), source="  ")


def test_drafts_are_invisible_to_other_departments_until_the_lead_submits(report):
    ctk = user("ctk.canbo")
    grdp = indicator(report, "GRDP bình quân đầu người")
    checks.confirm(ctk, grdp, source="Cục Thống kê, số liệu ước đến 30/11")
    db.session.commit()
    own = queries.indicator_view(grdp, ctk)
    assert (own.status.value, own.draft, own.source) == (
        "confirmed",
        True,
        "Cục Thống kê, số liệu ước đến 30/11",
    )
    for other in ("stc.canbo", "tosoanthao", "chutich"):
        seen = queries.indicator_view(grdp, user(other))
        assert (seen.status.value, seen.source) == ("unchecked", "")

    _submit("ctk.lanhdao", report)  # only confirmations: the department can submit
    seen = queries.indicator_view(grdp, user("chutich"))
    assert (seen.status.value, seen.draft) == ("confirmed", False)


def test_no_comments_goes_together_with_confirmations(report):
    checks.confirm(user("sxd.canbo"), indicator(report, "Tỷ lệ đô thị hóa"), source="Sở Xây dựng")
    db.session.commit()
    # The demo's SXD reviewer has a draft comment; it goes before "no comments".
    from feedback.review import visibility

    comments, _ = visibility.department_drafts(report, user("sxd.canbo").department_id)
    for comment in comments:
        db.session.delete(comment)
    db.session.commit()
    _submit("sxd.lanhdao", report, no_comments=True)
    seen = _status(report, "Tỷ lệ đô thị hóa", user("chutich"))
    assert seen.status.value == "confirmed"


# Corrections ---------------------------------------------------------------------------


def test_a_correction_changes_exactly_the_cell_and_the_assessment_that_follows(report):
    grdp = indicator(report, "Tốc độ tăng trưởng GRDP")
    target = section(report, RESULTS)
    suggestion = checks.correct(
        user("ctk.canbo"), grdp, actual="8,9", source="Cục Thống kê", note="Số liệu chính thức."
    )
    db.session.commit()
    expected = target.current.text.replace(
        ROW_1, "| 1 | Tốc độ tăng trưởng GRDP bình quân (%/năm) | 9 – 10 | 8,9 | Không đạt |"
    )
    assert suggestion.text == expected
    assert "Cục Thống kê" in suggestion.rationale and "Số liệu chính thức." in suggestion.rationale
    assert _status(report, "Tốc độ tăng trưởng GRDP", user("ctk.canbo")).status.value == "corrected"
    assert _status(report, "Tốc độ tăng trưởng GRDP", user("tosoanthao")).status.value == (
        "unchecked"
    )

    small = checks.correct(user("ctk.canbo"), grdp, actual="10,6", source="Tổng cục Thống kê")
    assert "| 9 – 10 | 10,6 | Vượt |" in small.text  # still exceeded: the stated word stays


def test_a_correction_makes_the_text_wrong_and_fixing_the_sentence_makes_it_right(report):
    grdp = indicator(report, "Tốc độ tăng trưởng GRDP")
    suggestion = checks.correct(user("ctk.canbo"), grdp, actual="8,9", source="Cục Thống kê")
    db.session.commit()
    _submit("ctk.lanhdao", report)
    assert consistency.check_report(report).mismatches == []  # nothing accepted yet
    _accept(suggestion)

    found = consistency.check_report(report)
    assert (found.counts.met_or_exceeded, found.counts.not_met) == (10, 4)
    quotes = " ".join(m.quote for m in found.mismatches)
    assert "11/14" in quotes and "3/14" in quotes
    assert _status(report, "Tốc độ tăng trưởng GRDP", user("chutich")).status.value == "decided"

    drafter = user("tosoanthao")
    for heading, old, new in (
        (RESULTS, "có 11/14 chỉ tiêu", "có 10/14 chỉ tiêu"),
        (RESULTS, "3/14 chỉ tiêu", "4/14 chỉ tiêu"),
        ("Hạn chế, yếu kém", "Còn 3/14 chỉ tiêu", "Còn 4/14 chỉ tiêu"),
        ("Phát triển kinh tế, chuyển dịch cơ cấu kinh tế", "ước đạt 10,7%/năm", "ước đạt 8,9%/năm"),
    ):
        s = section(report, heading)
        reports.save_section(
            drafter, s, text=s.current.text.replace(old, new), base_version=s.current_version
        )
        db.session.commit()
    assert consistency.check_report(report).mismatches == []


def test_two_departments_correct_adjacent_rows_accepted_one_after_the_other(report):
    urban = checks.correct(
        user("sxd.canbo"), indicator(report, "Tỷ lệ đô thị hóa"), actual="64,8", source="SXD"
    )
    rural = checks.correct(
        user("snn.canbo"), indicator(report, "Tỷ lệ xã đạt chuẩn"), actual="80,2", source="SNN"
    )
    db.session.commit()
    _submit("sxd.lanhdao", report)
    _submit("snn.lanhdao", report)
    _accept(urban)
    _accept(rural)  # based on the version before the first accept: rebased, no hand merge
    text = section(report, RESULTS).current.text
    assert "| 7 | Tỷ lệ đô thị hóa (%) | 65 | 64,8 | Không đạt |" in text
    assert "| 8 | Tỷ lệ xã đạt chuẩn nông thôn mới (%) | 70 | 80,2 | Vượt |" in text


# Next period's targets -----------------------------------------------------------------


def test_proposals_side_by_side_and_adopting_one_answers_the_others(report):
    per_capita = indicator(report, "GRDP bình quân đầu người", user("tosoanthao"))
    targets_row = next(
        v.indicator
        for v in queries.indicator_views(report.id, user("tosoanthao"))
        if v.indicator.table.is_targets and v.indicator.name == "GRDP bình quân đầu người"
    )
    assert per_capita.id != targets_row.id
    ctk = checks.propose(
        user("ctk.canbo"), targets_row, target="trên 9.500", rationale="Theo dự báo tăng trưởng."
    )
    stc = checks.propose(
        user("stc.canbo"), targets_row, target="trên 11.000", rationale="Theo khả năng thu."
    )
    db.session.commit()
    _submit("ctk.lanhdao", report)
    _submit("stc.lanhdao", report)
    side_by_side = queries.proposals(targets_row, user("tosoanthao"))
    assert [(c.department.code, c.value) for c in side_by_side] == [
        ("CTK", "trên 9.500"),
        ("STC", "trên 11.000"),
    ]
    _accept(ctk)
    db.session.refresh(stc)
    assert stc.status == SuggestionStatus.REJECTED
    assert stc.decision_note and stc.conflict_version is None
    assert (
        "| 2 | GRDP bình quân đầu người | USD | trên 9.500 |" in section(report, GOALS).current.text
    )


def test_a_new_indicator_is_proposed_as_a_row_of_the_next_period_table(report):
    table = queries.tables(report.id)[-1]
    assert table.is_targets
    suggestion = checks.propose_new(
        user("syt.canbo"),
        table,
        name="Số giường bệnh trên 1 vạn dân",
        unit="giường",
        target="32",
        rationale="Chỉ tiêu của ngành y tế.",
    )
    assert suggestion.text.endswith("| 6 | Số giường bệnh trên 1 vạn dân | giường | 32 |")
    db.session.commit()
    _submit("syt.lanhdao", report)
    _accept(suggestion)
    beds = indicator(report, "Số giường bệnh")
    assert beds.table.is_targets and beds.row == 5
    history = queries.indicator_view(beds, user("chutich")).checks
    assert [(c.kind, c.department.code, c.value) for c in history] == [("propose", "SYT", "32")]


def test_results_figures_cannot_be_proposed_and_targets_cannot_be_corrected(report):
    with pytest.raises(InvalidInput):
        checks.propose(
            user("ctk.canbo"), indicator(report, "GRDP bình quân"), target="1", rationale="x"
        )


# The drafting team and the administrator -----------------------------------------------------


def test_the_drafter_assigns_and_sets_direction_others_may_not(report):
    poverty = indicator(report, "Tỷ lệ hộ nghèo")
    services.update_indicator(user("tosoanthao"), poverty, department_code="STC", direction="lower")
    db.session.commit()
    assert (poverty.department.code, poverty.direction) == ("STC", "lower")
    with pytest.raises(PermissionDenied):
        services.update_indicator(user("stc.lanhdao"), poverty, department_code="STC")
    with pytest.raises(InvalidInput):
        services.update_indicator(user("tosoanthao"), poverty, department_code="KHONGCO")


def test_summary_counts_statuses_and_warns_about_departments_not_invited(report):
    services.update_indicator(
        user("tosoanthao"), indicator(report, "Tỷ lệ hộ nghèo"), department_code=None
    )
    checks.confirm(user("ctk.canbo"), indicator(report, "GRDP bình quân"), source="CTK")
    db.session.commit()
    _submit("ctk.lanhdao", report)
    result = queries.summary(report, user("chutich"))
    assert result.total == 14
    assert result.counts["confirmed"] == 1 and result.counts["unchecked"] == 13
    assert [v.indicator.name for v in result.unassigned] == [
        "Tỷ lệ hộ nghèo theo chuẩn đa chiều (%)"
    ]
    consultation.close_round(user("tosoanthao"), open_round(report))
    db.session.commit()
    closed = queries.summary(report, user("chutich"))
    deemed = {v.indicator.department.code for v in closed.deemed_agree}
    assert "CTK" not in deemed and "SNN" in deemed


def test_a_department_confirming_figures_is_drafting_its_response(report):
    from feedback.review import rounds

    checks.confirm(user("syt.canbo"), indicator(report, "Số bác sĩ"), source="Sở Y tế")
    db.session.commit()
    status = rounds.response_of(open_round(report), user("syt.canbo").department_id).status
    assert status.value == "drafting"


def test_pages_ask_the_same_rule_the_services_apply(report):
    grdp = indicator(report, "GRDP bình quân đầu người")
    assert checks.may_check(user("ctk.canbo"), grdp)
    assert not checks.may_check(user("stc.canbo"), grdp)
    assert checks.may_propose(user("stc.canbo"), report.id)
    assert not checks.may_propose(user("tosoanthao"), report.id)
    consultation.close_round(user("tosoanthao"), open_round(report))
    db.session.commit()
    assert not checks.may_check(user("ctk.canbo"), grdp)
    assert not checks.may_propose(user("stc.canbo"), report.id)


def test_accepted_with_edits_the_indicator_follows_the_drafters_text(report):
    grdp = indicator(report, "Tốc độ tăng trưởng GRDP")
    suggestion = checks.correct(user("ctk.canbo"), grdp, actual="10,6", source="Tổng cục Thống kê")
    db.session.commit()
    _submit("ctk.lanhdao", report)
    target = section(report, RESULTS)
    edited = suggestion.text.replace("| 10,6 |", "| 10,5 |")
    decisions.accept_suggestion(
        user("tosoanthao"), suggestion, text=edited, expected_version=target.current_version
    )
    db.session.commit()
    seen = _status(report, "Tốc độ tăng trưởng GRDP", user("chutich"))
    assert (seen.indicator.id, seen.indicator.actual, seen.status.value) == (
        grdp.id,
        "10,5",
        "decided",
    )


def test_a_deleted_section_takes_its_figures_with_it_and_restoring_brings_them_back(report):
    drafter = user("tosoanthao")
    goals = section(report, GOALS)
    results = section(report, RESULTS)
    grdp = indicator(report, "GRDP bình quân")
    reports.delete_section(drafter, goals)
    reports.delete_section(drafter, results)
    db.session.commit()
    with pytest.raises(InvalidTransition):
        checks.confirm(user("ctk.canbo"), grdp, source="CTK")
    reports.restore_section(drafter, results)
    db.session.commit()
    views = queries.indicator_views(report.id, drafter)
    assert len(views) == 14 and not any(v.indicator.table.is_targets for v in views)
    reports.restore_section(drafter, goals)
    db.session.commit()
    assert len(queries.indicator_views(report.id, drafter)) == 19
