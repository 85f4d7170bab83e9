"""Pages: a Word draft is previewed (sections, tables, what is not kept) before the
report is made, without JavaScript; the numbering scheme is a report setting."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from feedback.extensions import db
from feedback.reports.models import Report
from feedback.wordimport.legacy import unicode_to_tcvn3
from tests import docx_builder as b

DRAFT = b.build(
    b.para(text="I. TÌNH HÌNH KINH TẾ", bold=True)
    + b.para(text="1. Nông nghiệp", bold=True)
    + b.merged_table()
    + b.para(b.chart("Biểu đồ sản lượng"))
    + b.para(b.text_box("Hộp ghi chú"))
    + b.para(b.run(unicode_to_tcvn3("Sản lượng lúa tăng"), font=".VnTime"))
    + b.para(text="a) Lúa", bold=True)
    + b.para(text="Đạt 1,2 triệu tấn.")
    + b.para(text="II. NHIỆM VỤ", bold=True)
)


def _reports() -> int:
    return db.session.scalar(select(func.count()).select_from(Report))


def _upload(client, data=DRAFT, name="du-thao-bao-cao.docx"):
    return client.post(
        "/reports/new",
        data={"title": "", "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_preview_then_confirm_creates_the_report(client, auth, people):
    auth.login("drafter")
    preview = _upload(client)
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    for seen in ("TÌNH HÌNH KINH TẾ", "Nông nghiệp", "— — Lúa", "Biểu đồ sản lượng", "Hộp ghi chú"):
        assert seen in page
    assert "Sản lượng lúa tăng" in page  # converted from TCVN3, listed to check
    # Numbers as the document prints them, punctuation included, as the report will show them.
    assert "<td>I.</td><td>TÌNH HÌNH KINH TẾ</td>" in page
    assert "<td>1.</td><td>— Nông nghiệp</td>" in page
    assert "<td>a)</td><td>— — Lúa</td>" in page
    assert _reports() == 0  # nothing stored before the drafter confirms
    upload = re.search(r'name="upload" type="hidden" value="([^"]+)"', page).group(1)
    done = client.post(
        "/reports/new", data={"title": "Báo cáo tình hình kinh tế", "upload": upload}
    )
    assert done.status_code == 302
    report_page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Báo cáo tình hình kinh tế" in report_page
    assert '<span class="num">1.</span> Nông nghiệp' in report_page
    assert '<span class="num">a)</span> Lúa' in report_page
    assert _reports() == 1
    again = client.post(
        "/reports/new", data={"title": "Báo cáo tình hình kinh tế", "upload": upload}
    )
    assert again.status_code in (302, 404) and _reports() == 1


def test_someone_else_cannot_confirm_my_upload(client, auth, people):
    auth.login("drafter")
    page = _upload(client).get_data(as_text=True)
    upload = re.search(r'name="upload" type="hidden" value="([^"]+)"', page).group(1)
    auth.logout()
    auth.login(people.reviewer)
    assert client.post("/reports/new", data={"title": "x", "upload": upload}).status_code == 403
    assert _reports() == 0


def test_refusals_show_on_the_form(client, auth, people):
    auth.login("drafter")
    response = _upload(client, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, "cu.doc")
    assert response.status_code == 422
    assert "lưu thành .docx" in response.get_data(as_text=True)
    assert _reports() == 0


def test_numbering_scheme_is_edited_in_settings(client, auth, people):
    auth.login("drafter")
    page = _upload(client).get_data(as_text=True)
    upload = re.search(r'name="upload" type="hidden" value="([^"]+)"', page).group(1)
    report_url = client.post("/reports/new", data={"title": "Báo cáo", "upload": upload}).headers[
        "Location"
    ]
    rid = int(report_url.rstrip("/").rsplit("/", 1)[1])
    settings = client.get(f"/reports/{rid}/settings").get_data(as_text=True)
    assert 'value="I. 1. a)"' in settings
    saved = client.post(
        f"/reports/{rid}/settings", data={"title": "Báo cáo", "numbering_scheme": ""}
    )
    assert saved.status_code == 302
    assert '<span class="num">I.1.</span> Nông nghiệp' in client.get(report_url).get_data(
        as_text=True
    )
    bad = client.post(
        f"/reports/{rid}/settings", data={"title": "Báo cáo", "numbering_scheme": "Điều 1"}
    )
    assert bad.status_code == 422
    assert "Ghi mỗi cấp một mẫu số thứ tự" in bad.get_data(as_text=True)


def test_reimport_shows_the_plan_then_applies_it(client, auth, people):
    auth.login("drafter")
    page = _upload(client).get_data(as_text=True)
    upload = re.search(r'name="upload" type="hidden" value="([^"]+)"', page).group(1)
    report_url = client.post("/reports/new", data={"title": "Báo cáo", "upload": upload}).headers[
        "Location"
    ]
    rid = int(report_url.rstrip("/").rsplit("/", 1)[1])
    assert f"/reports/{rid}/reimport" in client.get(f"/reports/{rid}/settings").get_data(
        as_text=True
    )
    revised = b.build(
        b.para(text="I. TÌNH HÌNH KINH TẾ", bold=True)
        + b.para(text="1. Nông nghiệp", bold=True)
        + b.para(text="Sản lượng lúa đạt 1,3 triệu tấn.")
        + b.para(text="II. NHIỆM VỤ", bold=True)
        + b.para(text="III. GIẢI PHÁP", bold=True)
        + b.para(text="Đẩy mạnh chuyển đổi số.")
    )
    plan = client.post(
        f"/reports/{rid}/reimport",
        data={"file": (io.BytesIO(revised), "du-thao-2.docx")},
        content_type="multipart/form-data",
    )
    assert plan.status_code == 200
    text = plan.get_data(as_text=True)
    assert "1. Nông nghiệp" in text and "GIẢI PHÁP" in text and "a) Lúa" in text
    assert (
        "no draft has been issued" in text or "chưa phát hành" in text or "văn bản hiện tại" in text
    )
    token = re.search(r'name="upload" type="hidden" value="([^"]+)"', text).group(1)
    done = client.post(f"/reports/{rid}/reimport", data={"upload": token})
    assert done.status_code == 302
    report_page = client.get(report_url).get_data(as_text=True)
    assert "GIẢI PHÁP" in report_page and "Lúa" not in report_page


def _heading_texts(data: bytes) -> list[str]:
    import docx

    document = docx.Document(io.BytesIO(data))
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


def test_an_edition_prints_the_numbers_as_the_document_did_and_keeps_them(client, auth, people):
    auth.login("drafter")
    page = _upload(client).get_data(as_text=True)
    upload = re.search(r'name="upload" type="hidden" value="([^"]+)"', page).group(1)
    report_url = client.post("/reports/new", data={"title": "Báo cáo", "upload": upload}).headers[
        "Location"
    ]
    rid = int(report_url.rstrip("/").rsplit("/", 1)[1])
    assert client.post(f"/reports/{rid}/editions", data={"note": ""}).status_code == 302
    expected = ["I. TÌNH HÌNH KINH TẾ", "1. Nông nghiệp", "a) Lúa", "II. NHIỆM VỤ"]
    exported = client.get(f"/reports/{rid}/editions/1/export.docx").data
    assert _heading_texts(exported) == expected
    assert '<span class="num">1.</span> Nông nghiệp' in client.get(
        f"/reports/{rid}/editions/1"
    ).get_data(as_text=True)
    # The scheme changed afterwards: the issued edition still prints what it printed.
    client.post(f"/reports/{rid}/settings", data={"title": "Báo cáo", "numbering_scheme": ""})
    assert _heading_texts(client.get(f"/reports/{rid}/editions/1/export.docx").data) == expected
    assert client.post(f"/reports/{rid}/editions", data={"note": ""}).status_code == 302
    redline = client.get(f"/reports/{rid}/editions/2/export.docx?changes_since=1").data
    assert "I.1. Nông nghiệp" in _heading_texts(redline)
