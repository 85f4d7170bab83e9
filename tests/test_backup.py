"""``flask backup create`` / ``restore``: the demo, backed up and restored into a fresh
database, is the same row for row in every table, on the engine under test (SQLite, or
PostgreSQL with TEST_DATABASE_URL: fresh databases on that server); files only the
service user can read; retention by count; a clear refusal to restore over data."""

from __future__ import annotations

import io
import os
import stat
import tarfile
import uuid

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text

from feedback import create_app
from feedback.config import TestConfig
from feedback.extensions import db

from . import pgadmin


@pytest.fixture
def fresh_url(tmp_path):
    """Makes empty databases on the engine under test, dropped afterwards."""
    base = os.environ.get("TEST_DATABASE_URL")
    made: list[str] = []

    def make(label: str) -> str:
        if not base:
            return "sqlite:///" + str(tmp_path / f"{label}.sqlite3")
        server = base.rsplit("/", 1)[0]
        name = f"feedback_bak_{label}_{uuid.uuid4().hex[:10]}"
        pgadmin.create(server, name)
        made.append(name)
        return f"{server}/{name}"

    yield make
    for name in made:
        pgadmin.drop(base.rsplit("/", 1)[0], name)


def _app(url: str, instance):
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.pop("SECRET_KEY")  # the instance's own key, as in a deployment
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": url})
    app.instance_path = str(instance)
    app.config["SECRET_KEY"] = f"secret-of-{instance.name}"
    return app


def _cli(app, *args, input=None):
    """As ``flask`` runs a command: in an app context of its own."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args), input=input)
        db.session.remove()
        db.engine.dispose()
    return result


def _dump(url: str) -> dict[str, list[tuple]]:
    """Every table (the migrations' version included), every row, in key order."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            out = {}
            for name in sorted(inspect(connection).get_table_names()):
                table = db.metadata.tables.get(name)
                order = [c.name for c in table.primary_key.columns] if table is not None else []
                query = f'SELECT * FROM "{name}"' + (
                    " ORDER BY " + ", ".join(f'"{c}"' for c in order) if order else ""
                )
                out[name] = [tuple(row) for row in connection.execute(text(query))]
            return out
    finally:
        engine.dispose()


def test_demo_backup_restores_to_an_identical_database(fresh_url, tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    (tmp_path / "source").mkdir()
    (tmp_path / "target").mkdir()
    source_url, target_url = fresh_url("src"), fresh_url("dst")
    source = _app(source_url, tmp_path / "source")
    with source.app_context():
        upgrade()
    result = _cli(source, "demo", "load")
    assert result.exit_code == 0, result.output
    # A Vietnamese comment in the data, so the text survives both directions verbatim.
    with source.app_context():
        db.session.execute(
            text("UPDATE department SET name = 'Sở Tài chính – Phòng Ngân sách' WHERE id = 1")
        )
        db.session.commit()
        db.engine.dispose()

    backups = tmp_path / "backups"
    result = _cli(source, "backup", "create", str(backups))
    assert result.exit_code == 0, result.output
    (path,) = backups.iterdir()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(backups.stat().st_mode) == 0o700
    with tarfile.open(path) as tar:
        assert sorted(tar.getnames()) == sorted(
            [
                "manifest.json",
                "secret_key",
                "database.sqlite3" if source_url.startswith("sqlite") else "database.pgdump",
            ]
        )

    target = _app(target_url, tmp_path / "target")
    result = _cli(target, "backup", "restore", str(path))
    assert result.exit_code == 0, result.output

    before, after = _dump(source_url), _dump(target_url)
    assert len(before) >= 20 and "alembic_version" in before
    assert sum(map(len, before.values())) > 100
    assert after == before
    secret = tmp_path / "target" / "secret_key"
    assert secret.read_text() == "secret-of-source"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert any("Sở Tài chính – Phòng Ngân sách" in row for row in after["department"])

    # Restoring again, over the data now there, is refused and changes nothing.
    result = _cli(target, "backup", "restore", str(path))
    assert result.exit_code != 0
    assert "not empty" in result.output and "empty database" in result.output
    assert _dump(target_url) == before


def test_retention_keeps_the_newest(app, tmp_path):
    backups = tmp_path / "backups"
    backups.mkdir()
    old = ["feedback-20250101T010000Z.tar", "feedback-20250102T010000Z.tar"]
    for name in old:
        (backups / name).write_bytes(b"")
    (backups / "notes.txt").write_text("giữ lại")
    result = _cli(app, "backup", "create", str(backups), "--keep", "2")
    assert result.exit_code == 0, result.output
    assert "Removed old backup feedback-20250101T010000Z.tar." in result.output
    names = sorted(p.name for p in backups.iterdir())
    assert names[0] == "feedback-20250102T010000Z.tar" and names[-1] == "notes.txt"
    assert len(names) == 3
    result = _cli(app, "backup", "create", str(backups), "--keep", "0")
    assert result.exit_code != 0 and "--keep must be at least 1" in result.output


def test_a_damaged_or_foreign_file_is_refused(app, tmp_path):
    bogus = tmp_path / "bao-cao.tar"
    bogus.write_bytes(b"khong phai ban sao luu")
    result = _cli(app, "backup", "restore", str(bogus))
    assert result.exit_code != 0 and "not a readable backup" in result.output

    backups = tmp_path / "backups"
    assert _cli(app, "backup", "create", str(backups)).exit_code == 0
    (path,) = backups.iterdir()
    with tarfile.open(path) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(damaged, "w") as tar:
        for member, data in members:
            if member.name.startswith("database"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            tar.addfile(member, io.BytesIO(data))
    result = _cli(app, "backup", "restore", str(damaged))
    assert result.exit_code != 0
    assert "does not match its checksum" in result.output
