"""Turning domain objects into the JSON shapes of the API contract."""

from __future__ import annotations

from datetime import UTC, datetime

from .. import markup, permissions
from ..labels import version_reason


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC, as stored (a value just set may still carry the caller's offset)."""
    return value.astimezone(UTC).isoformat() if value else None


def department(d) -> dict | None:
    if d is None:
        return None
    return {"id": d.id, "code": d.code, "name": d.name}


def department_with_mailbox(d) -> dict:
    return {**department(d), "mailbox": d.mailbox}


def user(u) -> dict:
    return {
        "id": u.id,
        "username": u.username,
        "name": u.name,
        "role": u.role,
        "department": department(u.department),
        "active": u.active,
        "email": u.email,
        "mail_frequency": u.mail_frequency,
        "must_change_password": u.must_change_password,
        "last_login_at": iso(u.last_login_at),
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
        "printed_number": entry.printed_number,
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
        "numbering_scheme": r.numbering_scheme,
    }


def version(v, *, with_text: bool = False) -> dict:
    data = {
        "version": v.number,
        "heading": v.heading,
        "author": person(v.author),
        "created_at": iso(v.created_at),
        "reason": version_reason(v.reason_code, v.reason_params),
        "reason_code": v.reason_code,
        "kind": v.kind,
    }
    if with_text:
        data["text"] = v.text
        data["html"] = markup.render(v.text)
    return data


# Consultation -------------------------------------------------------------------------


def round_(r, responses=None, viewer=None) -> dict:
    data = {
        "id": r.id,
        "report_id": r.report_id,
        "number": r.number,
        "title": r.title,
        "note": r.note,
        "deadline": iso(r.deadline),
        "deemed_agree": r.deemed_agree,
        "opened_at": iso(r.opened_at),
        "closed_at": iso(r.closed_at),
        "open": r.is_open,
        "departments": sorted(i.department.code for i in r.invitations),
        "edition": r.edition_number,
    }
    if responses is not None:
        data["responses"] = [response(x, viewer) for x in responses]
    return data


def response(x, viewer=None) -> dict:
    """A department's answer; how many drafts it has only to the department itself."""
    own = viewer is not None and getattr(viewer, "department_id", None) == x.department.id
    data = {
        "department": department(x.department),
        "status": x.status.value,
        "submitted_at": iso(x.first_submitted_at),
        "last_submitted_at": iso(x.last_submitted_at),
        "late": x.late,
        "no_reply": x.no_reply,
        "deemed_agree": x.deemed_agree,
        "dispatches": [
            {
                "number": s.dispatch_number,
                "date": s.dispatch_date.isoformat() if s.dispatch_date else None,
            }
            for s in x.dispatches
        ],
    }
    if own:
        data["drafts"] = x.drafts
    return data


def reply(r) -> dict:
    return {
        "id": r.id,
        "author": person(r.author),
        "department": department(r.department),
        "status": r.status,
        "body": r.body,
        "html": markup.render(r.body),
        "word_author": r.word_author,
        "created_at": iso(r.created_at),
        "submitted_at": iso(r.submitted_at),
    }


def comment(c, anchor=None, viewer=None) -> dict:
    """A comment with the replies ``viewer`` may see (another department's draft replies
    never leave it)."""
    return {
        "id": c.id,
        "report_id": c.report_id,
        "section_id": c.section_id,
        "kind": c.kind,
        "body": c.body,
        "html": markup.render(c.body),
        "quote": c.quote,
        "base_version": c.base_version,
        "word_author": c.word_author,
        "markup_import_id": c.markup_import_id,
        "anchor": None
        if anchor is None
        else {
            "status": anchor.status,
            "start": anchor.start,
            "end": anchor.end,
            "text": anchor.text,
        },
        "status": c.status,
        "outstanding": c.is_outstanding,
        "disposition": c.disposition,
        "response": c.response,
        "absorbed_version": c.absorbed_version,
        "department": department(c.department),
        "author": person(c.author),
        "round_id": c.round_id,
        "created_at": iso(c.created_at),
        "submitted_at": iso(c.submitted_at),
        "decided_at": iso(c.decided_at),
        "decided_by": person(c.decided_by),
        "answered_by": ("chair" if c.answered_by_chair else "drafting_team")
        if c.is_answered
        else None,
        "escalation_note": c.escalation.note if c.escalation else None,
        "replies": [
            reply(r) for r in c.replies if viewer is None or permissions.can_see_reply(viewer, r)
        ],
    }


def suggestion(s, diff_html: str | None = None) -> dict:
    return {
        "id": s.id,
        "report_id": s.report_id,
        "section_id": s.section_id,
        "base_version": s.base_version,
        "text": s.text,
        "rationale": s.rationale,
        "word_author": s.word_author,
        "markup_import_id": s.markup_import_id,
        "diff_html": diff_html,
        "status": s.status,
        "department": department(s.department),
        "author": person(s.author),
        "round_id": s.round_id,
        "created_at": iso(s.created_at),
        "submitted_at": iso(s.submitted_at),
        "decided_at": iso(s.decided_at),
        "decided_by": person(s.decided_by),
        "decision_note": s.decision_note,
        "accepted_with_edits": s.accepted_with_edits,
        "result_version": s.result_version,
        "conflict_version": s.conflict_version,
    }


def notification(n, text: str) -> dict:
    return {
        "id": n.id,
        "kind": n.kind,
        "message": text,
        "link": n.link,
        "report_id": n.report_id,
        "created_at": iso(n.created_at),
        "read": n.read_at is not None,
    }
