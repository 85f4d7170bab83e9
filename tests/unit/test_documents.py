"""Word, Markdown and CSV exports of editions and of the disposition table.

Pure unit tests: the documents module takes plain dataclasses, so no app or database is
needed. Generated .docx files are read back with python-docx and their XML inspected.
"""

import ast
import csv
import io
import re
import shutil
import subprocess
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from feedback.consolidation import documents
from feedback.consolidation.documents import (
    DispositionRow,
    DispositionTable,
    DocEdition,
    DocSection,
    dispositions_csv,
    dispositions_docx,
    edition_docx,
    edition_markdown,
)

W_INS, W_DEL = qn("w:ins"), qn("w:del")
W_T, W_DEL_TEXT = qn("w:t"), qn("w:delText")

# 20:30 UTC on 10 December is already 11 December in Hanoi.
ISSUED = datetime(2019, 12, 10, 20, 30, tzinfo=UTC)

GROWTH = "Tốc độ tăng trưởng GRDP bình quân đạt 10,7%/năm"
TARGETS = (
    "| Chỉ tiêu | Kế hoạch | Kết quả |\n"
    "|---|---:|---|\n"
    "| GRDP bình quân | 12% | Không đạt |\n"
    "| Thu nhập bình quân đầu người | 5.000 USD | Đạt |\n"
)


def sections() -> list[DocSection]:
    return [
        DocSection("", "Mở đầu", 1, "Báo cáo tổng kết *10 năm* thực hiện Nghị quyết."),
        DocSection("I", "ĐÁNH GIÁ KẾT QUẢ", 1, ""),
        DocSection(
            "I.1",
            "Kinh tế",
            2,
            f"**{GROWTH}**, cao hơn bình quân cả nước.\n\n{TARGETS}\n"
            "1. Công nghiệp\n2. Dịch vụ\n\n- Đạt\n- Vượt\n\n"
            "> Ý kiến của Sở Tài chính\n\nDòng một  \nDòng hai [Cổng thông tin](https://quangninh.gov.vn)",
        ),
        DocSection("I.1.a", "Nông nghiệp", 3, "3. Thuỷ sản\n4. Lâm nghiệp"),
    ]


def edition(**changes) -> DocEdition:
    values = dict(
        report_title="Báo cáo tổng kết 10 năm thực hiện Nghị quyết số 19-NQ/TU",
        edition_number=3,
        issued_at=ISSUED,
        note="Tiếp thu ý kiến của 15 sở, ngành",
        sections=sections(),
        status_label="Đã phê duyệt",
    )
    values.update(changes)
    return DocEdition(**values)


