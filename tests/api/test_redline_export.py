"""The chair's redline of the demo report: after the drafting team accepts a department's
suggestion that changes a figure in the targets table, ``export.docx?changes_since=1``
has the change as a Word revision inside that table cell, and no Markdown anywhere; the
print view shows the same table with the change in its cell."""

import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from feedback.demo import REPORT_FILE
from feedback.extensions import db
from feedback.reports import services as report_services
from feedback.review import consultation
from feedback.review import services as review_services

from ..review_helpers import open_round, sections

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"
OLD_ROW = "| 5 | Thu ngân sách nhà nước trên địa bàn (nghìn tỷ đồng) | 40 | 48,5 | Vượt |"
NEW_ROW = OLD_ROW.replace("48,5", "48,2")


def _changed_figure_edition(api, people):
    """The demo report, draft no. 1, the figure changed by an accepted suggestion, draft no. 2."""
    markdown = REPORT_FILE.read_text(encoding="utf-8")
    report = report_services.import_report(people.drafter, title=None, markdown=markdown)
    db.session.commit()
    drafter = api.as_(people.drafter)
    assert drafter.post(f"/reports/{report.id}/editions", json={}).status_code == 201
    targets = next(s for s in sections(report) if OLD_ROW in s.current.text)
    round_ = open_round(people, report)
    suggestion = review_services.add_suggestion(
        people.reviewer,
        targets,
        base_version=targets.current.number,
        text=targets.current.text.replace(OLD_ROW, NEW_ROW),
        rationale="Số liệu của Cục Thống kê cập nhật.",
    )
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    accepted = drafter.post(f"/suggestions/{suggestion.id}/accept", json={"note": "Tiếp thu."})
    assert accepted.status_code == 200
    assert drafter.post(f"/reports/{report.id}/editions", json={}).status_code == 201
    return report


def test_redline_docx_has_the_changed_figure_as_a_revision_inside_its_cell(api, people):
    report = _changed_figure_edition(api, people)
    response = api.as_(people.chair).get(
        f"/reports/{report.id}/editions/2/export.docx?changes_since=1"
    )
    assert response.status_code == 200
    body = docx.Document(io.BytesIO(response.data)).element.body
    # Only that section changed: its table is the one table with revisions, and the
    # revisions are in the one cell of row 5 that holds the figure.
    changed = [tc for tc in body.iter(qn("w:tc")) if tc.xpath(".//w:ins | .//w:del")]
    assert len(changed) == 1
    (cell,) = changed
    assert cell.xpath("string(.//w:del)") == "48,5" and cell.xpath("string(.//w:ins)") == "48,2"
    row = cell.getparent()
    assert row.xpath("string(./w:tc[1])") == "5"
    assert row.xpath("string(./w:tc[2])") == "Thu ngân sách nhà nước trên địa bàn (nghìn tỷ đồng)"
    assert not row.xpath("./w:trPr/w:ins | ./w:trPr/w:del")
    # No Markdown syntax in any run of the whole document.
    for text in body.iter(qn("w:t"), qn("w:delText")):
        assert "|" not in (text.text or "") and "**" not in (text.text or "")
        assert not re.match(r"\s*(#+|-|\*|\d+\.) ", text.text or "")


def test_print_view_of_the_changes_shows_the_figure_inside_its_cell(api, people):
    report = _changed_figure_edition(api, people)
    page = (
        api.as_(people.chair)
        .get(f"/reports/{report.id}/editions/2/export.html?changes_since=1")
        .get_data(as_text=True)
    )
    assert re.search(r"<td[^>]*><del>48,5</del><ins>48,2</ins></td>", page)
    assert "| 40 |" not in page and "[-" not in page


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not on PATH")
def test_the_demo_redline_reads_as_a_table_in_libreoffice(api, people, tmp_path):
    """The chair's download as LibreOffice lays it out; its pages are written under
    test-artifacts/documents/redline-demo-*.png to be looked at."""
    report = _changed_figure_edition(api, people)
    data = api.as_(people.chair).get(f"/reports/{report.id}/editions/2/export.docx?changes_since=1")
    source = tmp_path / "redline-demo.docx"
    source.write_bytes(data.data)
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    convert = ["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path)]
    subprocess.run([*convert, str(source)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "redline-demo.pdf"
    if shutil.which("pdftotext") is None:
        return
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    text = unicodedata.normalize("NFC", text)
    row = next(line for line in text.splitlines() if "Thu ngân sách nhà nước trên" in line)
    assert row.split()[0] == "5" and "48,548,2" in row.replace(" ", "")
    assert "|" not in text and "**" not in text
    if shutil.which("pdftoppm") is not None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for old in ARTIFACTS.glob("redline-demo-*.png"):
            old.unlink()
        page = ["pdftoppm", "-png", "-r", "60", "-f", "2", "-l", "3"]
        subprocess.run([*page, str(pdf), str(ARTIFACTS / "redline-demo")], check=True, timeout=60)
        assert list(ARTIFACTS.glob("redline-demo-*.png"))
