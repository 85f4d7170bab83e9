"""The figures' pages (issue 15) on the demo: a department's own indicators and its
checks, the drafting team's mapping, assignment, adoption and keyword map, the chair's
panel and history, the CSV; and who may not see or do what."""

from __future__ import annotations

import csv
import io
import re

import pytest

from feedback.extensions import db
from feedback.figures import queries

from ..figure_helpers import indicator, load_demo, open_round, section, user

PASSWORD = "Demo@2025"
GROWTH = "Tốc độ tăng trưởng GRDP bình quân (%/năm)"
PER_CAPITA = "GRDP bình quân đầu người (USD)"
BUDGET = "Thu ngân sách nhà nước trên địa bàn (nghìn tỷ đồng)"
RESULTS_HEADING = "Kết quả thực hiện các chỉ tiêu chủ yếu"


@pytest.fixture
def demo(app, client, auth):
    report = load_demo()

    def login(username):
        auth.logout()
        response = auth.login(username, PASSWORD)
        assert response.status_code == 302, username
        return client

    return report, login


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_a_department_sees_only_its_own_indicators_and_confirms_one(demo):
    report, login = demo
    client = login("ctk.canbo")
    page = _text(client.get(f"/reports/{report.id}/figures/mine"))
    assert "Chỉ tiêu của đơn vị" in page
    assert GROWTH in page and PER_CAPITA in page
    assert BUDGET not in page  # Sở Tài chính's
    target = indicator(report, PER_CAPITA)
    response = client.post(
        f"/indicators/{target.id}/confirm",
        data={"source": "Cục Thống kê, số liệu ước đến 30/11"},
    )
    assert response.status_code == 302
    page = _text(client.get(response.headers["Location"]))
    assert "Cục Thống kê, số liệu ước đến 30/11" in page
    assert "bản nháp" in page


def _correct_growth(client, report, actual="8,9"):
    growth = indicator(report, GROWTH)
    response = client.post(
        f"/indicators/{growth.id}/correct",
        data={"actual": actual, "source": "Cục Thống kê", "note": "Số liệu chính thức."},
    )
    assert response.status_code == 302, _text(response)
    return growth


def _target(report, name):
    views = queries.indicator_views(report.id, user("tosoanthao"))
    return next(
        v.indicator for v in views if v.indicator.table.is_targets and v.indicator.name == name
    )


def _fix_sentences(client, target):
    db.session.refresh(target)
    text = target.current.text.replace("11/14", "10/14").replace("3/14", "4/14")
    text = text.replace("ước đạt 10,7%/năm", "ước đạt 8,9%/năm")
    if text == target.current.text:
        return
    saved = client.post(
        f"/sections/{target.id}/edit",
        data={
            "heading": target.current.heading,
            "text": text,
            "base_version": target.current_version,
        },
    )
    assert saved.status_code == 302, _text(saved)


def test_another_department_can_neither_see_nor_check_a_figure_nor_its_drafts(demo):
    report, login = demo
    growth = indicator(report, GROWTH)
    client = login("ctk.canbo")
    _correct_growth(client, report)
    confirmed = client.post(
        f"/indicators/{indicator(report, PER_CAPITA).id}/confirm",
        data={"source": "Cục Thống kê, số liệu ước đến 30/11"},
    )
    assert confirmed.status_code == 302

    client = login("stc.canbo")
    assert client.get(f"/indicators/{growth.id}").status_code == 404
    refused = client.post(f"/indicators/{growth.id}/confirm", data={"source": "Sở Tài chính"})
    assert refused.status_code == 403
    assert "chỉ tiêu" in _text(refused) or "số liệu" in _text(refused)
    mine = _text(client.get(f"/reports/{report.id}/figures/mine"))
    assert BUDGET in mine and GROWTH not in mine and "8,9" not in mine
    assert client.get(f"/reports/{report.id}/figures").status_code == 403
    assert client.get(f"/reports/{report.id}/figures.csv").status_code == 403

    # The chair sees neither the draft confirmation nor the draft correction.
    client = login("chutich")
    page = _text(client.get(f"/indicators/{growth.id}"))
    assert "8,9" not in page and "Chưa ai xác nhận hay sửa số liệu này." in page
    listing = _text(client.get(f"/reports/{report.id}/figures"))
    assert "Cục Thống kê, số liệu ước đến 30/11" not in listing
    assert client.get(f"/reports/{report.id}/figures/mine").status_code == 404


