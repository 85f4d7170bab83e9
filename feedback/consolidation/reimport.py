"""Re-import a revised draft (.docx or .md) into an existing report.

Each section of the file is matched to an existing section: by the bookmark the
exporter wrote (``fb_s<sid>_v<version>``), then by number and heading, then by heading,
then by content. Only changed sections get a new version (reason "imported from FILE"),
new ones are added, sections no longer present are deleted (restorable). A section saved
since the version the file was made from is a conflict and is never overwritten.

The versions the file was made from come from its provenance (the custom property the
exporter writes); a file without it is compared with the latest edition, and the answer
says so (``based_on``). Consolidation, not reports, because editions live here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from .. import permissions
from ..errors import InvalidInput
from ..extensions import db
from ..reports import queries as report_queries
from ..reports import services as report_services
from ..reports import uploads
from ..reports.models import Report, Section
from ..richtext.diffcore import dice, words
from ..wordimport.reader import WordDraft, WordSection
from . import queries

SIMILAR = 0.5  # word overlap (Dice) for a section matched by its content alone


@dataclass
class Match:
    incoming: WordSection
    number: str
    entry: object | None = None  # the existing OutlineEntry, or None: a new section


@dataclass
class ReimportPlan:
    matches: list[Match]
    removed: list[Section]
    based_on: str  # "provenance", "edition" or "current"
    edition: int | None
    base: dict[int, int] = field(default_factory=dict)

    def changed(self) -> list[Match]:
        return [m for m in self.matches if m.entry is not None and _differs(m)]

    def conflicts(self) -> list[Match]:
        return [m for m in self.changed() if self._stale(m)]

    def to_apply(self) -> list[Match]:
        return [m for m in self.changed() if not self._stale(m)]

    def _stale(self, match: Match) -> bool:
        section = match.entry.section
        return section.current_version != self.base.get(section.id, section.current_version)

    def summary(self, added_ids: list[int] | None = None) -> dict:
        conflicts = {m.entry.section.id for m in self.conflicts()}
        return {
            "changed": [m.entry.section.id for m in self.to_apply()],
            "added": added_ids or [],
            "new_sections": [
                {"heading": m.incoming.heading, "level": m.incoming.level}
                for m in self.matches
                if m.entry is None
            ],
            "removed": [s.id for s in self.removed],
            "unchanged": sum(1 for m in self.matches if m.entry is not None and not _differs(m)),
            "conflicts": sorted(conflicts),
            "based_on": self.based_on,
            "edition": self.edition,
        }


def _differs(match: Match) -> bool:
    version = match.entry.version
    return match.incoming.heading != version.heading or match.incoming.text != version.text


def _base(report: Report, draft: WordDraft) -> tuple[str, int | None, dict[int, int]]:
    provenance = draft.provenance
    if provenance is not None and provenance.report == report.id:
        return "provenance", provenance.edition, dict(provenance.sections)
    latest = queries.latest(report)
    if latest is None:
        return "current", None, {}
    return "edition", latest.number, {s.section_id: s.version for s in latest.sections}


def _find(incoming: WordSection, number: str, unmatched: dict[int, object]):
    if incoming.source and incoming.source[0] in unmatched:
        return unmatched[incoming.source[0]]
    candidates = list(unmatched.values())
    for test in (
        lambda e: e.number == number and e.version.heading == incoming.heading,
        lambda e: e.version.heading == incoming.heading and e.section.level == incoming.level,
    ):
        found = next((e for e in candidates if test(e)), None)
        if found is not None:
            return found
    mine = words(incoming.text)
    scored = [(dice(mine, words(e.version.text)), e) for e in candidates if incoming.text]
    scored = [pair for pair in scored if pair[0] >= SIMILAR]
    return max(scored, key=lambda pair: pair[0])[1] if scored else None


def plan(actor, report: Report, filename: str, data: bytes) -> ReimportPlan:
    """What re-importing the file would do; nothing is changed."""
    permissions.require(permissions.can_edit_report(actor, report))
    draft = uploads.read_draft(filename, data)
    if not draft.sections:
        raise InvalidInput(_("The document has no text."), details={"field": "file"})
    based_on, edition, base = _base(report, draft)
    existing = report_queries.outline(report)
    unmatched = {e.section.id: e for e in existing}
    matches = []
    for incoming, (number, _printed) in zip(draft.sections, uploads.numbers(draft), strict=True):
        entry = _find(incoming, number, unmatched)
        if entry is not None:
            del unmatched[entry.section.id]
        matches.append(Match(incoming, number, entry))
    kept = {m.entry.section.id for m in matches if m.entry is not None}
    removed = [e.section for e in unmatched.values() if not _has_kept_descendant(e, existing, kept)]
    return ReimportPlan(matches, removed, based_on, edition, base)


def _has_kept_descendant(entry, existing, kept: set[int]) -> bool:
    parents = {e.section.id: e.section.parent_id for e in existing}
    for sid in kept:
        parent = parents.get(sid)
        while parent is not None:
            if parent == entry.section.id:
                return True
            parent = parents.get(parent)
    return False


def reimport(actor, report: Report, filename: str, data: bytes) -> dict:
    """Carry the plan out: new versions, new sections, deletions; conflicts untouched."""
    found = plan(actor, report, filename, data)
    for match in found.to_apply():
        report_services.import_version(
            actor,
            match.entry.section,
            heading=match.incoming.heading,
            text=match.incoming.text,
            source=filename,
        )
    added = _add_new(actor, report, found)
    for section in found.removed:
        if not section.is_deleted:
            report_services.delete_section(actor, section)
    return found.summary(added)


def _add_new(actor, report: Report, found: ReimportPlan) -> list[int]:
    """New sections go under the section the file puts them under, after the one before."""
    placed: dict[int, Section] = {}  # level -> the latest section placed at it
    added = []
    for match in found.matches:
        level = match.incoming.level
        if match.entry is not None:
            placed[level] = match.entry.section
        else:
            parent = placed.get(level - 1) if level > 1 else None
            previous = placed.get(level)
            same_parent = previous is not None and previous.parent_id == (
                parent.id if parent else None
            )
            after = previous if same_parent else None
            section = report_services.add_section(
                actor,
                report,
                heading=match.incoming.heading,
                text=match.incoming.text,
                parent=parent,
                after=after,
            )
            placed[level] = section
            added.append(section)
        for deeper in range(level + 1, 4):
            placed.pop(deeper, None)
    db.session.flush()
    return [s.id for s in added]
