"""Reading Word drafts (feedback.wordimport): structure, content, and what is refused.

Fixtures are built here with python-docx plus raw OOXML (tests/docx_builder.py), and
three were written by LibreOffice (tests/fixtures/docx/lo_*.docx, from the .fodt
sources beside them), a second producer of the format."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

import pytest

from feedback.wordimport.legacy import tcvn3_to_unicode, unicode_to_tcvn3
from feedback.wordimport.numbering import parse_scheme, printed_number
from feedback.wordimport.package import Limits, UnsafeDocument, open_docx
from feedback.wordimport.reader import read_docx
from tests import docx_builder as b

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "docx"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def sections(draft):
    return [(s.level, s.heading, s.pattern) for s in draft.sections]


def test_headings_by_style_and_outline_level():
    data = b.build(
        b.para(text="Báo cáo tình hình kinh tế - xã hội năm 2024", style="Title")
        + b.para(text="TÌNH HÌNH CHUNG", style="Heading1")
        + b.para(text="Kinh tế tăng trưởng khá.")
        + b.para(text="Nông nghiệp", style="Heading2")
        + b.para(text="Sản lượng lúa đạt 1,2 triệu tấn.")
        + b.para(text="Thủy sản", outline=1)
        + b.para(text="Nuôi trồng tăng 5%.")
        + b.para(text="Chi tiết sâu", style="Heading4")
        + b.para(text="NHIỆM VỤ", style="Heading1")
    )
    draft = read_docx(data)
    assert draft.title == "Báo cáo tình hình kinh tế - xã hội năm 2024"
    assert sections(draft) == [
        (1, "TÌNH HÌNH CHUNG", None),
        (2, "Nông nghiệp", None),
        (2, "Thủy sản", None),
        (1, "NHIỆM VỤ", None),
    ]
    assert draft.scheme is None  # nothing numbered: the app prints paths
    assert "#### Chi tiết sâu" in draft.sections[2].text  # deeper headings stay text


def test_automatic_numbering_sets_the_scheme():
    data = b.build(
        b.para(text="ĐÁNH GIÁ KẾT QUẢ", style="Heading1", num=(1, 0))
        + b.para(text="Tăng trưởng đạt 10,7%.")
        + b.para(text="Kinh tế", style="Heading2", num=(1, 1))
        + b.para(text="Công nghiệp", style="Heading3", num=(1, 2))
        + b.para(text="Chế biến tăng.")
    )
    draft = read_docx(data)
    assert sections(draft) == [
        (1, "ĐÁNH GIÁ KẾT QUẢ", "I."),
        (2, "Kinh tế", "1."),
        (3, "Công nghiệp", "a)"),
    ]
    assert draft.scheme == ["I.", "1.", "a)"] and draft.numbering == "roman"


def test_bold_typed_numbers_are_headings_and_leave_the_heading():
    data = b.build(
        b.para(text="I. ĐÁNH GIÁ KẾT QUẢ", bold=True)
        + b.para(text="1. Các chỉ tiêu chủ yếu", bold=True)
        + b.para(text="1. Đây là một câu thường, không in đậm, mở đầu bằng số.")
        + b.para(text="a) Nông nghiệp", bold=True)
        + b.para(text="b) Công nghiệp", bold=True)
        + b.para(text="2. Xã hội", bold=True)
        + b.para(text="II. PHƯƠNG HƯỚNG", bold=True)
    )
    draft = read_docx(data)
    assert sections(draft) == [
        (1, "ĐÁNH GIÁ KẾT QUẢ", "I."),
        (2, "Các chỉ tiêu chủ yếu", "1."),
        (3, "Nông nghiệp", "a)"),
        (3, "Công nghiệp", "a)"),
        (2, "Xã hội", "1."),
        (1, "PHƯƠNG HƯỚNG", "I."),
    ]
    assert "không in đậm" in draft.sections[1].text
    assert draft.scheme == ["I.", "1.", "a)"]


def test_content_tables_lists_footnotes_and_nfd_text():
    data = b.build(
        b.para(text="I. KẾT QUẢ", bold=True)
        + b.para(
            b.run(nfd("Tốc độ tăng trưởng đạt ")),
            b.run("10,7%", bold=True),
            b.run(" mỗi năm", italic=True),
            b.footnote_ref(1),
        )
        + b.merged_table()
        + b.para(text=nfd("Giảm nghèo bền vững"), num=(2, 0))
        + b.para(text="Hộ nghèo còn 0,5%", num=(2, 1))
        + b.para(text="Y tế cơ sở", num=(2, 0))
        + b.para(text="II. PHƯƠNG HƯỚNG", bold=True)
        + b.para(text="Phát triển bền vững."),
        footnotes={1: "Nguồn: Cục Thống kê tỉnh."},
    )
    draft = read_docx(data)
    first = draft.sections[0]
    assert "Tốc độ tăng trưởng đạt **10,7%** *mỗi năm*[^1]" in first.text  # NFC
    assert "[^1]: Nguồn: Cục Thống kê tỉnh." in first.text
    assert '<th rowspan="2">Chỉ tiêu</th>' in first.text or '<td rowspan="2">Chỉ tiêu</td>' in (
        first.text
    )
    assert 'colspan="2">Kế hoạch<' in first.text and first.tables == 1
    assert "- Giảm nghèo bền vững\n    - Hộ nghèo còn 0,5%\n- Y tế cơ sở" in first.text
    assert "[^1]" not in draft.sections[1].text


def test_a_table_without_a_marked_header_row_has_its_first_row_as_header():
    rows = [["STT", "Chỉ tiêu", "Thực hiện"], ["1", "Thu ngân sách", "48,5"]]
    data = b.build(
        b.para(text="I. KẾT QUẢ", bold=True)
        + b.table([[b.cell(text) for text in row] for row in rows], 3)  # no tblLook firstRow
    )
    text = read_docx(data).sections[0].text
    assert text.splitlines()[:3] == [
        "| STT | Chỉ tiêu | Thực hiện |",
        "| --- | --- | --- |",
        "| 1 | Thu ngân sách | 48,5 |",
    ]


def test_tcvn3_text_is_converted_and_vni_reported():
    assert tcvn3_to_unicode("B¸o c¸o t×nh h×nh") == "Báo cáo tình hình"
    data = b.build(
        b.para(text="I. TÌNH HÌNH", bold=True)
        + b.para(b.run(unicode_to_tcvn3("Công nghiệp chế biến tăng trưởng"), font=".VnTime"))
        + b.para(b.run(unicode_to_tcvn3("ủy ban nhân dân"), font=".VnTimeH"))
        + b.para(b.run("Ba\u00f8o ca\u00f8o", font="VNI-Times"))
    )
    draft = read_docx(data)
    text = draft.sections[0].text
    assert "Công nghiệp chế biến tăng trưởng" in text and "ỦY BAN NHÂN DÂN" in text
    assert draft.converted[0] == {"encoding": "tcvn3", "text": "Công nghiệp chế biến tăng trưởng"}
    assert [s["kind"] for s in draft.skipped] == ["legacy_vni"]


def test_images_charts_and_text_boxes_are_listed_not_kept():
    data = b.build(
        b.para(text="I. TÌNH HÌNH", bold=True)
        + b.para(b.run("Trước hình. "), b.image("Bản đồ hành chính"))
        + b.para(b.chart("Biểu đồ GRDP"))
        + b.para(b.text_box("Ghi chú trong hộp"))
    )
    draft = read_docx(data)
    assert draft.skipped == [
        {"kind": "image", "text": "Bản đồ hành chính"},
        {"kind": "chart", "text": "Biểu đồ GRDP"},
        {"kind": "text_box", "text": "Ghi chú trong hộp"},
    ]
    assert draft.sections[0].text == "Trước hình."


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "lo_merged_table.docx",
            [(1, "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", "I."), (2, "Các chỉ tiêu kinh tế", "1.")],
        ),
        ("lo_tracked_changes.docx", [(1, "ĐÁNH GIÁ KẾT QUẢ", "I."), (1, "PHƯƠNG HƯỚNG", "I.")]),
        ("lo_comments.docx", [(1, "THU NGÂN SÁCH", "I."), (1, "CHI NGÂN SÁCH", "I.")]),
    ],
)
def test_documents_written_by_libreoffice(name, expected):
    draft = read_docx((FIXTURES / name).read_bytes())
    assert sections(draft)[: len(expected)] == expected


def test_libreoffice_table_list_footnote_and_revisions():
    table = read_docx((FIXTURES / "lo_merged_table.docx").read_bytes())
    assert "[^1]: Nguồn: Cục Thống kê tỉnh Quảng Ninh." in table.sections[0].text
    assert 'rowspan="2">STT<' in table.sections[1].text
    assert 'colspan="2">Kết quả<' in table.sections[1].text
    assert "- Giảm nghèo bền vững\n    - Hộ nghèo còn 0,5%" in table.sections[2].text
    changes = read_docx((FIXTURES / "lo_tracked_changes.docx").read_bytes())
    assert "đạt 10,9%/năm" in changes.sections[0].text  # read as accepted
    assert {"kind": "tracked_changes", "text": "9"} in changes.skipped
    comments = read_docx((FIXTURES / "lo_comments.docx").read_bytes())
    assert comments.skipped == [
        {"kind": "comment", "text": "Nguyễn Văn An: Đề nghị cập nhật số liệu quý IV."},
        {"kind": "comment", "text": "Trần Thị Bình: Tăng so với năm nào?"},
        {"kind": "comment", "text": "Nguyễn Văn An: So với năm 2023."},
    ]


def test_printed_numbers_follow_the_scheme():
    assert printed_number("1.", [1, 2]) == ("2", ".")
    assert printed_number("a)", [1, 1, 5]) == ("đ", ")")  # a b c d đ
    assert printed_number("1.1.", [2, 3]) == ("2.3", ".")
    assert printed_number("I.", [4]) == ("IV", ".")
    assert parse_scheme("I. / 1. / a)") == ["I.", "1.", "a)"]
    assert parse_scheme("") is None
    with pytest.raises(ValueError):
        parse_scheme("Chương 1")


# Refusals --------------------------------------------------------------------------

PLAIN = b.build(b.para(text="I. TÌNH HÌNH", bold=True) + b.para(text="Nội dung."))


def _replace(data: bytes, name: str, content: bytes) -> bytes:
    return b.with_part(data, name, content)


def _kind(data: bytes, limits: Limits | None = None) -> str:
    with pytest.raises(UnsafeDocument) as refused:
        open_docx(data, limits)
    return refused.value.kind


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(PLAIN)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("word/media/filler.xml", b"\0" * (40 * 1024 * 1024))
    return out.getvalue()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&secret;</w:t></w:r></w:p></w:body></w:document>"""