def test_a_correction_shows_as_a_tracked_change_in_the_cell_and_waits_in_the_queue(demo):
    report, login = demo
    client = login("ctk.canbo")
    growth = _correct_growth(client, report)
    page = _text(client.get(f"/reports/{report.id}/figures/mine"))
    row = page[page.index(f'id="i{growth.id}"') :]
    row = row[: row.index("</tr>")]
    assert "<del>10,7</del> <ins>8,9</ins>" in row
    assert "bản nháp" in row

    client = login("ctk.lanhdao")
    round_ = open_round(report)
    respond = _text(client.get(f"/rounds/{round_.id}/respond"))
    assert "submit_feedback" in respond
    sent = client.post(
        f"/rounds/{round_.id}/respond", data={"submit_feedback": "1", "confirm": "y"}
    )
    assert sent.status_code == 302

    client = login("tosoanthao")
    queue = _text(client.get(f"/reports/{report.id}/review"))
    assert "Số liệu chính thức.\n\nNguồn số liệu: Cục Thống kê" in queue
    history = _text(client.get(f"/indicators/{growth.id}"))
    assert "Cục Thống kê" in history and "8,9" in history and "Số liệu chính thức." in history


def test_a_department_that_only_confirmed_sends_no_comments_with_its_confirmations(demo):
    report, login = demo
    client = login("syt.lanhdao")  # Sở Y tế has not answered yet
    doctors = indicator(report, "Số bác sĩ")
    client.post(
        f"/indicators/{doctors.id}/confirm",
        data={"source": "Sở Y tế, số liệu ước đến 30/11"},
    )
    round_ = open_round(report)
    respond = _text(client.get(f"/rounds/{round_.id}/respond"))
    assert "1 chỉ tiêu đã xác nhận" in respond
    sent = client.post(f"/rounds/{round_.id}/respond", data={"no_comments": "1", "confirm": "y"})
    assert sent.status_code == 302, _text(sent)
    db.session.expire_all()
    chair_view = queries.indicator_view(doctors, user("chutich"))
    assert chair_view.status.value == "confirmed"
    assert chair_view.source == "Sở Y tế, số liệu ước đến 30/11"


def test_bad_input_is_refused_with_a_sentence(demo):
    report, login = demo
    client = login("ctk.canbo")
    target = indicator(report, PER_CAPITA)
    empty = client.post(f"/indicators/{target.id}/confirm", data={"source": ""})
    assert empty.status_code == 422
    assert "Nguồn" in _text(empty)
    same = client.post(
        f"/indicators/{target.id}/correct",
        data={"actual": target.actual, "source": "Cục Thống kê"},
    )
    assert same.status_code == 422
    assert "xác nhận" in _text(same)
    goal = _target(report, "Tỷ lệ đô thị hóa")
    no_reason = client.post(f"/indicators/{goal.id}/propose", data={"target": "72"})
    assert no_reason.status_code == 422
    assert queries.indicator_view(target, user("ctk.canbo")).status.value == "unchecked"


