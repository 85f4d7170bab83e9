"""The edition and the disposition table as administrative documents (Decree 30/2020/NĐ-CP),
and the provenance every exported .docx carries.

Every document is parsed back (python-docx, and the raw parts with zipfile and lxml) and
checked against the rules a reader's office checks: page, margins, fonts, the header
block, the draft mark, page numbers, the signature block, and nothing of the workflow.
"""

import dataclasses
import io
import json
import re
import zipfile
from datetime import UTC, datetime

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from feedback.consolidation.documents import (
    DocFormat,
    dispositions_docx,
    edition_docx,
    official_date,
    read_provenance,
)
from feedback.provenance import Provenance, stamp
from tests.unit.test_documents import TARGETS, edition, sections, table, tracked_sections

# 03:00 UTC on 5 December 2019 is 10:00 in Quảng Ninh.
DAY = datetime(2019, 12, 5, 3, 0, tzinfo=UTC)
QUANG_NINH = DocFormat(
    superior_body="",
    issuing_body="Ủy ban nhân dân\ntỉnh Quảng Ninh",  # typed in lower case: printed in capitals
    document_number="      /BC-UBND",
    place="Quảng Ninh",
    document_type="Báo cáo",
    signature_block="TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Văn Thành",
    recipients="- Thường trực Tỉnh ủy (b/c);\n- CT, các PCT UBND tỉnh;\n- Lưu: VT, TH.",
)
CUSTOM_PROPERTIES = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"


def numbered_sections():
    """The test sections with ids and versions (id 40 + i, version i + 1)."""
    return [
        dataclasses.replace(s, section_id=40 + i, version=i + 1) for i, s in enumerate(sections())
    ]


def official(**changes):
    values = dict(
        report_id=7,
        format=QUANG_NINH,
        issued_at=DAY,
        sections=numbered_sections(),
        status_label="Đã phê duyệt",
        note="Ghi chú nội bộ: chưa gửi Sở Tư pháp",
    )
    values.update(changes)
    return edition(**values)


def read(data: bytes):
    return docx.Document(io.BytesIO(data))


def part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


def runs_text(data: bytes) -> list[str]:
    body = etree.fromstring(part(data, "word/document.xml"))
    return [t.text or "" for t in body.iter(qn("w:t"), qn("w:delText"))]


@pytest.fixture(scope="module")
def edition_bytes() -> bytes:
    return edition_docx(official())


# The date line ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (DAY, "Quảng Ninh, ngày 05 tháng 12 năm 2019"),
        (datetime(2020, 3, 15, 3, tzinfo=UTC), "Quảng Ninh, ngày 15 tháng 3 năm 2020"),
        (datetime(2020, 2, 1, 3, tzinfo=UTC), "Quảng Ninh, ngày 01 tháng 02 năm 2020"),
        (datetime(2020, 1, 9, 3, tzinfo=UTC), "Quảng Ninh, ngày 09 tháng 01 năm 2020"),
        # 20:00 UTC on 31 December is already New Year's Day in Vietnam.
        (datetime(2019, 12, 31, 20, tzinfo=UTC), "Quảng Ninh, ngày 01 tháng 01 năm 2020"),
    ],
)
def test_place_and_date_line_has_leading_zeros_only_where_the_decree_wants_them(moment, expected):
    assert official_date(moment, "Quảng Ninh") == expected


def test_date_line_without_a_place_starts_with_the_date():
    assert official_date(DAY) == "Ngày 05 tháng 12 năm 2019"


# Page, fonts, header block ------------------------------------------------------------------


def test_edition_page_is_a4_with_the_decree_margins(edition_bytes):
    section = read(edition_bytes).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 20 <= section.top_margin.mm <= 25 and 20 <= section.bottom_margin.mm <= 25
    assert (
        30 <= round(section.left_margin.mm, 1) <= 35
        and 15 <= round(section.right_margin.mm, 1) <= 20
    )


