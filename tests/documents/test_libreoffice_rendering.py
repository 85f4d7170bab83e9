"""The edition and the disposition table as LibreOffice renders them, and the provenance
LibreOffice keeps when it saves the file again.

One LibreOffice run per conversion (both documents to PDF in one run, both to .docx in
another: each launch takes seconds); the PDFs are read back with pdftotext and their first
two pages written as PNGs under test-artifacts/documents/ for a person to look at.
Times New Roman is not installed here: LibreOffice renders with the metric-compatible
Liberation Serif, which keeps the layout.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from feedback.consolidation.documents import dispositions_docx, edition_docx, read_provenance
from tests.unit.test_administrative_format import DAY, QUANG_NINH, numbered_sections, official
from tests.unit.test_documents import table

from . import libreoffice


def long_edition():
    """Enough text for a second page (its page number), every section with an id."""
    sections = []
    for copy in range(3):
        for section in numbered_sections():
            sections.append(
                dataclasses.replace(
                    section,
                    number=f"{section.number}{'.' * copy}" if section.number else "",
                    section_id=(section.section_id or 0) + 100 * copy,
                )
            )
    return official(sections=sections)


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    libreoffice.soffice()  # skip (or fail in CI) before writing anything
    folder = tmp_path_factory.mktemp("documents")
    edition = folder / "du-thao-lan-3.docx"
    edition.write_bytes(edition_docx(long_edition()))
    rows = table().rows * 4  # a second page: the header row repeats there
    dispositions = folder / "bang-tong-hop-y-kien.docx"
    dispositions.write_bytes(
        dispositions_docx(
            table(rows=rows, format=QUANG_NINH, report_id=7, edition_number=3, generated_at=DAY)
        )
    )
    return edition, dispositions


@pytest.fixture(scope="module")
def pdfs(sources, tmp_path_factory):
    edition, dispositions = libreoffice.convert(
        list(sources), "pdf", tmp_path_factory.mktemp("pdf")
    )
    libreoffice.snapshots(edition, "edition")
    libreoffice.snapshots(dispositions, "dispositions")
    return edition, dispositions


@pytest.fixture(scope="module")
def resaved(sources, tmp_path_factory):
    return libreoffice.convert(list(sources), "docx", tmp_path_factory.mktemp("resaved"))


def test_edition_first_page_reads_as_an_administrative_document(pdfs):
    first = libreoffice.pdf_text(pdfs[0], page=1)
    lines = first.splitlines()
    assert lines[0] == "DỰ THẢO lần 3"  # no page number on the first page
    flat = libreoffice.flat(first)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Quảng Ninh, ngày 05 tháng 12 năm 2019",
        "ỦY BAN NHÂN DÂN",
        "TỈNH QUẢNG NINH",
        "Số: /BC-UBND",  # pdftotext closes up the blank left for the number
        "BÁO CÁO",
        "Báo cáo tổng kết 10 năm thực hiện Nghị quyết số 19-NQ/TU",
        "I.1. Kinh tế",
    ):
        assert expected in flat, expected
    # The motto and the issuing body share the top lines: two columns, side by side.
    assert re.search(r"ỦY BAN NHÂN DÂN\s+CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", first)
    assert "Đã phê duyệt" not in flat and "Ghi chú nội bộ" not in flat


def test_edition_pages_after_the_first_carry_their_number_on_top(pdfs):
    assert libreoffice.page_count(pdfs[0]) >= 2
    assert libreoffice.pdf_text(pdfs[0], page=2).splitlines()[0] == "2"


def test_edition_ends_with_the_signature_and_recipients(pdfs):
    text = libreoffice.flat(libreoffice.pdf_text(pdfs[0]))
    for expected in ("Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "PHÓ CHỦ TỊCH", "Nguyễn Văn Thành"):
        assert expected in text, expected
    assert text.rindex("Nguyễn Văn Thành") > text.rindex("Kinh tế")
    assert "|" not in text and "**" not in text


def test_disposition_table_renders_landscape_with_the_header_and_short_links(pdfs):
    first = libreoffice.pdf_text(pdfs[1], page=1)
    flat = libreoffice.flat(first)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Quảng Ninh, ngày 05 tháng 12 năm 2019",
        "Bảng tổng hợp, tiếp thu, giải trình ý kiến góp ý",
        "Sở Tài chính",
        "xem thay đổi",
    ):
        assert expected in flat, expected
    text = libreoffice.flat(libreoffice.pdf_text(pdfs[1]))
    assert "http" not in text and "gopy.quangninh.gov.vn" not in text
    assert libreoffice.page_count(pdfs[1]) >= 2
    second = libreoffice.pdf_text(pdfs[1], page=2)
    assert second.splitlines()[0] == "2"
    assert "Nội dung góp ý" in second  # the header row again at the top of page 2


def test_page_snapshots_are_written(pdfs):
    names = {p.name for p in libreoffice.ARTIFACTS.glob("*.png")}
    for name in ("edition-1.png", "edition-2.png", "dispositions-1.png", "dispositions-2.png"):
        assert name in names


def test_libreoffice_keeps_the_provenance(resaved):
    edition, dispositions = (path.read_bytes() for path in resaved)
    expected = {s.section_id: s.version for s in long_edition().sections}
    found = read_provenance(edition)
    assert (found["report"], found["edition"]) == (7, 3)
    assert found["sections"] == expected
    assert found["bookmarks"] == expected
    assert read_provenance(dispositions)["edition"] == 3
