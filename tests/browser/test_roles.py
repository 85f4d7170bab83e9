"""Each role does its whole job in a real browser on the demo data."""

import io
import re
from pathlib import Path

import docx
from playwright.sync_api import expect

from .conftest import login, logout
from .helpers import LiveApi, type_over

ECONOMY = "Phát triển kinh tế, chuyển dịch cơ cấu kinh tế"
INVEST = "Huy động nguồn lực đầu tư, phát triển kết cấu hạ tầng"
SOCIAL = "Văn hóa, xã hội, y tế, giáo dục"


def _open_section(page, heading: str) -> None:
    page.goto("/reports/1")
    page.locator("nav.toc a", has_text=heading).first.click()
    page.locator("article.document").get_by_role(
        "link", name=re.compile(re.escape(heading))
    ).first.click()
    expect(page.locator("h1")).to_contain_text(heading)


def test_department_reviewer_drafts_and_the_lead_submits(page):
    login(page, "sgtvt.canbo")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    _open_section(page, INVEST)
    page.shots("section")
    # Select a passage in the text: the comment form picks it up as the quote.
    page.evaluate("""() => {
        const p = document.querySelector('#section-text p');
        const text = p.firstChild;
        const start = text.textContent.indexOf('Tổng vốn đầu tư toàn xã hội');
        const range = document.createRange();
        range.setStart(text, start);
        range.setEnd(text, start + 'Tổng vốn đầu tư toàn xã hội'.length);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }""")
    expect(page.locator("#comment-form textarea[name=quote]")).to_have_value(
        "Tổng vốn đầu tư toàn xã hội"
    )
    page.fill("#comment-form textarea[name=body]", "Đề nghị bổ sung cơ cấu vốn đầu tư theo nguồn.")
    page.select_option("#comment-form select[name=kind]", "figures")
    page.click("#comment-form button[type=submit]")
    comment = page.locator(
        "article.comment", has_text="Đề nghị bổ sung cơ cấu vốn đầu tư theo nguồn."
    )
    expect(comment).to_be_visible()
    expect(comment.locator("blockquote.quote")).to_contain_text("Tổng vốn đầu tư toàn xã hội")
    expect(comment.locator(".badge.warn")).to_be_visible()  # a draft, only the department sees it

    # "Đề xuất sửa đổi": the text becomes an editor in suggesting mode, in place.
    page.get_by_role("link", name="Đề xuất sửa đổi").click()
    editor = "#inplace-suggest .rich-editor"
    type_over(page, editor, "286 nghìn tỷ đồng", "286,4 nghìn tỷ đồng")
    page.fill(
        "#inplace-suggest textarea[name=rationale]",
        "Theo số liệu quyết toán của Sở Giao thông vận tải.",
    )
    expect(page.locator("#inplace-changes ins")).to_contain_text(",4")
    page.shots("suggestion-preview")
    page.click("#inplace-suggest button[name=save]")
    # A figure is one unit of the tracked changes: the whole number is replaced.
    expect(page.locator(".diff ins").first).to_have_text("286,4")
    expect(page.locator(".diff del").first).to_have_text("286")
    logout(page)

    login(page, "sgtvt.lanhdao")
    page.goto("/reports/1")
    page.locator(".roundbanner a[href*='/respond']").click()
    expect(page.locator("main")).to_contain_text("Đề nghị bổ sung cơ cấu vốn đầu tư")
    page.fill("input[name=dispatch_number]", "1502/SGTVT-KHTC")
    page.fill("input[name=dispatch_date]", "10/12/2019")
    page.check("input[name=confirm]")
    page.shots("respond")
    page.click("input[name=submit_feedback], button[name=submit_feedback]")
    row = page.locator("table.responses tr", has_text="Sở Giao thông vận tải")
    expect(row).to_contain_text("1502/SGTVT-KHTC")
    page.shots("round-status")


