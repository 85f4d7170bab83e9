"""Backups of an instance: its database and its secret key in one file only the service
user can read, kept by count; restore into an empty database only.

A backup is an uncompressed tar (``feedback-YYYYMMDDTHHMMSSZ.tar``) holding
``manifest.json`` (format, engine, schema revision, time, SHA-256 of every file), the
database (PostgreSQL: ``pg_dump`` custom format, compressed, restored with
``pg_restore``; SQLite: ``VACUUM INTO``, a consistent copy taken while the app runs) and
``secret_key`` (the session and CSRF signing key, so people stay logged in after a
restore). Nothing else is kept on disk by the app: uploads wait in the import stash
only between a preview and its confirmation.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, Engine

from .extensions import db

FORMAT = 1
NAME_RE = re.compile(r"^feedback-\d{8}T\d{6}Z(-\d+)?\.tar$")
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
SECRET_NAME = "secret_key"
MANIFEST_NAME = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot be done, with a sentence saying why."""


# Creating ------------------------------------------------------------------------------


def create_backup(app: Flask, directory: Path, keep: int | None = None) -> tuple[Path, list[Path]]:
    """Write a backup into ``directory`` (made 0700 if new); the file is 0600. With
    ``keep``, only the newest ``keep`` backups in the directory remain; returns the new
    file and the removed ones."""
    if keep is not None and keep < 1:
        raise BackupError("--keep must be at least 1 (the backup just made).")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    engine = db.engine
    kind = _kind(engine)
    with tempfile.TemporaryDirectory(dir=directory, prefix=".partial-") as work:
        dump = Path(work) / DUMP_NAMES[kind]
        if kind == "sqlite":
            _sqlite_dump(engine, dump)
        else:
            _pg_dump(engine, dump)
        secret = str(app.config["SECRET_KEY"]).encode()
        manifest = {
            "format": FORMAT,
            "engine": kind,
            "revision": _revision(engine),
            "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "files": {dump.name: _sha256_file(dump), SECRET_NAME: _sha256(secret)},
        }
        partial = Path(work) / "backup.tar"
        _write_tar(partial, dump, secret, manifest)
        target = _new_name(directory)
        os.replace(partial, target)
    return target, prune(directory, keep) if keep else []


