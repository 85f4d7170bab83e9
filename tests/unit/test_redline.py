"""The structured diff as Word revisions (feedback.consolidation.documents.tracked).

A redline is right when Word's own buttons give the two texts back: accepting every
revision must give the section as the edition writes it now, rejecting every revision as
the edition wrote it before, paragraph by paragraph and cell by cell. Accept and reject
are done here on the XML, the way Word does them: drop the deleted runs (rows,
paragraphs) and unwrap the inserted ones, or the reverse. The expected texts are the
plain edition writer's rendering of the new and of the old Markdown.
"""

import copy
import io
import shutil
import subprocess
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from feedback.consolidation.documents.engine import Flow, Writer
from feedback.consolidation.documents.tables import column_widths
from feedback.consolidation.documents.tracked import tracked_text
from feedback.consolidation.documents.word import new_document, save

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "documents"
WHEN = datetime(2019, 12, 10, 8, 0, tzinfo=UTC)
W = {name: qn(f"w:{name}") for name in ("p", "r", "t", "delText", "ins", "del", "tbl", "tr", "tc")}
W.update(pPr=qn("w:pPr"), rPr=qn("w:rPr"), trPr=qn("w:trPr"), b=qn("w:b"), pStyle=qn("w:pStyle"))

# The demo report's section I.1: its paragraph, the targets table and the source line.
_DEMO = (ROOT / "feedback" / "demo_report.md").read_text(encoding="utf-8").splitlines()
TARGETS_SECTION = "\n".join(_DEMO[14:33])
ROW_9 = "| 9 | Tỷ lệ hộ nghèo theo chuẩn đa chiều (%) | dưới 1 | 0,16 | Vượt |\n"
ROW_14 = "| 14 | Tỷ lệ che phủ rừng (%) | 54 | 54,6 | Đạt |"
ROW_15 = "| 15 | Tỷ lệ dân số đô thị được cấp nước sạch (%) | 95 | 98,5 | Vượt |"
OLD = (
    "#### a) Kết quả chủ yếu\n\n"
    f"{TARGETS_SECTION}\n\n"
    "- Hoàn thành **12** chỉ tiêu\n- Giữ vững quốc phòng\n- Mục sẽ bỏ\n\n"
    "Nguồn số liệu: Cục Thống kê tỉnh."
)
NEW = (
    OLD.replace("a) Kết quả chủ yếu", "a) Kết quả đạt được")  # a changed heading
    .replace("| 40 | 48,5 |", "| 40 | 48,2 |")  # a changed figure
    .replace(ROW_9, "")  # a removed row
    .replace(ROW_14, f"{ROW_14}\n{ROW_15}")  # an added row
    .replace("**12**", "**11**")  # a changed list item, bold kept
    .replace("- Mục sẽ bỏ\n", "")  # a removed list item
    .replace("Nguồn số liệu:", "**Nguồn số liệu:**")  # made bold
)


def redline(old: str, new: str) -> docx.document.Document:
    document = new_document(size=13)
    assert tracked_text(Writer(document, "Tổ soạn thảo", WHEN), Flow(document), old, new)
    return docx.Document(io.BytesIO(save(document)))


def plain(text: str):
    """The edition writer's rendering of ``text``: what accepting or rejecting must give."""
    document = new_document(size=13)
    Writer(document, "Tổ soạn thảo", WHEN).markdown(Flow(document), text)
    return docx.Document(io.BytesIO(save(document))).element.body


# Word's "accept all" and "reject all", on the XML -------------------------------------------


def _unwrap(element) -> None:
    parent = element.getparent()
    index = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    parent.remove(element)


def resolve(body, keep: str):
    """All revisions accepted (``keep`` "ins") or rejected (``keep`` "del")."""
    body = copy.deepcopy(body)
    drop = "del" if keep == "ins" else "ins"
    for tr in list(body.iter(W["tr"])):
        marks = tr.find(W["trPr"])
        if marks is not None and marks.find(W[drop]) is not None:
            tr.getparent().remove(tr)
    for p in list(body.iter(W["p"])):
        mark = p.find(f"{W['pPr']}/{W['rPr']}/{W[drop]}")
        if mark is not None:  # the paragraph mark goes: its remaining runs join the next
            following = p.getnext()
            runs = [r for r in p if r.tag != W["pPr"]]
            if following is not None and following.tag == W["p"]:
                at = 1 if following.find(W["pPr"]) is not None else 0
                for offset, run in enumerate(runs):
                    following.insert(at + offset, run)
            p.getparent().remove(p)
    for element in list(body.iter(W[drop])):
        if element.getparent().tag not in (W["rPr"], W["trPr"]):
            element.getparent().remove(element)
    for element in list(body.iter(W[keep])):
        if element.getparent().tag in (W["rPr"], W["trPr"]):
            element.getparent().remove(element)  # the mark stays, now not a revision
        else:
            _unwrap(element)
    for text in list(body.iter(W["delText"])):
        text.tag = W["t"]
    return body