def test_the_chair_sees_the_mismatch_until_the_sentence_is_fixed(demo):
    report, login = demo
    client = login("chutich")
    page = _text(client.get(f"/reports/{report.id}/dashboard"))
    assert "0/14 chỉ tiêu đã được các sở, ngành xác nhận" in page
    assert 'class="mismatches"' not in page

    client = login("ctk.canbo")
    growth = _correct_growth(client, report)
    client = login("ctk.lanhdao")
    round_ = open_round(report)
    client.post(f"/rounds/{round_.id}/respond", data={"submit_feedback": "1", "confirm": "y"})
    client = login("tosoanthao")
    suggestion = queries.indicator_view(growth, user("tosoanthao")).checks[-1].suggestion
    accepted = client.post(
        f"/suggestions/{suggestion.id}/accept",
        data={"expected_version": suggestion.section.current_version},
    )
    assert accepted.status_code == 302

    client = login("chutich")
    page = _text(client.get(f"/reports/{report.id}/dashboard"))
    mismatches = page[page.index('class="mismatches"') :]
    mismatches = mismatches[: mismatches.index("</ul>")]
    assert "11/14" in mismatches and "10/14" in mismatches
    assert f'href="/sections/{section(report, RESULTS_HEADING).id}"' in mismatches
    figures = page[page.index('id="figures"') :]
    assert "1/14 chỉ tiêu đã được các sở, ngành xác nhận" in figures
    statuses = client.get(f"/reports/{report.id}/figures.csv")
    assert statuses.status_code == 200

    # The drafting team fixes the sentences on the section's edit page.
    client = login("tosoanthao")
    for heading in (
        RESULTS_HEADING,
        "Hạn chế, yếu kém",
        "Phát triển kinh tế, chuyển dịch cơ cấu kinh tế",
    ):
        _fix_sentences(client, section(report, heading))
    client = login("chutich")
    page = _text(client.get(f"/reports/{report.id}/dashboard"))
    figures = page[page.index('id="figures"') :]
    assert 'class="mismatches"' not in page


def test_two_departments_propose_and_the_drafting_team_adopts_one_side_by_side(demo):
    report, login = demo
    goal = _target(report, "GRDP bình quân đầu người")
    for username, value, reason in (
        ("ctk.canbo", "trên 9.500", "Theo dự báo tăng trưởng giai đoạn tới."),
        ("stc.canbo", "trên 11.000", "Theo khả năng cân đối ngân sách."),
    ):
        client = login(username)
        made = client.post(
            f"/indicators/{goal.id}/propose", data={"target": value, "rationale": reason}
        )
        assert made.status_code == 302, _text(made)
    round_ = open_round(report)
    for lead in ("ctk.lanhdao", "stc.lanhdao"):
        client = login(lead)
        sent = client.post(
            f"/rounds/{round_.id}/respond", data={"submit_feedback": "1", "confirm": "y"}
        )
        assert sent.status_code == 302

    client = login("tosoanthao")
    listing = _text(client.get(f"/reports/{report.id}/figures"))
    assert f'<a href="/indicators/{goal.id}">2 đề xuất</a>' in listing
    page = _text(client.get(f"/indicators/{goal.id}"))
    assert "Cục Thống kê tỉnh" in page and "Sở Tài chính" in page
    assert "Chọn trên 9.500" in page and "Chọn trên 11.000" in page
    stc = next(c for c in queries.proposals(goal, user("tosoanthao")) if c.value == "trên 11.000")
    adopted = client.post(
        f"/suggestions/{stc.suggestion.id}/accept",
        data={
            "expected_version": goal.table.section.current_version,
            "next": f"/indicators/{goal.id}",
        },
    )
    assert adopted.status_code == 302
    assert adopted.headers["Location"].endswith(f"/indicators/{goal.id}")
    page = _text(client.get(f"/indicators/{goal.id}"))
    assert "Chọn trên" not in page
    ctk = page[page.index("Cục Thống kê tỉnh") :]
    assert "Không được chọn: đã chọn một số liệu khác." in ctk[: ctk.index("</article>")]
    history = page[page.index("<th>Quyết định</th>") :]
    assert "Không được chọn: đã chọn một số liệu khác." in history  # beside who decided
    db.session.expire_all()
    assert goal.target == "trên 11.000"