def read(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def headings(document) -> list[tuple[str, str]]:
    return [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]


def revision_text(body, kind) -> str:
    """All text inside w:ins (kind W_INS) or w:del (W_DEL) elements, in order."""
    tag = W_T if kind == W_INS else W_DEL_TEXT
    return "|".join("".join(t.text or "" for t in rev.iter(tag)) for rev in body.iter(kind))


# Edition as Word -----------------------------------------------------------------------


def test_edition_first_page_headings_and_levels():
    document = read(edition_docx(edition()))
    texts = [p.text for p in document.paragraphs]
    assert texts[:3] == [
        "DỰ THẢO lần 3",
        "BÁO CÁO",
        "Báo cáo tổng kết 10 năm thực hiện Nghị quyết số 19-NQ/TU",
    ]
    # The date is the place and date line of the header block, in Vietnam's time zone.
    assert "Ngày 11 tháng 12 năm 2019" in document.tables[0].rows[0].cells[1].text
    # Workflow status and the internal note are not part of the document.
    xml = document.element.xml
    assert "Đã phê duyệt" not in xml and "Tiếp thu ý kiến của 15 sở" not in xml
    assert headings(document) == [
        ("Heading 1", "Mở đầu"),
        ("Heading 1", "I. ĐÁNH GIÁ KẾT QUẢ"),
        ("Heading 2", "I.1. Kinh tế"),
        ("Heading 3", "I.1.a. Nông nghiệp"),
    ]
    # The text follows the title on the first page, as in an administrative document.
    assert 'w:type="page"' not in document.element.xml


def test_edition_body_markdown_becomes_word_formatting():
    document = read(edition_docx(edition()))
    by_text = {p.text: p for p in document.paragraphs}
    growth = by_text[f"{GROWTH}, cao hơn bình quân cả nước."]
    assert growth.runs[0].bold and growth.runs[0].text == GROWTH
    assert any(
        r.italic and r.text == "10 năm"
        for r in by_text["Báo cáo tổng kết 10 năm thực hiện Nghị quyết."].runs
    )
    styles = {p.text: p.style.name for p in document.paragraphs}
    assert styles["Công nghiệp"] == styles["Dịch vụ"] == "List Number"
    assert styles["Đạt"] == styles["Vượt"] == "List Bullet"
    assert styles["Ý kiến của Sở Tài chính"] == "Quote"
    # Line break inside a paragraph, link kept as text with its address.
    lines = next(p for p in document.paragraphs if p.text.startswith("Dòng một"))
    assert lines._p.xpath(".//w:br")
    assert lines.text.endswith("Cổng thông tin (https://quangninh.gov.vn)")


def test_each_ordered_list_restarts_its_numbering():
    document = read(edition_docx(edition()))
    by_text = {p.text: p for p in document.paragraphs}

    def num_id(text):
        return by_text[text]._p.pPr.numPr.numId.val

    assert num_id("Công nghiệp") == num_id("Dịch vụ")
    assert num_id("Thuỷ sản") != num_id("Công nghiệp")
    numbering = document.part.numbering_part.element
    start = numbering.num_having_numId(num_id("Thuỷ sản")).xpath(".//w:startOverride/@w:val")
    assert start == ["3"]


def test_markdown_table_is_a_real_word_table():
    document = read(edition_docx(edition()))
    (table,) = document.tables[1:]  # after the header block
    assert table.style.name == "Table Grid"
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["Chỉ tiêu", "Kế hoạch", "Kết quả"],
        ["GRDP bình quân", "12%", "Không đạt"],
        ["Thu nhập bình quân đầu người", "5.000 USD", "Đạt"],
    ]
    header = table.rows[0]
    assert all(run.bold for cell in header.cells for run in cell.paragraphs[0].runs)
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1].cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT  # ---:


def test_fonts_are_times_new_roman_without_theme_overrides():
    document = read(edition_docx(edition()))
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size.pt == 13
    r_fonts = document.styles.element.xpath("//w:rFonts")
    assert r_fonts and all("Theme" not in "".join(f.keys()) for f in r_fonts)
    heading_fonts = document.styles["Heading 1"].element.rPr.rFonts
    assert heading_fonts.get(qn("w:eastAsia")) == heading_fonts.get(qn("w:cs")) == "Times New Roman"
    assert 'w:val="vi-VN"' in document.styles.element.xml
    assert document.sections[0].page_width.mm == pytest.approx(210, abs=0.1)


def test_untracked_edition_leaves_out_removed_sections():
    gone = DocSection("II", "Mục cũ", 1, "Nội dung cũ", change="removed")
    document = read(edition_docx(edition(sections=[*sections(), gone])))
    assert "Mục cũ" not in document.element.xml
    assert "Mục cũ" not in edition_markdown(edition(sections=[*sections(), gone]))


# Tracked changes -----------------------------------------------------------------------


def tracked_sections() -> list[DocSection]:
    old = f"{GROWTH}, thấp hơn kế hoạch.\n\nĐoạn bị xoá.\n\nKết luận."
    new = f"{GROWTH}, cao hơn bình quân cả nước.\n\nKết luận."
    ops = [
        ("equal", f"{GROWTH}, "),
        ("delete", "thấp hơn kế hoạch"),
        ("insert", "cao hơn bình quân cả nước"),
        ("equal", ".\n\n"),
        ("delete", "Đoạn bị xoá.\n\n"),
        ("equal", "Kết luận."),
    ]
    assert "".join(t for k, t in ops if k != "insert") == old
    assert "".join(t for k, t in ops if k != "delete") == new
    return [
        DocSection("I", "Kinh tế", 1, new, change="changed", ops=ops, old_heading="Kinh tế chung"),
        DocSection("II", "Văn hoá", 1, "Không đổi.", moved=True),
        DocSection("III", "Môi trường", 1, f"Nội dung mới.\n\n{TARGETS}", change="added"),
        DocSection("IV", "Quốc phòng", 1, "Nội dung đã bỏ.", change="removed"),
    ]


