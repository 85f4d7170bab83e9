"""The administrative format settings of a report (API and settings page), their copy in
every edition when it is issued, and the exports that use that copy."""

import io
import unicodedata

import docx
import pytest

from feedback.consolidation.documents import read_provenance
from feedback.consolidation.models import Edition
from feedback.extensions import db

SETTINGS = {
    "superior_body": "",
    "issuing_body": "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NINH",
    "document_number": "      /BC-UBND",
    "place": "Quảng Ninh",
    "document_type": "BÁO CÁO",
    "signature_block": "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Văn Thành",
    "recipients": "- Thường trực Tỉnh ủy (b/c);\n- Lưu: VT, TH.",
}


@pytest.fixture
def drafter(api, people):
    return api.as_(people.drafter)


def _word(response) -> docx.document.Document:
    assert response.status_code == 200
    return docx.Document(io.BytesIO(response.data))


def _header(document) -> str:
    return "\n".join(c.text for c in document.tables[0].rows[0].cells)


def test_a_new_report_has_the_default_format(drafter, report):
    body = drafter.get(f"/reports/{report.id}").json
    assert body["document_type"] == "BÁO CÁO"
    assert all(body[key] == "" for key in SETTINGS if key != "document_type")


def test_patch_sets_the_format_in_nfc_and_get_returns_it(drafter, report):
    nfd = {**SETTINGS, "place": unicodedata.normalize("NFD", "Quảng Ninh")}
    patched = drafter.patch(f"/reports/{report.id}", json=nfd)
    assert patched.status_code == 200
    assert {key: patched.json[key] for key in SETTINGS} == SETTINGS
    assert drafter.get(f"/reports/{report.id}").json["place"] == "Quảng Ninh"
    # Only what is sent changes.
    again = drafter.patch(f"/reports/{report.id}", json={"place": "Hạ Long"})
    assert (
        again.json["place"] == "Hạ Long" and again.json["issuing_body"] == SETTINGS["issuing_body"]
    )


