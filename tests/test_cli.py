"""The command line the acceptance checks use."""

from sqlalchemy import func, select

from feedback.auth.models import User
from feedback.extensions import db
from feedback.reports import queries


def _run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def test_departments_users_tokens(app, api):
    assert _run(app, "departments", "create", "STC", "Sở Tài chính").exit_code == 0
    result = _run(
        app,
        "users",
        "create",
        "stc.lead",
        "--name",
        "Nguyễn Thị Lan",
        "--role",
        "lead",
        "--department",
        "STC",
        "--password",
        "Một-mật-khẩu-dài",
    )
    assert result.exit_code == 0, result.output
    result = _run(app, "users", "token", "stc.lead")
    token = result.output.strip().splitlines()[-1]
    me = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json["department"]["code"] == "STC"


def test_user_create_prompts_for_password(app):
    result = _run(
        app,
        "users",
        "create",
        "chair",
        "--name",
        "Chủ tịch",
        "--role",
        "chair",
        input="Mật-khẩu-bí-mật\nMật-khẩu-bí-mật\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "chair"))
    assert user.check_password("Mật-khẩu-bí-mật")


def test_errors_are_clear_and_write_nothing(app):
    result = _run(
        app,
        "users",
        "create",
        "x",
        "--name",
        "X",
        "--role",
        "lead",
        "--department",
        "NOPE",
        "--password",
        "Một-mật-khẩu-dài",
    )
    assert result.exit_code != 0 and "NOPE" in result.output
    assert db.session.scalar(select(User).where(User.username == "x")) is None


def test_import_report(app, tmp_path):
    _run(
        app,
        "users",
        "create",
        "drafter",
        "--name",
        "Tổ soạn thảo",
        "--role",
        "drafter",
        "--password",
        "Một-mật-khẩu-dài",
    )
    path = tmp_path / "bao-cao.md"
    path.write_text(
        "# Báo cáo\n\n## I. Một\n\nA\n\n## II. Hai\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        encoding="utf-8",
    )
    result = _run(app, "reports", "import", str(path), "--title", "Báo cáo thử", "--by", "drafter")
    assert result.exit_code == 0, result.output
    from feedback.reports.models import Report

    report = db.session.scalar(select(Report))
    assert report.title == "Báo cáo thử"
    assert [e.number for e in queries.outline(report)] == ["I", "II"]


def test_demo_load_is_idempotent(app):
    first = _run(app, "demo", "load")
    assert first.exit_code == 0, first.output
    assert "chutich" in first.output and "Demo@2025" in first.output
    counts = _counts()
    second = _run(app, "demo", "load")
    assert second.exit_code == 0 and "already present" in second.output
    assert _counts() == counts
    from feedback.reports.models import Report

    report = db.session.scalar(select(Report))
    entries = queries.outline(report)
    assert len(entries) >= 15
    table = next(e for e in entries if "chỉ tiêu chủ yếu" in e.version.heading.lower())
    assert table.version.text.count("| Không đạt |") == 3
    assert (
        sum(
            1
            for line in table.version.text.splitlines()
            if line.startswith("| ") and line[2].isdigit()
        )
        == 14
    )


def _counts():
    from sqlalchemy import func

    from feedback.auth.models import Department
    from feedback.reports.models import Report, SectionVersion

    return tuple(
        db.session.scalar(select(func.count()).select_from(m))
        for m in (User, Department, Report, SectionVersion)
    )


def test_sync_figures_reads_the_tables_of_reports_made_before_the_figures(app):
    from feedback.figures.models import Indicator, IndicatorTable

    assert _run(app, "demo", "load").exit_code == 0
    db.session.execute(Indicator.__table__.delete())
    db.session.execute(IndicatorTable.__table__.delete())
    db.session.commit()
    result = _run(app, "reports", "sync-figures")
    assert result.exit_code == 0, result.output
    assert "1 report" in result.output
    assert db.session.scalar(select(func.count()).select_from(Indicator)) == 19
    again = _run(app, "reports", "sync-figures")
    assert again.exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Indicator)) == 19