def tracked() -> DocEdition:
    return edition(sections=tracked_sections(), changes_since=2, author="Tổ biên tập")


def test_tracked_changes_are_real_word_revisions():
    document = read(edition_docx(tracked()))
    body = document.element.body
    inserted = revision_text(body, W_INS)
    deleted = revision_text(body, W_DEL)
    # Word by word, as the structured diff reads it: "hơn" stayed.
    assert "cao" in inserted.split("|") and "bình quân cả nước" in inserted.split("|")
    assert "thấp" in deleted.split("|") and "kế hoạch" in deleted.split("|")
    assert "Đoạn bị xoá." in deleted
    # Deleted text must be w:delText: w:t inside w:del makes Word reject the file.
    for rev in body.iter(W_DEL):
        assert not list(rev.iter(W_T))
    revisions = list(body.iter(W_INS)) + list(body.iter(W_DEL))
    ids = [r.get(qn("w:id")) for r in revisions]
    assert len(ids) == len(set(ids))
    assert {r.get(qn("w:author")) for r in revisions} == {"Tổ biên tập"}
    assert {r.get(qn("w:date")) for r in revisions} == {"2019-12-10T20:30:00Z"}
    assert "Thay đổi so với dự thảo lần 2" in [p.text for p in document.paragraphs]


def test_revisions_carry_no_formatting_that_would_outlive_them():
    """Word and LibreOffice draw revisions themselves; an underline written into an
    inserted run would stay once accepted, a strike-through in a deleted one once rejected."""
    body = read(edition_docx(tracked())).element.body
    assert list(body.iter(W_INS)) and list(body.iter(W_DEL))
    for rev in [*body.iter(W_INS), *body.iter(W_DEL)]:
        for run in rev.iter(qn("w:r")):
            assert run.find(f"{qn('w:rPr')}/{qn('w:u')}") is None
            assert run.find(f"{qn('w:rPr')}/{qn('w:strike')}") is None


def test_a_deleted_line_break_is_a_deleted_paragraph_mark():
    document = read(edition_docx(tracked()))
    paragraph = next(p for p in document.paragraphs if "Đoạn bị xoá" in p._p.xml)
    assert paragraph._p.xpath("./w:pPr/w:rPr/w:del")


def test_renamed_moved_added_and_removed_sections():
    document = read(edition_docx(tracked()))
    heads = [p for p in document.paragraphs if p.style.name == "Heading 1"]
    renamed = heads[0]._p
    assert renamed.xpath("string(./w:r/w:t)") == "I. "
    assert renamed.xpath("string(./w:del//w:delText)") == "Kinh tế chung"
    assert renamed.xpath("string(./w:ins//w:t)") == "Kinh tế"
    texts = [p.text for p in document.paragraphs]
    assert texts[texts.index("II. Văn hoá") + 1] == "(Mục đã chuyển vị trí)"
    added, removed = heads[2]._p, heads[3]._p
    assert added.xpath("string(./w:ins//w:t)") == "III. Môi trường"
    assert removed.xpath("string(./w:del//w:delText)") == "IV. Quốc phòng"
    assert "(Mục mới)" in texts and "(Mục đã bị xoá)" in texts
    # The added section's table rows are inserted rows.
    (table,) = document.tables[1:]  # after the header block
    assert all(row._tr.xpath("./w:trPr/w:ins") for row in table.rows)
    assert "Nội dung đã bỏ." in revision_text(document.element.body, W_DEL)


