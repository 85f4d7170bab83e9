"""Loading a report's archive into another instance.

The archive is checked first, as a whole: every file the manifest lists is there with
the SHA-256 it lists, and nothing else is; a tampered or incomplete archive is refused
with a sentence and nothing is written. Then, in the caller's transaction: departments
are matched by code (made when missing), people by username (made when missing, as
inactive accounts that cannot log in), and every row gets a new id, every reference
following it. The instance's own derived data (search index, rendered diffs) is made
again, and so are the figures of any section whose indicators the archive lacks; the
editions' documents are built again from the restored rows, and are the same
bytes wherever the ids came out the same (see docs/archive-format.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile

from sqlalchemy import insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from ..audit.services import record
from ..errors import InvalidInput
from ..extensions import db
from . import records
from .writer import FORMAT, MANIFEST, RECORDS, VERSION

# A report's archive is documents and JSON: far below these, and a zip that claims more
# is refused before it is read.
MAX_FILES = 10_000
MAX_UNCOMPRESSED = 2 << 30
UNUSABLE_PASSWORD = "!restored-from-archive"  # no hash matches it: the account cannot log in


class ArchiveRefused(InvalidInput):
    """The archive cannot be restored; the message says why."""


def read(data: bytes) -> tuple[dict, dict[str, bytes]]:
    """The manifest and the files of an archive, every hash checked."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        infos = package.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise ArchiveRefused(f"This is not a report archive (not a zip file: {error}).") from None
    if len(infos) > MAX_FILES or sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
        raise ArchiveRefused("This archive is too large to be a report's archive.")
    names = {i.filename for i in infos}
    if MANIFEST not in names:
        raise ArchiveRefused("This is not a report archive: it has no manifest.json.")
    try:
        manifest = json.loads(package.read(MANIFEST))
    except ValueError:
        raise ArchiveRefused("The archive's manifest.json is not valid JSON.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveRefused("This is not a report archive (its manifest names another format).")
    if manifest.get("version") != VERSION:
        raise ArchiveRefused(
            f"This archive has format version {manifest.get('version')!r}; "
            f"this instance reads version {VERSION}."
        )
    return manifest, _checked_files(package, manifest, names)


def _checked_files(package: zipfile.ZipFile, manifest: dict, names: set[str]) -> dict[str, bytes]:
    entries = manifest.get("files")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ArchiveRefused("The archive's manifest lists no files.")
    listed = {str(e.get("path")): str(e.get("sha256")) for e in entries}
    extra = sorted(names - set(listed) - {MANIFEST})
    if extra:
        raise ArchiveRefused(f"The archive holds a file its manifest does not list: {extra[0]}.")
    files = {}
    for path, expected in listed.items():
        if path not in names:
            raise ArchiveRefused(f"The archive lacks {path}, which its manifest lists.")
        data = package.read(path)
        if hashlib.sha256(data).hexdigest() != expected:
            raise ArchiveRefused(
                f"{path} has been changed since the archive was made "
                "(its SHA-256 differs from the manifest's); it is not restored."
            )
        files[path] = data
    if RECORDS not in files:
        raise ArchiveRefused("The archive lacks records.json.")
    return files


def restore(data: bytes) -> int:
    """Load the archive's report into this instance; the new report's id."""
    manifest, files = read(data)
    try:
        report_id = _load(json.loads(files[RECORDS]))  # the caller rolls back on a refusal
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, SQLAlchemyError) as error:
        raise ArchiveRefused(
            "records.json does not fit this instance's tables, so nothing was restored "
            f"({type(error).__name__}: {str(error).splitlines()[0][:200]})."
        ) from None
    record(
        None,
        "report.restored",
        object_type="report",
        object_id=report_id,
        report_id=report_id,
        via="cli",
        source_report=manifest.get("source", {}).get("report_id"),
        archive_made_at=manifest.get("made_at"),
        archive_sha256=hashlib.sha256(data).hexdigest(),
    )
    return report_id


def _load(content: dict) -> int:
    ids: dict[str, dict[int, int]] = {
        records.DEPARTMENT_TABLE: _departments(content.get("departments", [])),
    }
    ids[records.USER_TABLE] = _users(content.get("users", []), ids[records.DEPARTMENT_TABLE])
    tables = content.get("tables", {})
    parents: dict[int, int] = {}
    for name in records.TABLES:
        for row in tables.get(name, []):
            _insert(name, row, ids, parents)
    _link_parents(parents, ids["section"])
    _audit_objects(tables.get("audit_event", []), ids)
    _derive(ids)
    return ids["report"][tables["report"][0]["id"]]


