"""A report's archive: what it holds, what it never holds, its restore elsewhere."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import uuid
import zipfile

import pytest
from flask_migrate import upgrade
from jsonschema import Draft202012Validator
from sqlalchemy import event, func, select

from feedback import create_app
from feedback.archive import writer
from feedback.audit.models import AuditEvent
from feedback.auth.models import Department, User
from feedback.config import TestConfig
from feedback.consolidation import exports
from feedback.consolidation.models import Edition
from feedback.extensions import db
from feedback.provenance import read_provenance, write_zip
from feedback.reports.models import Report, Section, SectionVersion
from feedback.review.models import Comment, Reply, Submission, Suggestion

from .. import pgadmin
from .scenario import DRAFT_COMMENT, DRAFT_REPLY, DRAFT_SUGGESTION, consulted_report

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def _open(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def _every_text(files: dict[str, bytes]) -> str:
    """Every file as text, the parts of each .docx unpacked (the drafts must be nowhere)."""
    out = []
    for name, data in files.items():
        if name.endswith(".docx"):
            out += [part.decode("utf-8", "replace") for part in _open(data).values()]
        else:
            out.append(data.decode("utf-8", "replace"))
    return "\n".join(out)


@pytest.fixture
def archived(app, people, report, tmp_path):
    consulted_report(people, report)
    path = tmp_path / "ho-so.zip"
    result = _cli(app, "reports", "archive", str(report.id), str(path), "--no-pdf")
    assert result.exit_code == 0, result.output
    assert "PDFs were not asked for" in result.output
    return path


def test_the_archive_holds_the_record_and_never_a_departments_draft(archived, report):
    files = _open(archived.read_bytes())
    manifest = json.loads(files["manifest.json"])
    listed = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json"}
    for path, sha in listed.items():
        assert hashlib.sha256(files[path]).hexdigest() == sha, path
    assert {
        "records.json",
        "archive.schema.json",
        "editions/du-thao-lan-1.docx",
        "editions/du-thao-lan-2.docx",
        "dispositions/vong-1.csv",
        "dispositions/vong-1.docx",
        "dispositions/tat-ca-cac-vong.docx",
    } <= set(files)
    schema = Draft202012Validator(json.loads(files["archive.schema.json"]))
    content = json.loads(files["records.json"])
    schema.validate(manifest)
    schema.validate(content)

    tables = content["tables"]
    versions = db.session.scalar(
        select(func.count())
        .select_from(SectionVersion)
        .join(Section)
        .where(Section.report_id == report.id)
    )
    assert len(tables["section_version"]) == versions == 5  # 4 sections, one accepted change
    (submission,) = tables["submission"]
    assert submission["dispatch_number"] == "125/STC-NS"
    assert submission["dispatch_date"] == "2025-11-20"
    assert [c["body"] for c in tables["comment"]] == [
        "Đề nghị làm rõ nguồn số liệu tăng trưởng GRDP."
    ]
    assert [s["status"] for s in tables["suggestion"]] == ["accepted"]
    assert [r["body"] for r in tables["reply"]] == ["Đã bổ sung nguồn số liệu."]
    assert {d["action"] for d in tables["decision"]} >= {"accepted"}
    assert [e["status"] for e in tables["edition"]] == ["issued", "approved"]
    assert tables["audit_event"] and all(e["department_id"] is None for e in tables["audit_event"])
    assert {u["username"] for u in content["users"]} >= {"drafter", "chair", "stc.lead"}
    # The other department's drafts exist in the database, and in no file of the archive.
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 2
    assert db.session.scalar(select(func.count()).select_from(Reply)) == 2
    text = _every_text(files)
    for draft in (DRAFT_COMMENT, DRAFT_SUGGESTION, DRAFT_REPLY):
        assert draft not in text
    # Sở Công Thương was invited to the round: that is on record, its drafts are not.
    assert {d["code"] for d in content["departments"]} == {"STC", "SCT"}


def test_the_api_gives_the_archive_to_the_drafting_team_chair_and_admin_and_writes_nothing(
    api, people, report
):
    consulted_report(people, report)
    writes = []

    def watch(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(statement)

    url = f"/reports/{report.id}/archive"
    for role in ("drafter", "chair", "admin"):
        client = api.as_(getattr(people, role))
        event.listen(db.engine, "before_cursor_execute", watch)
        try:
            response = client.get(url)
        finally:
            event.remove(db.engine, "before_cursor_execute", watch)
        assert response.status_code == 200, role
        assert response.headers["Content-Type"] == "application/zip"
        assert response.headers["Cache-Control"] == "no-store"
        manifest = json.loads(_open(response.data)["manifest.json"])
        assert manifest["made_by"] == people.__dict__[role].username
    # The only write is the token's bookkeeping (last used), as on every API request.
    assert [w for w in writes if not w.startswith("UPDATE api_token SET last_used_at")] == []
    for role in ("lead", "reviewer"):
        refused = api.as_(getattr(people, role)).get(url)
        assert refused.status_code == 403
        assert refused.json["error"]["message"]
    assert api.as_(people.chair).get("/reports/999999/archive").status_code == 404


def _rezip(files: dict[str, bytes]) -> bytes:
    manifest = files.pop("manifest.json")
    return write_zip([("manifest.json", manifest), *sorted(files.items())])


def test_a_tampered_archive_is_refused_with_a_sentence(app, archived, tmp_path):
    files = _open(archived.read_bytes())
    changed = dict(files)
    changed["records.json"] = files["records.json"].replace(
        "Đề nghị làm rõ".encode(), "Đề nghị bỏ qua".encode()
    )
    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(_rezip(changed))
    reports_before = db.session.scalar(select(func.count()).select_from(Report))
    result = _cli(app, "reports", "restore-archive", str(tampered))
    assert result.exit_code != 0
    assert "records.json has been changed since the archive was made" in result.output
    extra = dict(files, **{"editions/them.docx": b"khong co trong manifest"})
    tampered.write_bytes(_rezip(extra))
    result = _cli(app, "reports", "restore-archive", str(tampered))
    assert "a file its manifest does not list: editions/them.docx" in result.output
    tampered.write_bytes(b"khong phai zip")
    assert "not a zip file" in _cli(app, "reports", "restore-archive", str(tampered)).output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Report)) == reports_before


def _docx_files(archive: bytes) -> dict[int, bytes]:
    manifest = json.loads(_open(archive)["manifest.json"])
    files = _open(archive)
    return {
        e["edition"]: files[e["path"]] for e in manifest["files"] if e["kind"] == "edition_docx"
    }


def _regenerated(report_id: int) -> dict[int, bytes]:
    out = {}
    with contextlib.ExitStack():
        for edition in db.session.scalars(
            select(Edition).where(Edition.report_id == report_id).order_by(Edition.number)
        ):
            out[edition.number] = exports.build_export(edition, None, "docx", "vi")
    return out


@contextlib.contextmanager
def _instance(url: str):
    """Another instance of the app on its own (empty) database, migrated."""
    other = create_app(
        {
            **{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
            "SQLALCHEMY_DATABASE_URI": url,
        }
    )
    with other.app_context():
        upgrade()
        try:
            yield other
        finally:
            db.session.remove()
            db.engine.dispose()


def _restore_elsewhere(url: str, archive_path) -> None:
    archive = archive_path.read_bytes()
    with _instance(url) as other:
        result = _cli(other, "reports", "restore-archive", str(archive_path))
        assert result.exit_code == 0, result.output
        (report,) = db.session.scalars(select(Report)).all()
        assert f"as report {report.id}" in result.output
        # Same ids on an empty instance, so the same documents, byte for byte.
        assert _regenerated(report.id) == _docx_files(archive)
        restored = {u.username: u for u in db.session.scalars(select(User))}
        assert not restored["drafter"].active and not restored["stc.lead"].active
        assert restored["stc.lead"].department.code == "STC"
        codes = set(db.session.scalars(select(Department.code)))
        assert codes == {"STC", "SCT"}
        (submission,) = db.session.scalars(select(Submission)).all()
        assert submission.dispatch_number == "125/STC-NS"
        assert db.session.scalar(select(func.count()).select_from(Suggestion)) == 1
        last = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
        assert (last.action, last.report_id, last.object_id) == (
            "report.restored",
            *[report.id] * 2,
        )
        assert last.details["archive_sha256"] == hashlib.sha256(archive).hexdigest()


def test_an_archive_restores_on_another_sqlite_instance_byte_identical(archived, tmp_path):
    _restore_elsewhere("sqlite:///" + str(tmp_path / "other.sqlite3"), archived)


def _postgres_server() -> str:
    base = os.environ.get("TEST_DATABASE_URL", "")
    server = base.rsplit("/", 1)[0] if base.startswith("postgresql") else PG_SERVER
    try:
        import psycopg

        psycopg.connect(
            server.replace("postgresql+psycopg://", "postgresql://") + "/postgres",
            connect_timeout=3,
        ).close()
    except Exception as error:  # noqa: BLE001 - any failure to reach it means "no server"
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {server} does not answer ({error}); CI must run this")
        pytest.skip(f"PostgreSQL at {server} does not answer: {error}")
    return server


def test_an_archive_made_on_sqlite_restores_on_postgresql_byte_identical(archived):
    server = _postgres_server()
    name = f"feedback_archive_{uuid.uuid4().hex[:12]}"
    pgadmin.create(server, name)
    try:
        _restore_elsewhere(f"{server}/{name}", archived)
    finally:
        pgadmin.drop(server, name)


def test_restoring_beside_the_original_remaps_every_id(app, archived, report, people):
    users_before = db.session.scalar(select(func.count()).select_from(User))
    result = _cli(app, "reports", "restore-archive", str(archived))
    assert result.exit_code == 0, result.output
    copy = db.session.scalar(select(Report).where(Report.id != report.id))
    assert copy.title == report.title
    assert db.session.scalar(select(func.count()).select_from(User)) == users_before
    original, restored = _regenerated(report.id), _regenerated(copy.id)
    assert original.keys() == restored.keys() == {1, 2}
    provenance = read_provenance(restored[2])
    assert provenance["report"] == copy.id
    copied_sections = set(
        db.session.scalars(select(Section.id).where(Section.report_id == copy.id))
    )
    assert set(provenance["bookmarks"]) == copied_sections
    assert not copied_sections & set(read_provenance(original[2])["bookmarks"])
    comments = db.session.scalars(select(Comment).where(Comment.report_id == copy.id)).all()
    assert [c.author.username for c in comments] == ["stc.reviewer"]
    assert comments[0].replies[0].body == "Đã bổ sung nguồn số liệu."


def test_an_approved_edition_is_archived_as_pdf_made_by_libreoffice(
    app, people, report, monkeypatch, tmp_path
):
    from ..documents import libreoffice

    libreoffice.soffice()  # skips without LibreOffice (fails in CI)
    monkeypatch.setitem(app.config, "FEEDBACK_ARCHIVE_PDF", True)
    consulted_report(people, report)
    data, manifest = writer.build(report, made_by=None)
    assert manifest["pdf"]["included"] is True
    files = _open(data)
    assert "editions/du-thao-lan-1.pdf" not in files  # lần 1 was never approved
    pdf = files["editions/du-thao-lan-2.pdf"]
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "lan-2.pdf"
    path.write_bytes(pdf)
    text = libreoffice.pdf_text(path)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "DỰ THẢO" not in text  # approved: the text the Committee adopts


def test_the_schema_names_every_column_of_every_archived_table(app):
    """A model change that adds a column must say how the archive holds it."""
    from feedback.archive import records

    tables = json.loads(writer.schema_bytes())["$defs"]["records"]["properties"]["tables"]
    assert set(tables["properties"]) == set(records.TABLES)
    for name in records.TABLES:
        columns = {c.name for c in records.table(name).columns}
        assert set(tables["properties"][name]["items"]["properties"]) == columns, name


def test_a_restored_report_is_found_by_search(app, archived, report, api, people):
    result = _cli(app, "reports", "restore-archive", str(archived))
    assert result.exit_code == 0, result.output
    copy = db.session.scalar(select(Report).where(Report.id != report.id))
    found = api.as_(people.drafter).get(f"/reports/{copy.id}/search?q=nguon+so+lieu").json
    copied_comment = db.session.scalar(select(Comment.id).where(Comment.report_id == copy.id))
    assert ("comment", copied_comment) in {(i["type"], i["id"]) for i in found["items"]}


def test_records_that_do_not_hold_together_are_refused_and_nothing_is_written(
    app, archived, tmp_path
):
    """An archive whose manifest was rewritten to match edited records (hashes prove no
    authorship) is still refused when the records do not fit, and leaves nothing."""
    files = _open(archived.read_bytes())
    content = json.loads(files["records.json"])
    content["tables"]["comment"][0]["section_id"] = 987654
    files["records.json"] = json.dumps(content, ensure_ascii=False).encode()
    manifest = json.loads(files["manifest.json"])
    for entry in manifest["files"]:
        if entry["path"] == "records.json":
            entry["sha256"] = hashlib.sha256(files["records.json"]).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode()
    edited = tmp_path / "edited.zip"
    edited.write_bytes(_rezip(files))
    counts = {m: db.session.scalar(select(func.count()).select_from(m)) for m in (Report, Section)}
    result = _cli(app, "reports", "restore-archive", str(edited))
    assert result.exit_code != 0
    assert "comment" in result.output and "section 987654" in result.output
    db.session.expire_all()
    assert counts == {
        m: db.session.scalar(select(func.count()).select_from(m)) for m in (Report, Section)
    }
    del content["tables"]["report"][0]["title"]
    files["records.json"] = json.dumps(content, ensure_ascii=False).encode()
    manifest["files"][0]["sha256"] = hashlib.sha256(files["records.json"]).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode()
    edited.write_bytes(_rezip(files))
    result = _cli(app, "reports", "restore-archive", str(edited))
    assert "records.json does not fit this instance's tables" in result.output


def _without_ids(content: dict) -> dict:
    """records.json with every id and reference left out (and audit details, which keep
    the source's ids in their words)."""
    out = {}
    for name, rows in content["tables"].items():
        out[name] = [
            {k: v for k, v in row.items() if k != "id" and not k.endswith("_id") and k != "details"}
            for row in rows
        ]
    return out


def test_a_restored_report_archives_to_the_same_records(app, archived, report, tmp_path):
    assert _cli(app, "reports", "restore-archive", str(archived)).exit_code == 0
    copy = db.session.scalar(select(Report).where(Report.id != report.id))
    again = tmp_path / "again.zip"
    result = _cli(app, "reports", "archive", str(copy.id), str(again), "--no-pdf")
    assert result.exit_code == 0, result.output
    first = json.loads(_open(archived.read_bytes())["records.json"])
    second = json.loads(_open(again.read_bytes())["records.json"])
    restored = second["tables"]["audit_event"].pop()  # the copy's one new event
    assert (restored["action"], restored["details"]["via"]) == ("report.restored", "cli")
    assert _without_ids(second) == _without_ids(first)
    assert [u["username"] for u in second["users"]] == [u["username"] for u in first["users"]]


def test_the_drafts_page_offers_the_archive_to_those_who_may_have_it(client, auth, people, report):
    consulted_report(people, report, approve=False)
    auth.login("drafter")
    page = client.get(f"/reports/{report.id}/editions").get_data(as_text=True)
    assert "Tải hồ sơ lưu trữ (.zip)" in page
    download = client.get(f"/reports/{report.id}/archive.zip")
    assert download.status_code == 200 and download.headers["Content-Type"] == "application/zip"
    assert DRAFT_COMMENT not in _every_text(_open(download.data))
    auth.logout()
    auth.login("stc.lead")
    assert "Tải hồ sơ lưu trữ" not in client.get(f"/reports/{report.id}/editions").get_data(
        as_text=True
    )
    assert client.get(f"/reports/{report.id}/archive.zip").status_code == 403