def test_edition_is_times_new_roman_13_to_14_pt(edition_bytes):
    document = read(edition_bytes)
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and 13 <= normal.font.size.pt <= 14
    styles = etree.fromstring(part(edition_bytes, "word/styles.xml"))
    fonts = {v for f in styles.iter(qn("w:rFonts")) for k, v in f.attrib.items()}
    assert fonts == {"Times New Roman"}
    sizes = [int(s.get(qn("w:val"))) / 2 for s in document.element.body.iter(qn("w:sz"))]
    assert sizes and all(s >= 11 or s <= 2 for s in sizes)  # 2 pt: the rules' empty marks


def test_header_block_is_a_borderless_two_column_table(edition_bytes):
    document = read(edition_bytes)
    header = document.tables[0]
    assert len(header.columns) == 2
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}
    left, right = header.rows[0].cells
    issuer = [p for p in left.paragraphs if p.text]
    assert [p.text for p in issuer] == ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NINH", "Số:       /BC-UBND"]
    assert all(r.bold for p in issuer[:2] for r in p.runs)
    # A short rule under the issuing body: an empty paragraph with a bottom border.
    assert any(not p.text and p._p.xpath("./w:pPr/w:pBdr/w:bottom") for p in left.paragraphs)
    motto = [p for p in right.paragraphs if p.text]
    assert [p.text for p in motto] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Quảng Ninh, ngày 05 tháng 12 năm 2019",
    ]
    assert motto[0].runs[0].bold and motto[1].runs[0].bold
    assert motto[2].runs[0].italic and not motto[2].runs[0].bold


def test_draft_mark_type_and_title_on_top(edition_bytes):
    paragraphs = [p for p in read(edition_bytes).paragraphs if p.text]
    assert [p.text for p in paragraphs[:3]] == [
        "DỰ THẢO lần 3",
        "BÁO CÁO",
        "Báo cáo tổng kết 10 năm thực hiện Nghị quyết số 19-NQ/TU",
    ]
    for paragraph in paragraphs[:3]:
        assert all(r.bold for r in paragraph.runs)
    assert paragraphs[1].alignment == paragraphs[2].alignment == 1  # centred


def test_an_approved_edition_is_no_longer_marked_draft():
    texts = [p.text for p in read(edition_docx(official(draft=False))).paragraphs]
    assert not any("DỰ THẢO" in t for t in texts)
    assert texts[0] == "BÁO CÁO"


def test_page_number_is_a_page_field_in_the_header_but_not_on_the_first_page(edition_bytes):
    section = read(edition_bytes).sections[0]
    assert section.different_first_page_header_footer
    assert section._sectPr.xpath("./w:titlePg")
    instructions = section.header._element.xpath(".//w:fldSimple/@w:instr")
    assert [i.strip() for i in instructions] == ["PAGE"]
    assert section.header.paragraphs[0].alignment == 1  # centred
    assert not section.first_page_header.is_linked_to_previous
    assert not section.first_page_header._element.xpath(".//w:fldSimple|.//w:instrText")


def test_signature_block_and_recipients_at_the_end(edition_bytes):
    document = read(edition_bytes)
    signature = document.tables[-1]
    assert signature._tbl is document.element.body[-2]  # last block before w:sectPr
    recipients, signer = signature.rows[0].cells
    lines = [p.text for p in recipients.paragraphs]
    assert lines[0] == "Nơi nhận:"
    label = recipients.paragraphs[0].runs[0]
    assert label.bold and label.italic and label.font.size.pt == 12
    assert lines[1:] == [
        "- Thường trực Tỉnh ủy (b/c);",
        "- CT, các PCT UBND tỉnh;",
        "- Lưu: VT, TH.",
    ]
    assert all(p.runs[0].font.size.pt == 11 for p in recipients.paragraphs[1:])
    assert [p.text for p in signer.paragraphs] == [
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Văn Thành",
    ]
    # The blank line of the setting is the space to sign and seal.
    assert signer.paragraphs[3].paragraph_format.space_before.pt >= 48


def test_no_workflow_status_no_note_no_markdown_in_any_run(edition_bytes):
    texts = runs_text(edition_bytes)
    joined = "".join(texts)
    assert "Đã phê duyệt" not in joined and "Ghi chú nội bộ" not in joined
    assert not [t for t in texts if "|" in t or "**" in t]
    # The body is really there: the targets table became a table.
    assert "Thu nhập bình quân đầu người" in texts