def test_every_bad_file_is_refused_before_it_is_read():
    assert open_docx(PLAIN).main == "word/document.xml"
    assert _kind(b"Day khong phai tai lieu Word") == "not_docx"
    assert _kind(b"PK\x03\x04" + b"\x00" * 200) == "corrupt"
    assert _kind(PLAIN[: len(PLAIN) // 2]) == "corrupt"
    assert _kind(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504) == "ole"  # encrypted
    assert _kind((FIXTURES / "lo_old_word.doc").read_bytes()) == "ole"
    assert _kind(_zip_bomb()) == "bomb"
    assert _kind(PLAIN, Limits(max_uncompressed=10_000)) == "bomb"
    assert _kind(PLAIN, Limits(max_parts=3)) == "too_many_parts"
    assert _kind(PLAIN, Limits(max_bytes=1000)) == "too_large"
    assert _kind(_replace(PLAIN, "word/document.xml", BILLION_LAUGHS)) == "entities"
    assert _kind(_replace(PLAIN, "word/document.xml", EXTERNAL_ENTITY)) == "entities"


def test_external_relationships_and_macros_are_refused():
    rels = zipfile.ZipFile(io.BytesIO(PLAIN)).read("word/_rels/document.xml.rels")
    linked = rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/image" Target="http://127.0.0.1:9/x.png" TargetMode="External"/>'
        b"</Relationships>",
    )
    assert _kind(_replace(PLAIN, "word/_rels/document.xml.rels", linked)) == "external"
    types = zipfile.ZipFile(io.BytesIO(PLAIN)).read("[Content_Types].xml")
    macro = types.replace(
        b"wordprocessingml.document.main+xml", b"wordprocessingml.document.main+xml_"
    ).replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml_",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    assert _kind(_replace(PLAIN, "[Content_Types].xml", macro)) == "macros"
    assert _kind(_replace(PLAIN, "word/vbaProject.bin", b"\0" * 10)) == "macros"


def test_the_reader_is_pure():
    """feedback.wordimport imports no Flask, no SQLAlchemy and no feedback module but
    the pure rich-text package, so another import (a marked-up copy) can reuse it."""
    import ast

    package = Path(__file__).resolve().parents[2] / "feedback" / "wordimport"
    for module in package.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            for name in names:
                assert not name.startswith(("flask", "sqlalchemy")), (module.name, name)
                if name.startswith("feedback"):
                    assert name.startswith("feedback.richtext"), (module.name, name)
