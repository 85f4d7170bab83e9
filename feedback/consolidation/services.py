"""Edition use cases: issue, approve, mark submitted."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import permissions
from ..audit.services import record
from ..errors import InvalidTransition
from ..extensions import db
from ..models_base import utcnow
from ..reports import queries as report_queries
from ..reports.models import Report, ReportStatus
from ..review.round_edition import OpeningDraft
from ..validation import clean_text
from . import prebuild, queries
from .models import Edition, EditionSection, EditionStatus


def issue_edition(actor, report: Report, *, note="") -> Edition:
    """Snapshot every section's current version in one read (one SELECT over sections
    joined to their current versions), numbered after the report's last edition."""
    permissions.require(permissions.can_issue_edition(actor, report))
    note = clean_text(
        note or "",
        _("Note"),
        max_chars=current_app.config["FEEDBACK_MAX_BODY_CHARS"],
        required=False,
    )
    last = (
        db.session.scalar(select(func.max(Edition.number)).where(Edition.report_id == report.id))
        or 0
    )
    entries = report_queries.outline(report)
    edition = Edition(
        report_id=report.id,
        number=last + 1,
        note=note,
        title=report.title,
        created_by_id=actor.id,
        status=EditionStatus.ISSUED.value,
        # The format in force is frozen with the text: an old edition exports as issued.
        **report.document_format(),
    )
    edition.sections = [
        EditionSection(
            section_id=e.section.id,
            version=e.version.number,
            position=index,
            number=e.number,
            depth=e.depth,
            label=e.label,
        )
        for index, e in enumerate(entries)
    ]
    db.session.add(edition)
    record(
        actor,
        "edition.issued",
        edition,
        number=edition.number,
        sections={str(e.section.id): e.version.number for e in entries},
    )
    prebuild.on_write(edition)
    return edition


def _is_current_text(edition: Edition, report: Report) -> bool:
    """Whether ``edition`` is the report as it stands: same title, same sections in the
    same order and numbering, each at the same version."""
    snapshot = [(s.section_id, s.version, s.number, s.depth) for s in edition.sections]
    now = [
        (e.section.id, e.version.number, e.number, e.depth)
        for e in report_queries.outline(report, with_text=False)
    ]
    return edition.title == report.title and snapshot == now


def opening_draft(report: Report) -> OpeningDraft:
    """The edition a consultation round opened now would open on: the latest, when it is
    the current text; otherwise the next number, to be issued with the round."""
    latest = queries.latest(report)
    if latest is not None and _is_current_text(latest, report):
        return OpeningDraft(number=latest.number, to_issue=False, latest=latest.number)
    number = latest.number + 1 if latest is not None else 1
    return OpeningDraft(number=number, to_issue=True, latest=latest.number if latest else None)


def issue_for_round(actor, report: Report, note: str) -> int:
    """Issue the current text as an edition for a round that opens on it; its number."""
    return issue_edition(actor, report, note=note).number


def approve_edition(actor, edition: Edition) -> Edition:
    permissions.require(
        permissions.can_approve_edition(actor, edition), _("Only the chair approves an edition.")
    )
    if edition.status != EditionStatus.ISSUED:
        raise InvalidTransition(_("Edition %(n)d is already approved.", n=edition.number))
    edition.status = EditionStatus.APPROVED.value
    edition.approved_at, edition.approved_by_id = utcnow(), actor.id
    record(actor, "edition.approved", edition, number=edition.number)
    prebuild.on_write(edition)  # without "DỰ THẢO lần N" from now on
    return edition


def submit_edition(actor, edition: Edition) -> Edition:
    """Mark an approved edition as submitted to the Committee."""
    permissions.require(
        permissions.can_approve_edition(actor, edition),
        _("Only the chair marks an edition submitted."),
    )
    if edition.status == EditionStatus.ISSUED:
        raise InvalidTransition(
            _("Approve edition %(n)d before marking it submitted.", n=edition.number)
        )
    if edition.status == EditionStatus.SUBMITTED:
        raise InvalidTransition(_("Edition %(n)d is already submitted.", n=edition.number))
    edition.status = EditionStatus.SUBMITTED.value
    edition.submitted_at, edition.submitted_by_id = utcnow(), actor.id
    edition.report.status = ReportStatus.SUBMITTED.value
    record(actor, "edition.submitted", edition, number=edition.number)
    return edition