def _text(element) -> str:
    return " ".join("".join(t.text or "" for t in element.iter(W["t"])).split())


def _bold(p) -> str:
    bold = [r for r in p.iter(W["r"]) if r.find(f"{W['rPr']}/{W['b']}") is not None]
    return " ".join("".join(t.text or "" for r in bold for t in r.iter(W["t"])).split())


def read_back(body) -> list:
    """Paragraphs (style, text, bold text) and tables (rows of cell texts), in order."""
    out: list = []
    for child in body:
        if child.tag == W["p"]:
            style = child.find(f"{W['pPr']}/{W['pStyle']}")
            name = style.get(qn("w:val")) if style is not None else ""
            if _text(child) or name:
                out.append((name, _text(child), _bold(child)))
        elif child.tag == W["tbl"]:
            rows = [[_text(tc) for tc in tr.iter(W["tc"])] for tr in child.iter(W["tr"])]
            out.append(rows)
    return out


# Tests ----------------------------------------------------------------------------------------


def test_accepting_all_gives_the_new_text_and_rejecting_all_the_old():
    body = redline(OLD, NEW).element.body
    accepted, rejected = read_back(resolve(body, "ins")), read_back(resolve(body, "del"))
    assert accepted == read_back(plain(NEW))
    assert rejected == read_back(plain(OLD))
    # Cell by cell, in the targets table of the demo report.
    (new_table,) = [b for b in accepted if isinstance(b, list)]
    (old_table,) = [b for b in rejected if isinstance(b, list)]
    assert new_table[5] == [
        "5",
        "Thu ngân sách nhà nước trên địa bàn (nghìn tỷ đồng)",
        "40",
        "48,2",
        "Vượt",
    ]
    assert old_table[5][3] == "48,5"
    assert [row[0] for row in new_table[1:]] == [str(n) for n in range(1, 16) if n != 9]
    assert [row[0] for row in old_table[1:]] == [str(n) for n in range(1, 15)]


def test_a_changed_figure_is_a_revision_inside_its_cell():
    (table,) = redline(OLD, NEW).tables
    cell = table.rows[5].cells[3]._tc
    assert "".join(t.text for t in cell.iter(W["delText"])) == "48,5"
    assert "".join(t.text for t in cell.xpath(".//w:ins//w:t")) == "48,2"
    assert not table.rows[5]._tr.xpath("./w:trPr/w:ins | ./w:trPr/w:del")  # not a row change
    for other in table.rows[5].cells[:3]:
        assert not other._tc.xpath(".//w:ins | .//w:del")


def test_added_and_removed_rows_are_revision_marked_rows():
    (table,) = redline(OLD, NEW).tables
    marked = {
        row.cells[0]._tc.xpath("string(.)"): ("ins" if row._tr.xpath("./w:trPr/w:ins") else "del")
        for row in table.rows
        if row._tr.xpath("./w:trPr/w:ins | ./w:trPr/w:del")
    }
    assert marked == {"9": "del", "15": "ins"}
    removed = next(r for r in table.rows if r._tr.xpath("./w:trPr/w:del"))._tr
    assert not removed.xpath(".//w:t") and removed.xpath("string(.)").startswith("9Tỷ lệ hộ nghèo")
    added = next(r for r in table.rows if r._tr.xpath("./w:trPr/w:ins"))._tr
    texts = added.xpath(".//w:t")
    assert texts and all(t.xpath("ancestor::w:ins") for t in texts)


def test_lists_headings_and_bold_change_in_place():
    document = redline(OLD, NEW)
    paragraphs = document.paragraphs
    heading = paragraphs[0]._p
    assert heading.xpath("string(.//w:del)") == "chủ yếu"
    assert heading.xpath("string(.//w:ins)") == "đạt được"
    items = [p for p in paragraphs if p.style.name == "List Bullet"]
    assert len(items) == 3
    changed, kept, removed = (p._p for p in items)
    (bold_in,) = changed.xpath(".//w:ins/w:r")
    assert bold_in.xpath("string(.)") == "11" and bold_in.xpath("./w:rPr/w:b")
    assert changed.xpath("string(.//w:del)") == "12"
    assert not kept.xpath(".//w:ins | .//w:del")
    assert removed.xpath("./w:pPr/w:rPr/w:del") and not removed.xpath(".//w:t")
    source = paragraphs[-1]._p
    assert source.xpath("string(.//w:ins)") == "Nguồn số liệu:"
    assert source.xpath(".//w:ins/w:r/w:rPr/w:b")


