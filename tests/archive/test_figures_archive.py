"""A report's archive carries its figures: the indicator tables, the indicators, and the
checks the departments submitted (never a department's draft check); the restored
instance answers the same indicators."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest
from sqlalchemy import func, select

from feedback.extensions import db
from feedback.figures import checks, queries
from feedback.figures.models import DepartmentKeyword, IndicatorCheck
from feedback.reports.models import Report
from feedback.review import consultation, decisions

from .. import factories, pgadmin
from ..conftest import Api, IsolatedClient
from ..figure_helpers import indicator, load_demo, open_round, user
from .test_report_archive import (
    _cli,
    _every_text,
    _instance,
    _open,
    _postgres_server,
    _rezip,
    _without_ids,
)

CONFIRMED_SOURCE = "Cục Thống kê, số liệu ước đến 30/11"
DRAFT_SOURCE = "Nguồn nháp của Sở Nông nghiệp, chưa đối chiếu"
DRAFT_NOTE = "Ghi chú nháp của Sở Y tế: số bác sĩ còn chờ rà soát."


def _submit(lead_name: str, report) -> None:
    consultation.submit_response(user(lead_name), open_round(report))
    db.session.commit()


@pytest.fixture
def figures_report(app):
    """The demo after Cục Thống kê confirmed one figure and Sở Xây dựng corrected another
    (both submitted, the correction accepted); Sở Nông nghiệp's confirmation and Sở Y
    tế's correction stay drafts."""
    report = load_demo()
    checks.confirm(
        user("ctk.canbo"), indicator(report, "GRDP bình quân đầu người"), source=CONFIRMED_SOURCE
    )
    urban = checks.correct(
        user("sxd.canbo"), indicator(report, "Tỷ lệ đô thị hóa"), actual="64,8", source="SXD"
    )
    db.session.commit()
    _submit("ctk.lanhdao", report)
    _submit("sxd.lanhdao", report)
    assert decisions.accept_suggestion(user("tosoanthao"), urban).conflict is None
    db.session.commit()
    checks.confirm(user("snn.canbo"), indicator(report, "Tỷ lệ xã đạt chuẩn"), source=DRAFT_SOURCE)
    checks.correct(
        user("syt.canbo"),
        indicator(report, "Số bác sĩ"),
        actual="13,5",
        source="Sở Y tế",
        note=DRAFT_NOTE,
    )
    db.session.commit()
    return report


@pytest.fixture
def archived(app, figures_report, tmp_path):
    path = tmp_path / "ho-so-chi-tieu.zip"
    result = _cli(app, "reports", "archive", str(figures_report.id), str(path), "--no-pdf")
    assert result.exit_code == 0, result.output
    return path


def test_the_archive_holds_the_figures_and_only_the_submitted_checks(archived, figures_report):
    files = _open(archived.read_bytes())
    tables = json.loads(files["records.json"])["tables"]
    assert len([i for i in tables["indicator"] if i["removed_at"] is None]) == 19
    assert {t["kind"] for t in tables["indicator_table"]} == {"results", "targets"}
    archived_checks = {(c["kind"], c["source"], c["status"]) for c in tables["indicator_check"]}
    assert archived_checks == {
        ("confirm", CONFIRMED_SOURCE, "submitted"),
        ("correct", "SXD", "submitted"),
    }
    # The two departments' draft checks exist, and are in no file of the archive.
    drafts = db.session.scalars(select(IndicatorCheck).where(IndicatorCheck.status == "draft"))
    assert {c.department.code for c in drafts} == {"SNN", "SYT"}
    text = _every_text(files)
    assert DRAFT_SOURCE not in text and DRAFT_NOTE not in text
    # The keyword map is the instance's, not the report's: no archive carries it.
    assert db.session.scalar(select(func.count()).select_from(DepartmentKeyword)) > 0
    assert "department_keyword" not in tables


