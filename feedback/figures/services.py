"""The drafting team's and the administrator's use cases on figures: map a table's
columns (and mark it as the next period's), assign an indicator, set its direction,
keep the keyword map; and the answer to proposals another figure replaced."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from .. import permissions
from ..audit.services import record
from ..auth.models import Department
from ..errors import InvalidInput, InvalidTransition, NotFound
from ..extensions import db
from ..indicators.identity import normalise_name
from ..indicators.tables import ColumnMap, find_tables, recognise_columns
from ..reports.models import Section
from ..review import decisions
from ..review.models import Suggestion, SuggestionStatus
from ..validation import clean_line
from . import sync
from .models import (
    CheckKind,
    DepartmentKeyword,
    DirectionCode,
    Indicator,
    IndicatorCheck,
    IndicatorTable,
    TableKind,
)

COLUMNS = ("name", "unit", "target", "actual", "assessment", "number")


def _department(code) -> Department | None:
    if code is None or code == "":
        return None
    department = db.session.scalar(select(Department).where(Department.code == code))
    if department is None:
        raise InvalidInput(
            _("No department has the code %(code)s.", code=code),
            details={"field": "department_code"},
        )
    return department


def update_indicator(actor, indicator: Indicator, *, department_code=..., direction=...):
    """Assign the indicator to a department (None: nobody) and/or set its direction
    (None: from the target's wording). ``...`` leaves a field as it is."""
    permissions.require(permissions.can_manage_figures(actor, indicator.report_id))
    changes = {}
    if department_code is not ...:
        department = _department(department_code)
        indicator.department_id = department.id if department else None
        indicator.department_set = True
        changes["department"] = department.code if department else None
    if direction is not ...:
        if direction is not None and direction not in {d.value for d in DirectionCode}:
            raise InvalidInput(
                _("The direction is “higher” or “lower”."), details={"field": "direction"}
            )
        indicator.direction = direction
        changes["direction"] = direction
    record(actor, "indicator.updated", indicator, name=indicator.name, **changes)
    return indicator


def _column_map(columns: dict, width: int) -> ColumnMap:
    if not isinstance(columns, dict) or set(columns) - set(COLUMNS):
        raise InvalidInput(
            _("The columns are named name, unit, target, actual, assessment, number."),
            details={"field": "columns"},
        )
    values = [v for v in columns.values() if v is not None]
    if any(not isinstance(v, int) or isinstance(v, bool) or not 0 <= v < width for v in values):
        raise InvalidInput(
            _("Each column is a number from 0 to %(n)d (the table's columns).", n=width - 1),
            details={"field": "columns"},
        )
    if len(values) != len(set(values)):
        raise InvalidInput(_("Two roles cannot share one column."), details={"field": "columns"})
    if columns.get("name") is None or (
        columns.get("target") is None and columns.get("actual") is None
    ):
        raise InvalidInput(
            _("An indicator table needs the name column and a target or actual column."),
            details={"field": "columns"},
        )
    return ColumnMap.from_dict(columns)


def map_table(actor, section: Section, *, table_index, columns=None, kind=None) -> IndicatorTable:
    """The drafting team confirms or maps a table's columns and says whether it reports
    results or sets the next period's targets; the indicators follow at once."""
    permissions.require(permissions.can_manage_figures(actor, section.report_id))
    sync.pending()
    tables = find_tables(section.current.text) if not section.is_deleted else []
    found = next((t for t in tables if t.index == table_index), None)
    if found is None or isinstance(table_index, bool):
        raise NotFound(_("The section's current text has no table %(n)s.", n=table_index))
    if kind is not None and kind not in {k.value for k in TableKind}:
        raise InvalidInput(
            _("A table's kind is “results” or “targets”."), details={"field": "kind"}
        )
    row = db.session.scalar(
        select(IndicatorTable).where(
            IndicatorTable.section_id == section.id, IndicatorTable.table_index == table_index
        )
    )
    colmap = _column_map(columns, len(found.header)) if columns is not None else None
    if colmap is None and row is None:
        colmap = recognise_columns(found.header)
        if colmap is None:
            raise InvalidInput(
                _("The table's columns were not recognised: map them."),
                details={"field": "columns"},
            )
    if row is None:
        row = IndicatorTable(
            report_id=section.report_id,
            section_id=section.id,
            table_index=table_index,
            kind=sync.default_kind(colmap).value,
            columns=colmap.to_dict(),
        )
        try:
            with db.session.begin_nested():  # two drafters mapping one new table at once
                db.session.add(row)
        except IntegrityError:
            raise InvalidTransition() from None
    if colmap is not None:
        row.columns = colmap.to_dict()
    row.kind = kind or row.kind
    row.mapped_by_id = actor.id
    db.session.flush()
    sync.sync_section(section)
    record(actor, "indicator_table.mapped", row, section=section.id, kind=row.kind)
    return row


def set_keyword_map(actor, pairs) -> list[DepartmentKeyword]:
    """Replace the keyword map: ``pairs`` of (keyword, department code). New indicators
    are assigned by it; indicators already there keep their department."""
    permissions.require(permissions.can_edit_keyword_map(actor))
    cleaned: dict[str, Department] = {}
    for keyword, code in pairs:
        keyword = clean_line(keyword, _("Keyword"), max_chars=200)
        if keyword.casefold() in {k.casefold() for k in cleaned}:
            raise InvalidInput(
                _("The keyword %(k)s is listed twice.", k=keyword), details={"field": "keywords"}
            )
        cleaned[keyword] = _department(code) or _missing_department()
    db.session.execute(delete(DepartmentKeyword))
    rows = [DepartmentKeyword(keyword=k, department_id=d.id) for k, d in cleaned.items()]
    db.session.add_all(rows)
    db.session.flush()
    record(actor, "indicator.keywords_changed", None, object_type="system", count=len(rows))
    return rows


def _missing_department():
    raise InvalidInput(_("Each keyword needs a department."), details={"field": "keywords"})


def keyword_map_rows() -> list[DepartmentKeyword]:
    return list(db.session.scalars(select(DepartmentKeyword).order_by(DepartmentKeyword.keyword)))


# Adoption: one proposal accepted, the others answered ------------------------------------


def answer_other_proposals(keys: set) -> None:
    """Deferred with every new section text: when a proposal for an indicator was just
    accepted, the other departments' pending proposals for it are rejected with
    "not adopted: another figure was chosen" (not sent to a hand merge); an accepted new
    indicator's proposal is tied to the indicator its row became."""
    ids = {getattr(key, "id", key) for key in keys}
    accepted = db.session.scalars(
        select(IndicatorCheck)
        .join(Suggestion, Suggestion.id == IndicatorCheck.suggestion_id)
        .join(Section, Section.id == Suggestion.section_id)
        .where(
            Suggestion.section_id.in_(ids),
            IndicatorCheck.kind == CheckKind.PROPOSE.value,
            Suggestion.status == SuggestionStatus.ACCEPTED.value,
            Suggestion.result_version == Section.current_version,
        )
    ).all()
    for check in accepted:
        if check.indicator_id is None:
            _link_new_indicator(check)
            continue
        for other in _pending_proposals(check):
            decisions.reject_suggestion(
                check.suggestion.decided_by,
                other.suggestion,
                reason=_("Not adopted: another figure was chosen."),
            )


def _link_new_indicator(check: IndicatorCheck) -> None:
    """An adopted new indicator: its proposal becomes the first step of its history."""
    wanted = normalise_name(check.name)
    for indicator in sync.current_indicators(check.table):
        if normalise_name(indicator.name) == wanted:
            check.indicator_id = indicator.id
            return


def _pending_proposals(check: IndicatorCheck) -> list[IndicatorCheck]:
    return list(
        db.session.scalars(
            select(IndicatorCheck)
            .join(Suggestion, Suggestion.id == IndicatorCheck.suggestion_id)
            .where(
                IndicatorCheck.indicator_id == check.indicator_id,
                IndicatorCheck.kind == CheckKind.PROPOSE.value,
                IndicatorCheck.id != check.id,
                Suggestion.status == SuggestionStatus.PENDING.value,
            )
        )
    )
