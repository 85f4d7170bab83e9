"""Report use cases: import, add, edit, rename, move, delete and restore sections.

Each function takes the acting user, checks permission, changes state, flushes and
records an audit event. The caller commits (or rolls back) at the request boundary.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import deferred, permissions
from ..audit.services import record
from ..database import lock_for_update
from ..errors import InvalidInput, InvalidTransition, NotFound, StaleVersion
from ..extensions import db
from ..models_base import utcnow
from ..richtext.blocks import canonical
from ..validation import clean_line, clean_text
from ..wordimport import numbering
from . import importer, queries
from .document_format import clean_document_format
from .models import MAX_LEVEL, Report, Section, SectionVersion, VersionKind, VersionReason

MAX_TITLE = 500
# What a section's new version makes stale (see feedback.deferred).
SECTION_PREVIEWS = "section_previews"
# A section has new text (a first version or the next one): higher domains re-derive
# what they read from it (the figures' indicators). The key is the Section itself, since
# a new section has no id before its flush.
SECTION_TEXT = "section_text"


def _max_section_chars() -> int:
    return current_app.config["FEEDBACK_MAX_SECTION_CHARS"]


def clean_section_text(text, field: str | None = None) -> str:
    """A section text as it is stored: cleaned at the boundary (NFC, no control
    characters, within the section limit), then in the one canonical Markdown form
    (``richtext.blocks.canonical``), whoever wrote it: a save, an import, a suggestion,
    an accept with edits. Same text, same bytes, so diffs show only real changes."""
    text = clean_text(text, field or _("Text"), max_chars=_max_section_chars(), required=False)
    return canonical(text)


def _clean_heading(heading) -> str:
    return clean_line(heading, _("Heading"), max_chars=MAX_TITLE)


def _new_section(
    actor,
    report: Report,
    *,
    heading: str,
    text: str,
    level: int,
    parent: Section | None,
    position: int,
    numbered: bool = True,
    kind: VersionKind = VersionKind.CREATE,
    reason: VersionReason = VersionReason.CREATED,
    reason_params: dict | None = None,
) -> Section:
    section = Section(
        report=report,
        parent=parent,
        level=level,
        position=position,
        numbered=numbered,
        current_version=1,
    )
    db.session.add(section)
    db.session.add(_version_row(actor, section, 1, heading, text, kind, reason, reason_params))
    deferred.defer(db.session, SECTION_TEXT, section)
    return section


def _version_row(actor, section, number, heading, text, kind, reason, params) -> SectionVersion:
    return SectionVersion(
        section=section,
        number=number,
        heading=heading,
        text=text,
        kind=kind.value,
        reason_code=reason.value,
        reason_params=params or {},
        author_id=actor.id,
    )


def import_report(actor, *, title, markdown) -> Report:
    """Create a report from Markdown split into nested sections at its headings."""
    permissions.require(permissions.can_edit_report(actor))
    markdown = clean_text(
        markdown, _("Markdown"), max_chars=current_app.config["MAX_CONTENT_LENGTH"]
    )
    parsed = importer.parse(markdown, preamble_heading=_("Preamble"))
    title = title if (title or "").strip() else parsed.title
    title = clean_line(title, _("Title"), max_chars=MAX_TITLE)
    if not parsed.sections:
        raise InvalidInput(_("The document has no text."), details={"field": "markdown"})
    report = build_report(
        actor, title, parsed.numbering, None, parsed.sections, {"source": "markdown"}
    )
    return report


def build_report(actor, title, numbering, scheme, parts, reason_params) -> Report:
    """A new report from parts (``level``, ``heading``, ``text``, ``numbered``), each
    its section's first version, imported."""
    report = Report(
        title=title, numbering=numbering, numbering_scheme=scheme, created_by_id=actor.id
    )
    db.session.add(report)
    parents: dict[int, Section | None] = {0: None}
    counters: dict[int | None, int] = {}
    for part in parts:
        parent = parents.get(part.level - 1)
        key = id(parent)
        counters[key] = counters.get(key, 0) + 1
        section = _new_section(
            actor,
            report,
            heading=clean_line(part.heading, _("Heading"), max_chars=MAX_TITLE),
            text=clean_section_text(part.text),
            level=part.level,
            parent=parent,
            position=counters[key],
            numbered=part.numbered,
            kind=VersionKind.IMPORT,
            reason=VersionReason.IMPORTED,
            reason_params=reason_params,
        )
        parents[part.level] = section
        for deeper in range(part.level + 1, MAX_LEVEL + 1):
            parents.pop(deeper, None)
    record(actor, "report.imported", report, sections=len(parts))
    db.session.flush()
    return report


