"""Word in, Word out, tried as a new user would in a real browser (issue 14): the drafter
imports a provincial report .docx, a department sends back its copy marked up in Word,
another comments in the app, the drafter accepts, and the chair reads the redline .docx
(a changed figure as a Word revision inside the targets table) and the edition .docx as
LibreOffice renders it. PNGs of those pages go to test-artifacts/documents/."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from datetime import datetime, timedelta

from lxml import etree
from playwright.sync_api import expect

from tests import docx_builder as b
from tests.documents import libreoffice
from tests.wordcopies import WordCopy

from .conftest import login, logout
from .helpers import LiveApi

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TITLE = "Báo cáo tình hình thực hiện kế hoạch phát triển kinh tế - xã hội năm 2025"
TARGETS = "Các chỉ tiêu kinh tế"
HEADER = ["STT", "Chỉ tiêu", "Đơn vị", "Kế hoạch", "Thực hiện", "Đánh giá"]
ROWS = [
    ["1", "Tốc độ tăng trưởng GRDP", "%", "10,0", "10,3", "Vượt"],
    ["2", "GRDP bình quân đầu người", "USD", "9.200", "9.350", "Vượt"],
    ["3", "Thu ngân sách nhà nước trên địa bàn", "nghìn tỷ đồng", "47,0", "48,5", "Vượt"],
    ["4", "Tổng vốn đầu tư toàn xã hội", "nghìn tỷ đồng", "120,0", "118,6", "Không đạt"],
    ["5", "Kim ngạch xuất khẩu", "triệu USD", "4.500", "4.620", "Vượt"],
    ["6", "Tỷ lệ đô thị hóa", "%", "70,0", "70,2", "Đạt"],
]
PASSAGE = "thu ngân sách vượt dự toán"


def provincial_report() -> bytes:
    """A draft as a provincial office types it: bold typed "I.", "1.", "a)" headings, the
    targets table, a bulleted list and a footnote on the source of the figures."""
    bullet = (2, 0)
    return b.build(
        b.para(text="I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CHỦ YẾU", bold=True)
        + b.para(text=f"1. {TARGETS}", bold=True)
        + b.para(
            b.run(
                "Năm 2025, kinh tế của tỉnh tiếp tục tăng trưởng khá, "
                f"{PASSAGE}, đầu tư công được đẩy mạnh"
            ),
            b.footnote_ref(1),
            b.run("."),
        )
        + b.table([[b.cell(text) for text in row] for row in [HEADER, *ROWS]], len(HEADER))
        + b.para(text="2. Các chỉ tiêu xã hội", bold=True)
        + b.para(text="Các chỉ tiêu xã hội cơ bản đạt kế hoạch:")
        + b.para(text="Tỷ lệ hộ nghèo giảm còn 0,15%;", num=bullet)
        + b.para(text="Tỷ lệ lao động qua đào tạo đạt 82%;", num=bullet)
        + b.para(text="Tỷ lệ dân số tham gia bảo hiểm y tế đạt 95,2%.", num=bullet)
        + b.para(text="a) Giáo dục và đào tạo", bold=True)
        + b.para(text="Tỷ lệ trường đạt chuẩn quốc gia đạt 88,6%.")
        + b.para(text="II. NHIỆM VỤ, GIẢI PHÁP NĂM 2026", bold=True)
        + b.para(text="Tập trung tháo gỡ khó khăn cho sản xuất, kinh doanh; đẩy mạnh giải ngân."),
        footnotes={1: "Số liệu ước thực hiện của Cục Thống kê tỉnh, tháng 11/2025."},
    )


def _download(page, link) -> bytes:
    with page.expect_download() as info:
        link.click()
    return open(info.value.path(), "rb").read()


def _import_the_draft(page, tmp_path) -> int:
    source = tmp_path / "bao-cao-KT-XH-2025.docx"
    source.write_bytes(provincial_report())
    login(page, "tosoanthao")
    page.goto("/reports/new")
    page.set_input_files("input[name=file]", str(source))
    page.click("main form button.primary")
    expect(page.locator("h1")).to_contain_text("bao-cao-KT-XH-2025.docx")
    preview = page.locator("main table.grid")
    expect(preview).to_contain_text(TARGETS)
    expect(preview).to_contain_text("— — Giáo dục và đào tạo")
    target_row = preview.locator("tr", has_text=TARGETS)
    expect(target_row.locator("td").first).to_have_text("1.")
    expect(target_row.locator("td").last).to_have_text("1")  # one table found
    page.shots("import-preview")
    page.fill("main form input[name=title]", TITLE)
    page.click("main form button.primary")
    expect(page.locator("h1")).to_contain_text(TITLE)
    rid = int(re.search(r"/reports/(\d+)", page.url).group(1))
    head = page.locator("h3.sectionhead, h4.sectionhead", has_text=TARGETS)
    expect(head.locator(".num")).to_have_text("1.")  # printed as typed, not "I.1."
    table = page.locator(".docsection .markdown table", has_text="Thu ngân sách")
    expect(table.locator("th, td").first).to_have_text("STT")
    expect(table.locator("tr")).to_have_count(len(ROWS) + 1)
    expect(page.locator(".docsection .markdown li", has_text="Tỷ lệ hộ nghèo")).to_be_visible()
    # The footnote on the figures' source reads as a note, never as Markdown.
    expect(page.locator(".docsection .markdown sup a").first).to_be_visible()
    expect(
        page.locator(".docsection .markdown", has_text="Cục Thống kê tỉnh").first
    ).to_be_visible()
    assert "[^" not in page.locator("main").inner_text()
    page.shots("imported-report")
    logout(page)
    return rid


def _mark_up(edition: bytes) -> bytes:
    word = WordCopy(edition)
    word.replace("48,5", "48,2", "Nguyễn Thị Hoa")
    first = word.comment(PASSAGE, "Nguyễn Thị Hoa", "Đề nghị ghi rõ số thu nội địa.")
    word.comment(PASSAGE, "Phạm Văn Nam", "Thống nhất, bổ sung số liệu tháng 12.", reply_to=first)
    return word.data()


def _department_a_marks_up(page, tmp_path, round_id: int) -> None:
    login(page, "stc.canbo")
    page.goto(f"/rounds/{round_id}")
    page.click("main a[href$='/editions/1']")
    edition = _download(page, page.locator("p.exports a[href$='/export.docx']"))
    marked = tmp_path / "du-thao-1-STC-gop-y.docx"
    marked.write_bytes(_mark_up(edition))
    page.goto(f"/rounds/{round_id}")
    page.click(f"a[href='/rounds/{round_id}/markup']")
    page.set_input_files("#markup-file", str(marked))
    page.click("main form button.primary")
    change = page.locator("article.draftitem .diff td ins", has_text="2")
    expect(change).to_be_visible()  # the figure, changed inside its table cell
    expect(page.locator("article.draftitem .diff td del").first).to_have_text(re.compile("5"))
    comment = page.locator("article.draftitem", has_text="Đề nghị ghi rõ số thu nội địa.")
    expect(comment.locator("blockquote")).to_contain_text(PASSAGE)
    expect(comment.locator(".reply")).to_contain_text("Thống nhất, bổ sung số liệu tháng 12.")
    page.shots("markup-preview")
    page.click("main form button.primary")
    page.wait_for_url(f"**/rounds/{round_id}/respond")
    expect(page.locator("main")).to_contain_text("Nguyễn Thị Hoa")
    expect(page.locator("main")).to_contain_text("Đề nghị ghi rõ số thu nội địa.")
    page.shots("markup-drafts")
    logout(page)


def _cell_texts(cell) -> tuple[str, str]:
    """A table cell's text as it is now, and as it was before its revisions."""
    now = "".join(
        t.text or "" for t in cell.iter(f"{W}t") if t.getparent().getparent().tag != f"{W}del"
    )
    before = "".join(
        t.text or ""
        for t in cell.iter(f"{W}t", f"{W}delText")
        if t.getparent().getparent().tag != f"{W}ins"
    )
    return now, before