def test_no_markdown_syntax_in_any_run():
    body = redline(OLD, NEW).element.body
    runs = [t.text or "" for t in body.iter(W["t"], W["delText"])]
    assert runs
    for text in runs:
        assert "|" not in text and "**" not in text and "#" not in text
        assert not text.lstrip().startswith(("- ", "* ", "---"))


def test_an_added_column_marks_its_cells():
    old = (
        "| STT | Chỉ tiêu | Kế hoạch |\n|---|---|---|\n| 1 | GRDP | 9 |\n| 2 | Thu ngân sách | 40 |"
    )
    new = (
        "| STT | Chỉ tiêu | Kế hoạch | Thực hiện |\n|---|---|---|---|\n"
        "| 1 | GRDP | 9 | 10,7 |\n| 2 | Thu ngân sách | 40 | 48,5 |"
    )
    (table,) = redline(old, new).tables
    for row in table.rows:
        assert not row._tr.xpath("./w:trPr/w:ins | ./w:trPr/w:del")
        last = row.cells[3]._tc
        assert last.xpath("string(.//w:ins)") == _text(last) != ""
        assert not any(cell._tc.xpath(".//w:ins") for cell in row.cells[:3])
    # Word has no column revision: rejecting leaves the added column's cells empty.
    (rejected,) = read_back(resolve(redline(old, new).element.body, "del"))
    (expected,) = read_back(plain(old))
    assert rejected == [[*row, ""] for row in expected]


def test_merged_cells_stay_merged_and_a_changed_cell_is_marked():
    head = (
        '<table>\n<thead>\n<tr><th rowspan="2">Chỉ tiêu</th><th colspan="2">Năm 2020</th></tr>\n'
        "<tr><th>Kế hoạch</th><th>Thực hiện</th></tr>\n</thead>\n<tbody>\n"
    )
    old = head + "<tr><td>Thu ngân sách</td><td>40</td><td>48,5</td></tr>\n</tbody>\n</table>"
    new = old.replace("48,5", "48,2")
    (table,) = redline(old, new).tables
    tbl = table._tbl
    assert tbl.xpath(".//w:gridSpan[@w:val='2']") and tbl.xpath(".//w:vMerge")
    header_rows = [tr for tr in tbl.tr_lst if tr.xpath("./w:trPr/w:tblHeader")]
    assert len(header_rows) == 2  # both header rows repeat on every page
    (changed,) = [tc for tc in tbl.iter(W["tc"]) if tc.xpath(".//w:ins")]
    assert changed.xpath("string(.//w:delText)") == "48,5"
    assert changed.xpath("string(.//w:ins)") == "48,2"


def test_table_layout_fits_content_repeats_headers_and_keeps_rows():
    (table,) = redline(OLD, NEW).tables
    widths = [int(col.w) for col in table._tbl.tblGrid.gridCol_lst]
    text_width = Mm(210 - 30 - 15)
    assert abs(sum(widths) - text_width) < Mm(1)
    stt, name, *figures = widths
    assert stt < Mm(16) and name > 2 * max(figures) and name > 4 * stt
    assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    assert all(row._tr.xpath("./w:trPr/w:cantSplit") for row in table.rows)
    # Word reads the cells' widths: they agree with the grid.
    assert [int(cell.width) for cell in table.rows[3].cells] == widths


def test_column_widths_never_break_a_word_and_add_up():
    texts = [["STT", "1", "14"], ["Tỷ lệ chất thải rắn đô thị được thu gom, xử lý (%)"], ["96,3"]]
    widths = column_widths(texts, Mm(165))
    assert sum(widths) == Mm(165)
    assert widths[0] >= Mm(13) and widths[2] >= Mm(10) and widths[1] > widths[0] * 3
    tight = column_widths([["Đánh"], ["giá"]] * 20, Mm(165))  # too many columns: shrink alike
    assert sum(tight) == Mm(165) and len(set(tight[:2])) == 2


def test_text_that_reads_the_same_writes_nothing():
    document = new_document(size=13)
    writer = Writer(document, "Tổ soạn thảo", WHEN)
    assert not tracked_text(writer, Flow(document), "Một  đoạn.", "Một đoạn.\n")
    assert not document.element.body.xpath(".//w:ins | .//w:del")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not on PATH")