def update_report(
    actor,
    report: Report,
    *,
    title=None,
    departments_see_each_other=None,
    numbering_scheme: list[str] | str | None = None,
    document_format: dict | None = None,
) -> Report:
    """Change the title and settings; ``numbering_scheme`` "" (or []) goes back to paths;
    ``document_format`` holds administrative format settings (``models.DOCUMENT_FORMAT``
    keys; None values are left as they are)."""
    permissions.require(permissions.can_edit_report(actor, report))
    changes = {}
    # Everything is cleaned before anything is set: a refusal changes nothing.
    formatted = clean_document_format(document_format or {})
    scheme = _scheme(numbering_scheme) if numbering_scheme is not None else None
    if numbering_scheme is not None:
        report.numbering_scheme = scheme
        changes["numbering_scheme"] = report.numbering_scheme
    if title is not None:
        report.title = clean_line(title, _("Title"), max_chars=MAX_TITLE)
        changes["title"] = report.title
    if departments_see_each_other is not None:
        report.departments_see_each_other = bool(departments_see_each_other)
        changes["departments_see_each_other"] = report.departments_see_each_other
    for key, value in formatted.items():
        if getattr(report, key) != value:
            setattr(report, key, value)
            changes[key] = value
    record(actor, "report.updated", report, report_id=report.id, **changes)
    return report


def _scheme(value: list[str] | str) -> list[str] | None:
    text = value if isinstance(value, str) else " ".join(str(v) for v in value)
    try:
        return numbering.parse_scheme(text)
    except ValueError:
        raise InvalidInput(
            _('Write one number pattern per level, such as "I. 1. a)".'),
            details={"field": "numbering_scheme"},
        ) from None


def _siblings(report: Report, parent_id: int | None) -> list[Section]:
    return list(
        db.session.scalars(
            select(Section)
            .where(
                Section.report_id == report.id,
                Section.parent_id.is_(None)
                if parent_id is None
                else Section.parent_id == parent_id,
                Section.deleted_at.is_(None),
            )
            .order_by(Section.position, Section.id)
        )
    )


def add_section(
    actor,
    report: Report,
    *,
    heading,
    text="",
    parent: Section | None = None,
    after: Section | None = None,
) -> Section:
    """Add a section under ``parent`` (top level if None), after ``after`` or at the end."""
    permissions.require(permissions.can_edit_report(actor, report))
    heading = _clean_heading(heading)
    text = clean_section_text(text)
    for other in (parent, after):
        if other is not None and (other.report_id != report.id or other.is_deleted):
            raise InvalidInput(_("That section is not part of this report."))
    if after is not None and after.parent_id != (parent.id if parent else None):
        if parent is None:
            parent = after.parent
        else:
            raise InvalidInput(_("The section to insert after must have the same parent."))
    level = parent.level + 1 if parent else 1
    if level > MAX_LEVEL:
        raise InvalidInput(
            _("Sections nest at most %(n)d levels deep.", n=MAX_LEVEL),
            details={"field": "parent_id"},
        )
    siblings = _siblings(report, parent.id if parent else None)
    # Renumber positions densely so the new section sits exactly where asked.
    insert_at = siblings.index(after) + 1 if after is not None else len(siblings)
    for index, sibling in enumerate(siblings[:insert_at] + [None] + siblings[insert_at:], start=1):
        if sibling is not None:
            sibling.position = index
    section = _new_section(
        actor,
        report,
        heading=heading,
        text=text,
        level=level,
        parent=parent,
        position=insert_at + 1,
    )
    record(actor, "section.created", section, heading=heading)
    return section


def _locked_section(section: Section) -> Section:
    locked = lock_for_update(Section, section.id)
    if locked is None:
        raise NotFound()
    return locked


def new_version(
    actor,
    section: Section,
    *,
    heading: str,
    text: str,
    kind: VersionKind,
    reason: VersionReason,
    reason_params: dict | None = None,
) -> SectionVersion:
    """Append the next version to a section already locked by the caller.

    The unique (section_id, number) constraint backs up the lock: two writers can
    never both create version N+1.
    """
    number = section.current_version + 1
    version = _version_row(actor, section, number, heading, text, kind, reason, reason_params)
    db.session.add(version)
    section.current_version = number
    db.session.flush()
    # Pending suggestions on this section need a new preview: prepared before commit.
    deferred.defer(db.session, SECTION_PREVIEWS, section.id)
    deferred.defer(db.session, SECTION_TEXT, section)
    # `current` is a view on current_version; make it follow.
    db.session.expire(section, ["current"])
    return version