def test_the_redline_has_the_same_first_page():
    sections = [
        dataclasses.replace(s, section_id=50 + i, version=2)
        for i, s in enumerate(tracked_sections())
    ]
    redline = edition_docx(official(sections=sections, changes_since=2))
    plain = edition_docx(official())
    first = [p.text for p in read(redline).paragraphs[:3]]
    assert first == [p.text for p in read(plain).paragraphs[:3]]
    assert (
        read(redline).tables[0].rows[0].cells[1].text == read(plain).tables[0].rows[0].cells[1].text
    )
    assert [p.text for p in read(redline).tables[-1].rows[0].cells[1].paragraphs][-1] == (
        "Nguyễn Văn Thành"
    )
    texts = runs_text(redline)
    assert not [t for t in texts if "|" in t or "**" in t]
    # The removed section (IV) is shown as a deletion but is not part of the edition.
    assert read_provenance(redline)["sections"] == {50: 2, 51: 2, 52: 2}


def test_without_settings_the_motto_and_document_type_still_stand():
    document = read(edition_docx(edition(sections=[], note="")))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in document.tables[0].rows[0].cells[1].text
    assert len(document.tables) == 1  # no signature table without a signature or recipients
    assert [p.text for p in document.paragraphs if p.text][1] == "BÁO CÁO"


# Provenance ---------------------------------------------------------------------------------


def test_provenance_custom_property_is_registered_and_compact(edition_bytes):
    types = part(edition_bytes, "[Content_Types].xml").decode()
    assert 'PartName="/docProps/custom.xml"' in types
    assert "application/vnd.openxmlformats-officedocument.custom-properties+xml" in types
    rels = part(edition_bytes, "_rels/.rels").decode()
    assert re.search(
        r'Type="[^"]+/relationships/custom-properties"\s+Target="docProps/custom.xml"', rels
    ) or ("relationships/custom-properties" in rels and 'Target="docProps/custom.xml"' in rels)
    root = etree.fromstring(part(edition_bytes, "docProps/custom.xml"))
    (prop,) = root.findall(f"{{{CUSTOM_PROPERTIES}}}property")
    assert prop.get("name") == "FeedbackProvenance"
    assert prop.get("fmtid") == "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
    (value,) = list(prop)
    assert value.tag.endswith("}lpwstr")
    assert value.text == ('{"report":7,"edition":3,"sections":{"40":1,"41":2,"42":3,"43":4}}')
    # python-docx still opens the file.
    assert read(edition_bytes).core_properties.title


def test_one_bookmark_per_section_around_its_heading_and_body(edition_bytes):
    body = read(edition_bytes).element.body
    starts = body.xpath(".//w:bookmarkStart")
    ends = body.xpath(".//w:bookmarkEnd")
    names = [s.get(qn("w:name")) for s in starts]
    assert names == ["fb_s40_v1", "fb_s41_v2", "fb_s42_v3", "fb_s43_v4"]
    ids = [s.get(qn("w:id")) for s in starts]
    assert len(set(ids)) == len(ids) and sorted(ids) == sorted(e.get(qn("w:id")) for e in ends)
    for start in starts:
        heading = start.getparent()
        assert heading.tag == qn("w:p")
        assert heading.xpath("string(./w:pPr/w:pStyle/@w:val)").startswith("Heading")
        following = heading[heading.index(start) + 1 :]
        assert following and following[0].tag == qn("w:r")  # before the first run
    # Section I.1 ends with its quote's paragraph; the end is in that paragraph.
    by_id = {e.get(qn("w:id")): e for e in ends}
    end = by_id[starts[2].get(qn("w:id"))]
    assert end.getparent().tag == qn("w:p")
    assert "Dòng hai" in "".join(end.getparent().itertext())


def test_a_section_ending_with_a_table_ends_its_bookmark_after_the_table():
    ending_with_table = dataclasses.replace(numbered_sections()[1], text=f"Bảng:\n\n{TARGETS}")
    data = edition_docx(official(sections=[ending_with_table]))
    body = read(data).element.body
    (end,) = body.xpath("./w:bookmarkEnd")  # a child of w:body
    assert end.getprevious().tag == qn("w:tbl")
    assert read_provenance(data)["bookmarks"] == {41: 2}


