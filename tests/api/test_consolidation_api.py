"""API: editions, exports, approval, the consolidation table, the audit trail."""

import csv
import io
from datetime import date

import docx
import pytest

from feedback.extensions import db
from feedback.reports import queries as report_queries
from feedback.reports import services as report_services
from feedback.review import consultation
from feedback.review import services as review_services

from ..review_helpers import open_round, section


@pytest.fixture
def clients(api, people):
    return {
        role: api.as_(getattr(people, role))
        for role in ("admin", "drafter", "chair", "lead", "reviewer")
    }


def test_editions_contract_and_exports(clients, people, report):
    first = clients["drafter"].post(
        f"/reports/{report.id}/editions", json={"note": "Dự thảo lần 1"}
    )
    assert first.status_code == 201
    body = first.json
    assert body["number"] == 1 and body["created_at"]
    assert [s["version"] for s in body["sections"]] == [1, 1, 1, 1]
    target = section(report, 2)
    report_services.save_section(
        people.drafter, target, text=target.current.text.replace("11,2", "11,5"), base_version=1
    )
    db.session.commit()
    second = clients["drafter"].post(f"/reports/{report.id}/editions", json={})
    assert second.json["number"] == 2
    full = clients["reviewer"].get(f"/reports/{report.id}/editions/2").json
    assert "11,5" in next(s["text"] for s in full["sections"] if s["section_id"] == target.id)

    plain = clients["reviewer"].get(f"/reports/{report.id}/editions/2/export.docx")
    assert plain.status_code == 200 and "attachment" in plain.headers["Content-Disposition"]
    document = docx.Document(io.BytesIO(plain.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "ĐÁNH GIÁ KẾT QUẢ" in text and "PHƯƠNG HƯỚNG 2020 – 2025" in text
    # The first table is the header block of the administrative format.
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in document.tables[0].cell(0, 1).text
    assert document.tables[1].cell(1, 1).text == "Tăng trưởng GRDP"

    tracked = clients["chair"].get(f"/reports/{report.id}/editions/2/export.docx?changes_since=1")
    xml = docx.Document(io.BytesIO(tracked.data)).element.xml
    assert "w:ins" in xml and "w:del" in xml
    markdown = clients["chair"].get(f"/reports/{report.id}/editions/2/export.md?changes_since=1")
    assert markdown.status_code == 200 and "{++" in markdown.get_data(as_text=True)
    html = (
        clients["chair"]
        .get(f"/reports/{report.id}/editions/2/export.html?changes_since=1")
        .get_data(as_text=True)
    )
    assert "<ins>" in html and "<del>" in html
    assert clients["chair"].get(f"/reports/{report.id}/editions/9/export.docx").status_code == 404


def test_approval_is_the_chairs(clients, report):
    clients["drafter"].post(f"/reports/{report.id}/editions", json={})
    assert clients["drafter"].post(f"/reports/{report.id}/editions/1/approve").status_code == 403
    assert clients["chair"].post(f"/reports/{report.id}/editions/1/submit").status_code == 409
    approved = clients["chair"].post(f"/reports/{report.id}/editions/1/approve")
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    submitted = clients["chair"].post(f"/reports/{report.id}/editions/1/submit")
    assert submitted.json["status"] == "submitted"
    assert clients["chair"].get(f"/reports/{report.id}").json["status"] == "submitted"


def test_dispositions_json_csv_docx(clients, people, report):
    round_ = open_round(people, report)
    review_services.add_comment(
        people.reviewer, section(report), body='=HYPERLINK("http://evil","x")'
    )
    review_services.add_report_comment(people.reviewer, report, body="Bố cục: gộp mục I.1 và I.2.")
    consultation.submit_response(
        people.lead, round_, dispatch_number="55/STC", dispatch_date=date(2019, 12, 9)
    )
    db.session.commit()
    table = clients["chair"].get(f"/reports/{report.id}/dispositions").json
    assert table["preamble"]["commented"] == ["STC"] and table["preamble"]["consulted"] == [
        "SCT",
        "STC",
    ]
    assert [r["type"] for r in table["rows"]] == ["comment", "comment"]
    assert table["rows"][0]["section_id"] is None  # the general group comes first
    assert clients["reviewer"].get(f"/reports/{report.id}/dispositions").status_code == 403

    response = clients["drafter"].get(f"/reports/{report.id}/dispositions.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    raw = response.data.decode("utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(raw[1:])))
    assert any("Bố cục: gộp mục I.1 và I.2." in cell for row in rows for cell in row)
    assert not any(cell.startswith("=") for row in rows for cell in row)

    word = clients["drafter"].get(f"/reports/{report.id}/dispositions.docx")
    document = docx.Document(io.BytesIO(word.data))
    assert document.sections[0].page_width > document.sections[0].page_height
    assert len(document.tables[1].rows) == 3  # after the header block


def test_audit_api(clients, report):
    clients["drafter"].post(f"/reports/{report.id}/editions", json={})
    page = clients["chair"].get(f"/reports/{report.id}/audit?limit=1").json
    assert (
        len(page["items"]) == 1
        and page["items"][0]["action"] == "edition.issued"
        and page["next_cursor"]
    )
    rest = clients["chair"].get(f"/reports/{report.id}/audit?cursor={page['next_cursor']}").json
    assert rest["items"] and all(i["id"] < page["items"][0]["id"] for i in rest["items"])
    assert {"at", "actor", "action", "object", "details"} <= set(page["items"][0])
    assert clients["reviewer"].get(f"/reports/{report.id}/audit").status_code == 403
    assert clients["admin"].get(f"/reports/{report.id}/audit").status_code == 200


def test_numbers_follow_the_outline(clients, report):
    body = clients["drafter"].post(f"/reports/{report.id}/editions", json={}).json
    numbers = [s["number"] for s in body["sections"]]
    assert numbers == [e.number for e in report_queries.outline(report)]
