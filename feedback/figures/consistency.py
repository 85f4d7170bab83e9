"""The report's numbers against themselves, read from the current text each time (so
any accepted change, by whatever use case, is reflected at once): the results tables
counted, rows whose stated assessment disagrees with the computed one, and the places
in the text that state counts or figures the tables contradict."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import astuple, dataclass
from threading import Lock

from sqlalchemy import select

from ..extensions import db
from ..indicators import consistency
from ..indicators.numbers import Assessment, Direction, assess, effective, is_flagged, parse_stated
from ..indicators.tables import ColumnMap, Row, find_tables, indicator_rows
from ..reports import queries as report_queries
from .models import Indicator, IndicatorTable, TableKind
from .queries import tables


@dataclass
class RowFlag:
    """A row whose stated assessment falls on the other side of the met line."""

    indicator_id: int | None
    section_id: int
    row: int
    name: str
    stated: Assessment | None
    computed: Assessment


@dataclass
class TextMismatch:
    section_id: int  # where the text says it
    quote: str
    says: str
    table_says: str
    start: int
    end: int
    table_section_ids: list[int]  # where the table is


@dataclass
class Consistency:
    counts: consistency.Counts
    rows: list[Row]
    flags: list[RowFlag]
    mismatches: list[TextMismatch]


def _directions(table: IndicatorTable) -> dict[int, tuple[int, Direction | None]]:
    rows = db.session.scalars(
        select(Indicator).where(Indicator.table_id == table.id, Indicator.removed_at.is_(None))
    )
    return {i.row: (i.id, Direction(i.direction) if i.direction else None) for i in rows}


def _table_rows(table: IndicatorTable):
    found = [t for t in find_tables(table.section.current.text) if t.index == table.table_index]
    if not found:
        return []
    return indicator_rows(found[0], ColumnMap.from_dict(table.columns))


def _blank_tables(text: str) -> str:
    """The text with its tables' lines blanked (same length): a table is not prose."""
    lines = text.split("\n")
    for table in find_tables(text):
        for n in range(table.start_line, min(table.end_line + 1, len(lines))):
            lines[n] = " " * len(lines[n])
    return "\n".join(lines)


def check_report(report) -> Consistency:
    results = tables(report.id, TableKind.RESULTS)
    rows: list[Row] = []
    assessments: list[Assessment] = []
    flags: list[RowFlag] = []
    for table in results:
        directions = _directions(table)
        for row in _table_rows(table):
            indicator_id, direction = directions.get(row.position, (None, None))
            computed = assess(row.target, row.actual, direction)
            stated = parse_stated(row.assessment)
            assessments.append(effective(stated, computed))
            rows.append(row)
            if is_flagged(stated, computed):
                flags.append(
                    RowFlag(
                        indicator_id, table.section_id, row.position, row.name, stated, computed
                    )
                )
    counts = consistency.count(assessments)
    mismatches: list[TextMismatch] = []
    if results:
        places = sorted({t.section_id for t in results})
        facts = (astuple(counts), tuple(astuple(r) for r in rows))
        for entry in report_queries.outline(report):
            for m in _check_version(entry.version, facts, counts, rows):
                mismatches.append(
                    TextMismatch(
                        entry.section.id, m.quote, m.says, m.table_says, m.start, m.end, places
                    )
                )
    return Consistency(counts=counts, rows=rows, flags=flags, mismatches=mismatches)


# A text's claims against the same tables are found once per process (the finder reads every number of the prose; the dashboard and the outstanding
# list ask again and again, and after a change only what it touched is read anew).
_CACHE: OrderedDict[tuple, list] = OrderedDict()
CACHE_SIZE = 4096


_LOCK = Lock()


def _check_version(version, facts: tuple, counts, rows) -> list:
    key = (hash(version.text), len(version.text), facts)  # what the answer depends on
    with _LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
            return found
    found = consistency.check_text(_blank_tables(version.text), counts, rows)
    with _LOCK:
        _CACHE[key] = found
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return found
