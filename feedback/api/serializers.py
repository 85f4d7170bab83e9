"""Turning domain objects into the JSON shapes of the API contract."""

from __future__ import annotations

from datetime import datetime

from .. import markup


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def department(d) -> dict | None:
    if d is None:
        return None
    return {"id": d.id, "code": d.code, "name": d.name}


def user(u) -> dict:
    return {
        "id": u.id,
        "username": u.username,
        "name": u.name,
        "role": u.role,
        "department": department(u.department),
        "active": u.active,
    }


def person(u) -> dict | None:
    if u is None:
        return None
    return {"id": u.id, "username": u.username, "name": u.name}


def outline_section(entry) -> dict:
    section = entry.section
    return {
        "id": section.id,
        "number": entry.number,
        "heading": entry.version.heading,
        "level": section.level,
        "parent_id": section.parent_id,
        "version": section.current_version,
        "text": entry.version.text,
    }


def section(entry, *, with_html: bool = True) -> dict:
    data = outline_section(entry)
    data.update(
        report_id=entry.section.report_id,
        deleted=entry.section.is_deleted,
        updated_at=iso(entry.version.created_at),
        updated_by=person(entry.version.author),
    )
    if with_html:
        data["html"] = markup.render(entry.version.text)
    return data


def report_summary(r) -> dict:
    return {
        "id": r.id,
        "title": r.title,
        "status": r.status,
        "created_at": iso(r.created_at),
        "departments_see_each_other": r.departments_see_each_other,
    }


def version(v, *, with_text: bool = False) -> dict:
    data = {
        "version": v.number,
        "heading": v.heading,
        "author": person(v.author),
        "created_at": iso(v.created_at),
        "reason": v.reason,
        "kind": v.kind,
    }
    if with_text:
        data["text"] = v.text
        data["html"] = markup.render(v.text)
    return data