def test_the_drafting_team_maps_a_table_and_assigns_an_indicator(demo):
    report, login = demo
    client = login("tosoanthao")
    results = section(report, RESULTS_HEADING)
    panel = _text(client.get(f"/sections/{results.id}"))
    assert f"/sections/{results.id}/tables/0" in panel
    page = _text(client.get(f"/sections/{results.id}/tables/0"))
    assert '<option value="actual" selected>' in page
    goals = section(report, "Mục tiêu tổng quát và các chỉ tiêu chủ yếu")
    saved = client.post(
        f"/sections/{goals.id}/tables/0",
        data={
            "col0": "number",
            "col1": "name",
            "col2": "unit",
            "col3": "target",
            "kind": "targets",
        },
    )
    assert saved.status_code == 302
    twice = client.post(
        f"/sections/{goals.id}/tables/0",
        data={"col0": "name", "col1": "name", "kind": "targets"},
    )
    assert twice.status_code == 422 and "Hai cột không thể cùng là" in _text(twice)
    no_name = client.post(f"/sections/{goals.id}/tables/0", data={"col3": "target"})
    assert no_name.status_code == 422
    assert client.get(f"/sections/{goals.id}/tables/7").status_code == 404

    budget = indicator(report, BUDGET)
    listing = _text(client.get(f"/reports/{report.id}/figures"))
    assert "theo bảng từ khóa" in listing
    moved = client.post(
        f"/indicators/{budget.id}/assign", data={"department": "SCT", "direction": "lower"}
    )
    assert moved.status_code == 302
    db.session.expire_all()
    assert (budget.department.code, budget.direction) == ("SCT", "lower")
    wrong = client.post(f"/indicators/{budget.id}/assign", data={"department": "XYZ"})
    assert wrong.status_code == 422 and "XYZ" in _text(wrong)
    client = login("chutich")
    assert (
        client.post(f"/indicators/{budget.id}/assign", data={"department": ""}).status_code == 403
    )
    assert client.get(f"/sections/{results.id}/tables/0").status_code == 403


def test_the_administrator_edits_the_keyword_map(demo):
    report, login = demo
    client = login("quantri")
    page = _text(client.get("/admin/indicator-keywords"))
    assert 'value="ngân sách"' in page
    saved = client.post(
        "/admin/indicator-keywords",
        data={"keyword": ["ngân sách", "du lịch", ""], "department": ["STC", "SCT", ""]},
    )
    assert saved.status_code == 302
    page = _text(client.get("/admin/indicator-keywords"))
    assert 'value="du lịch"' in page and 'value="GRDP"' not in page
    missing = client.post(
        "/admin/indicator-keywords", data={"keyword": ["thủy sản"], "department": [""]}
    )
    assert missing.status_code == 422 and "sở, ngành" in _text(missing).lower()
    client = login("tosoanthao")
    assert client.get("/admin/indicator-keywords").status_code == 403


