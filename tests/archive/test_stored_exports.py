"""An edition's exports: built when the edition is written, stored, served as stored."""

import hashlib
import io
import time
import zipfile

import docx
import pytest
from sqlalchemy import func, select

from feedback.consolidation import exports, prebuild, services
from feedback.consolidation.models import EditionExport
from feedback.extensions import db
from feedback.provenance import FIXED_ZIP_TIME
from feedback.reports import services as report_services

from ..review_helpers import section


@pytest.fixture
def built_on_issue(app, monkeypatch):
    monkeypatch.setitem(app.config, "FEEDBACK_EXPORTS_ON_ISSUE", True)


def _two_editions(people, report):
    first = services.issue_edition(people.drafter, report, note="Dự thảo lần 1")
    db.session.commit()
    target = section(report, 2)
    report_services.save_section(
        people.drafter, target, text=target.current.text.replace("11,2", "11,5"), base_version=1
    )
    second = services.issue_edition(people.drafter, report)
    db.session.commit()
    return first, second


def _stored():
    return db.session.execute(
        select(
            EditionExport.edition_id,
            EditionExport.since_number,
            EditionExport.fmt,
            EditionExport.draft,
            EditionExport.locale,
        )
    ).all()


def _no_building(monkeypatch):
    def refuse(*_args):
        raise AssertionError("an export was built on a read that should find it stored")

    monkeypatch.setattr(exports, "edition_bytes", refuse)


def test_issuing_builds_and_stores_the_exports_and_downloads_serve_them(
    built_on_issue, api, people, report, monkeypatch
):
    first, second = _two_editions(people, report)
    rows = set(_stored())
    for fmt in ("docx", "md", "html"):
        assert (first.id, 0, fmt, True, "vi") in rows
        assert (second.id, 0, fmt, True, "vi") in rows
        assert (second.id, 1, fmt, True, "vi") in rows  # the redline against lần 1
    assert len(rows) == 9

    _no_building(monkeypatch)
    reader = api.as_(people.reviewer)
    url = f"/reports/{report.id}/editions/2/export.docx"
    response = reader.get(url)
    assert response.status_code == 200
    row = db.session.scalar(
        select(EditionExport).where(
            EditionExport.edition_id == second.id,
            EditionExport.since_number == 0,
            EditionExport.fmt == "docx",
        )
    )
    assert response.data == row.data
    assert hashlib.sha256(response.data).hexdigest() == row.sha256
    assert response.headers["ETag"] == f'"{row.sha256[:40]}"'
    assert response.headers["Cache-Control"] == "private, no-cache"
    again = reader.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    redline = reader.get(url + "?changes_since=1")
    assert "w:ins" in docx.Document(io.BytesIO(redline.data)).element.xml
    page = reader.get(f"/reports/{report.id}/editions/2/export.html")
    assert "11,5" in page.get_data(as_text=True)


def test_other_pairs_are_built_on_first_request_then_served_from_the_database(
    built_on_issue, api, people, report, monkeypatch
):
    _two_editions(people, report)
    services.issue_edition(people.drafter, report)  # lần 3: its standard set is 3 and 3/2
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(EditionExport))
    reader = api.as_(people.chair)
    url = f"/reports/{report.id}/editions/3/export.docx?changes_since=1"
    first = reader.get(url)
    assert first.status_code == 200
    english = reader.get(
        f"/reports/{report.id}/editions/3/export.md", headers={"Accept-Language": "en"}
    )
    assert english.status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(EditionExport)) == before + 2
    _no_building(monkeypatch)
    second = reader.get(url)
    assert second.data == first.data and second.headers["ETag"] == first.headers["ETag"]


def test_approval_stores_the_document_without_the_draft_mark(built_on_issue, api, people, report):
    services.issue_edition(people.drafter, report)
    db.session.commit()
    chair = api.as_(people.chair)
    draft = chair.get(f"/reports/{report.id}/editions/1/export.docx")
    assert chair.post(f"/reports/{report.id}/editions/1/approve").status_code == 200
    assert ("docx", False) in {(r.fmt, r.draft) for r in _stored()}
    approved = chair.get(f"/reports/{report.id}/editions/1/export.docx")
    assert approved.headers["ETag"] != draft.headers["ETag"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(approved.data)).paragraphs)
    assert "DỰ THẢO lần 1" not in text
    assert "DỰ THẢO lần 1" in "\n".join(
        p.text for p in docx.Document(io.BytesIO(draft.data)).paragraphs
    )


def test_the_same_edition_regenerates_byte_identical_documents(
    built_on_issue, app, people, report, monkeypatch
):
    _first, second = _two_editions(people, report)
    stored = {
        (r.since_number, r.fmt): bytes(r.data)
        for r in EditionExport.query.all()
        if r.edition_id == second.id
    }
    # Later, on another server: another time of day, nothing shared but the database.
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)
    with app.test_request_context("/"):
        for (since, fmt), data in stored.items():
            changes_since = _first if since else None
            assert exports.edition_bytes(second, changes_since, fmt) == data, (since, fmt)
    with zipfile.ZipFile(io.BytesIO(stored[(0, "docx")])) as package:
        assert {info.date_time for info in package.infolist()} == {FIXED_ZIP_TIME}
        core = package.read("docProps/core.xml").decode()
    issued = second.created_at.strftime("%Y-%m-%dT%H:%M:%S")
    assert issued in core  # the document's date is the edition's, not the export's


def test_rebuild_builds_what_older_editions_lack(app, people, report):
    services.issue_edition(people.drafter, report)  # exports left to the first request
    db.session.commit()
    assert _stored() == []
    result = app.test_cli_runner().invoke(args=["renders", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Built 3 edition exports." in result.output
    assert len(_stored()) == 3
    assert prebuild.rebuild_missing() == 0


def test_an_edition_keeps_the_settings_it_was_issued_with(built_on_issue, app, people, report):
    """Changing the report's title, numbering and administrative format afterwards
    changes nothing in an edition's documents, stored or built again."""
    edition = services.issue_edition(people.drafter, report)
    db.session.commit()
    stored = {r.fmt: bytes(r.data) for r in EditionExport.query.all()}
    report_services.update_report(
        people.drafter,
        report,
        title="Báo cáo đã đổi tên",
        numbering_scheme="1. a)",
        document_format={"place": "Hạ Long", "document_number": "99/BC-UBND"},
    )
    db.session.commit()
    with app.test_request_context("/"):
        for fmt, data in stored.items():
            assert exports.edition_bytes(edition, None, fmt) == data, fmt
    assert "Hạ Long".encode() not in stored["md"]


def test_a_second_download_reads_the_hash_not_the_bytes(built_on_issue, api, people, report):
    from sqlalchemy import event, update

    _two_editions(people, report)
    reader = api.as_(people.reviewer)
    url = f"/reports/{report.id}/editions/2/export.docx"
    first = reader.get(url)
    statements = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        again = reader.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert again.data == first.data
    assert any("edition_export.sha256" in s for s in statements)
    assert not any("edition_export.data" in s for s in statements)
    # Other bytes stored under the key (another server's build): those are served.
    other = first.data + b"\0"
    db.session.execute(
        update(EditionExport)
        .where(EditionExport.sha256 == hashlib.sha256(first.data).hexdigest())
        .values(data=other, sha256=hashlib.sha256(other).hexdigest())
    )
    db.session.commit()
    assert reader.get(url).data == other