def test_labels_come_from_the_caller():
    labels = {
        "draft": "DRAFT no.",
        "edition": "Draft no.",
        "date": "Date",
        "changes_since": "Changes since draft no.",
        "removed_section": "(Section removed)",
        "added_section": "(New section)",
        "moved_section": "(Section moved)",
    }
    doc = edition(sections=tracked_sections(), changes_since=2, labels=labels)
    texts = [p.text for p in read(edition_docx(doc)).paragraphs]
    for expected in ("DRAFT no. 3", "Changes since draft no. 2"):
        assert expected in texts
    for label in ("(Section removed)", "(New section)", "(Section moved)"):
        assert label in texts
    assert "Date: 11/12/2019" in edition_markdown(doc)


# Edition as Markdown -------------------------------------------------------------------


def test_edition_markdown_structure():
    text = edition_markdown(edition())
    lines = text.splitlines()
    assert lines[0] == "# Báo cáo tổng kết 10 năm thực hiện Nghị quyết số 19-NQ/TU"
    assert "**Dự thảo lần 3** · Ngày: 11/12/2019 · Đã phê duyệt" in lines
    assert "## Mở đầu" in lines
    assert "## I. ĐÁNH GIÁ KẾT QUẢ" in lines
    assert "### I.1. Kinh tế" in lines
    assert "#### I.1.a. Nông nghiệp" in lines
    assert "| GRDP bình quân | 12% | Không đạt |" in lines
    assert "{++" not in text and text.endswith("\n")


def test_edition_markdown_tracked_uses_criticmarkup():
    text = edition_markdown(tracked())
    assert f"{GROWTH}, {{--thấp hơn kế hoạch--}}{{++cao hơn bình quân cả nước++}}." in text
    assert "{--Đoạn bị xoá.--}" in text
    assert "## I. {--Kinh tế chung--}{++Kinh tế++}" in text
    assert "*Đổi tên từ: Kinh tế chung*" in text
    assert "*(Mục đã chuyển vị trí)*" in text
    assert "## {++III. Môi trường++}" in text and "*(Mục mới)*" in text
    assert "{++Nội dung mới.++}" in text
    assert "## {--IV. Quốc phòng--}" in text and "*(Mục đã bị xoá)*" in text
    assert "*Thay đổi so với dự thảo lần 2*" in text


def test_edition_markdown_escapes_raw_html_but_not_code_or_autolinks():
    raw = "<script>alert(1)</script> <b onclick=x>đậm</b> <https://quangninh.gov.vn>\n\n`<b>`"
    text = edition_markdown(edition(sections=[DocSection("I", "A", 1, raw)]))
    assert "<script" not in text and "<b " not in text
    assert "&lt;script>" in text
    assert "<https://quangninh.gov.vn>" in text and "`<b>`" in text


# Robustness ----------------------------------------------------------------------------


def test_empty_edition_and_empty_sections():
    document = read(edition_docx(edition(sections=[], note="", status_label="")))
    assert headings(document) == []
    empty = [DocSection("I", "Trống", 1, ""), DocSection("II", "Khoảng trắng", 2, " \n\n ")]
    document = read(edition_docx(edition(sections=empty)))
    assert headings(document) == [("Heading 1", "I. Trống"), ("Heading 2", "II. Khoảng trắng")]
    assert "## I. Trống" in edition_markdown(edition(sections=empty))


def test_control_characters_nfd_and_emoji():
    nfd = unicodedata.normalize("NFD", "Quảng Ninh phát triển bền vững")
    assert nfd != unicodedata.normalize("NFC", nfd)
    dirty = f"{nfd} 🚀👨‍👩‍👧\x00\x01\x08\x0b\x0c\x1f\ud800 hết"
    section = DocSection("I", nfd + "\x07", 1, dirty)
    doc = edition(report_title="Báo cáo\x00", note="\x1b", sections=[section])
    document = read(edition_docx(doc))
    xml = document.element.xml
    assert "Quảng Ninh phát triển bền vững 🚀👨\u200d👩\u200d👧 hết" in xml
    assert ("Heading 1", "I. Quảng Ninh phát triển bền vững") in headings(document)
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", xml)
    markdown = edition_markdown(doc)
    assert "Quảng Ninh phát triển bền vững 🚀" in markdown
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]", markdown)


