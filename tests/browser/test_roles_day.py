"""What each role used to trip over, tried in a real browser on the demo data: the
restore click, the chair told of an escalation and answering it where it is read."""

import re

from playwright.sync_api import expect

from .conftest import login, logout
from .helpers import LiveApi

ECONOMY = "Phát triển kinh tế, chuyển dịch cơ cấu kinh tế"
LESSONS = "Bài học kinh nghiệm"


def test_restore_makes_the_older_version_current_again(page, live_server):
    api = LiveApi(live_server)
    section = api.section(LESSONS)
    status, _saved = api.call(
        "tosoanthao",
        "PUT",
        f"/sections/{section['id']}",
        {
            "text": section["text"] + "\n\nĐoạn bổ sung sẽ được hoàn tác.",
            "base_version": section["version"],
        },
    )
    assert status == 200

    login(page, "tosoanthao")
    page.goto(f"/sections/{section['id']}/history")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click(f"button[form=restore-{section['version']}]")
    expect(page.locator(".flash-success")).to_be_visible()
    # The form's token went in the request body, not into the address bar and access log.
    assert "csrf_token" not in page.url
    _status, now = api.call("tosoanthao", "GET", f"/sections/{section['id']}")
    assert now["version"] == section["version"] + 2
    assert now["text"] == section["text"]


def test_the_chair_is_told_of_an_escalation_answers_it_in_place_and_is_credited(page, live_server):
    api = LiveApi(live_server)
    economy = api.section(ECONOMY)
    _status, feedback = api.call("tosoanthao", "GET", f"/sections/{economy['id']}/feedback")
    comment = next(c for c in feedback["comments"] if "Tổng cục Thống kê" in c["body"])

    login(page, "tosoanthao")
    page.goto(f"/sections/{economy['id']}#c{comment['id']}")
    card = page.locator(f"#c{comment['id']}")
    card.locator("details.resolveform summary").click()
    card.locator("select[name=disposition]").select_option("escalated")
    card.locator("textarea[name=response]").fill("Xin ý kiến Chủ tịch về số liệu GRDP.")
    card.locator("details.resolveform button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    logout(page)

    login(page, "chutich")
    page.click("header a[href='/notifications']")
    notice = page.locator("ul.cards li a", has_text=f"#{comment['id']}").first
    expect(notice).to_be_visible()
    page.shots("chair-notification")
    notice.click()
    page.wait_for_url(
        re.compile(rf"/sections/{economy['id']}\?c={comment['id']}#c{comment['id']}$")
    )
    card = page.locator(f"#c{comment['id']}")
    form = card.locator("details.resolveform")
    expect(form).to_have_attribute("open", "")  # the chair's answer form is already open
    form.locator("select[name=disposition]").select_option("absorbed")
    form.locator("textarea[name=response]").fill("Tiếp thu, thống nhất số liệu 10,6%/năm.")
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    page.shots("chair-answered")
    logout(page)

    login(page, "ctk.canbo")
    page.goto(f"/sections/{economy['id']}")
    card = page.locator(f"#c{comment['id']}")
    expect(card).to_contain_text("Chủ tịch: Tiếp thu, thống nhất số liệu 10,6%/năm.")
    expect(card).to_contain_text("Xin ý kiến Chủ tịch về số liệu GRDP.")  # the team's note kept