def test_drafting_team_accepts_rejects_and_merges(page, live_server):
    api = LiveApi(live_server)
    social = api.section(SOCIAL)
    economy = api.section(ECONOMY)
    # Four departments' suggestions on one section: SNN's (a new paragraph) and SYT's (a
    # figure) touch different places and merge in turn; SLDTBXH's changes the same figure
    # as SYT's and reaches the merge page; SGTVT's is rejected.
    _status, rejected = api.call(
        "sgtvt.canbo",
        "POST",
        f"/sections/{social['id']}/suggestions",
        {
            "base_version": social["version"],
            "rationale": "Bổ sung số liệu giao thông.",
            "text": social["text"] + "\n\nTỷ lệ đường giao thông nông thôn được cứng hóa đạt 95%.",
        },
    )
    _status, appended = api.call(
        "snn.canbo",
        "POST",
        f"/sections/{social['id']}/suggestions",
        {
            "base_version": social["version"],
            "rationale": "Bổ sung số liệu nông thôn mới.",
            "text": social["text"] + "\n\nTỷ lệ xã đạt chuẩn nông thôn mới nâng cao đạt 30%.",
        },
    )
    sentence = "tỷ lệ dân số tham gia bảo hiểm y tế đạt 97,1%"
    _status, first = api.call(
        "syt.canbo",
        "POST",
        f"/sections/{social['id']}/suggestions",
        {
            "base_version": social["version"],
            "text": social["text"].replace(
                sentence, "tỷ lệ dân số tham gia bảo hiểm y tế đạt 97,3%"
            ),
        },
    )
    _status, clash = api.call(
        "sldtbxh.canbo",
        "POST",
        f"/sections/{social['id']}/suggestions",
        {
            "base_version": social["version"],
            "text": social["text"].replace(
                sentence, "tỷ lệ dân số tham gia bảo hiểm y tế đạt 97,5%"
            ),
        },
    )
    for lead in ("sgtvt.lanhdao", "snn.lanhdao", "syt.lanhdao", "sldtbxh.lanhdao"):
        status, _body = api.call(lead, "POST", "/rounds/1/response", {})
        assert status == 201

    login(page, "tosoanthao")
    page.goto("/reports/1/review")
    page.shots("queue")
    # The demo's STC suggestion: tracked diff visible, accept.
    stc = page.locator("table.grid tr", has_text="STC").locator("a").first
    stc.click()
    expect(page.locator(".diff ins").first).to_contain_text("8,5%/năm")  # the tracked change
    page.shots("suggestion")
    page.click("form.acceptform button[type=submit]")
    expect(page.locator(".flash-success")).to_be_visible()
    status, body = api.call("tosoanthao", "GET", f"/sections/{economy['id']}")
    assert "8,5%/năm" in body["text"]

    page.goto(f"/suggestions/{appended['id']}")
    page.click("form.acceptform button[type=submit]")
    expect(page.locator(".flash-success")).to_be_visible()

    page.goto(f"/suggestions/{rejected['id']}")
    page.fill(
        "form.rejectform textarea[name=reason]",
        "Số liệu nông thôn mới nâng cao chưa được thẩm định.",
    )
    page.click("form.rejectform button[type=submit]")
    expect(page.locator(".flash-success")).to_be_visible()

    page.goto(f"/suggestions/{first['id']}")
    page.click("form.acceptform button[type=submit]")
    expect(page.locator(".flash-success")).to_be_visible()
    # SYT's suggestion was made on the version before SNN's was accepted: rebased, both kept.
    _status, merged_text = api.call("tosoanthao", "GET", f"/sections/{social['id']}")
    assert "nông thôn mới nâng cao đạt 30%" in merged_text["text"]
    assert "bảo hiểm y tế đạt 97,3%" in merged_text["text"]
    assert merged_text["version"] == social["version"] + 2
    page.goto(f"/suggestions/{clash['id']}")
    page.locator(f"a[href$='/suggestions/{clash['id']}/merge']").click()
    expect(page.locator("mark.clash").first).to_be_visible()
    page.shots("merge")
    type_over(
        page,
        "form[action$='/accept'] .rich-editor",
        "đạt 97,3%",
        "đạt 97,3% (bao phủ gần như toàn dân)",
    )
    page.fill("input[name=note]", "Kết hợp ý kiến Sở Y tế và Sở LĐ-TB&XH.")
    page.click("form[action$='/accept'] button[type=submit]")
    expect(page.locator(".flash-success")).to_be_visible()
    _status, history = api.call("tosoanthao", "GET", f"/sections/{social['id']}/versions")
    assert history[0]["kind"] == "accept" and f"#{clash['id']}" in history[0]["reason"]
    _status, decided = api.call("sldtbxh.canbo", "GET", f"/suggestions/{clash['id']}")
    assert decided["status"] == "accepted" and decided["accepted_with_edits"] is True


def test_chair_follows_outstanding_approves_and_downloads(page, live_server):
    login(page, "chutich")
    page.goto("/reports/1/dashboard")
    expect(page.locator("svg.chart").first).to_be_visible()
    page.shots("dashboard")
    item = page.locator("ul.outstanding-list a").first
    href = item.get_attribute("href")
    item.click()
    page.wait_for_url(re.compile(re.escape(href.split("#")[0])))
    page.shots("outstanding-item")

    page.goto("/reports/1/editions/1")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("a[href$='/editions/1/approve']")
    # The confirmation page says what argues for waiting: the demo's round is open.
    expect(page.locator("ul.warnings li[data-code=round_open]")).to_be_visible()
    page.shots("approve-confirmation")
    page.click("form[action$='/approve'] button")
    expect(page.locator(".flash-success")).to_be_visible()
    page.click("form[action$='/submit'] button")
    expect(page.locator(".flash-success")).to_be_visible()
    page.shots("edition")
    with page.expect_download() as download:
        page.click("a[href$='/export.docx']")
    path = download.value.path()
    document = docx.Document(io.BytesIO(Path(path).read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "ĐÁNH GIÁ TÌNH HÌNH" in text
    assert any(
        "Không đạt" in cell.text
        for table in document.tables
        for row in table.rows
        for cell in row.cells
    )


def test_admin_manages_departments_and_users(page):
    login(page, "quantri")
    page.goto("/admin/departments")
    page.fill("input[name=code]", "SNV")
    page.fill("input[name=name]", "Sở Nội vụ")
    page.click("form button.primary")
    expect(page.locator("table.grid")).to_contain_text("Sở Nội vụ")
    page.goto("/admin/users")
    page.fill("input[name=username]", "snv.lanhdao")
    page.fill("input[name=name]", "Trần Thị Hoa")
    page.select_option("select[name=role]", "lead")
    page.select_option("select[name=department]", label="SNV – Sở Nội vụ")
    page.fill("input[name=password]", "Mật khẩu đủ dài 2025")
    page.click("form button.primary")
    expect(page.locator("table.grid")).to_contain_text("snv.lanhdao")
    page.shots("users")
    # The new lead must choose their own password first, then sees their sessions.
    logout(page)
    page.goto("/login")
    page.fill("input[name=username]", "snv.lanhdao")
    page.fill("input[name=password]", "Mật khẩu đủ dài 2025")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/account/password")
    page.goto("/")
    page.wait_for_url("**/account/password")
    page.fill("input[name=current]", "Mật khẩu đủ dài 2025")
    page.fill("input[name=new]", "Hoa phượng đỏ sân trường")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/")
    page.goto("/account")
    expect(page.locator("#sessions")).to_contain_text("trình duyệt này")
    page.shots("account")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("text=Đăng xuất khỏi mọi nơi")
    page.wait_for_url("**/login")