def _departments(rows: list[dict]) -> dict[int, int]:
    t = records.table(records.DEPARTMENT_TABLE)
    out = {}
    for row in rows:
        found = db.session.scalar(select(t.c.id).where(t.c.code == row["code"]))
        if found is None:
            found = db.session.execute(
                insert(t).values(
                    code=row["code"], name=row["name"], created_at=dt.datetime.now(dt.UTC)
                )
            ).inserted_primary_key[0]
        out[row["id"]] = found
    return out


def _users(rows: list[dict], departments: dict[int, int]) -> dict[int, int]:
    t = records.table(records.USER_TABLE)
    out = {}
    for row in rows:
        found = db.session.scalar(select(t.c.id).where(t.c.username == row["username"]))
        if found is None:
            found = db.session.execute(
                insert(t).values(
                    username=row["username"],
                    name=row["name"],
                    role=row["role"],
                    department_id=departments.get(row.get("department_id")),
                    password_hash=UNUSABLE_PASSWORD,
                    active=False,
                    must_change_password=True,
                    mail_frequency="none",
                    created_at=dt.datetime.now(dt.UTC),
                )
            ).inserted_primary_key[0]
        out[row["id"]] = found
    return out


def _value(column, value):
    if value is None:
        return None
    try:
        kind = getattr(column.type, "impl_instance", column.type).python_type
    except NotImplementedError:
        return value
    if kind is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if kind is dt.date:
        return dt.date.fromisoformat(value)
    return value


def _insert(name: str, row: dict, ids: dict, parents: dict[int, int]) -> None:
    t = records.table(name)
    values = {c.name: _value(c, row.get(c.name)) for c in t.columns if c.name in row}
    for column, referred in records.foreign_keys(name):
        old = values.get(column)
        if old is None:
            continue
        if name == "section" and column == "parent_id":
            parents[row["id"]] = old  # linked once every section exists
            values[column] = None
            continue
        if old not in ids.get(referred, {}):
            raise ArchiveRefused(
                f"records.json is inconsistent: {name} {row.get('id')} refers to "
                f"{referred} {old}, which the archive does not hold."
            )
        values[column] = ids[referred][old]
    has_id = "id" in t.c and t.c.id.primary_key
    if has_id:
        old_id = values.pop("id")
        new_id = db.session.execute(insert(t).values(**values)).inserted_primary_key[0]
        ids.setdefault(name, {})[old_id] = new_id
    else:
        db.session.execute(insert(t).values(**values))


def _link_parents(parents: dict[int, int], sections: dict[int, int]) -> None:
    t = records.table("section")
    for child, parent in parents.items():
        db.session.execute(
            update(t).where(t.c.id == sections[child]).values(parent_id=sections[parent])
        )


_OBJECT_TABLES = {"user": records.USER_TABLE}


def _audit_objects(events: list[dict], ids: dict) -> None:
    """An audit event names its object by type and id: the id follows the object when
    the archive holds it (otherwise it is cleared, never left pointing at another)."""
    t = records.table("audit_event")
    for event in events:
        old = event.get("object_id")
        kind = _OBJECT_TABLES.get(event.get("object_type"), event.get("object_type"))
        new = ids.get(kind, {}).get(old) if old is not None else None
        if new != old:
            db.session.execute(
                update(t).where(t.c.id == ids["audit_event"][event["id"]]).values(object_id=new)
            )


def _derive(ids: dict[str, dict[int, int]]) -> None:
    """What the instance derives from the restored rows: the search entries, the stored
    diff of each suggestion (its preview when still undecided), and the figures of the
    sections' text (the archived indicators kept, as the text still states them; an
    archive without them, made before the figures, gets them derived here)."""
    from ..figures import sync
    from ..review import previews
    from ..review.models import Suggestion
    from ..search import indexing

    db.session.flush()
    indexing.reindex({(kind, new) for kind in _INDEXED for new in ids.get(kind, {}).values()})
    suggestions = list(ids.get("suggestion", {}).values())
    for sid in suggestions:
        previews.store_diff(db.session.get(Suggestion, sid))
    sections = {db.session.get(Suggestion, sid).section_id for sid in suggestions}
    previews.refresh_sections(sections)  # the previews of those still undecided
    sync.sync_sections(set(ids.get("section", {}).values()))


_INDEXED = ("section", "comment", "suggestion", "reply")  # search entry types, by table
