"""The marked-up Word copy on the pages, without JavaScript: upload, preview, confirm,
remove."""

from __future__ import annotations

import io
import re

from feedback.extensions import db
from feedback.review.models import Comment, MarkupImport, Suggestion

from ..review_helpers import open_round
from ..wordcopies import WordCopy

A, B = "Nguyễn Văn A", "Trần Thị B"


def _csrf(html: str) -> str:
    """The form's token (tests run with CSRF checks off, so there may be none)."""
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    return found.group(1) if found else ""


def _marked(client, auth, people, report) -> bytes:
    auth.login(people.drafter)
    data = client.get(f"/reports/{report.id}/editions/1/export.docx").data
    auth.logout()
    word = WordCopy(data)
    word.replace("10,7%/năm", "10,9%/năm", A)
    word.replace("Vượt", "Vượt xa", B)
    first = word.comment("cao hơn mục tiêu đề ra", A, "Đề nghị nêu rõ mục tiêu.")
    word.comment("cao hơn mục tiêu đề ra", B, "Nhất trí.", reply_to=first)
    word.reformat("dịch vụ tăng 11,2%/năm", B)
    word.replace("PHƯƠNG HƯỚNG", "ĐỊNH HƯỚNG", B)
    return word.data()


def test_upload_preview_confirm_and_remove(client, auth, people, report):
    round_ = open_round(people, report)
    data = _marked(client, auth, people, report)
    auth.login(people.reviewer)
    round_page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert f"/rounds/{round_.id}/markup" in round_page

    page = client.get(f"/rounds/{round_.id}/markup")
    assert page.status_code == 200
    token = _csrf(page.get_data(as_text=True))
    preview = client.post(
        f"/rounds/{round_.id}/markup",
        data={"csrf_token": token, "file": (io.BytesIO(data), "ban-sua-STC.docx")},
        content_type="multipart/form-data",
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html[:2000]
    assert db.session.query(Suggestion).count() == 0  # a preview stores nothing
    assert "ghi trong Word: Nguyễn Văn A" in html and "ghi trong Word: Trần Thị B" in html
    assert re.search(r"<ins[^>]*>[^<]*10,9", html) and re.search(r"<del[^>]*>[^<]*10,7", html)
    assert "cao hơn mục tiêu đề ra" in html and "Nhất trí." in html
    assert "dịch vụ tăng 11,2%/năm" in html  # the formatting change, listed
    assert "ĐỊNH HƯỚNG" in html  # unplaced, with a choice
    assert "**" not in re.sub(r"<[^>]+>", "", html)  # readers never see Markdown
    payload = re.search(r'name="payload" value="([^"]+)"', html).group(1)
    choices = re.findall(r'name="as_comment" value="(\d+)"', html)
    assert choices

    done = client.post(
        f"/rounds/{round_.id}/markup",
        data={
            "csrf_token": _csrf(html),
            "payload": payload,
            "filename": "ban-sua-STC.docx",
            "as_comment": choices[:1],
        },
    )
    assert done.status_code == 302 and done.headers["Location"].endswith(
        f"/rounds/{round_.id}/respond"
    )
    assert db.session.query(Suggestion).count() == 2  # A in one section, B in another
    assert db.session.query(Comment).filter(Comment.section_id.is_(None)).count() == 1
    drafts = client.get(f"/rounds/{round_.id}/respond").get_data(as_text=True)
    assert "ghi trong Word: Nguyễn Văn A" in drafts

    again = client.post(
        f"/rounds/{round_.id}/markup",
        data={"csrf_token": _csrf(html), "payload": payload, "filename": "lan-2.docx"},
    )
    assert again.status_code == 409
    assert "đã nhập tệp này" in again.get_data(as_text=True)

    batch = db.session.query(MarkupImport).one()
    page = client.get(f"/rounds/{round_.id}/markup").get_data(as_text=True)
    removed = client.post(f"/markup-imports/{batch.id}/remove", data={"csrf_token": _csrf(page)})
    assert removed.status_code == 302
    assert db.session.query(Suggestion).count() == db.session.query(Comment).count() == 0


def test_a_refused_file_is_explained_on_the_page(client, auth, people, report):
    round_ = open_round(people, report)
    auth.login(people.lead)
    token = _csrf(client.get(f"/rounds/{round_.id}/markup").get_data(as_text=True))
    response = client.post(
        f"/rounds/{round_.id}/markup",
        data={
            "csrf_token": token,
            "file": (io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 900), "cu.doc"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert ".docx" in response.get_data(as_text=True)


def test_other_departments_and_the_drafting_team_have_no_upload(client, auth, people, report):
    round_ = open_round(people, report, codes=("STC",))
    auth.login(people.other_lead)
    assert client.get(f"/rounds/{round_.id}/markup").status_code == 404
    auth.logout()
    auth.login(people.drafter)
    assert client.get(f"/rounds/{round_.id}/markup").status_code == 404
