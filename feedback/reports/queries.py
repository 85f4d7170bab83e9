"""Read-side queries for reports: the numbered outline, versions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, undefer

from ..errors import NotFound
from ..extensions import db
from ..wordimport.numbering import printed_number, to_roman
from .models import Numbering, Report, ReportStatus, Section, SectionVersion


@dataclass(frozen=True)
class OutlineEntry:
    section: Section
    version: SectionVersion
    number: str  # "" for an unnumbered preamble
    depth: int  # 0 for a top-level section
    printed: str = ""  # the number as the document prints it ("1" under "I"), or the path
    suffix: str = "."  # what follows it: "." or ")"

    @property
    def heading(self) -> str:
        return self.version.heading

    @property
    def printed_number(self) -> str:
        return self.printed or self.number

    @property
    def label(self) -> str:
        """What the heading shows before its text: "1.", "a)", "I.1."."""
        return f"{self.printed_number}{self.suffix}" if self.number else ""

    @property
    def title(self) -> str:
        return f"{self.label} {self.heading}" if self.number else self.heading


def list_reports() -> list[Report]:
    return list(db.session.scalars(select(Report).order_by(Report.created_at.desc(), Report.id)))


def reports_in_consultation() -> list[Report]:
    return list(
        db.session.scalars(
            select(Report)
            .where(Report.status == ReportStatus.CONSULTATION.value)
            .order_by(Report.created_at.desc(), Report.id)
        )
    )


def get_report(report_id: int) -> Report:
    report = db.session.get(Report, report_id)
    if report is None:
        raise NotFound()
    return report


def get_section(section_id: int, *, include_deleted: bool = True) -> Section:
    section = db.session.get(Section, section_id)
    if section is None or (section.is_deleted and not include_deleted):
        raise NotFound()
    return section


def _label(numbering: str, depth: int, index: int) -> str:
    if depth == 0 and numbering == Numbering.ROMAN:
        return to_roman(index)
    return str(index)


def outline(
    report: Report, *, include_deleted: bool = False, with_text: bool = True
) -> list[OutlineEntry]:
    """Every section of ``report`` in document order, with its number and current version.

    One query; numbering follows the tree (I, I.1, I.1.1 or 1, 1.1, 1.1.1), so it
    stays right after sections are added, moved or deleted. ``with_text=False`` leaves
    the texts unread (a table of contents needs headings only; a provincial report's
    texts are megabytes).
    """
    current = contains_eager(Section.current)
    if not with_text:
        current = current.defer(SectionVersion.text)
    stmt = (
        select(Section).join(Section.current).options(current).where(Section.report_id == report.id)
    )
    if not include_deleted:
        stmt = stmt.where(Section.deleted_at.is_(None))
    sections = db.session.scalars(stmt).unique().all()
    children: dict[int | None, list[Section]] = {}
    for section in sections:
        children.setdefault(section.parent_id, []).append(section)
    for siblings in children.values():
        siblings.sort(key=lambda s: (s.position, s.id))

    entries: list[OutlineEntry] = []
    scheme = report.numbering_scheme or []

    def walk(parent_id: int | None, prefix: str, path: list[int]) -> None:
        index = 0
        depth = len(path)
        for section in children.get(parent_id, []):
            printed, suffix = "", "."
            if section.numbered:
                index += 1
                label = _label(report.numbering, depth, index)
                number = f"{prefix}.{label}" if prefix else label
                if depth < len(scheme):
                    printed, suffix = printed_number(scheme[depth], [*path, index])
            else:
                number = ""
            entries.append(OutlineEntry(section, section.current, number, depth, printed, suffix))
            walk(section.id, number, [*path, index])

    walk(None, "", [])
    return entries


def text_sizes(entries: list[OutlineEntry]) -> dict[int, int]:
    """Version id -> characters of its text, for ``entries`` (one query, no text read)."""
    ids = [entry.version.id for entry in entries]
    if not ids:
        return {}
    rows = db.session.execute(
        select(SectionVersion.id, func.length(SectionVersion.text)).where(
            SectionVersion.id.in_(ids)
        )
    )
    return {version_id: size or 0 for version_id, size in rows}


def load_texts(entries) -> None:
    """Read the texts of ``entries``' versions (left unread by ``outline(with_text=False)``)
    in one query, instead of one per version as each is shown."""
    ids = [entry.version.id for entry in entries]
    if ids:
        db.session.scalars(
            select(SectionVersion)
            .where(SectionVersion.id.in_(ids))
            .options(undefer(SectionVersion.text))
            .execution_options(populate_existing=True)
        ).all()


def section_entry(section: Section) -> OutlineEntry:
    for entry in outline(section.report, include_deleted=section.is_deleted):
        if entry.section.id == section.id:
            return entry
    # A section under a deleted parent is not reachable from the root.
    return OutlineEntry(section, section.current, "", section.level - 1)


def versions(section: Section) -> list[SectionVersion]:
    return list(
        db.session.scalars(
            select(SectionVersion)
            .where(SectionVersion.section_id == section.id)
            .order_by(SectionVersion.number.desc())
        )
    )


def find_version(section_id: int, number: int) -> SectionVersion | None:
    """Version ``number`` of a section, or None: the one lookup of a section version."""
    return db.session.scalar(
        select(SectionVersion).where(
            SectionVersion.section_id == section_id, SectionVersion.number == number
        )
    )


def get_version(section: Section, number: int) -> SectionVersion:
    """Version ``number`` of ``section``; 404 when there is none."""
    version = find_version(section.id, number)
    if version is None:
        raise NotFound()
    return version


def deleted_sections(report: Report) -> list[Section]:
    return list(
        db.session.scalars(
            select(Section)
            .where(Section.report_id == report.id, Section.deleted_at.is_not(None))
            .order_by(Section.deleted_at.desc())
        )
    )
