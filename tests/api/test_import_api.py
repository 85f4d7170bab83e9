"""API: POST /reports/import, a draft uploaded as .docx or .md (dry run, then create),
and the refusals that store nothing."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

from sqlalchemy import func, select

from feedback.extensions import db
from feedback.reports.models import Report
from tests import docx_builder as b

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "docx"

DRAFT = b.build(
    b.para(text="Báo cáo kết quả thực hiện nhiệm vụ năm 2024", style="Title")
    + b.para(text="I. ĐÁNH GIÁ KẾT QUẢ", bold=True)
    + b.para(b.run("Tăng trưởng đạt 10,7%"), b.footnote_ref(1))
    + b.para(text="1. Các chỉ tiêu chủ yếu", bold=True)
    + b.merged_table()
    + b.para(text="2. Xã hội", bold=True)
    + b.para(b.image("Bản đồ tỉnh"))
    + b.para(text="II. PHƯƠNG HƯỚNG", bold=True)
    + b.para(text="1. Mục tiêu", bold=True)
    + b.para(text="Phát triển nhanh và bền vững."),
    footnotes={1: "Nguồn: Cục Thống kê."},
)


def _upload(client, data: bytes, name: str = "du-thao.docx", **fields):
    form = {"file": (io.BytesIO(data), name), **fields}
    return client.post("/reports/import", data=form, content_type="multipart/form-data")


def _reports() -> int:
    return db.session.scalar(select(func.count()).select_from(Report))


def test_dry_run_lists_sections_and_what_is_not_kept(api, people):
    response = _upload(api.as_(people.drafter), DRAFT, dry_run="true")
    assert response.status_code == 200
    found = response.json
    assert [
        (s["number"], s["printed_number"], s["heading"], s["level"]) for s in found["sections"]
    ] == [
        ("I", "I", "ĐÁNH GIÁ KẾT QUẢ", 1),
        ("I.1", "1", "Các chỉ tiêu chủ yếu", 2),
        ("I.2", "2", "Xã hội", 2),
        ("II", "II", "PHƯƠNG HƯỚNG", 1),
        ("II.1", "1", "Mục tiêu", 2),
    ]
    assert found["sections"][1]["tables"] == 1 and found["sections"][1]["chars"] > 50
    assert found["skipped"] == [{"kind": "image", "text": "Bản đồ tỉnh"}]
    assert _reports() == 0


def test_import_creates_the_report_with_its_numbering(api, people):
    drafter = api.as_(people.drafter)
    response = _upload(drafter, DRAFT)
    assert response.status_code == 201
    report = response.json
    assert report["title"] == "Báo cáo kết quả thực hiện nhiệm vụ năm 2024"
    assert report["numbering_scheme"] == ["I.", "1.", "1.1."]
    numbers = [(s["number"], s["printed_number"]) for s in report["sections"]]
    assert numbers == [("I", "I"), ("I.1", "1"), ("I.2", "2"), ("II", "II"), ("II.1", "1")]
    first = report["sections"][0]["text"]
    assert "Tăng trưởng đạt 10,7%[^1]" in first and "[^1]: Nguồn: Cục Thống kê." in first
    table = report["sections"][1]["text"]
    assert 'colspan="2">Kế hoạch<' in table
    html = drafter.get(f"/sections/{report['sections'][1]['id']}").json["html"]
    assert 'colspan="2"' in html and 'rowspan="2"' in html
    versions = drafter.get(f"/sections/{report['sections'][0]['id']}/versions").json
    assert versions[0]["reason_code"] == "imported" and "du-thao.docx" in versions[0]["reason"]
    # The scheme is a setting: printing paths again, then a custom one.
    rid = report["id"]
    plain = drafter.patch(f"/reports/{rid}", json={"numbering_scheme": []}).json
    assert [s["printed_number"] for s in plain["sections"]][:2] == ["I", "I.1"]
    refused = drafter.patch(f"/reports/{rid}", json={"numbering_scheme": ["Chương 1"]})
    assert refused.status_code == 422


def test_markdown_upload_and_title_field(api, people):
    md = "# Tiêu đề\n\n## I. Mở đầu\n\nNội dung.\n\n## II. Kết luận\n\nHết.".encode()
    response = _upload(api.as_(people.drafter), md, "bao-cao.md", title="Báo cáo tải lên")
    assert response.status_code == 201
    assert response.json["title"] == "Báo cáo tải lên"
    assert [s["heading"] for s in response.json["sections"]] == ["Mở đầu", "Kết luận"]


def test_libreoffice_document_imports(api, people):
    data = (FIXTURES / "lo_merged_table.docx").read_bytes()
    response = _upload(api.as_(people.drafter), data, "lo.docx", title="Kết quả")
    assert response.status_code == 201
    assert [s["printed_number"] for s in response.json["sections"]] == ["I", "1", "2"]


def _external() -> bytes:
    rels = zipfile.ZipFile(io.BytesIO(DRAFT)).read("word/_rels/document.xml.rels")
    linked = rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/image" Target="http://127.0.0.1:9/x.png" TargetMode="External"/>'
        b"</Relationships>",
    )
    return b.with_part(DRAFT, "word/_rels/document.xml.rels", linked)


def test_bad_files_are_refused_with_a_message_and_nothing_stored(api, people):
    drafter = api.as_(people.drafter)
    old_doc = (FIXTURES / "lo_old_word.doc").read_bytes()
    entity = b.with_part(
        DRAFT,
        "word/document.xml",
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>",
    )
    cases = [
        (old_doc, "cu.doc", "doc"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, "mat-khau.docx", "ole"),
        (DRAFT, "macro.docm", "macros"),
        (b"not a zip at all", "gia.docx", "not_docx"),
        (DRAFT[:2000], "hong.docx", "corrupt"),
        (entity, "entity.docx", "entities"),
        (_external(), "link.docx", "external"),
        (b"\x89PNG....", "anh.png", "kind"),
    ]
    for data, name, reason in cases:
        response = _upload(drafter, data, name)
        assert response.status_code == 422, (name, response.json)
        error = response.json["error"]
        assert error["details"]["reason"] == reason and len(error["message"]) > 30, (name, error)
    # The sentence says what to do, in the reader's language.
    english = {"Accept-Language": "en"}
    old = drafter.client.post(
        "/api/v1/reports/import",
        data={"file": (io.BytesIO(old_doc), "cu.doc")},
        content_type="multipart/form-data",
        headers={**drafter._headers(None), **english},
    )
    assert "save it as .docx" in old.json["error"]["message"]
    vietnamese = _upload(drafter, old_doc, "cu.doc").json["error"]["message"]
    assert "lưu thành .docx" in vietnamese
    assert _reports() == 0


def test_uploads_have_their_own_size_limit(app, api, people):
    drafter = api.as_(people.drafter)
    # Larger than the form limit (MAX_CONTENT_LENGTH), within the upload limit: accepted.
    big = b.with_part(DRAFT, "word/media/padding.bin", random.Random(14).randbytes(2_500_000))
    assert len(big) > app.config["MAX_CONTENT_LENGTH"]
    assert _upload(drafter, big, dry_run="1").status_code == 200
    # A JSON body that large is still refused.
    huge = {"title": "x", "markdown": "a" * (app.config["MAX_CONTENT_LENGTH"] + 10)}
    assert drafter.post("/reports", json=huge).status_code == 413
    limit = app.config["FEEDBACK_UPLOAD_MAX_BYTES"]
    app.config["FEEDBACK_UPLOAD_MAX_BYTES"] = 1_000_000
    try:
        assert _upload(drafter, big).status_code == 413
    finally:
        app.config["FEEDBACK_UPLOAD_MAX_BYTES"] = limit
    assert _reports() == 0


def test_only_drafters_import(api, people):
    for role in ("chair", "lead", "reviewer"):
        response = _upload(api.as_(getattr(people, role)), DRAFT, dry_run="true")
        assert response.status_code == 403
