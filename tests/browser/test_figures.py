"""The figures (issue 15) in a real browser on the demo data: Cục Thống kê confirms two
figures and corrects one, the drafting team accepts the correction, the chair sees the
report's "11/14" become a mismatch on the dashboard until the drafting team fixes the
sentence; two departments propose different targets for one next-period indicator and
the drafting team adopts one, side by side.

These tests change the demo's figures, so this module serves its own copy of the demo
(the other browser modules keep theirs as loaded)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import login, logout, serve_demo
from .helpers import LiveApi
from .test_everyday import AXE, AXE_URL, _axe_problems

GROWTH = "Tốc độ tăng trưởng GRDP bình quân (%/năm)"
PER_CAPITA = "GRDP bình quân đầu người (USD)"
PRODUCTIVITY = "Năng suất lao động xã hội (triệu đồng/người)"
RESULTS = "Kết quả thực hiện các chỉ tiêu chủ yếu"
SHORTCOMINGS = "Hạn chế, yếu kém"
ECONOMY = "Phát triển kinh tế, chuyển dịch cơ cấu kinh tế"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    yield from serve_demo(tmp_path_factory)


def _indicators(api) -> list[dict]:
    _status, body = api.call("chutich", "GET", "/reports/1/indicators")
    return body["items"]


def _by_name(items, name, kind="results") -> dict:
    return next(i for i in items if i["name"] == name and i["table_kind"] == kind)


def _confirm(page, name: str, source: str) -> None:
    form = page.locator(f"form[aria-label='Xác nhận {name}']")
    form.locator("input[name=source]").fill(source)
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()


def _send_response(page, round_id: int, confirmations: int) -> None:
    page.goto(f"/rounds/{round_id}/respond")
    expect(page.locator("main")).to_contain_text(f"{confirmations} chỉ tiêu đã xác nhận")
    page.check("input[name=confirm]")
    page.click("[name=submit_feedback]")
    expect(page.locator(".flash-success")).to_be_visible()


def _fix_text(page, section_id: int) -> None:
    """The drafting team's edit, on the plain edit page (JavaScript off)."""
    page.goto(f"/sections/{section_id}/edit")
    text = page.locator("textarea[name=text]").input_value()
    fixed = text.replace("11/14", "10/14").replace("3/14", "4/14")
    fixed = fixed.replace("ước đạt 10,7%/năm", "ước đạt 8,9%/năm")
    if fixed == text:
        return
    page.locator("textarea[name=text]").fill(fixed)
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".flash-success")).to_be_visible()