def test_html_in_markdown_is_never_copied_into_the_document():
    hostile = (
        '<script>alert("x")</script><img src=x onerror=alert(1)>'
        '<b onclick="alert(1)">đậm</b> `</w:t></w:r><w:r><w:t>giả mạo`'
        " [bấm](javascript:alert(1))"
    )
    document = read(edition_docx(edition(sections=[DocSection("I", "A <i>b</i>", 1, hostile)])))
    xml = document.element.xml
    assert "alert" not in xml and "onerror" not in xml and "onclick" not in xml
    assert "javascript:" not in xml
    body = next(p for p in document.paragraphs if "đậm" in p.text)
    assert body.runs[0].bold and body.runs[0].text == "đậm"
    # Markup-looking text stays text: escaped in the XML, not new elements.
    assert "</w:t></w:r><w:r><w:t>giả mạo" in body.text
    assert "&lt;/w:t&gt;&lt;/w:r&gt;" in xml
    assert body.text.endswith("bấm")
    assert ("Heading 1", "I. A <i>b</i>") in headings(document)


def test_very_long_section():
    paragraph = f"{GROWTH}, **cao hơn** mức bình quân chung của cả nước. " * 3
    big = "\n\n".join(paragraph for _ in range(800))
    assert len(big.encode()) > 200_000
    data = edition_docx(edition(sections=[DocSection("I", "Dài", 1, big)]))
    document = read(data)
    assert sum(1 for p in document.paragraphs if p.text.startswith(GROWTH)) == 800
    assert len(edition_markdown(edition(sections=[DocSection("I", "Dài", 1, big)]))) > 200_000