def test_read_provenance_round_trip_and_refusals(edition_bytes):
    assert read_provenance(edition_bytes) == {
        "report": 7,
        "edition": 3,
        "sections": {40: 1, 41: 2, 42: 3, 43: 4},
        "bookmarks": {40: 1, 41: 2, 42: 3, 43: 4},
    }
    assert read_provenance(edition_docx(edition())) is None  # no report id: nothing stamped
    assert read_provenance(b"not a zip") is None
    assert read_provenance(b"PK\x03\x04 broken") is None


def _with_custom(data: bytes, custom: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = custom if info.filename == "docProps/custom.xml" else source.read(info)
            target.writestr(info.filename, body)
    return out.getvalue()


def test_a_truncated_property_falls_back_to_the_bookmarks(edition_bytes):
    """Some editors keep only the first 255 characters of a text property."""
    vt = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    cut = (
        f'<?xml version="1.0"?><Properties xmlns="{CUSTOM_PROPERTIES}" xmlns:vt="{vt}"><property '
        'fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="FeedbackProvenance">'
        '<vt:lpwstr>{"report":7,"edition":3,"sections":{"40":1,"4</vt:lpwstr></property>'
        "</Properties>"
    )
    found = read_provenance(_with_custom(edition_bytes, cut.encode()))
    assert found["report"] == 7 and found["edition"] == 3
    assert found["sections"] == {40: 1, 41: 2, 42: 3, 43: 4}


def test_entities_in_the_properties_are_never_expanded(edition_bytes):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">'
        b'<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<Properties xmlns="'
        + CUSTOM_PROPERTIES.encode()
        + b'"><property name="FeedbackProvenance">'
        b"<lpwstr>&c;&x;</lpwstr></property></Properties>"
    )
    found = read_provenance(_with_custom(edition_bytes, bomb))
    # The property is unreadable and counts as absent; the bookmarks still tell.
    assert found["report"] is None and found["sections"] == {40: 1, 41: 2, 42: 3, 43: 4}


def test_stamping_keeps_other_custom_properties(edition_bytes):
    again = stamp(edition_bytes, Provenance(report=7, edition=4, sections={40: 2}))
    root = etree.fromstring(part(again, "docProps/custom.xml"))
    assert len(root) == 1  # replaced, not duplicated
    assert json.loads(root[0][0].text) == {"report": 7, "edition": 4, "sections": {"40": 2}}
    assert part(again, "[Content_Types].xml").count(b"custom-properties+xml") == 1


# The disposition table ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def disposition_bytes() -> bytes:
    return dispositions_docx(
        table(format=QUANG_NINH, report_id=7, edition_number=2, generated_at=DAY)
    )


def test_disposition_table_is_landscape_a4_with_the_header_block(disposition_bytes):
    document = read(disposition_bytes)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    assert (
        30 <= round(section.left_margin.mm, 1) <= 35
        and 15 <= round(section.right_margin.mm, 1) <= 20
    )
    header = document.tables[0]
    left, right = header.rows[0].cells
    assert "ỦY BAN NHÂN DÂN" in left.text and "Số:" not in left.text  # the table has no number
    assert "Quảng Ninh, ngày 05 tháng 12 năm 2019" in right.text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right.text


def test_disposition_rows_repeat_the_header_and_never_split(disposition_bytes):
    grid = read(disposition_bytes).tables[1]
    assert grid.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    assert all(row._tr.xpath("./w:trPr/w:cantSplit") for row in grid.rows)
    assert len(grid.rows) == 4


def test_disposition_links_are_short_and_absolute_only(disposition_bytes):
    document = read(disposition_bytes)
    links = document.element.body.xpath("//w:hyperlink")
    assert ["".join(link.xpath(".//w:t/text()")) for link in links] == ["xem thay đổi"]
    targets = [r.target_ref for r in document.part.rels.values() if r.is_external]
    assert targets == ["https://gopy.quangninh.gov.vn/reports/1/sections/4/diff/2/3"]
    assert "http" not in "".join(runs_text(disposition_bytes))  # no address printed
    assert read_provenance(disposition_bytes) == {
        "report": 7,
        "edition": 2,
        "sections": {},
        "bookmarks": {},
    }