@pytest.mark.parametrize(
    ("field", "value", "status"),
    [
        ("issuing_body", "Ủ" * 201, 422),
        ("document_number", "1" * 61, 422),
        ("recipients", "\n".join(f"- Sở {n};" for n in range(41)), 422),
        ("signature_block", "\n".join(["KT. CHỦ TỊCH"] * 13), 422),
        ("document_type", "   ", 422),
        ("place", 42, 400),
        ("place", "Quảng\x07Ninh", 400),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(drafter, report, field, value, status):
    before = drafter.get(f"/reports/{report.id}").json
    response = drafter.patch(
        f"/reports/{report.id}", json={"title": "Tiêu đề mới", "place": "Hạ Long", field: value}
    )
    assert response.status_code == status
    error = response.json["error"]
    assert error["message"]
    if status == 422:
        assert error["details"]["field"] == field
    after = drafter.get(f"/reports/{report.id}").json
    assert (after["title"], after["place"]) == (before["title"], before["place"])


def test_only_the_drafting_team_changes_the_format(api, people, report):
    response = api.as_(people.chair).patch(f"/reports/{report.id}", json={"place": "Hạ Long"})
    assert response.status_code == 403


def test_openapi_describes_the_settings(client):
    spec = client.get("/api/v1/openapi.json").json
    update = spec["components"]["schemas"]["ReportUpdate"]["properties"]
    assert update["issuing_body"]["maxLength"] == 200
    assert update["recipients"]["maxLength"] == 2000
    assert set(SETTINGS) <= set(update)


def test_an_edition_keeps_the_format_it_was_issued_with(drafter, report):
    drafter.patch(f"/reports/{report.id}", json=SETTINGS)
    first = drafter.post(f"/reports/{report.id}/editions", json={"note": "Nội bộ: chưa gửi"})
    assert first.json["document_format"] == SETTINGS
    drafter.patch(
        f"/reports/{report.id}",
        json={"issuing_body": "SỞ KẾ HOẠCH VÀ ĐẦU TƯ", "document_number": "12/BC-SKHĐT"},
    )
    drafter.post(f"/reports/{report.id}/editions", json={})

    old = _word(drafter.get(f"/reports/{report.id}/editions/1/export.docx"))
    assert "TỈNH QUẢNG NINH" in _header(old) and "SKHĐT" not in _header(old)
    new = _word(drafter.get(f"/reports/{report.id}/editions/2/export.docx"))
    assert "SỞ KẾ HOẠCH VÀ ĐẦU TƯ" in _header(new) and "Số: 12/BC-SKHĐT" in _header(new)
    assert drafter.get(f"/reports/{report.id}/editions/1").json["document_format"] == SETTINGS
    # The redline of edition 2 opens with edition 2's own first page.
    redline = _word(drafter.get(f"/reports/{report.id}/editions/2/export.docx?changes_since=1"))
    assert _header(redline) == _header(new)


def test_an_editions_format_cannot_be_changed(drafter, report):
    drafter.post(f"/reports/{report.id}/editions", json={})
    edition = db.session.query(Edition).filter_by(report_id=report.id).one()
    edition.status = "approved"  # the status may change (with its chair) ...
    edition.approved_by_id, edition.approved_at = edition.created_by_id, edition.created_at
    db.session.flush()
    edition.issuing_body = "KHÁC"  # ... the format may not
    with pytest.raises(RuntimeError, match="never changes"):
        db.session.flush()
    db.session.rollback()


def test_the_edition_document_is_a_draft_until_approved_and_carries_its_provenance(
    api, people, drafter, report
):
    drafter.patch(f"/reports/{report.id}", json=SETTINGS)
    created = drafter.post(f"/reports/{report.id}/editions", json={"note": "Ghi chú nội bộ"})
    draft = drafter.get(f"/reports/{report.id}/editions/1/export.docx")
    texts = [p.text for p in _word(draft).paragraphs]
    assert texts[0] == "DỰ THẢO lần 1"
    xml = _word(draft).element.xml
    assert "Ghi chú nội bộ" not in xml and "Đã lập" not in xml
    found = read_provenance(draft.data)
    sections = {s["section_id"]: s["version"] for s in created.json["sections"]}
    assert found == {
        "report": report.id,
        "edition": 1,
        "sections": sections,
        "bookmarks": sections,
    }

    assert api.as_(people.chair).post(f"/reports/{report.id}/editions/1/approve").status_code == 200
    approved = _word(drafter.get(f"/reports/{report.id}/editions/1/export.docx"))
    assert not any("DỰ THẢO" in p.text for p in approved.paragraphs)
    assert "Nguyễn Văn Thành" in approved.tables[-1].rows[0].cells[1].text


def test_the_print_page_has_the_first_page_and_no_workflow(drafter, report):
    drafter.patch(f"/reports/{report.id}", json=SETTINGS)
    drafter.post(f"/reports/{report.id}/editions", json={"note": "Ghi chú nội bộ"})
    page = drafter.get(f"/reports/{report.id}/editions/1/export.html").get_data(as_text=True)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Quảng Ninh, ngày",
        "TỈNH QUẢNG NINH",
        "Nguyễn Văn Thành",
        "Nơi nhận",
    ):
        assert expected in page, expected
    assert "Ghi chú nội bộ" not in page and "Đã lập" not in page and "Issued" not in page


def test_the_settings_page_saves_the_format(client, auth, people, report):
    auth.login("drafter")
    page = client.get(f"/reports/{report.id}/settings").get_data(as_text=True)
    assert 'name="issuing_body"' in page and 'name="signature_block"' in page
    assert "30/2020/NĐ-CP" in page  # the hint names the decree
    data = {"title": report.title, "departments_see_each_other": "y", **SETTINGS}
    assert client.post(f"/reports/{report.id}/settings", data=data).status_code == 302
    db.session.refresh(report)
    assert report.signature_block == SETTINGS["signature_block"]
    assert report.document_number == "      /BC-UBND"

    too_long = {**data, "recipients": "Sở " * 700}
    refused = client.post(f"/reports/{report.id}/settings", data=too_long)
    assert refused.status_code in (200, 422)
    db.session.refresh(report)
    assert report.recipients == SETTINGS["recipients"]