def _check_redline(data: bytes) -> None:
    document = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    texts = [t.text or "" for t in document.iter(f"{W}t")]
    assert not [t for t in texts if "|" in t or "**" in t], "Markdown in the redline"
    table = next(t for t in document.iter(f"{W}tbl") if "Thu ngân sách" in "".join(t.itertext()))
    row = next(r for r in table.iter(f"{W}tr") if "Thu ngân sách" in "".join(r.itertext()))
    cell = row.findall(f"{W}tc")[HEADER.index("Thực hiện")]
    assert cell.find(f".//{W}ins") is not None and cell.find(f".//{W}del") is not None
    assert _cell_texts(cell) == ("48,2", "48,5")


def _render(tmp_path, redline: bytes, edition: bytes) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    sources = [folder / "redline.docx", folder / "edition.docx"]
    sources[0].write_bytes(redline)
    sources[1].write_bytes(edition)
    redline_pdf, edition_pdf = libreoffice.convert(sources, "pdf", tmp_path / "pdf")
    first = libreoffice.flat(libreoffice.pdf_text(edition_pdf, page=1))
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"):
        assert expected in first, expected
    assert re.search(r"Quảng Ninh, ngày \d\d tháng \d\d năm \d{4}", first), first
    assert "ỦY BAN NHÂN DÂN" in first and TITLE in first
    assert f"1. {TARGETS}" in first and "I.1." not in first  # numbered as the draft was
    for pdf in (redline_pdf, edition_pdf):  # no Markdown syntax reaches the reader
        whole = libreoffice.flat(libreoffice.pdf_text(pdf))
        assert "[^" not in whole and "|" not in whole and "**" not in whole
    pages = libreoffice.page_count(redline_pdf)
    with_table = next(
        n for n in range(1, pages + 1) if "Thu ngân sách" in libreoffice.pdf_text(redline_pdf, n)
    )
    libreoffice.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for pdf, number, name in (
        (redline_pdf, with_table, "word-walkthrough-redline"),
        (edition_pdf, 1, "word-walkthrough-edition"),
    ):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", str(number), "-l", str(number), "-singlefile"]
            + [str(pdf), str(libreoffice.ARTIFACTS / name)],
            check=True,
            capture_output=True,
            timeout=60,
        )
        assert (libreoffice.ARTIFACTS / f"{name}.png").stat().st_size > 5000