def test_the_csv_opens_in_excel_with_vietnamese_intact(demo):
    report, login = demo
    client = login("ctk.canbo")
    client.post(
        f"/indicators/{indicator(report, PER_CAPITA).id}/confirm",
        data={"source": "Cục Thống kê, số liệu ước đến 30/11"},
    )
    client = login("ctk.lanhdao")
    round_ = open_round(report)
    client.post(f"/rounds/{round_.id}/respond", data={"submit_feedback": "1", "confirm": "y"})
    client = login("chutich")
    response = client.get(f"/reports/{report.id}/figures.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Cục Thống kê, số liệu ước đến 30/11".encode() in data
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    assert rows[0][2] == "Chỉ tiêu" and rows[0][-2:] == ["Trạng thái", "Nguồn số liệu"]
    assert len(rows) == 1 + 14 + 5
    per_capita = next(r for r in rows if r[2] == PER_CAPITA)
    assert per_capita[-2:] == ["đã xác nhận", "Cục Thống kê, số liệu ước đến 30/11"]
    assert per_capita[9] == "Cục Thống kê tỉnh"
    assert b"\r\n" in data


def test_the_disposition_table_preamble_counts_confirmations(demo, api):
    report, login = demo
    client = login("ctk.canbo")
    for name in (PER_CAPITA, GROWTH):
        client.post(
            f"/indicators/{indicator(report, name).id}/confirm", data={"source": "Cục Thống kê"}
        )
    client = login("tosoanthao")
    page = _text(client.get(f"/reports/{report.id}/dispositions"))
    assert "0/14 chỉ tiêu đã được các sở, ngành xác nhận" in page  # drafts do not count
    client = login("ctk.lanhdao")
    round_ = open_round(report)
    client.post(f"/rounds/{round_.id}/respond", data={"submit_feedback": "1", "confirm": "y"})
    client = login("tosoanthao")
    page = _text(client.get(f"/reports/{report.id}/dispositions"))
    assert "2/14 chỉ tiêu đã được các sở, ngành xác nhận" in page
    body = api.as_(user("chutich")).get(f"/reports/{report.id}/dispositions").json
    assert body["preamble"]["figures"] == {"checked": 2, "total": 14}
    assert "2/14 chỉ tiêu đã được các sở, ngành xác nhận." in body["preamble"]["text"]
    assert re.search(r"2/14 chỉ tiêu", _text(client.get(f"/reports/{report.id}/dashboard")))


def test_the_keyword_map_is_linked_from_the_departments_page(demo):
    _report, login = demo
    client = login("quantri")
    page = _text(client.get("/admin/departments"))
    assert 'href="/admin/indicator-keywords"' in page and "Từ khóa giao chỉ tiêu" in page


def test_table_cells_show_without_markdown(demo):
    report, login = demo
    results = section(report, RESULTS_HEADING)
    client = login("tosoanthao")
    text = results.current.text.replace(
        "| GRDP bình quân đầu người (USD) | 8.000 |",
        "| **GRDP bình quân đầu người** (USD) | 8.000 |",
    )
    assert text != results.current.text
    saved = client.post(
        f"/sections/{results.id}/edit",
        data={
            "heading": results.current.heading,
            "text": text,
            "base_version": results.current_version,
        },
    )
    assert saved.status_code == 302
    listing = _text(client.get(f"/reports/{report.id}/figures"))
    assert "**" not in listing and "GRDP bình quân đầu người (USD)" in listing
    data = client.get(f"/reports/{report.id}/figures.csv").get_data().decode("utf-8-sig")
    assert "**" not in data and "GRDP bình quân đầu người (USD)" in data
    client = login("ctk.canbo")
    assert "**" not in _text(client.get(f"/reports/{report.id}/figures/mine"))


def test_a_department_proposes_a_new_indicator_shown_to_it_as_a_draft(demo):
    report, login = demo
    table = next(t for t in queries.tables(report.id) if t.is_targets)
    client = login("sxd.canbo")
    made = client.post(
        f"/reports/{report.id}/figures/new",
        data={
            "table_id": table.id,
            "name": "Tỷ lệ đô thị hóa khu vực ven biển",
            "unit": "%",
            "target": "75",
            "rationale": "Chỉ tiêu mới của ngành xây dựng.",
        },
    )
    assert made.status_code == 302, _text(made)
    page = _text(client.get(f"/reports/{report.id}/figures/mine"))
    assert "Chỉ tiêu mới đề xuất: Tỷ lệ đô thị hóa khu vực ven biển" in page
    assert "bản nháp" in page
    no_table = client.post(
        f"/reports/{report.id}/figures/new", data={"name": "X", "target": "1", "rationale": "r"}
    )
    assert no_table.status_code == 422 and "bảng chỉ tiêu giai đoạn tới" in _text(no_table)
    client = login("ctk.canbo")
    assert "khu vực ven biển" not in _text(client.get(f"/reports/{report.id}/figures/mine"))


def _accept_growth_correction(login, report):
    client = login("ctk.canbo")
    growth = _correct_growth(client, report)
    client = login("ctk.lanhdao")
    round_ = open_round(report)
    client.post(f"/rounds/{round_.id}/respond", data={"submit_feedback": "1", "confirm": "y"})
    client = login("tosoanthao")
    suggestion = queries.indicator_view(growth, user("tosoanthao")).checks[-1].suggestion
    page = _text(client.get(f"/suggestions/{suggestion.id}"))
    assert "Sửa chỉ tiêu" in page and GROWTH in page
    accepted = client.post(
        f"/suggestions/{suggestion.id}/accept",
        data={"expected_version": suggestion.section.current_version},
        follow_redirects=True,
    )
    assert accepted.status_code == 200
    return client, _text(accepted)


def test_after_accepting_a_correction_the_drafting_team_is_told_the_text_disagrees(demo, api):
    report, login = demo
    client, page = _accept_growth_correction(login, report)
    counts = api.as_(user("tosoanthao")).get(f"/reports/{report.id}/outstanding").get_json()
    mismatches = counts["counts"]["inconsistencies"]
    assert mismatches
    # The success message says what the tables now count and links to the list.
    assert "Bảng chỉ tiêu nay có 10/14 chỉ tiêu đạt" in page
    assert f"{mismatches} câu trong báo cáo không còn khớp" in page
    assert f'href="/reports/{report.id}/figures#mismatches"' in page
    # The home page and the review queue count them as the API does.
    home = _text(client.get("/"))
    assert f"{mismatches} câu trong báo cáo không khớp với bảng chỉ tiêu" in home
    queue = _text(client.get(f"/reports/{report.id}/review"))
    assert f"{mismatches} câu trong báo cáo không khớp với bảng chỉ tiêu" in queue
    listed = _text(client.get(f"/reports/{report.id}/figures"))
    assert 'id="mismatches"' in listed and "11/14" in listed


def test_a_mismatch_links_to_its_sentence_on_the_section_page(demo, api):
    report, login = demo
    client, _page = _accept_growth_correction(login, report)
    listed = _text(client.get(f"/reports/{report.id}/figures"))
    links = re.findall(r'href="/sections/(\d+)#(mismatch-\d+)"', listed)
    assert links
    for sid, anchor in links:
        page = _text(client.get(f"/sections/{sid}"))
        notice = page[page.index(f'id="{anchor}"') :]
        notice = notice[: notice.index("</li>")]
        assert "bảng" in notice
    results = section(report, RESULTS_HEADING)
    page = _text(client.get(f"/sections/{results.id}"))
    assert "11/14" in page[page.index('id="mismatches"') :]


def test_figure_tables_scroll_inside_a_box_and_submit_inputs_are_styled(demo, client):
    report, login = demo
    client = login("ctk.canbo")
    page = _text(client.get(f"/reports/{report.id}/figures/mine"))
    assert '<div class="table-scroll"><table class="grid figures">' in page
    client = login("tosoanthao")
    page = _text(client.get(f"/reports/{report.id}/figures"))
    assert '<div class="table-scroll"><table class="grid figures">' in page
    css = _text(client.get("/static/app.css"))
    assert "input[type=submit].primary" in css
    assert ".table-scroll { max-width: 100%; overflow-x: auto; position: relative; }" in css


def _form_of(page: str, action: str) -> str:
    form = page[page.index(f'action="{action}"') :]
    return form[: form.index("</form>")]


def test_a_refused_check_shows_the_page_again_with_the_sentence_and_what_was_typed(demo):
    report, login = demo
    client = login("ctk.canbo")
    target = indicator(report, PER_CAPITA)
    page = _text(client.get(f"/reports/{report.id}/figures/mine"))
    assert 'name="source" size="40" required' in page
    empty = client.post(f"/indicators/{target.id}/confirm", data={"source": "  "})
    assert empty.status_code == 422
    page = _text(empty)
    assert "Chỉ tiêu của đơn vị" in page
    assert 'role="alert"' in _form_of(page, f"/indicators/{target.id}/confirm")
    same = client.post(
        f"/indicators/{target.id}/correct",
        data={"actual": target.actual, "source": "Cục Thống kê", "note": "Ghi chú dài"},
    )
    assert same.status_code == 422
    form = _form_of(_text(same), f"/indicators/{target.id}/correct")
    assert 'role="alert"' in form and "xác nhận" in form
    assert 'value="Cục Thống kê"' in form and "Ghi chú dài</textarea>" in form
    goal = _target(report, "Tỷ lệ đô thị hóa")
    no_reason = client.post(f"/indicators/{goal.id}/propose", data={"target": "72"})
    assert no_reason.status_code == 422
    form = _form_of(_text(no_reason), f"/indicators/{goal.id}/propose")
    assert 'value="72"' in form and 'role="alert"' in form
    table = next(t for t in queries.tables(report.id) if t.is_targets)
    no_target = client.post(
        f"/reports/{report.id}/figures/new",
        data={"table_id": table.id, "name": "Tỷ lệ che phủ rừng ven biển", "rationale": "Lý do"},
    )
    assert no_target.status_code == 422
    form = _form_of(_text(no_target), f"/reports/{report.id}/figures/new")
    assert 'value="Tỷ lệ che phủ rừng ven biển"' in form and 'role="alert"' in form


def test_a_refused_mapping_or_assignment_shows_its_form_again(demo):
    report, login = demo
    client = login("tosoanthao")
    goals = section(report, "Mục tiêu tổng quát và các chỉ tiêu chủ yếu")
    twice = client.post(
        f"/sections/{goals.id}/tables/0",
        data={"col0": "number", "col1": "name", "col2": "name", "kind": "targets"},
    )
    assert twice.status_code == 422
    page = _text(twice)
    assert "Hai cột không thể cùng là" in page and "Các cột của bảng" in page
    assert page.count('<option value="name" selected>') == 2
    assert '<option value="number" selected>' in page
    budget = indicator(report, BUDGET)
    wrong = client.post(
        f"/indicators/{budget.id}/assign", data={"department": "XYZ", "direction": "lower"}
    )
    assert wrong.status_code == 422
    page = _text(wrong)
    row = page[page.index(f'id="i{budget.id}"') :]
    row = row[: row.index("</tr>")]
    assert "XYZ" in row and 'role="alert"' in row
    assert '<option selected value="lower">' in row


def test_a_department_sending_only_confirmations_is_told_plainly_what_is_sent(demo):
    report, login = demo
    client = login("syt.lanhdao")
    page = _text(client.get(f"/reports/{report.id}/figures/mine"))
    before = int(re.search(r"Số liệu cần rà soát \((\d+)\)", page).group(1))
    for name in ("Số bác sĩ", "Tỷ lệ dân số tham gia bảo hiểm y tế"):
        found = indicator(report, name)
        client.post(f"/indicators/{found.id}/confirm", data={"source": "Sở Y tế"})
    page = _text(client.get(f"/reports/{report.id}/figures/mine"))
    assert f"Số liệu cần rà soát ({before - 2})" in page  # what is still unchecked
    round_ = open_round(report)
    respond = _text(client.get(f"/rounds/{round_.id}/respond"))
    assert "Nội dung sẽ được gửi" in respond
    assert "chỉ gửi xác nhận 2 chỉ tiêu của đơn vị" in respond
    assert "Các bản nháp sẽ được gửi (0)" not in respond
    assert "chưa có bản nháp nào" not in respond
    sent = client.post(
        f"/rounds/{round_.id}/respond",
        data={"no_comments": "1", "confirm": "y"},
        follow_redirects=True,
    )
    assert "kèm 2 chỉ tiêu đã xác nhận" in _text(sent)


def test_a_target_proposal_is_labelled_a_proposal_and_its_adoption_is_in_the_history(demo):
    report, login = demo
    goal = _target(report, "GRDP bình quân đầu người")
    client = login("ctk.canbo")
    client.post(
        f"/indicators/{goal.id}/propose", data={"target": "trên 9.500", "rationale": "Dự báo."}
    )
    client.post(f"/indicators/{indicator(report, PER_CAPITA).id}/confirm", data={"source": "CTK"})
    client = login("ctk.lanhdao")
    round_ = open_round(report)
    sent = client.post(
        f"/rounds/{round_.id}/respond",
        data={"submit_feedback": "1", "confirm": "y"},
        follow_redirects=True,
    )
    assert "0 ý kiến, 1 đề xuất sửa đổi, 1 chỉ tiêu đã xác nhận" in _text(sent)
    client = login("tosoanthao")
    listing = _text(client.get(f"/reports/{report.id}/figures"))
    header = listing[listing.index("<thead>", listing.index('class="grid figures"')) :]
    header = header[: header.index("</thead>")]
    assert "<th>Đơn vị</th>" in header and "<th>Đề xuất</th>" in header
    row = listing[listing.index(f'id="i{goal.id}"') :]
    row = row[: row.index("</tr>")]
    assert "đã đề xuất, chờ quyết định" in row and "đề nghị sửa" not in row
    check = queries.proposals(goal, user("tosoanthao"))[0]
    client.post(
        f"/suggestions/{check.suggestion.id}/accept",
        data={"expected_version": goal.table.section.current_version},
    )
    page = _text(client.get(f"/indicators/{goal.id}"))
    history = page[page.index("<thead><tr><th>Thời gian") :]
    decision = history[history.index("<th>Quyết định</th>") :]
    assert "Phạm Thu Hà" in decision[decision.index("<tbody>") :]