def prune(directory: Path, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` backups (by the time in their names)."""
    backups = sorted(p for p in directory.iterdir() if NAME_RE.match(p.name))
    old = backups[: max(len(backups) - keep, 0)]
    for path in old:
        path.unlink()
    return old


def _new_name(directory: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target, n = directory / f"feedback-{stamp}.tar", 1
    while target.exists():
        n += 1
        target = directory / f"feedback-{stamp}-{n}.tar"
    return target


def _write_tar(path: Path, dump: Path, secret: bytes, manifest: dict) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(fd, 0o600)  # whatever the umask
    with (
        os.fdopen(fd, "wb") as out,
        tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        _add_bytes(tar, MANIFEST_NAME, json.dumps(manifest, indent=2).encode())
        _add_bytes(tar, SECRET_NAME, secret)
        info = tar.gettarinfo(str(dump), arcname=dump.name)
        info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
        with dump.open("rb") as data:
            tar.addfile(info, data)
        out.flush()
        os.fsync(out.fileno())


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now(UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


def _sqlite_dump(engine: Engine, target: Path) -> None:
    """A consistent copy while the app runs; on a connection of its own, outside any
    transaction (VACUUM cannot run inside one)."""
    connection = sqlite3.connect(engine.url.database, isolation_level=None)
    try:
        connection.execute("VACUUM INTO ?", (str(target),))
    finally:
        connection.close()


def _pg_dump(engine: Engine, target: Path) -> None:
    program = _pg_program("pg_dump")
    with engine.connect() as connection:
        server = int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    client = _major_version(program)
    if client < server:
        raise BackupError(
            f"pg_dump {client} cannot dump a PostgreSQL {server} server: install "
            f"postgresql-client-{server} (pg_dump must be as new as the server)."
        )
    _run_pg(
        [program, "--format=custom", "--no-password", f"--file={target}"],
        engine.url,
        "pg_dump",
    )
    target.chmod(0o600)


# Restoring -----------------------------------------------------------------------------


def restore_backup(app: Flask, path: Path) -> tuple[dict, str]:
    """Load the backup at ``path`` into the app's database, which must be empty; returns
    the manifest and a sentence about the secret key."""
    engine = db.engine
    kind = _kind(engine)
    with tempfile.TemporaryDirectory(prefix="feedback-restore-") as work:
        manifest, secret = _unpack(path, Path(work))
        if manifest["engine"] != kind:
            raise BackupError(
                f"{path.name} is a backup of a {manifest['engine']} database; "
                f"the configured database is {kind}."
            )
        _require_empty(engine)
        dump = Path(work) / DUMP_NAMES[kind]
        if kind == "sqlite":
            _sqlite_restore(engine, dump)
        else:
            _run_pg(
                [
                    _pg_program("pg_restore"),
                    "--no-owner",
                    "--no-acl",
                    "--exit-on-error",
                    "--single-transaction",
                    "--no-password",
                    str(dump),
                ],
                engine.url,
                "pg_restore",
                database_flag=True,
            )
    engine.dispose()
    return manifest, _restore_secret(app, secret)


def _unpack(path: Path, work: Path) -> tuple[dict, str]:
    """The manifest and the secret key, the dump extracted into ``work``; every file's
    SHA-256 checked against the manifest."""
    try:
        with tarfile.open(path, mode="r:") as tar:
            manifest = json.loads(tar.extractfile(MANIFEST_NAME).read())
            expected = manifest["files"]
            if manifest.get("format") != FORMAT or set(expected) - {SECRET_NAME} - set(
                DUMP_NAMES.values()
            ):
                raise BackupError(f"{path.name} is not a backup this version can read.")
            tar.extractall(work, members=[tar.getmember(n) for n in expected], filter="data")
    except (OSError, tarfile.TarError, KeyError, ValueError, AttributeError) as error:
        raise BackupError(f"{path} is not a readable backup ({error}).") from error
    for name, digest in expected.items():
        if _sha256_file(work / name) != digest:
            raise BackupError(f"{path.name} is damaged: {name} does not match its checksum.")
    return manifest, (work / SECRET_NAME).read_text()


def _require_empty(engine: Engine) -> None:
    tables = sorted(inspect(engine).get_table_names())
    if tables:
        shown = ", ".join(tables[:3]) + (", ..." if len(tables) > 3 else "")
        raise BackupError(
            f"The database is not empty ({len(tables)} tables: {shown}). A backup is "
            "restored only into an empty database: create a new one, point DATABASE_URL "
            "at it and run the restore again."
        )


def _sqlite_restore(engine: Engine, dump: Path) -> None:
    """Copy the pages in with SQLite's backup API (the file may already exist, empty)."""
    engine.dispose()
    source = sqlite3.connect(dump)
    target = sqlite3.connect(engine.url.database)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _restore_secret(app: Flask, secret: str) -> str:
    if os.environ.get("SECRET_KEY"):
        if os.environ["SECRET_KEY"] == secret:
            return "SECRET_KEY already equals the backed-up key."
        return (
            "SECRET_KEY is set in the environment and differs from the backed-up key: "
            "everyone logs in again, or set SECRET_KEY to the key in the backup "
            f"(tar -xOf BACKUP {SECRET_NAME})."
        )
    path = Path(app.instance_path) / SECRET_NAME
    if path.is_file() and path.read_text().strip() == secret:
        return f"{path} already holds the backed-up secret key."
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(secret)
    return f"Secret key written to {path} (restart the app to use it)."


# Helpers -------------------------------------------------------------------------------


def _kind(engine: Engine) -> str:
    kind = engine.dialect.name
    if kind not in DUMP_NAMES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {kind}.")
    if kind == "sqlite" and engine.url.database in (None, "", ":memory:"):
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return kind


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _pg_program(name: str) -> str:
    program = shutil.which(name)
    if program is None:
        raise BackupError(
            f"{name} was not found: install PostgreSQL's client programs "
            "(Debian: apt-get install postgresql-client)."
        )
    return program


def _major_version(program: str) -> int:
    output = subprocess.run([program, "--version"], capture_output=True, text=True).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    return int(match.group(1)) if match else 0


def _run_pg(command: list[str], url: URL, what: str, *, database_flag: bool = False) -> None:
    """Run pg_dump / pg_restore with the connection in libpq's environment variables,
    so the password never shows in the process list."""
    env = {**os.environ, **_libpq_env(url)}
    if database_flag:
        command = [*command[:-1], f"--dbname={env['PGDATABASE']}", command[-1]]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip() or done.returncode}")


def _libpq_env(url: URL) -> dict[str, str]:
    names = {"host": "PGHOST", "port": "PGPORT", "username": "PGUSER", "password": "PGPASSWORD"}
    env = {var: str(getattr(url, attr)) for attr, var in names.items() if getattr(url, attr)}
    env["PGDATABASE"] = url.database or ""
    for key, var in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if key in url.query:
            env[var] = str(url.query[key])
    return env


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# Command line --------------------------------------------------------------------------


@click.group("backup", help="Back up the database and the secret key; restore them.")
def backup_cli():
    pass


@backup_cli.command("create")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--keep",
    type=int,
    default=None,
    help="Keep only the newest N backups in DIRECTORY (the new one included).",
)
def create_command(directory: Path, keep: int | None):
    """Write feedback-<UTC time>.tar into DIRECTORY, readable only by this user."""
    try:
        path, removed = create_backup(current_app, directory, keep)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {path} ({path.stat().st_size:,} bytes).")
    for old in removed:
        click.echo(f"Removed old backup {old.name}.")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(path: Path):
    """Restore the backup at PATH into the configured database, which must be empty."""
    try:
        manifest, secret_note = restore_backup(current_app, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Restored {path.name} (made {manifest['created_at']}, schema {manifest['revision']})."
    )
    click.echo(secret_note)
    click.echo("Then run: flask db upgrade (if this app is newer than the backup).")
