"""What a person sees, whatever their browser: dates day first in an English-locale
browser, a phone's width, and axe-core on the main page of every role (issue 12)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from playwright.sync_api import expect

from .conftest import login, logout
from .helpers import LiveApi

AXE = Path(__file__).parent / "axe" / "axe.min.js"
AXE_URL = "/__tests__/axe.min.js"
PHONE = {"width": 390, "height": 844}


def _new_report(api: LiveApi, title: str) -> int:
    status, report = api.call(
        "tosoanthao",
        "POST",
        "/reports",
        {
            "title": title,
            "markdown": "# I. Tình hình chung\n\nTăng trưởng kinh tế ước đạt 7,2%.\n\n"
            "# II. Nhiệm vụ năm tới\n\nTiếp tục cải thiện môi trường đầu tư.",
        },
    )
    assert status == 201, report
    return report["id"]


def test_dates_are_typed_and_shown_day_first_in_an_english_browser(new_page, live_server):
    api = LiveApi(live_server)
    rid = _new_report(api, "Báo cáo kiểm tra ngày tháng")
    year = date.today().year + 1
    page = new_page(locale="en-US", timezone_id="America/New_York")
    login(page, "tosoanthao")
    page.goto(f"/reports/{rid}/rounds/new")
    # Not yet a numbered draft: the page says the round issues it.
    expect(page.locator("#opening-draft")).to_contain_text("dự thảo lần 1")
    deadline = page.locator("input[name=deadline]")
    expect(deadline).to_have_attribute("placeholder", "dd/mm/yyyy hh:mm")
    expect(deadline).to_have_value(re.compile(r"^\d\d/\d\d/\d{4} 17:00$"))
    # Nothing is ticked until someone ticks it; "all departments" ticks every box.
    expect(page.locator(".checklist input:checked")).to_have_count(0)
    page.locator(".selectall input").check()
    expect(page.locator(".checklist input:not(:checked)")).to_have_count(0)
    # The calendar button opens the browser's calendar; the day picked is written back day
    # first, and the time typed is kept.
    deadline.fill(f"01/12/{year} 16:30")
    page.locator(".datepicker-button").click()
    page.keyboard.press("Escape")
    page.locator(".datepicker-native").evaluate(
        f"""(input) => {{ input.value = "{year}-12-04";
            input.dispatchEvent(new Event("change", {{bubbles: true}})); }}"""
    )
    expect(deadline).to_have_value(f"04/12/{year} 16:30")
    deadline.fill(f"05/12/{year} 17:00")
    page.shots("round-form-en-US")
    page.click("main form button.primary")
    expect(page.locator(".flash-success")).to_contain_text("dự thảo lần 1")
    expect(page.locator("main")).to_contain_text(f"05/12/{year} 17:00")
    round_id = int(page.url.rsplit("/", 1)[1])
    _status, round_ = api.call("tosoanthao", "GET", f"/rounds/{round_id}")
    assert round_["deadline"] == f"{year}-12-05T10:00:00+00:00"  # 17:00 in Hà Nội
    assert round_["edition"] == 1 and len(round_["departments"]) >= 10
    logout(page)

    login(page, "sgddt.lanhdao")
    page.goto(f"/rounds/{round_id}/respond")
    page.fill("input[name=dispatch_number]", "77/SGDĐT-KHTC")
    page.fill("input[name=dispatch_date]", "10/12/2019")
    page.check("input[name=confirm]")
    page.click("input[name=no_comments], button[name=no_comments]")
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("table.responses")).to_contain_text("10/12/2019")
    _status, round_ = api.call("tosoanthao", "GET", f"/rounds/{round_id}")
    answer = next(r for r in round_["responses"] if r["department"]["code"] == "SGDDT")
    assert answer["dispatches"][0]["date"] == "2019-12-10"


def _rendered_font_sizes(page, selector: str) -> list[float]:
    """Font sizes of SVG text as drawn on the screen (CSS size times the SVG's scale)."""
    return page.eval_on_selector_all(
        selector,
        """(nodes) => nodes.map((n) =>
            parseFloat(getComputedStyle(n).fontSize) * n.getScreenCTM().a)""",
    )


def _page_width(page) -> int:
    """The page's width. (Not compared with innerWidth: a phone's browser widens its
    layout viewport to fit a page that overflows, so that comparison always holds.)"""
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_phone_shows_readable_charts_and_the_consolidation_table_within_the_screen(new_page):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(page, "chutich")
    page.goto("/reports/1/dashboard")
    sizes = _rendered_font_sizes(page, "svg.chart text")
    assert sizes and min(sizes) >= 11, sizes
    assert _page_width(page) <= PHONE["width"]
    page.shots("dashboard-390")
    page.goto("/reports/1/dispositions")
    expect(page.locator("table.dispositions tbody tr").first).to_be_visible()
    assert _page_width(page) <= PHONE["width"]
    page.shots("dispositions-390")


# Axe ------------------------------------------------------------------------------------

MAIN_PAGES = {
    "stc.canbo": ["/reports/1", "/sections/{section}", "/rounds/1", "/notifications"],
    "stc.lanhdao": ["/rounds/1/respond"],
    "tosoanthao": [
        "/reports/1/review",
        "/reports/1/dispositions",
        "/reports/1/editions",
        "/reports/1/rounds/new",
    ],
    "chutich": ["/reports/1/dashboard", "/reports/1/editions/1", "/audit"],
    "quantri": ["/admin/users", "/admin/departments", "/account"],
}


def _axe_problems(page) -> list[str]:
    """Serious and critical axe findings on the page, one line each."""
    page.add_script_tag(url=AXE_URL)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations
              .filter((v) => v.impact === "serious" || v.impact === "critical")
              .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}));
        }"""
    )
    return [json.dumps(v, ensure_ascii=False) for v in result]


def test_axe_finds_nothing_serious_on_the_main_page_of_every_role(new_page, live_server):
    section = LiveApi(live_server).section("Phát triển kinh tế, chuyển dịch cơ cấu kinh tế")
    problems = []
    for username, paths in MAIN_PAGES.items():
        page = new_page()
        # axe is served from the site's own origin, so the page's CSP (script-src 'self')
        # stays as it is in production while axe runs.
        page.context.route(
            f"**{AXE_URL}",
            lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"),
        )
        login(page, username)
        for path in paths:
            url = path.format(section=section["id"])
            response = page.goto(url)
            assert response.status == 200, url
            problems += [f"{username} {url}: {p}" for p in _axe_problems(page)]
        page.context.close()
    assert problems == [], "\n".join(problems)
