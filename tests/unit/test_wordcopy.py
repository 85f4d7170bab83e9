"""Reading a marked-up Word copy (pandoc plus the XML parts), on fixtures built here with
python-docx and the raw OOXML Word writes for revisions and comments."""

from __future__ import annotations

import io
import unicodedata

import docx
import pytest

from feedback.review import wordcopy
from feedback.richtext.blocks import canonical

from ..wordcopies import W, WordCopy, with_provenance

A, B = "Nguyễn Văn A", "Trần Thị B"
ECONOMY = "Tăng trưởng GRDP đạt 10,7%/năm.\n\nDịch vụ tăng 11,2%/năm."
TABLE = "| STT | Chỉ tiêu | Kết quả |\n| --- | --- | --- |\n| 1 | GRDP | Vượt |\n| 2 | Thu ngân sách | Đạt |\n| 3 | Xuất khẩu | Không đạt |"
SOCIAL = "An sinh xã hội được bảo đảm."


def _document() -> bytes:
    """A small report as our export writes it: a title block, numbered headings, a table."""
    document = docx.Document()
    document.add_paragraph("BÁO CÁO TÌNH HÌNH KINH TẾ – XÃ HỘI")
    document.add_heading("1. Kinh tế", 1)
    document.add_paragraph("Tăng trưởng GRDP đạt 10,7%/năm.")
    document.add_paragraph("Dịch vụ tăng 11,2%/năm.")
    document.add_heading("2. Các chỉ tiêu", 1)
    table = document.add_table(rows=4, cols=3)
    rows = [("STT", "Chỉ tiêu", "Kết quả"), ("1", "GRDP", "Vượt")]
    rows += [("2", "Thu ngân sách", "Đạt"), ("3", "Xuất khẩu", "Không đạt")]
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_heading("3. Xã hội", 1)
    document.add_paragraph("An sinh xã hội được bảo đảm.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


HEADINGS = {
    wordcopy.normal(h): sid
    for h, sid in (("1. Kinh tế", 11), ("2. Các chỉ tiêu", 12), ("3. Xã hội", 13))
}


def _read(data: bytes) -> wordcopy.Copy:
    return wordcopy.read_copy(data, HEADINGS, canonical)


def _by_sid(copy: wordcopy.Copy) -> dict[int, wordcopy.CopySection]:
    return {s.sid: s for s in copy.sections}


def test_an_unmarked_copy_reads_back_as_its_text_and_proposes_nothing():
    copy = _read(_document())
    sections = _by_sid(copy)
    assert sections[11].old == ECONOMY and sections[13].old == SOCIAL
    assert all(not s.new for s in copy.sections)
    assert copy.unplaced == [] and copy.comments == [] and copy.formatting == []


def test_two_authors_a_table_cell_and_a_deleted_row():
    word = WordCopy(_document())
    word.replace("10,7", "10,9", A)
    word.replace("Vượt", "Vượt xa", B)  # inside a table cell
    word.delete_row("Xuất khẩu", A)  # a whole row, as Word tracks it
    word.insert_after("bảo đảm.", " Tỷ lệ hộ nghèo giảm.", B)
    sections = _by_sid(_read(word.data()))
    assert sections[11].new == {A: ECONOMY.replace("10,7", "10,9")}
    assert sections[12].new == {
        A: TABLE.replace("\n| 3 | Xuất khẩu | Không đạt |", ""),
        B: TABLE.replace("| Vượt |", "| Vượt xa |"),
    }
    assert sections[13].new == {B: SOCIAL + " Tỷ lệ hộ nghèo giảm."}


def test_words_inserted_or_deleted_mid_sentence_leave_no_stray_space():
    # Pandoc moves the space at the edge of a changed run outside the change.
    word = WordCopy(_document())
    word.insert_after("Tăng trưởng GRDP", " bình quân", A)
    word.replace(" 11,2%/năm", "", B)
    sections = _by_sid(_read(word.data()))
    assert sections[11].old == ECONOMY
    assert sections[11].new == {
        A: ECONOMY.replace("GRDP đạt", "GRDP bình quân đạt"),
        B: ECONOMY.replace("Dịch vụ tăng 11,2%/năm.", "Dịch vụ tăng."),
    }


def test_a_comment_with_its_reply_in_comments_extended():
    word = WordCopy(_document())
    first = word.comment("11,2%/năm", A, "Số liệu này lấy từ nguồn nào?")
    word.comment("11,2%/năm", B, "Theo Cục Thống kê.", reply_to=first)
    copy = _read(word.data())
    [comment] = copy.comments
    assert (comment.section, comment.quote, comment.author) == (11, "11,2%/năm", A)
    assert comment.text == "Số liệu này lấy từ nguồn nào?"
    assert [(r.author, r.text) for r in comment.replies] == [(B, "Theo Cục Thống kê.")]


def test_a_change_spanning_two_sections_and_a_changed_heading_are_not_placed():
    word = WordCopy(_document())
    word.replace("Dịch vụ tăng 11,2%/năm.", "", A)  # the end of section 1 ...
    word.replace("2. Các chỉ tiêu", "", A)  # ... through the heading of section 2
    word.replace("Xã hội", "Văn hóa – xã hội", B)  # a heading renamed
    copy = _read(word.data())
    sections = _by_sid(copy)
    assert not sections[11].new and not sections[12].new and not sections[13].new
    found = {(u.kind, u.text, u.reason, u.author) for u in copy.unplaced}
    assert ("deletion", "Dịch vụ tăng 11,2%/năm.", "spans_sections", A) in found
    assert ("deletion", "2. Các chỉ tiêu", "heading", A) in found
    assert ("insertion", "Văn hóa – xã hội", "heading", B) in found


def test_a_change_in_the_title_block_is_listed():
    word = WordCopy(_document())
    word.replace("KINH TẾ – XÃ HỘI", "KINH TẾ", A)
    copy = _read(word.data())
    assert {(u.text, u.reason) for u in copy.unplaced} == {
        ("KINH TẾ – XÃ HỘI", "title_block"),
        ("KINH TẾ", "title_block"),
    }


def test_formatting_only_changes_are_listed_not_proposed():
    word = WordCopy(_document())
    word.reformat("GRDP đạt", B)
    copy = _read(word.data())
    assert copy.formatting == [(B, "GRDP đạt")]
    assert all(not s.new for s in copy.sections)


def test_nfd_text_in_the_copy_is_stored_as_nfc():
    document = docx.Document()
    document.add_heading("1. Kinh tế", 1)
    document.add_paragraph(unicodedata.normalize("NFD", "Tăng trưởng GRDP đạt 10,7%/năm."))
    out = io.BytesIO()
    document.save(out)
    word = WordCopy(out.getvalue())
    word.replace("10,7", "10,9", A)
    [section] = _read(word.data()).sections
    assert section.new[A] == "Tăng trưởng GRDP đạt 10,9%/năm."


def test_provenance_bookmarks_place_sections_whatever_their_headings_say():
    data = with_provenance(
        _document(),
        {"report": 7, "edition": 2, "sections": {"21": 3, "22": 1, "23": 4}},
        {"1. Kinh tế": "fb_s21_v3", "2. Các chỉ tiêu": "fb_s22_v1", "3. Xã hội": "fb_s23_v4"},
    )
    word = WordCopy(data)
    word.replace("10,7", "10,9", A)
    copy = wordcopy.read_copy(word.data(), {}, canonical)  # no heading matches at all
    assert copy.provenance["edition"] == 2
    sections = _by_sid(copy)
    assert (sections[21].version, sections[23].version) == (3, 4)
    assert sections[21].new == {A: ECONOMY.replace("10,7", "10,9")}


def test_an_unreadable_file_is_reported():
    with pytest.raises(wordcopy.CopyUnreadable):
        wordcopy.read_copy(b"PK\x03\x04 not really a zip", HEADINGS, canonical)


def _paragraph_xml(document, xml: str) -> None:
    from docx.oxml import parse_xml

    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    paragraph = document.add_paragraph()
    for part in xml.split("|"):
        paragraph._p.append(parse_xml(part.replace(">", f" {ns}>", 1)))


def test_a_move_is_a_deletion_at_one_place_and_an_insertion_at_the_other():
    document = docx.Document()
    document.add_heading("1. Kinh tế", 1)
    mark = 'w:id="5" w:author="Nguyễn Văn A" w:date="2026-11-30T09:00:00Z"'
    _paragraph_xml(
        document,
        f"<w:moveFrom {mark}><w:r><w:t>Câu chuyển đi. </w:t></w:r></w:moveFrom>"
        '|<w:r><w:t xml:space="preserve">Câu giữ lại.</w:t></w:r>'
        f'|<w:moveTo {mark}><w:r><w:t xml:space="preserve"> Câu chuyển đi.</w:t></w:r></w:moveTo>',
    )
    out = io.BytesIO()
    document.save(out)
    [section] = _read(out.getvalue()).sections
    assert section.old == "Câu chuyển đi. Câu giữ lại."
    assert section.new == {A: "Câu giữ lại. Câu chuyển đi."}


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def test_a_comment_on_an_image_is_listed_with_its_text():
    from lxml import etree

    document = docx.Document()
    document.add_heading("1. Kinh tế", 1)
    document.add_paragraph("Biểu đồ tăng trưởng:")
    document.add_paragraph().add_run().add_picture(io.BytesIO(_png()))
    out = io.BytesIO()
    document.save(out)
    word = WordCopy(out.getvalue())
    drawing = next(word.doc.iter(f"{{{W}}}drawing")).getparent()
    word.comment_element(drawing, A, "Biểu đồ thiếu số liệu năm 2020.")
    copy = _read(word.data())
    assert copy.comments == []
    assert [(u.kind, u.text, u.reason) for u in copy.unplaced] == [
        ("comment", "Biểu đồ thiếu số liệu năm 2020.", "image")
    ]
    assert etree  # the drawing is found with lxml, as Word wrote it
