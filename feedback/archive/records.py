"""Which rows of a report an archive keeps, as JSON, and the people and departments they
name.

Rows are read and written through the tables themselves (SQLAlchemy Core), column by
column, so the archive holds what the database holds. What it never holds: a
department's unsubmitted drafts (comments and suggestions never submitted, draft
replies, confirmations, corrections and proposals of figures), the audit events about
them (private to the department), the instance's keyword map (not the report's), and what the
instance derives again by itself (search entries, rendered diffs, previews, stored
exports, notifications, mails, sessions, tokens).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Table, and_, or_, select

from ..extensions import db

# In the order they are restored (each table after those it refers to).
TABLES = (
    "report",
    "section",
    "section_version",
    "edition",
    "edition_section",
    "round",
    "round_department",
    "round_section",
    "submission",
    "markup_import",
    "comment",
    "suggestion",
    "reply",
    "decision",
    "indicator_table",
    "indicator",
    "indicator_check",
    "audit_event",
)
USER_TABLE, DEPARTMENT_TABLE = "user_account", "department"


def table(name: str) -> Table:
    return db.metadata.tables[name]


def _ids(rows: list[dict], column: str = "id") -> set[int]:
    return {row[column] for row in rows if row.get(column) is not None}


def _rows(name: str, *conditions) -> list[dict]:
    t = table(name)
    key = [c for c in t.primary_key.columns]
    stmt = select(t).where(*conditions).order_by(*key)
    return [_plain(dict(row._mapping)) for row in db.session.execute(stmt)]


def _plain(row: dict) -> dict:
    """A row as JSON values: times and dates in ISO 8601 (UTC times with their offset)."""
    out = {}
    for name, value in row.items():
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        out[name] = value
    return out


def _submitted(name: str, report_id: int):
    """Comments or suggestions of the report that their department submitted."""
    t = table(name)
    return _rows(
        name, t.c.report_id == report_id, t.c.status != "draft", t.c.submitted_at.is_not(None)
    )


def collect(report_id: int) -> dict[str, list[dict]]:
    """Every archived row of the report, table by table."""
    c = {name: table(name).c for name in TABLES}
    out: dict[str, list[dict]] = {"report": _rows("report", c["report"].id == report_id)}
    out["section"] = _rows("section", c["section"].report_id == report_id)
    out["section_version"] = _rows(
        "section_version", c["section_version"].section_id.in_(_ids(out["section"]))
    )
    out["edition"] = _rows("edition", c["edition"].report_id == report_id)
    out["edition_section"] = _rows(
        "edition_section", c["edition_section"].edition_id.in_(_ids(out["edition"]))
    )
    out["round"] = _rows("round", c["round"].report_id == report_id)
    rounds = _ids(out["round"])
    for name in ("round_department", "round_section", "submission"):
        out[name] = _rows(name, c[name].round_id.in_(rounds))
    out["comment"] = _submitted("comment", report_id)
    out["suggestion"] = _submitted("suggestion", report_id)
    imports = {row["markup_import_id"] for row in out["comment"] + out["suggestion"]} - {None}
    out["markup_import"] = _rows("markup_import", c["markup_import"].id.in_(imports))
    comments, suggestions = _ids(out["comment"]), _ids(out["suggestion"])
    out["reply"] = _rows(
        "reply", c["reply"].comment_id.in_(comments), c["reply"].status == "submitted"
    )
    decision = c["decision"]
    out["decision"] = _rows(
        "decision",
        decision.report_id == report_id,
        or_(decision.comment_id.in_(comments), decision.suggestion_id.in_(suggestions)),
    )
    out.update(_figures(report_id, suggestions))
    audit = c["audit_event"]
    out["audit_event"] = _rows(
        "audit_event", and_(audit.report_id == report_id, audit.department_id.is_(None))
    )
    return {name: out[name] for name in TABLES}


def _figures(report_id: int, suggestions: set[int]) -> dict[str, list[dict]]:
    """The report's indicator tables and indicators (removed ones too: their history
    stays), and the checks their departments submitted (a confirmation, or a correction
    or proposal whose suggestion is archived); never a department's draft check."""
    c = {name: table(name).c for name in ("indicator_table", "indicator", "indicator_check")}
    check = c["indicator_check"]
    return {
        "indicator_table": _rows("indicator_table", c["indicator_table"].report_id == report_id),
        "indicator": _rows("indicator", c["indicator"].report_id == report_id),
        "indicator_check": _rows(
            "indicator_check",
            check.report_id == report_id,
            check.status == "submitted",
            check.submitted_at.is_not(None),
            or_(check.suggestion_id.is_(None), check.suggestion_id.in_(suggestions)),
        ),
    }


def referenced(rows: dict[str, list[dict]], target: str) -> set[int]:
    """The ids of ``target`` (users or departments) the archived rows refer to."""
    found: set[int] = set()
    for name, table_rows in rows.items():
        for column, referred in foreign_keys(name):
            if referred == target:
                found |= _ids(table_rows, column)
    return found


def people(rows: dict[str, list[dict]]) -> tuple[list[dict], list[dict]]:
    """The users and departments the rows name: users by username (with their name,
    role and department), departments by code (with their name)."""
    users_t, departments_t = table(USER_TABLE), table(DEPARTMENT_TABLE)
    user_rows = db.session.execute(
        select(
            users_t.c.id,
            users_t.c.username,
            users_t.c.name,
            users_t.c.role,
            users_t.c.department_id,
            users_t.c.active,
        )
        .where(users_t.c.id.in_(referenced(rows, USER_TABLE)))
        .order_by(users_t.c.id)
    ).all()
    users = [dict(row._mapping) for row in user_rows]
    wanted = referenced(rows, DEPARTMENT_TABLE) | _ids(users, "department_id")
    departments = [
        dict(row._mapping)
        for row in db.session.execute(
            select(departments_t.c.id, departments_t.c.code, departments_t.c.name)
            .where(departments_t.c.id.in_(wanted))
            .order_by(departments_t.c.id)
        )
    ]
    return users, departments


def foreign_keys(name: str) -> Iterable[tuple[str, str]]:
    """(column, referred table) of every reference of table ``name`` to another row's
    ``id`` (a round's composite reference to its edition's number is not one: the number
    stays as it is, and the report id is mapped by its own reference)."""
    for fk in sorted(table(name).foreign_keys, key=lambda fk: fk.parent.name):
        if fk.column.name == "id":
            yield fk.parent.name, fk.column.table.name