def test_word_in_word_out(page, live_server, tmp_path):
    libreoffice.soffice()  # skip (or fail in CI) before anything is made
    api = LiveApi(live_server)
    rid = _import_the_draft(page, tmp_path)
    status, _report = api.call(
        "tosoanthao",
        "PATCH",
        f"/reports/{rid}",
        {"issuing_body": "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NINH", "place": "Quảng Ninh"},
    )
    assert status == 200, _report
    deadline = (datetime.now().astimezone() + timedelta(days=7)).isoformat()
    status, round_ = api.call(
        "tosoanthao",
        "POST",
        f"/reports/{rid}/rounds",
        {"deadline": deadline, "departments": ["STC", "CTK"]},
    )
    assert status == 201, round_
    round_id = round_["id"]

    _department_a_marks_up(page, tmp_path, round_id)
    status, body = api.call("stc.lanhdao", "POST", f"/rounds/{round_id}/response", {})
    assert status == 201, body

    _status, report = api.call("tosoanthao", "GET", f"/reports/{rid}")
    targets = next(s for s in report["sections"] if s["heading"] == TARGETS)
    status, body = api.call(
        "ctk.canbo",
        "POST",
        f"/sections/{targets['id']}/comments",
        {"body": "Tổng vốn đầu tư đề nghị cập nhật theo số liệu chính thức.", "kind": "figures"},
    )
    assert status == 201, body
    status, body = api.call("ctk.lanhdao", "POST", f"/rounds/{round_id}/response", {})
    assert status == 201, body

    _status, feedback = api.call("tosoanthao", "GET", f"/sections/{targets['id']}/feedback")
    (suggestion,) = feedback["suggestions"]
    assert any("Tổng vốn đầu tư" in c["body"] for c in feedback["comments"])
    login(page, "tosoanthao")
    page.goto(f"/suggestions/{suggestion['id']}")
    expect(page.locator(".diff td ins").first).to_be_visible()
    page.click("form.acceptform button[type=submit]")
    expect(page.locator(".flash-success")).to_be_visible()
    page.goto(f"/reports/{rid}/editions")
    page.click("main form button.primary")
    expect(page.locator(".flash-success")).to_be_visible()
    logout(page)

    login(page, "chutich")
    page.goto(f"/reports/{rid}/editions/2")
    links = page.locator("p.exports")
    redline = _download(page, links.locator("a[href*='changes_since=1']"))
    edition = _download(page, links.locator("a[href$='/editions/2/export.docx']"))
    page.shots("chair-edition")
    _check_redline(redline)
    _render(tmp_path, redline, edition)
