"""POST /api/v1/rounds/{id}/markup: a department's marked-up Word copy as its drafts;
refused files leave nothing behind."""

from __future__ import annotations

import io
import zipfile

import pytest

from feedback.extensions import db
from feedback.review.models import Comment, MarkupImport, Suggestion

from ..review_helpers import open_round, sections
from ..wordcopies import WordCopy

A, B = "Nguyễn Văn A", "Trần Thị B"


@pytest.fixture
def copy(api, people, report):
    round_ = open_round(people, report)
    response = api.as_(people.drafter).get(f"/reports/{report.id}/editions/1/export.docx")
    assert response.status_code == 200
    return round_, WordCopy(response.data)


def _upload(api, user, round_, data, name="ban-sua.docx", **form):
    return api.as_(user).post(
        f"/rounds/{round_.id}/markup",
        json=None,
        data={"file": (io.BytesIO(data), name), **form},
        content_type="multipart/form-data",
    )


def test_import_makes_drafts_and_a_second_upload_is_409(api, people, report, copy):
    round_, word = copy
    word.replace("10,7%/năm", "10,9%/năm", A)
    first = word.comment("cao hơn mục tiêu đề ra", B, "Số liệu cần cập nhật.")
    word.comment("cao hơn mục tiêu đề ra", A, "Đã cập nhật.", reply_to=first)
    data = word.data()

    dry = _upload(api, people.reviewer, round_, data, dry_run="true")
    assert dry.status_code == 200, dry.json
    assert db.session.query(Suggestion).count() == 0  # a preview stores nothing
    assert dry.json["suggestions"][0]["word_author"] == A
    assert dry.json["comments"][0]["quote"] == "cao hơn mục tiêu đề ra"

    response = _upload(api, people.reviewer, round_, data)
    assert response.status_code == 201, response.json
    body = response.json
    assert len(body["suggestions"]) == 1 and len(body["comments"]) == 1
    # The copy is an export of draft no. 1: it says which section versions it was made from.
    assert body["unplaced"] == [] and body["with_provenance"] is True
    suggestion = api.as_(people.reviewer).get(f"/suggestions/{body['suggestions'][0]}").json
    intro = sections(report)[0]
    assert suggestion["status"] == "draft" and suggestion["word_author"] == A
    assert suggestion["text"] == intro.current.text.replace("10,7%/năm", "10,9%/năm")
    comment = api.as_(people.reviewer).get(f"/comments/{body['comments'][0]}").json
    assert comment["word_author"] == B and comment["author"]["name"] == "Đinh Văn An"
    assert [r["word_author"] for r in comment["replies"]] == [A]
    # Another department does not see the drafts.
    other = api.as_(people.other_lead).get(f"/comments/{body['comments'][0]}")
    assert other.status_code == 404

    again = _upload(api, people.lead, round_, data, name="lan-hai.docx")
    assert again.status_code == 409
    assert again.json["error"]["code"] == "duplicate"

    removed = api.as_(people.reviewer).delete(f"/markup-imports/{body['import_id']}")
    assert removed.status_code == 204
    assert db.session.query(Comment).count() == db.session.query(Suggestion).count() == 0
    assert db.session.query(MarkupImport).count() == 0


def test_other_roles_cannot_import(api, people, report, copy):
    round_, word = copy
    data = word.data()
    assert _upload(api, people.drafter, round_, data).status_code == 403
    assert _upload(api, people.chair, round_, data).status_code == 403


def _zip(parts: dict[str, bytes], compress=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compress) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


def _refused_files(good: bytes) -> dict[str, bytes]:
    parts = _parts(good)
    bomb = dict(parts, **{"word/media/empty.xml": b" " * (40 * 1024 * 1024)})
    entities = dict(parts)
    entities["word/document.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        + parts["word/document.xml"].split(b"?>", 1)[1]
    )
    external_entity = dict(parts)
    external_entity["word/document.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + parts["word/document.xml"].split(b"?>", 1)[1]
    )
    utf16 = dict(parts)
    utf16["word/document.xml"] = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY x "x">]>'
        + parts["word/document.xml"].split(b"?>", 1)[1].decode("utf-8")
    ).encode("utf-16")
    external = dict(parts)
    external["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/image" Target="http://example.invalid/a.png" '
        b'TargetMode="External"/></Relationships>',
    )
    macro = dict(parts)
    macro["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
    )
    return {
        "encrypted": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000,
        "pdf": b"%PDF-1.7\n" + b"0" * 100,
        "corrupt": good[: len(good) // 2],
        "zip bomb": _zip(bomb),
        "entity bomb": _zip(entities),
        "external entity": _zip(external_entity),
        "entities in UTF-16": _zip(utf16),
        "external relationship": _zip(external),
        "macros": _zip(macro),
    }


def test_refused_files_get_a_message_and_store_nothing(api, people, report, copy):
    round_, word = copy
    word.replace("10,7%/năm", "10,9%/năm", A)
    for kind, data in _refused_files(word.data()).items():
        response = _upload(api, people.reviewer, round_, data, name=f"{kind}.docx")
        assert 400 <= response.status_code < 500, (kind, response.status_code)
        assert response.json["error"]["message"], kind
    assert db.session.query(Suggestion).count() == 0
    assert db.session.query(MarkupImport).count() == 0


def test_a_missing_file_is_422(api, people, report, copy):
    round_, _ = copy
    response = api.as_(people.reviewer).post(
        f"/rounds/{round_.id}/markup", data={}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
