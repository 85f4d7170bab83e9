"""The one place indicators are re-derived from a section's text.

Every new version of a section (created, imported, edited, accepted, merged, restored)
defers ``SECTION_TEXT`` (see ``reports.services``); ``create_app`` registers
:func:`sync_sections` for it, so the indicators follow the text in the same transaction,
whichever use case wrote it. Rows keep their identity by ``identity.match_rows``: the
same name, else the same position; an added row is a new indicator, a removed one is
marked removed (its history stays)."""

from __future__ import annotations

from sqlalchemy import select

from .. import deferred
from ..extensions import db
from ..indicators.identity import match_rows, normalise_name
from ..indicators.tables import ColumnMap, Table, find_tables, indicator_rows, recognise_columns
from ..models_base import utcnow
from ..reports.models import Section
from ..reports.services import SECTION_TEXT
from .models import DepartmentKeyword, Indicator, IndicatorTable, TableKind


def pending() -> None:
    """Sync what this transaction changed so far (before reading indicators)."""
    deferred.run_now(db.session, SECTION_TEXT)


def sync_sections(keys: set) -> None:
    """Deferred handler: ``keys`` are sections (or their ids) with new text."""
    db.session.flush()
    ids = sorted({getattr(key, "id", key) for key in keys} - {None})
    existing: dict[int, dict[int, IndicatorTable]] = {}
    for row in db.session.scalars(select(IndicatorTable).where(IndicatorTable.section_id.in_(ids))):
        existing.setdefault(row.section_id, {})[row.table_index] = row
    for section_id in ids:
        section = db.session.get(Section, section_id)
        if section is None:
            continue
        # Most sections are prose: no table, and none before, means nothing to do.
        if section_id in existing or "|" in section.current.text:
            sync_section(section, existing.get(section_id, {}))
    db.session.flush()


def sync_report(report) -> None:
    """Re-derive every section's indicators (reports imported before the figures)."""
    sync_sections({s.id for s in report_sections(report)})


def report_sections(report) -> list[Section]:
    return list(db.session.scalars(select(Section).where(Section.report_id == report.id)))


def _existing(section: Section) -> dict[int, IndicatorTable]:
    rows = db.session.scalars(select(IndicatorTable).where(IndicatorTable.section_id == section.id))
    return {t.table_index: t for t in rows}


def default_kind(colmap: ColumnMap) -> TableKind:
    """A table with targets and no actuals is the next period's."""
    if colmap.actual is None and colmap.target is not None:
        return TableKind.TARGETS
    return TableKind.RESULTS


def _column_map(row: IndicatorTable | None, table: Table) -> ColumnMap | None:
    """The table's columns: the drafting team's map while it fits, else recognised."""
    if row is not None and row.mapped_by_id is not None:
        colmap = ColumnMap.from_dict(row.columns)
        used = [v for v in colmap.to_dict().values() if v is not None]
        if max(used) < len(table.header):
            return colmap
    return recognise_columns(table.header)


def sync_section(section: Section, existing: dict[int, IndicatorTable] | None = None) -> None:
    existing = _existing(section) if existing is None else existing
    seen: set[int] = set()
    tables = [] if section.is_deleted else find_tables(section.current.text)
    for table in tables:
        row = existing.get(table.index)
        colmap = _column_map(row, table)
        if colmap is None:
            continue
        if row is None:
            row = IndicatorTable(
                report_id=section.report_id,
                section_id=section.id,
                table_index=table.index,
                kind=default_kind(colmap).value,
                columns=colmap.to_dict(),
            )
            db.session.add(row)
            db.session.flush()
        row.columns, row.present = colmap.to_dict(), True
        seen.add(table.index)
        sync_rows(row, table, colmap)
    for index, row in existing.items():
        if index not in seen:
            row.present = False
            _remove(current_indicators(row))


def current_indicators(table: IndicatorTable) -> list[Indicator]:
    return list(
        db.session.scalars(
            select(Indicator)
            .where(Indicator.table_id == table.id, Indicator.removed_at.is_(None))
            .order_by(Indicator.row, Indicator.id)
        )
    )


def _remove(indicators) -> None:
    now = utcnow()
    for indicator in indicators:
        indicator.removed_at = now


def sync_rows(table_row: IndicatorTable, table: Table, colmap: ColumnMap) -> None:
    olds = current_indicators(table_row)
    rows = indicator_rows(table, colmap)
    matches = match_rows([i.name for i in olds], [r.name for r in rows])
    kept: set[int] = set()
    keywords = None
    for row in rows:
        old_position = matches.get(row.position)
        if old_position is not None:
            indicator = olds[old_position]
            kept.add(old_position)
        else:
            keywords = keywords if keywords is not None else keyword_map()
            indicator = Indicator(
                report_id=table_row.report_id,
                table_id=table_row.id,
                department_id=default_department(row.name, keywords),
            )
            db.session.add(indicator)
        indicator.row, indicator.name, indicator.unit = row.position, row.name, row.unit[:200]
        indicator.target, indicator.actual = row.target, row.actual
        indicator.assessment = row.assessment
    _remove(o for i, o in enumerate(olds) if i not in kept)


def keyword_map() -> list[tuple[str, int]]:
    """(normalised keyword, department id), longest first: the most specific wins."""
    rows = db.session.execute(select(DepartmentKeyword.keyword, DepartmentKeyword.department_id))
    pairs = [(normalise_name(k), d) for k, d in rows]
    return sorted((p for p in pairs if p[0]), key=lambda p: (-len(p[0]), p[0]))


def default_department(name: str, keywords: list[tuple[str, int]]) -> int | None:
    folded = f" {normalise_name(name)} "
    for keyword, department_id in keywords:
        if f" {keyword} " in folded:
            return department_id
    return None