def _seen(api: Api, report_id: int) -> list[dict]:
    """The indicators as the chair reads them, without the instance's ids."""
    response = api.get(f"/reports/{report_id}/indicators")
    assert response.status_code == 200, response.json
    ids = {"id", "section_id", "table_id"}
    return [{k: v for k, v in item.items() if k not in ids} for item in response.json["items"]]


def _restored_indicators(url: str, archive_path) -> list[dict]:
    with _instance(url) as other:
        result = _cli(other, "reports", "restore-archive", str(archive_path))
        assert result.exit_code == 0, result.output
        (report_id,) = db.session.scalars(select(Report.id)).all()
        reader = factories.user("chair", username="chu.tich.moi", name="Lê Văn Đọc")
        db.session.commit()
        other.test_client_class = IsolatedClient
        return _seen(Api(other.test_client()).as_(reader), report_id)


def _compare(api, figures_report, url: str, archived) -> None:
    source = _seen(api.as_(user("chutich")), figures_report.id)
    assert {(i["name"], i["status"]) for i in source} >= {
        ("GRDP bình quân đầu người (USD)", "confirmed"),
        ("Tỷ lệ đô thị hóa (%)", "decided"),
    }
    assert any(i["source"] == CONFIRMED_SOURCE for i in source)
    assert _restored_indicators(url, archived) == source


def test_the_restored_instance_answers_the_same_indicators(api, figures_report, archived, tmp_path):
    _compare(api, figures_report, "sqlite:///" + str(tmp_path / "khac.sqlite3"), archived)


def test_the_figures_restore_from_sqlite_on_postgresql(api, figures_report, archived):
    server = _postgres_server()
    name = f"feedback_archfig_{uuid.uuid4().hex[:12]}"
    pgadmin.create(server, name)
    try:
        _compare(api, figures_report, f"{server}/{name}", archived)
    finally:
        pgadmin.drop(server, name)


def test_restored_beside_the_original_the_figures_archive_to_the_same_records(
    app, archived, figures_report, tmp_path
):
    assert _cli(app, "reports", "restore-archive", str(archived)).exit_code == 0
    copy = db.session.scalar(select(Report.id).where(Report.id != figures_report.id))
    again = tmp_path / "lan-nua.zip"
    assert _cli(app, "reports", "archive", str(copy), str(again), "--no-pdf").exit_code == 0
    first = _without_ids(json.loads(_open(archived.read_bytes())["records.json"]))
    second = _without_ids(json.loads(_open(again.read_bytes())["records.json"]))
    for name in ("indicator_table", "indicator", "indicator_check"):
        assert second[name] == first[name], name


def test_an_archive_without_figures_gets_them_from_the_restored_text(app, archived, tmp_path):
    """An archive made before the figures were archived: the restore derives them from
    the sections' text, the departments from this instance's keyword map."""
    files = _open(archived.read_bytes())
    content = json.loads(files["records.json"])
    for name in ("indicator_table", "indicator", "indicator_check"):
        del content["tables"][name]
    files["records.json"] = json.dumps(content, ensure_ascii=False).encode()
    manifest = json.loads(files["manifest.json"])
    for entry in manifest["files"]:
        if entry["path"] == "records.json":
            entry["sha256"] = hashlib.sha256(files["records.json"]).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode()
    older = tmp_path / "truoc-chi-tieu.zip"
    older.write_bytes(_rezip(files))
    with _instance("sqlite:///" + str(tmp_path / "cu.sqlite3")) as other:
        result = _cli(other, "reports", "restore-archive", str(older))
        assert result.exit_code == 0, result.output
        (report_id,) = db.session.scalars(select(Report.id)).all()
        views = queries.indicator_views(report_id, factories.user("chair", username="doc.gia"))
        assert len(views) == 19
        assert "Tỷ lệ đô thị hóa (%)" in {v.indicator.name for v in views}
        assert {v.status.value for v in views} == {"unchecked"}  # no check was archived
