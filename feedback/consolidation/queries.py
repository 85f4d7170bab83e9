"""Editions: reading them, and comparing two of them (or one with the current draft)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import contains_eager

from .. import textdiff
from ..errors import NotFound
from ..extensions import db
from ..reports import queries as report_queries
from ..reports.models import Report, SectionVersion
from .models import Edition, EditionSection


def editions(report: Report) -> list[Edition]:
    return list(
        db.session.scalars(
            select(Edition).where(Edition.report_id == report.id).order_by(Edition.number.desc())
        )
    )


def latest(report: Report) -> Edition | None:
    return db.session.scalar(
        select(Edition)
        .where(Edition.report_id == report.id)
        .order_by(Edition.number.desc())
        .limit(1)
    )


# A download asks for an edition with its report on every request: one query, built once.
_EDITION_OF = (
    select(Edition)
    .join(Edition.report)
    .options(contains_eager(Edition.report))
    .where(Edition.report_id == bindparam("rid"), Edition.number == bindparam("number"))
)


def edition_of(report_id: int, number: int) -> Edition:
    """Edition ``number`` of report ``report_id`` with its report loaded; 404 if none."""
    edition = db.session.scalar(_EDITION_OF, {"rid": report_id, "number": number})
    if edition is None:
        raise NotFound()
    return edition


def get_edition(report: Report, number: int) -> Edition:
    edition = db.session.scalar(
        select(Edition).where(Edition.report_id == report.id, Edition.number == number)
    )
    if edition is None:
        raise NotFound()
    return edition


@dataclass(frozen=True)
class EditionEntry:
    section_id: int
    number: str
    depth: int
    version: SectionVersion
    label: str | None = None  # "1.", "a)" as printed; None: the path with a dot

    @property
    def shown_number(self) -> str:
        """What the heading shows before its text: "1.", "a)", "I.1."; "" unnumbered."""
        if self.label is not None:
            return self.label
        return f"{self.number}." if self.number else ""

    @property
    def heading(self) -> str:
        return self.version.heading

    @property
    def text(self) -> str:
        return self.version.text

    @property
    def title(self) -> str:
        return f"{self.shown_number} {self.heading}" if self.shown_number else self.heading


def entries(edition: Edition) -> list[EditionEntry]:
    """The edition's sections in order, each with its frozen version (one query)."""
    rows = db.session.execute(
        select(EditionSection, SectionVersion)
        .join(
            SectionVersion,
            and_(
                SectionVersion.section_id == EditionSection.section_id,
                SectionVersion.number == EditionSection.version,
            ),
        )
        .where(EditionSection.edition_id == edition.id)
        .order_by(EditionSection.position)
    )
    return [
        EditionEntry(es.section_id, es.number, es.depth, version, es.label) for es, version in rows
    ]


def current_entries(report: Report) -> list[EditionEntry]:
    return [
        EditionEntry(e.section.id, e.number, e.depth, e.version, e.label)
        for e in report_queries.outline(report)
    ]


@dataclass(frozen=True)
class SectionChange:
    """How one section differs between two states of the report."""

    section_id: int
    old: EditionEntry | None
    new: EditionEntry | None
    moved: bool
    ops: list | None  # word diff of the text when it changed

    @property
    def status(self) -> str:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "changed" if self.ops is not None else "same"

    @property
    def renamed(self) -> bool:
        return (
            self.old is not None and self.new is not None and self.old.heading != self.new.heading
        )

    @property
    def entry(self) -> EditionEntry:
        return self.new or self.old


def _longest_common_order(a: list[int], b: list[int]) -> set[int]:
    """Section ids that keep their relative order (the rest moved): an LCS on ids."""
    index = {sid: i for i, sid in enumerate(b)}
    pairs = [(i, index[sid]) for i, sid in enumerate(a) if sid in index]
    return {b[j] for _, j in textdiff.longest_increasing(pairs)}


def compare(old: list[EditionEntry], new: list[EditionEntry]) -> list[SectionChange]:
    """Section by section: added, removed, moved, renamed, text changed -- in the new order,
    removed sections placed after the section that preceded them."""
    old_by_id = {e.section_id: e for e in old}
    new_by_id = {e.section_id: e for e in new}
    in_order = _longest_common_order([e.section_id for e in old], [e.section_id for e in new])
    changes: list[SectionChange] = []
    for entry in new:
        before = old_by_id.get(entry.section_id)
        ops = None
        if (
            before is not None
            and before.version.id != entry.version.id
            and before.text != entry.text
        ):
            ops = textdiff.diff_words(before.text, entry.text)
        changes.append(
            SectionChange(
                entry.section_id,
                before,
                entry,
                moved=before is not None and entry.section_id not in in_order,
                ops=ops,
            )
        )
    # Removed sections go after the nearest earlier section that still exists.
    position = {c.section_id: i for i, c in enumerate(changes)}
    for index, entry in enumerate(old):
        if entry.section_id in new_by_id:
            continue
        anchor = next(
            (old[j].section_id for j in range(index - 1, -1, -1) if old[j].section_id in position),
            None,
        )
        at = position[anchor] + 1 if anchor is not None else 0
        changes.insert(at, SectionChange(entry.section_id, entry, None, moved=False, ops=None))
        position = {c.section_id: i for i, c in enumerate(changes)}
    return changes