def test_package_is_pure():
    """Every module of the package: no Flask, no database, nothing of feedback but markup,
    the (pure) rich-text diff and the (pure) provenance contract, and relative imports only
    inside the package or to feedback.provenance."""
    imported = set()
    for path in Path(documents.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level == 3:  # from ...provenance: feedback.provenance
                    assert node.module == "provenance", f"{path.name} imports {node.module}"
                    continue
                assert node.level in (0, 1), f"{path.name} imports from outside the package"
                if node.level == 0:
                    imported.add(node.module or "")
    assert not any(name.startswith(("flask", "sqlalchemy")) for name in imported)
    ours = {name for name in imported if name.startswith("feedback")}
    assert "feedback.markup" in ours and "feedback.richtext.diff" in ours
    assert all(name == "feedback.markup" or name.startswith("feedback.richtext.") for name in ours)


# Disposition table ---------------------------------------------------------------------

COLUMNS = (
    "Nhóm vấn đề / mục",
    "Cơ quan góp ý",
    "Nội dung góp ý",
    "Tiếp thu, giải trình",
)
GENERAL = "Ý kiến chung (kết cấu, bố cục)"


def rows() -> list[DispositionRow]:
    return [
        DispositionRow(
            group=GENERAL,
            who="Sở Tài chính",
            dispatch="Công văn số 123/STC-KH ngày 10/12/2019",
            content="Đề nghị **bổ sung** số liệu thu ngân sách.",
            quote="",
            kind="comment",
            decision="Tiếp thu",
            response="Đã bổ sung tại mục I.1.",
            link="https://gopy.quangninh.gov.vn/reports/1/sections/4/diff/2/3",
        ),
        DispositionRow(
            group=GENERAL,
            who="Sở Xây dựng",
            dispatch="",
            content="Đề nghị rút gọn phần mở đầu.",
            quote="",
            kind="comment",
            decision="Giải trình",
            response="Giữ nguyên để bảo đảm đầy đủ.",
        ),
        DispositionRow(
            group="I.1. Kinh tế",
            who="Sở Kế hoạch và Đầu tư",
            dispatch="Công văn số 45/SKHĐT-TH ngày 11/12/2019",
            content="Số liệu chưa khớp với niên giám thống kê.\n\nĐề xuất sửa lại văn bản của mục.",
            quote=GROWTH,
            kind="suggestion",
            decision="Chấp nhận có chỉnh sửa",
            response="",
            link="/reports/1/sections/4",
        ),
    ]


def table(**changes) -> DispositionTable:
    values = dict(
        title="Bảng tổng hợp, tiếp thu, giải trình ý kiến góp ý",
        report_title="Báo cáo tổng kết 10 năm thực hiện Nghị quyết số 19-NQ/TU",
        scope="Đợt lấy ý kiến 1 (hạn 12/12/2019)",
        generated_at=ISSUED,
        preamble=[
            "Tổ soạn thảo đã gửi xin ý kiến 20 cơ quan, đơn vị.",
            "Đã nhận được 15 văn bản góp ý; 3 cơ quan nhất trí, 12 cơ quan có ý kiến.",
        ],
        columns=COLUMNS,
        rows=rows(),
    )
    values.update(changes)
    return DispositionTable(**values)


def test_dispositions_docx_is_landscape_with_title_and_preamble():
    document = read(dispositions_docx(table()))
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    assert section.page_width.mm == pytest.approx(297, abs=0.1)
    title = document.paragraphs[0]
    assert title.text == "Bảng tổng hợp, tiếp thu, giải trình ý kiến góp ý"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER and all(r.bold for r in title.runs)
    texts = [p.text for p in document.paragraphs]
    assert "Đợt lấy ý kiến 1 (hạn 12/12/2019)" in texts
    assert "Tổ soạn thảo đã gửi xin ý kiến 20 cơ quan, đơn vị." in texts


def test_dispositions_table_follows_the_standard_form():
    document = read(dispositions_docx(table()))
    (grid,) = document.tables
    assert len(grid.rows) == 1 + 3
    header = grid.rows[0]
    assert [c.text for c in header.cells] == ["STT", *COLUMNS]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(r.bold for c in header.cells for r in c.paragraphs[0].runs)

    first, second, third = (grid.rows[i].cells for i in (1, 2, 3))
    assert [c.text for c in first[:3]] == [
        "1",
        GENERAL,
        "Sở Tài chính\nCông văn số 123/STC-KH ngày 10/12/2019",
    ]
    assert first[3].text == "Đề nghị bổ sung số liệu thu ngân sách."
    assert first[4].paragraphs[0].text == "Tiếp thu" and first[4].paragraphs[0].runs[0].bold
    assert first[4].paragraphs[1].text == "Đã bổ sung tại mục I.1."
    # The quote is italic and in quotation marks, before the content.
    quote = third[3].paragraphs[0]
    assert quote.text == f"“{GROWTH}”" and quote.runs[0].italic
    assert third[3].paragraphs[1].text == "Số liệu chưa khớp với niên giám thống kê."
    # A path leads nowhere in a document read away from the site: left out (issue 11).
    assert third[4].text == "Chấp nhận có chỉnh sửa"
    assert second[2].text == "Sở Xây dựng"


def test_dispositions_group_cell_is_merged_down_its_rows():
    (grid,) = read(dispositions_docx(table())).tables
    merges = [row._tr.tc_lst[1].vMerge for row in grid.rows[1:]]
    assert merges == ["restart", "continue", None]
    assert grid.rows[2].cells[1].text == GENERAL  # python-docx reads through the merge
    assert grid.rows[3].cells[1].text == "I.1. Kinh tế"


def test_dispositions_absolute_links_are_clickable():
    document = read(dispositions_docx(table()))
    targets = [r.target_ref for r in document.part.rels.values() if r.is_external]
    assert targets == ["https://gopy.quangninh.gov.vn/reports/1/sections/4/diff/2/3"]
    assert len(document.element.body.xpath("//w:hyperlink")) == 1


def test_dispositions_without_rows():
    document = read(dispositions_docx(table(rows=[], preamble=[])))
    (grid,) = document.tables
    assert len(grid.rows) == 1
    text = dispositions_csv(table(rows=[]))
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1:] == []