def test_libreoffice_reads_the_redline_as_a_table_with_revisions(tmp_path):
    source = tmp_path / "redline.docx"
    document = new_document(size=13)
    assert tracked_text(Writer(document, "Tổ soạn thảo", WHEN), Flow(document), OLD, NEW)
    source.write_bytes(save(document))
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    subprocess.run(
        [
            "soffice",
            profile,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "redline.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        return
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    text = unicodedata.normalize("NFC", text)
    assert "|" not in text and "**" not in text
    # The targets table is laid out as a table: row 5 reads across, old and new figure.
    row = next(line for line in text.splitlines() if "Thu ngân sách" in line)
    assert row.split()[0] == "5" and "48,5" in row and "48,2" in row and "Vượt" in row
    assert "Tỷ lệ dân số đô thị được cấp nước" in text
    if shutil.which("pdftoppm") is not None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(pdf), str(ARTIFACTS / "redline-section")],
            check=True,
            timeout=60,
        )
        assert list(ARTIFACTS.glob("redline-section*.png"))


def _pandoc() -> str | None:
    """pandoc on PATH, or the one the pypandoc-binary wheel carries, if either is here."""
    found = shutil.which("pandoc")
    if found:
        return found
    try:
        import pypandoc  # optional: only to find the executable its wheel carries
    except ImportError:
        return None
    return pypandoc.get_pandoc_path()


@pytest.mark.skipif(_pandoc() is None, reason="pandoc is not installed")
def test_pandoc_reads_the_revisions_inside_the_cell(tmp_path):
    """A second, independent reader of OOXML: pandoc's accept and reject of the redline."""
    source = tmp_path / "redline.docx"
    document = new_document(size=13)
    assert tracked_text(Writer(document, "Tổ soạn thảo", WHEN), Flow(document), OLD, NEW)
    source.write_bytes(save(document))

    def read_as(mode: str) -> str:
        command = [_pandoc(), f"--track-changes={mode}", "-f", "docx", "-t", "plain", str(source)]
        run = subprocess.run(command, check=True, capture_output=True, text=True, timeout=60)
        return " ".join(unicodedata.normalize("NFC", run.stdout).split())

    accepted, rejected = read_as("accept"), read_as("reject")
    assert "48,2" in accepted and "48,5" not in accepted and "Kết quả đạt được" in accepted
    assert "48,5" in rejected and "48,2" not in rejected and "Kết quả chủ yếu" in rejected
    assert "|" not in accepted + rejected and "**" not in accepted + rejected


def test_edition_tables_fit_their_content_too():
    """The plain edition writer (edition, added and removed sections, comment texts)
    lays tables out the same way: a narrow STT, a wide indicator name."""
    (table,) = plain(TARGETS_SECTION).iter(W["tbl"])
    widths = [int(w) for w in table.xpath("./w:tblGrid/w:gridCol/@w:w")]
    stt, name, *figures = widths
    assert abs(sum(widths) - Mm(165).twips) < 20 and name > 4 * stt and name > 2 * max(figures)
    rows = table.xpath("./w:tr")
    assert rows[0].xpath("./w:trPr/w:tblHeader") and not rows[1].xpath("./w:trPr/w:tblHeader")
    assert all(row.xpath("./w:trPr/w:cantSplit") for row in rows)
    assert table.xpath("./w:tblPr/w:tblLayout[@w:type='fixed']")


def test_footnotes_read_as_numbers_and_notes_accepted_or_rejected():
    # Labels as a Word import leaves them, numbered across the document: 3 and 4 here,
    # shown 1 and 2 as on the page.
    old = (
        "Tăng trưởng đạt 10,7%[^3], thu ngân sách 48,5 nghìn tỷ đồng[^4].\n\n"
        "[^3]: Nguồn: Cục Thống kê tỉnh.\n\n"
        "[^4]: Số liệu ước thực hiện của Sở Tài chính."
    )
    new = old.replace("10,7%", "10,9%").replace("Thống kê tỉnh.", "Thống kê tỉnh Quảng Ninh.")
    body = redline(old, new).element.body
    texts = [unicodedata.normalize("NFC", t.text or "") for t in body.iter(W["t"], W["delText"])]
    assert texts and not any("[^" in t or "↩" in t for t in texts)
    accepted = read_back(resolve(copy.deepcopy(body), "ins"))
    assert accepted == read_back(plain(new))
    assert read_back(resolve(copy.deepcopy(body), "del")) == read_back(plain(old))
    assert [text for _, text, _ in accepted] == [
        "Tăng trưởng đạt 10,9%1, thu ngân sách 48,5 nghìn tỷ đồng2.",
        "1 Nguồn: Cục Thống kê tỉnh Quảng Ninh.",
        "2 Số liệu ước thực hiện của Sở Tài chính.",
    ]
