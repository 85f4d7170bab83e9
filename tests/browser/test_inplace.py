"""Read, comment and suggest where the text is (issue 13, items 3 and 4), in a real
browser on the demo data: the in-place editor, its live tracked changes, comments on a
selected passage with their highlights, and the pages without JavaScript."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from feedback import markup, textdiff
from feedback.richtext.blocks import canonical, parse, rendering_signature
from feedback.richtext.diff import diff as structured_diff
from feedback.richtext.editordoc import editor_doc
from feedback.richtext.model import ListItem, Table
from feedback.richtext.offsets import text_map

from .conftest import login, logout
from .helpers import LiveApi, select_phrase, type_at_end, type_over

APPENDIX = (
    "Diện tích rừng trồng mới đạt **12.500 ha**, theo [báo cáo của Sở Nông nghiệp]"
    "(https://snn.example.gov.vn/bao-cao-2020) năm 2020.\n\n"
    "| STT | Chỉ tiêu | Kế hoạch | Thực hiện |\n"
    "| ---: | --- | ---: | ---: |\n"
    "| 1 | Tỷ lệ che phủ rừng (%) | 54 | 54,6 |\n"
    "| 2 | Tỷ lệ chất thải rắn đô thị được xử lý (%) | 95 | 96,3 |\n\n"
    "- Hoàn thành di dời các cơ sở gây ô nhiễm ra khỏi khu dân cư.\n"
    "- Xây dựng hệ thống quan trắc môi trường tự động."
)
EDITOR = "#inplace-suggest .rich-editor"
MARKED = " (đã rà soát)"


@pytest.fixture(scope="module")
def appendix(live_server) -> dict:
    """A section with bold text, a link, a table and a list, added by the drafting team."""
    status, section = LiveApi(live_server).call(
        "tosoanthao",
        "POST",
        "/reports/1/sections",
        {"heading": "Phụ lục: số liệu tài nguyên và môi trường", "text": APPENDIX},
    )
    assert status == 201, section
    return section


def _start_suggesting(page, section_id: int) -> None:
    page.goto(f"/sections/{section_id}")
    page.get_by_role("link", name="Đề xuất sửa đổi").click()
    expect(page.locator(f"{EDITOR} .ProseMirror")).to_be_visible()
    expect(page.locator("#section-text")).to_be_hidden()


def _save_suggestion(page) -> int:
    page.click("#inplace-suggest button[name=save]")
    expect(page.locator(".flash-success")).to_be_visible()
    return int(re.search(r"/suggestions/(\d+)", page.url).group(1))


# Reading back ---------------------------------------------------------------------------

MOUNT = """(doc) => {
  const island = document.createElement("script");
  island.type = "application/json";
  island.id = "roundtrip-doc";
  island.textContent = doc;
  const field = document.createElement("textarea");
  field.dataset.doc = island.id;
  document.body.append(island, field);
  const editor = window.feedbackEditor.mount(field);
  const result = [editor.markdown(), editor.markdown(true)];
  editor.destroy();
  island.remove();
  field.remove();
  return result;
}"""


def test_every_demo_section_reads_back_from_the_editor_and_the_page(page, live_server, appendix):
    """Every section of the demo, and the appendix with bold text and a link."""
    _status, report = LiveApi(live_server).call("tosoanthao", "GET", "/reports/1")
    sections = [s for s in report["sections"] if s["text"]]
    assert appendix["id"] in {s["id"] for s in sections}
    login(page, "tosoanthao")
    page.goto(f"/sections/{sections[0]['id']}/edit")
    expect(page.locator(".rich-editor .ProseMirror")).to_be_visible()
    for section in sections:
        kept, fresh = page.evaluate(MOUNT, json.dumps(editor_doc(section["text"])))
        # Untouched: the stored text again. Every block written anew: it reads the same
        # (no change in the structured diff, which counts a word made bold as a change).
        assert canonical(kept) == section["text"], section["heading"]
        assert not structured_diff(section["text"], canonical(fresh)).changed, fresh
        assert rendering_signature(canonical(fresh)) == rendering_signature(section["text"])
    # What the report page shows of each section is the text the offset map reads.
    page.goto("/reports/1")
    for section in sections:
        shown = page.evaluate(
            "(id) => document.getElementById(`text-s${id}`).textContent", section["id"]
        )
        assert shown == text_map(section["text"], markup.render).rendered, section["heading"]


def _edits_of(text: str) -> tuple[bool, bool]:
    blocks = parse(text).blocks
    return any(isinstance(b, Table) for b in blocks), any(isinstance(b, ListItem) for b in blocks)


def test_one_cell_or_list_item_changed_in_the_editor_is_all_the_diff_touches(page, live_server):
    api = LiveApi(live_server)
    _status, report = api.call("tosoanthao", "GET", "/reports/1")
    demo = [s for s in report["sections"] if not s["heading"].startswith("Phụ lục")]
    edited = [(s, *_edits_of(s["text"])) for s in demo if any(_edits_of(s["text"]))]
    assert len(edited) >= 4  # the targets table and the lists of the demo report
    login(page, "sgddt.canbo")
    for section, has_table, has_list in edited:
        _start_suggesting(page, section["id"])
        expected = []
        if has_table:
            cell = page.locator(f"{EDITOR} tr").nth(1).locator("td").last
            expected.append(cell.inner_text().strip())
            type_at_end(page, cell.locator("p"), MARKED)
        if has_list:
            item = page.locator(f"{EDITOR} li > p").first
            expected.append(item.inner_text().strip())
            type_at_end(page, item, MARKED)
        suggestion_id = _save_suggestion(page)
        _status, suggestion = api.call("sgddt.canbo", "GET", f"/suggestions/{suggestion_id}")
        base, text = section["text"], suggestion["text"]
        # One line per edit changed (a row of the table, an item of the list), and in it
        # only the words typed at the end of that cell or item.
        before, after = base.split("\n"), text.split("\n")
        assert len(before) == len(after), section["heading"]
        changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
        assert len(changed) == len(expected), section["heading"]
        for (old, new), words in zip(changed, expected, strict=True):
            assert new.replace(words + MARKED, words, 1) == old
        ops = [op for op in textdiff.diff_words(base, text) if op[0] != textdiff.EQUAL]
        assert all(kind == textdiff.INSERT for kind, _ in ops)
        assert "".join(t for _, t in ops).split() == MARKED.split() * len(expected)


# Comment where you read -------------------------------------------------------------------


def test_select_on_the_report_page_comment_and_see_it_highlighted(page, live_server, appendix):
    api = LiveApi(live_server)
    login(page, "stnmt.canbo")
    page.goto("/reports/1")
    root = f"#text-s{appendix['id']}"
    select_phrase(page, root, "12.500 ha, theo báo cáo")  # bold, then a link's text
    bar = page.locator("#passage-bar")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("12.500 ha, theo báo cáo")
    page.shots("selection", full_page=False)
    bar.get_by_role("button", name="Góp ý đoạn này").click()
    dialog = page.locator("#passage-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("blockquote")).to_contain_text("12.500 ha, theo báo cáo")
    dialog.locator("select[name=kind]").select_option("figures")
    dialog.locator("textarea[name=body]").fill(
        "Đề nghị ghi rõ diện tích rừng trồng mới theo từng năm của giai đoạn."
    )
    dialog.get_by_role("button", name="Thêm ý kiến").click()
    page.wait_for_url(re.compile(r"/reports/1#c\d+$"))
    comment_id = int(page.url.rsplit("#c", 1)[1])

    # Anchored in the stored Markdown: the bold and the link's opening bracket are in it.
    _status, feedback = api.call("stnmt.canbo", "GET", f"/sections/{appendix['id']}/feedback")
    comment = next(c for c in feedback["comments"] if c["id"] == comment_id)
    assert comment["quote"] == "**12.500 ha**, theo [báo cáo"
    anchor = comment["anchor"]
    assert APPENDIX[anchor["start"] : anchor["end"]] == comment["quote"]

    # Highlighted in the text, the comment beside it; each leads to the other.
    marks = page.locator(f"{root} mark.anchor[data-note='c{comment_id}']")
    expect(marks.first).to_be_visible()
    assert "".join(marks.all_text_contents()) == "12.500 ha, theo báo cáo"
    note = page.locator(f"aside.margin #c{comment_id}")
    expect(note).to_contain_text("Đề nghị ghi rõ diện tích rừng trồng mới")
    page.mouse.click(0, 0)
    marks.first.click()
    expect(note).to_have_class(re.compile(r"\blit\b"))
    expect(note).to_be_in_viewport()
    page.shots("highlighted", full_page=False)
    note.locator("header").click()
    expect(marks.first).to_have_class(re.compile(r"\blit\b"))


def test_select_table_cells_on_the_section_page_and_comment(page, live_server):
    api = LiveApi(live_server)
    targets = api.section("Kết quả thực hiện các chỉ tiêu chủ yếu")
    login(page, "stnmt.canbo")
    page.goto(f"/sections/{targets['id']}")
    select_phrase(page, "#section-text", "250\n286")  # two cells of row 6
    page.locator("#passage-bar").get_by_role("button").click()
    page.locator("#passage-dialog textarea[name=body]").fill(
        "Tổng vốn đầu tư vượt mục tiêu cần nêu rõ cơ cấu nguồn vốn."
    )
    page.locator("#passage-dialog").get_by_role("button", name="Thêm ý kiến").click()
    page.wait_for_url(re.compile(rf"/sections/{targets['id']}\?c=\d+#c\d+$"))
    comment_id = int(page.url.rsplit("#c", 1)[1])
    card = page.locator(f"#c{comment_id}")
    expect(card.locator("blockquote.quote")).to_have_text("“250 286”")
    marks = page.locator(f"#section-text mark.anchor[data-note='c{comment_id}']")
    expect(marks).to_have_count(2)  # one in each cell, the table intact
    assert marks.all_text_contents() == ["250", "286"]
    _status, feedback = api.call("stnmt.canbo", "GET", f"/sections/{targets['id']}/feedback")
    stored = next(c for c in feedback["comments"] if c["id"] == comment_id)
    assert stored["quote"] == "250 | 286"


# Suggest in place ---------------------------------------------------------------------------


def test_suggest_in_place_and_the_drafting_team_accepts_with_edits(page, live_server, appendix):
    api = LiveApi(live_server)
    login(page, "stnmt.canbo")
    _start_suggesting(page, appendix["id"])
    changes = page.locator("#inplace-changes")

    type_over(page, EDITOR, "54,6", "54,9")  # a table cell
    expect(changes.locator("td ins")).to_have_text("54,9")
    page.locator(f"{EDITOR} .tool-undo").click()
    expect(page.locator(f"{EDITOR} td", has_text="54,6")).to_be_visible()
    page.locator(f"{EDITOR} .tool-redo").click()
    expect(page.locator(f"{EDITOR} td", has_text="54,9")).to_be_visible()
    type_over(page, EDITOR, "tự động", "tự động tại các khu công nghiệp")  # a list item
    type_at_end(page, page.locator(f"{EDITOR} li > p").last, "")
    page.keyboard.press("Enter")
    page.keyboard.type("Kiểm soát chặt chẽ nguồn thải của các cơ sở khai thác than.")  # a new item

    # The tracked changes, live: inside the cell, inside the items; no Markdown shown.
    expect(changes.locator("td del")).to_have_text("54,6")
    expect(changes.locator("td ins")).to_have_text("54,9")
    expect(changes.locator("li ins").first).to_contain_text("tại các khu công nghiệp")
    expect(changes.locator("li.block-added")).to_contain_text("nguồn thải")
    visible = changes.inner_text()
    assert "|" not in visible and "**" not in visible and "12.500 ha" in visible
    # Leaving now would lose the edits: the page asks first.
    assert page.evaluate(
        "() => !window.dispatchEvent(new Event('beforeunload', {cancelable: true}))"
    )
    page.fill("#inplace-suggest textarea[name=rationale]", "Cập nhật theo kết quả kiểm kê rừng.")
    expect(page.get_by_role("link", name="Đề xuất sửa đổi")).to_be_hidden()
    page.evaluate("window.scrollTo(0, 0)")
    page.shots("editor")
    live = changes.inner_html()
    suggestion_id = _save_suggestion(page)
    diff = page.locator(".diff").first
    expect(diff.locator("td del")).to_have_text("54,6")
    assert diff.inner_html() == live  # saved as it was previewed
    status, _body = api.call("stnmt.lanhdao", "POST", "/rounds/1/response", {})
    assert status == 201
    logout(page)

    login(page, "tosoanthao2")
    page.goto(f"/suggestions/{suggestion_id}")
    diff = page.locator(".diff").first
    assert diff.inner_html() == live  # the drafting team reads what the department saw
    cell = diff.locator("td", has=page.locator("ins"))
    expect(cell.locator("del")).to_have_text("54,6")
    expect(cell.locator("ins")).to_have_text("54,9")
    page.locator("details.acceptedits summary").click()
    accept_editor = "form.acceptform .rich-editor"
    type_over(page, accept_editor, "54,9", "54,8")
    expect(page.locator("#accept-changes td ins")).to_have_text("54,8")
    page.locator("details.acceptedits").scroll_into_view_if_needed()
    page.shots("accept-with-edits", full_page=False)
    page.click("form.acceptform button[type=submit]")
    expect(page.locator(".flash-success")).to_be_visible()
    _status, decided = api.call("tosoanthao2", "GET", f"/suggestions/{suggestion_id}")
    assert decided["status"] == "accepted" and decided["accepted_with_edits"] is True
    _status, section = api.call("tosoanthao2", "GET", f"/sections/{appendix['id']}")
    assert "| 1 | Tỷ lệ che phủ rừng (%) | 54 | 54,8 |" in section["text"]
    assert (
        "- Xây dựng hệ thống quan trắc môi trường tự động tại các khu công nghiệp."
        in (section["text"])
    )
    assert "- Kiểm soát chặt chẽ nguồn thải của các cơ sở khai thác than." in section["text"]


def test_cancelling_asks_before_dropping_the_edits(page, live_server):
    api = LiveApi(live_server)
    economy = api.section("Phát triển kinh tế, chuyển dịch cơ cấu kinh tế")
    login(page, "sgddt.canbo")
    _start_suggesting(page, economy["id"])
    type_over(page, EDITOR, "11,2%/năm", "11,5%/năm")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#inplace-suggest button[data-cancel]")
    expect(page.locator(f"{EDITOR} .ProseMirror")).to_contain_text("11,5%/năm")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#inplace-suggest button[data-cancel]")
    expect(page.locator("#section-text")).to_be_visible()
    expect(page.locator("#section-text")).to_contain_text("11,2%/năm")
    expect(page.locator("#inplace-suggest")).to_be_hidden()


# Without JavaScript -----------------------------------------------------------------------------


def test_without_javascript_the_plain_forms_still_work(page_without_javascript, live_server):
    page = page_without_javascript
    api = LiveApi(live_server)
    social = api.section("Văn hóa, xã hội, y tế, giáo dục")
    login(page, "sgddt.canbo")
    page.goto(f"/sections/{social['id']}")
    page.get_by_role("link", name="Đề xuất sửa đổi").click()
    page.wait_for_url(f"**/sections/{social['id']}/suggest")
    text = page.locator("textarea[name=text]")
    expect(text).to_be_visible()
    text.fill(text.input_value().replace("giảm còn 0,16%", "giảm còn 0,15%"))
    page.click("input[name=save], button[name=save]")
    expect(page.locator(".diff ins").first).to_have_text("0,15")

    page.goto(f"/sections/{social['id']}")
    page.fill("#comment-form textarea[name=quote]", "mạng lưới y tế cơ sở được củng cố")
    page.fill("#comment-form textarea[name=body]", "Đề nghị bổ sung số trạm y tế đạt chuẩn.")
    page.click("#comment-form button[type=submit]")
    card = page.locator("article.comment", has_text="Đề nghị bổ sung số trạm y tế đạt chuẩn.")
    expect(card.locator("blockquote.quote")).to_contain_text("mạng lưới y tế cơ sở được củng cố")
    page.shots("no-javascript")
    logout(page)

    login(page, "tosoanthao")
    page.goto(f"/sections/{social['id']}/edit")
    expect(page.locator("textarea[name=text]")).to_be_visible()