def save_section(
    actor, section: Section, *, text, base_version, heading=None, reason=None
) -> SectionVersion:
    """Save new text (and optionally heading) on top of ``base_version``.

    A save based on a version that is no longer current is refused with
    :class:`StaleVersion`, unless it carries exactly the current content (a
    double-submitted form): then the current version is returned and nothing is
    written.
    """
    permissions.require(permissions.can_edit_section(actor, section))
    text = clean_section_text(text)
    reason = clean_line(reason or "", _("Reason"), max_chars=500, required=False)
    if not isinstance(base_version, int) or isinstance(base_version, bool):
        raise InvalidInput(_("The base version is missing."), details={"field": "base_version"})
    section = _locked_section(section)
    if section.is_deleted:
        raise InvalidTransition(_("This section has been deleted."))
    current = section.current
    heading = _clean_heading(heading) if heading is not None else current.heading
    unchanged = text == current.text and heading == current.heading
    if base_version != section.current_version:
        if unchanged:
            return current
        raise StaleVersion(
            _(
                "Version %(base)d is no longer current: %(author)s saved version %(current)d meanwhile.",
                base=base_version,
                author=current.author.name,
                current=section.current_version,
            ),
            details={"current_version": section.current_version, "base_version": base_version},
        )
    if unchanged:
        raise InvalidInput(
            _(
                "Nothing changed: the text and heading are the same as version %(n)d.",
                n=current.number,
            )
        )
    if text == current.text:
        kind, default_reason = VersionKind.RENAME, VersionReason.RENAMED
    else:
        kind, default_reason = VersionKind.EDIT, VersionReason.EDITED
    version = new_version(
        actor,
        section,
        heading=heading,
        text=text,
        kind=kind,
        reason=VersionReason.CUSTOM if reason else default_reason,
        reason_params={"text": reason} if reason else None,
    )
    record(
        actor,
        f"section.{kind.value}ed" if kind is VersionKind.EDIT else "section.renamed",
        section,
        version=version.number,
    )
    return version


def import_version(actor, section: Section, *, heading, text, source: str) -> SectionVersion:
    """A new version read from an imported file (reason "imported from FILE"); the
    caller has checked it is based on the current version."""
    permissions.require(permissions.can_edit_section(actor, section))
    section = _locked_section(section)
    version = new_version(
        actor,
        section,
        heading=_clean_heading(heading),
        text=clean_section_text(text),
        kind=VersionKind.IMPORT,
        reason=VersionReason.IMPORTED,
        reason_params={"source": source},
    )
    record(actor, "section.edited", section, version=version.number)
    return version


def restore_version(actor, section: Section, *, number: int, base_version: int) -> SectionVersion:
    """Undo as a new version: make version N the current text again."""
    permissions.require(permissions.can_edit_section(actor, section))
    section = _locked_section(section)
    if base_version != section.current_version:
        raise StaleVersion(
            _(
                "The section changed meanwhile (now version %(n)d); look again before restoring.",
                n=section.current_version,
            ),
            details={"current_version": section.current_version},
        )
    old = queries.find_version(section.id, number)
    if old is None:
        raise NotFound(_("No such version."))
    current = section.current
    if old.text == current.text and old.heading == current.heading:
        raise InvalidInput(_("Version %(n)d is the same as the current text.", n=number))
    version = new_version(
        actor,
        section,
        heading=old.heading,
        text=old.text,
        kind=VersionKind.RESTORE,
        reason=VersionReason.RESTORED,
        reason_params={"version": number},
    )
    record(actor, "section.restored", section, version=version.number, restored=number)
    return version


def move_section(actor, section: Section, direction: str) -> None:
    """Swap a section (with its subsections) with the sibling above or below."""
    permissions.require(permissions.can_edit_section(actor, section))
    if direction not in ("up", "down"):
        raise InvalidInput(_("Move a section up or down."))
    siblings = _siblings(section.report, section.parent_id)
    index = siblings.index(section)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(siblings):
        raise InvalidTransition(
            _(
                "The section is already at the %(end)s.",
                end=_("top") if direction == "up" else _("bottom"),
            )
        )
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        sibling.position = position
    record(actor, "section.moved", section, direction=direction)


def delete_section(actor, section: Section) -> list[Section]:
    """Soft-delete a section and its subsections; their history stays readable."""
    permissions.require(permissions.can_edit_section(actor, section))
    now = utcnow()
    deleted = []
    todo = [section]
    while todo:
        current = todo.pop()
        if current.is_deleted:
            continue
        current.deleted_at = now
        current.deleted_by_id = actor.id
        deleted.append(current)
        todo.extend(db.session.scalars(select(Section).where(Section.parent_id == current.id)))
    record(actor, "section.deleted", section, sections=[s.id for s in deleted])
    return deleted


def restore_section(actor, section: Section) -> Section:
    """Bring back a deleted section (at the end of its parent's list)."""
    permissions.require(permissions.can_edit_report(actor, section.report))
    if not section.is_deleted:
        raise InvalidTransition(_("This section is not deleted."))
    if section.parent is not None and section.parent.is_deleted:
        raise InvalidTransition(_("Restore its parent section first."))
    section.deleted_at = None
    section.deleted_by_id = None
    last = db.session.scalar(
        select(func.max(Section.position)).where(
            Section.report_id == section.report_id,
            Section.parent_id.is_(None)
            if section.parent_id is None
            else Section.parent_id == section.parent_id,
            Section.deleted_at.is_(None),
        )
    )
    section.position = (last or 0) + 1
    record(actor, "section.restored_from_deletion", section)
    return section