# CSV -----------------------------------------------------------------------------------


def test_csv_has_bom_crlf_and_round_trips_vietnamese():
    text = dispositions_csv(table())
    assert text.startswith("\ufeff")
    assert "\r\n" in text
    parsed = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert parsed[0] == [
        "STT",
        "Nhóm vấn đề / mục",
        "Cơ quan góp ý",
        "Văn bản góp ý",
        "Loại",
        "Đoạn trích dẫn",
        "Nội dung góp ý",
        "Kết quả xử lý",
        "Tiếp thu, giải trình",
        "Liên kết",
    ]
    assert len(parsed) == 1 + 3
    assert parsed[1] == [
        "1",
        GENERAL,
        "Sở Tài chính",
        "Công văn số 123/STC-KH ngày 10/12/2019",
        "Góp ý",
        "",
        "Đề nghị **bổ sung** số liệu thu ngân sách.",
        "Tiếp thu",
        "Đã bổ sung tại mục I.1.",
        "https://gopy.quangninh.gov.vn/reports/1/sections/4/diff/2/3",
    ]
    assert parsed[3][4] == "Đề xuất sửa văn bản"
    assert parsed[3][5] == GROWTH
    assert (
        parsed[3][6]
        == "Số liệu chưa khớp với niên giám thống kê.\n\nĐề xuất sửa lại văn bản của mục."
    )
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize(
    "payload",
    ['=HYPERLINK("http://evil","x")', "+cmd", "-1", "@SUM(1)", "\t=1", "\r=1"],
)
def test_csv_neutralises_formulas(payload):
    row = DispositionRow(payload, payload, payload, payload, payload, "comment", payload, payload)
    parsed = list(csv.reader(io.StringIO(dispositions_csv(table(rows=[row]))[1:], newline="")))
    cells = parsed[1]
    assert cells[0] == "1"
    for index in (1, 2, 3, 5, 6, 7, 8):
        assert cells[index].startswith("'"), (index, cells[index])
        assert cells[index][1:].lstrip("\t\n") == payload.lstrip("\t\r")


def test_csv_leaves_ordinary_text_alone():
    parsed = list(csv.reader(io.StringIO(dispositions_csv(table())[1:], newline="")))
    assert not any(cell.startswith("'") for row in parsed for cell in row)


# Conversion by LibreOffice, when it is installed ---------------------------------------


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not on PATH")
def test_libreoffice_converts_the_tracked_edition_to_pdf(tmp_path):
    source = tmp_path / "du-thao.docx"
    source.write_bytes(edition_docx(tracked()))
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = tmp_path / "du-thao.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        return
    # The text survives the trip with its diacritics: headings, the tracked insertion,
    # and the cells of the targets table.
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    text = " ".join(unicodedata.normalize("NFC", text).split())  # lines wrap anywhere
    for expected in ("Tốc độ tăng trưởng GRDP", "bình quân cả nước", "Môi trường"):
        assert expected in text
    assert re.search(r"GRDP bình quân\s+12%\s+Không đạt", text)


def test_hostile_markdown_never_breaks_the_word_writer():
    """Issue 11: Python-Markdown leaked "\\x02...\\x03" into the HTML of a link title with
    quotes and an escape; lxml refused it and the .docx was a 500 for good."""
    leaking = '[l](m "`__alert(1)** alert(1)\\_ ![i](j "x" onerror="y\\\\'
    hostile_rows = [
        DispositionRow(
            group="I.2. Kinh tế\x03",
            who="Sở Tài chính\x02",
            dispatch="",
            content=leaking,
            quote="trích\x0bdẫn",
            kind="comment",
            decision="Giải trình",
            response=leaking,
        )
    ]
    document = read(dispositions_docx(table(rows=hostile_rows, title="Bảng\x03")))
    assert "Sở Tài chính" in document.tables[0].rows[1].cells[2].text
    read(documents.edition_docx(edition(note=leaking)))