def test_a_department_confirms_and_corrects_and_the_chair_sees_the_mismatch_go(
    page, new_page, live_server
):
    api = LiveApi(live_server)
    _status, rounds = api.call("tosoanthao", "GET", "/reports/1/rounds")
    round_id = next(r["id"] for r in rounds if r["open"])

    login(page, "ctk.canbo")
    page.click("text=Chỉ tiêu của đơn vị")
    expect(page.locator("h1")).to_have_text("Chỉ tiêu của đơn vị")
    expect(page.locator("main")).not_to_contain_text("Thu ngân sách nhà nước")
    _confirm(page, PER_CAPITA, "Cục Thống kê, số liệu ước đến 30/11")
    _confirm(page, PRODUCTIVITY, "Cục Thống kê, số liệu ước đến 30/11")
    growth = _by_name(_indicators(api), GROWTH)
    row = page.locator(f"#i{growth['id']}")
    page.locator(f"#i{growth['id']} + tr.figure-actions details summary").click()
    form = page.locator(f"form[aria-label='Sửa {GROWTH}']")
    form.locator("input[name=actual]").fill("8,9")
    form.locator("input[name=source]").fill("Cục Thống kê, số liệu chính thức")
    form.locator("textarea[name=note]").fill("Số liệu chính thức đã công bố.")
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(row.locator("del")).to_have_text("10,7")
    expect(row.locator("ins")).to_have_text("8,9")
    expect(row).to_contain_text("bản nháp")
    page.shots("department-figures")
    logout(page)

    login(page, "ctk.lanhdao")
    _send_response(page, round_id, 2)
    logout(page)

    login(page, "tosoanthao")
    page.goto(f"/indicators/{growth['id']}")
    page.locator("table a[href^='/suggestions/']").first.click()
    page.locator("form.acceptform button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    # The drafting team is told at once the text no longer matches, with a link to the list.
    told = page.locator(".flash-warning")
    expect(told).to_contain_text("Bảng chỉ tiêu nay có 10/14 chỉ tiêu đạt")
    told.locator("a").click()
    expect(page.locator("#mismatches")).to_be_visible()
    expect(page.locator("ul.mismatches")).to_contain_text("11/14")
    logout(page)

    login(page, "chutich")
    page.goto("/reports/1/dashboard")
    figures = page.locator("#figures")
    expect(figures.locator(".mismatches")).to_contain_text("11/14")
    expect(figures).to_contain_text("3/14 chỉ tiêu đã được các sở, ngành xác nhận")
    page.shots("chair-mismatch")
    # The mismatch links to the sentence's section and to the table's.
    results = api.section(RESULTS)
    expect(
        figures.locator(f".mismatches a[href='/sections/{results['id']}']").first
    ).to_be_visible()
    # The sentence's link lands on its line in the section page's notice.
    figures.locator(".mismatches li a[href*='#mismatch-']").first.click()
    expect(page.locator("li:target")).to_contain_text("11/14")
    page.goto("/reports/1/dashboard")
    figures = page.locator("#figures")
    statuses = [i["status"] for i in _indicators(api) if i["table_kind"] == "results"]
    tiles = figures.locator(".tile .big")
    assert [int(t) for t in tiles.all_inner_texts()[:4]] == [
        statuses.count("confirmed"),
        statuses.count("decided"),
        statuses.count("corrected"),
        statuses.count("unchecked"),
    ]
    logout(page)

    plain = new_page(java_script_enabled=False)
    login(plain, "tosoanthao")
    for heading in (RESULTS, SHORTCOMINGS, ECONOMY):
        _fix_text(plain, api.section(heading)["id"])

    page.goto("/login")
    login(page, "chutich")
    page.goto("/reports/1/dashboard")
    expect(page.locator("#figures")).to_be_visible()
    expect(page.locator("#figures .mismatches")).to_have_count(0)


def test_two_departments_propose_targets_and_the_drafting_team_adopts_one(page, live_server):
    api = LiveApi(live_server)
    _status, rounds = api.call("tosoanthao", "GET", "/reports/1/rounds")
    round_id = next(r["id"] for r in rounds if r["open"])
    goal = _by_name(_indicators(api), "GRDP bình quân đầu người", "targets")

    for reviewer, lead, value, reason in (
        ("ctk.canbo", "ctk.lanhdao", "trên 9.500", "Theo dự báo tăng trưởng giai đoạn tới."),
        ("stc.canbo", "stc.lanhdao", "trên 11.000", "Theo khả năng cân đối ngân sách."),
    ):
        login(page, reviewer)
        page.goto("/reports/1/figures/mine")
        page.locator(f"#i{goal['id']} + tr.figure-actions details summary").click()
        form = page.locator(f"form[aria-label='Đề xuất chỉ tiêu cho {goal['name']}']")
        form.locator("input[name=target]").fill(value)
        form.locator("textarea[name=rationale]").fill(reason)
        form.locator("button[type=submit]").click()
        expect(page.locator(".flash-success")).to_be_visible()
        expect(page.locator(f"#i{goal['id']}")).to_contain_text(value)
        logout(page)
        login(page, lead)
        page.goto(f"/rounds/{round_id}/respond")
        page.check("input[name=confirm]")
        page.click("[name=submit_feedback]")
        expect(page.locator(".flash-success")).to_be_visible()
        logout(page)

    login(page, "tosoanthao")
    page.goto(f"/indicators/{goal['id']}")
    proposals = page.locator(".proposal")
    expect(proposals).to_have_count(2)
    expect(proposals.nth(0)).to_contain_text("Cục Thống kê tỉnh")
    expect(proposals.nth(1)).to_contain_text("Sở Tài chính")
    page.shots("proposals-side-by-side")
    page.click("button:has-text('Chọn trên 11.000')")
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/indicators/{goal['id']}$"))
    expect(page.locator("dl.figure-facts")).to_contain_text("trên 11.000")
    expect(proposals.nth(0)).to_contain_text("Không được chọn: đã chọn một số liệu khác.")
    expect(page.locator("button:has-text('Chọn')")).to_have_count(0)
    page.shots("proposal-adopted")


FIGURE_PAGES = {
    "ctk.canbo": ["/reports/1/figures/mine", "/indicators/{growth}"],
    "tosoanthao": [
        "/reports/1/figures",
        "/indicators/{goal}",
        "/sections/{results}/tables/0",
    ],
    "quantri": ["/admin/indicator-keywords"],
}


def test_axe_finds_nothing_serious_on_the_figures_pages(new_page, live_server):
    api = LiveApi(live_server)
    items = _indicators(api)
    ids = {
        "growth": _by_name(items, GROWTH)["id"],
        "goal": _by_name(items, "GRDP bình quân đầu người", "targets")["id"],
        "results": api.section(RESULTS)["id"],
    }
    problems = []
    for username, paths in FIGURE_PAGES.items():
        page = new_page()
        page.context.route(
            f"**{AXE_URL}",
            lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"),
        )
        login(page, username)
        for path in paths:
            url = path.format(**ids)
            response = page.goto(url)
            assert response.status == 200, url
            problems += [f"{username} {url}: {p}" for p in _axe_problems(page)]
        page.context.close()
    assert problems == [], "\n".join(problems)


PHONE = {"width": 390, "height": 844}


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_figures_pages_fit_a_phone_and_their_tables_scroll_inside(new_page, live_server):
    api = LiveApi(live_server)
    results = api.section(RESULTS)["id"]
    for username, path in (
        ("ctk.canbo", "/reports/1/figures/mine"),
        ("tosoanthao", "/reports/1/figures"),
        ("tosoanthao", f"/sections/{results}/tables/0"),
    ):
        page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
        login(page, username)
        assert page.goto(path).status == 200
        expect(page.locator(".table-scroll table").first).to_be_visible()
        assert _page_width(page) <= PHONE["width"], path
        page.context.close()
    # The mapping's drop-downs show their whole choice within their cells.
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(page, "tosoanthao")
    page.goto(f"/sections/{results}/tables/0")
    cut = page.evaluate(
        """() => [...document.querySelectorAll("table.mapping select")].filter((s) => {
            const cell = s.closest("td").getBoundingClientRect();
            const box = s.getBoundingClientRect();
            return box.right > cell.right + 1 || s.scrollWidth > s.clientWidth + 1;
        }).length"""
    )
    assert cut == 0
