"""A department's checks of its figures: confirm, correct, propose.

A confirmation is the department's draft until its lead submits the response; a
correction or a proposal is an ordinary suggestion on exactly the table's cell (the
usual decisions apply), tied to the indicator by an :class:`IndicatorCheck`."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import permissions
from ..audit.services import record
from ..errors import InvalidInput, InvalidTransition
from ..extensions import db
from ..indicators.numbers import (
    Assessment,
    Direction,
    assess,
    is_flagged,
    parse_stated,
    stated_word,
)
from ..indicators.tables import ColumnMap, append_row, find_tables, replace_cells
from ..reports.models import Section
from ..review import rounds
from ..review import services as review
from ..review.models import Suggestion
from ..validation import clean_line, clean_text
from .models import CheckKind, CheckStatus, Indicator, IndicatorCheck, IndicatorTable

MAX_SOURCE = 500
MAX_VALUE = 200


def _open_round(report_id: int):
    round_ = rounds.find_open_round(report_id)
    if round_ is None:
        raise InvalidTransition(_("No consultation round is open on this report."))
    return round_, rounds.invited_department_ids(round_.id)


def may_check(actor, indicator: Indicator) -> bool:
    """For pages: whether to offer "confirm" and "correct" on this figure."""
    round_ = rounds.find_open_round(indicator.report_id)
    invited = rounds.invited_department_ids(round_.id) if round_ is not None else frozenset()
    return permissions.can_check_indicator(actor, indicator, round_, invited=invited)


def may_propose(actor, report_id: int) -> bool:
    """For pages: whether to offer proposals for the report's next period's tables."""
    round_ = rounds.find_open_round(report_id)
    invited = rounds.invited_department_ids(round_.id) if round_ is not None else frozenset()
    return permissions.can_propose_target(actor, round_, invited=invited)


def _require_assigned(actor, indicator: Indicator):
    round_, invited = _open_round(indicator.report_id)
    permissions.require(
        permissions.can_check_indicator(actor, indicator, round_, invited=invited),
        _(
            "Only the lead or a reviewer of the department this figure is assigned to can "
            "check it, while its department is invited to the open round."
        ),
    )
    return round_


def _require_results(indicator: Indicator) -> None:
    table = indicator.table
    if indicator.is_removed or not table.present or table.section.is_deleted:
        raise InvalidTransition(_("This indicator is no longer in the table."))
    if table.is_targets:
        raise InvalidInput(
            _("This is a next period's target: propose a value instead."),
            details={"field": "indicator"},
        )


def _body(value, field: str, *, required: bool = False) -> str:
    return clean_text(
        value or "",
        field,
        max_chars=current_app.config["FEEDBACK_MAX_BODY_CHARS"],
        required=required,
    )


def confirm(actor, indicator: Indicator, *, source) -> IndicatorCheck:
    """The department confirms the figure as the table states it, with its source; a
    second confirmation while still a draft replaces the first."""
    _require_assigned(actor, indicator)
    _require_results(indicator)
    source = clean_line(source, _("Source"), max_chars=MAX_SOURCE)
    check = db.session.scalar(
        select(IndicatorCheck).where(
            IndicatorCheck.indicator_id == indicator.id,
            IndicatorCheck.department_id == actor.department_id,
            IndicatorCheck.kind == CheckKind.CONFIRM.value,
            IndicatorCheck.status == CheckStatus.DRAFT.value,
        )
    )
    if check is None:
        check = IndicatorCheck(
            report_id=indicator.report_id,
            table_id=indicator.table_id,
            indicator_id=indicator.id,
            department_id=actor.department_id,
            kind=CheckKind.CONFIRM.value,
        )
        db.session.add(check)
    check.author_id, check.source, check.value = actor.id, source, indicator.actual
    record(actor, "indicator.confirmed", check, name=indicator.name)
    return check


def _section_table(table: IndicatorTable):
    section = table.section
    found = [t for t in find_tables(section.current.text) if t.index == table.table_index]
    if section.is_deleted or not found or not table.present:
        raise InvalidTransition(_("This table is no longer in the section's current text."))
    return section, found[0], ColumnMap.from_dict(table.columns)


def direction_of(indicator: Indicator) -> Direction | None:
    return Direction(indicator.direction) if indicator.direction else None


def corrected_cells(indicator: Indicator, colmap: ColumnMap, actual: str) -> dict[int, str]:
    """The actual's cell, and the assessment's when the new figure puts it on the other
    side of the line between met and not met."""
    cells = {colmap.actual: actual}
    if colmap.assessment is not None:
        computed = assess(indicator.target, actual, direction_of(indicator))
        stated = parse_stated(indicator.assessment)
        if computed is not Assessment.UNKNOWN and (stated is None or is_flagged(stated, computed)):
            cells[colmap.assessment] = stated_word(computed)
    return cells


def _rationale(note: str, source: str) -> str:
    parts = [note] if note else []
    if source:
        parts.append(_("Source: %(source)s", source=source))
    return "\n\n".join(parts)


def _suggest(actor, section: Section, text: str, rationale: str) -> Suggestion:
    suggestion = review.add_suggestion(
        actor, section, base_version=section.current_version, text=text, rationale=rationale
    )
    db.session.flush()
    return suggestion


def correct(actor, indicator: Indicator, *, actual, source, note=None) -> Suggestion:
    """A suggestion on exactly the figure's cell (and its assessment's, when that follows)."""
    _require_assigned(actor, indicator)
    _require_results(indicator)
    actual = clean_line(actual, _("Actual figure"), max_chars=MAX_VALUE)
    source = clean_line(source, _("Source"), max_chars=MAX_SOURCE)
    note = _body(note, _("Note"))
    section, _table, colmap = _section_table(indicator.table)
    if colmap.actual is None:
        raise InvalidInput(_("This table has no column of actual figures."))
    if actual == indicator.actual:
        raise InvalidInput(
            _("The table already states %(value)s; confirm it instead.", value=actual),
            details={"field": "actual"},
        )
    text = replace_cells(
        section.current.text,
        indicator.table.table_index,
        indicator.row,
        corrected_cells(indicator, colmap, actual),
    )
    suggestion = _suggest(actor, section, text, _rationale(note, source))
    _add_check(
        actor, indicator.table, indicator, CheckKind.CORRECT, suggestion, actual, source, note
    )
    record(actor, "indicator.corrected", suggestion, name=indicator.name)
    return suggestion


def _add_check(actor, table, indicator, kind, suggestion, value, source, note, name="") -> None:
    db.session.add(
        IndicatorCheck(
            report_id=table.report_id,
            table_id=table.id,
            indicator_id=indicator.id if indicator is not None else None,
            department_id=actor.department_id,
            author_id=actor.id,
            kind=kind.value,
            value=value,
            name=name,
            source=source,
            note=note,
            suggestion_id=suggestion.id,
        )
    )


def _require_proposer(actor, report_id: int) -> None:
    round_, invited = _open_round(report_id)
    permissions.require(
        permissions.can_propose_target(actor, round_, invited=invited),
        _("Your department is not invited to an open consultation round on this report."),
    )


def _require_targets(table: IndicatorTable) -> None:
    if not table.is_targets:
        raise InvalidInput(
            _("Targets are proposed in a next period's table; this table reports results."),
        )


def propose(actor, indicator: Indicator, *, target, rationale) -> Suggestion:
    """A next period's target for the indicator: a suggestion on its target's cell."""
    _require_proposer(actor, indicator.report_id)
    _require_targets(indicator.table)
    if indicator.is_removed:
        raise InvalidTransition(_("This indicator is no longer in the table."))
    target = clean_line(target, _("Target"), max_chars=MAX_VALUE)
    rationale = _body(rationale, _("Rationale"), required=True)
    section, _table, colmap = _section_table(indicator.table)
    if colmap.target is None:
        raise InvalidInput(_("This table has no column of targets."))
    text = replace_cells(
        section.current.text, indicator.table.table_index, indicator.row, {colmap.target: target}
    )
    suggestion = _suggest(actor, section, text, rationale)
    _add_check(
        actor, indicator.table, indicator, CheckKind.PROPOSE, suggestion, target, "", rationale
    )
    record(actor, "indicator.proposed", suggestion, name=indicator.name)
    return suggestion


def propose_new(actor, table: IndicatorTable, *, name, unit, target, rationale) -> Suggestion:
    """A new indicator for a next period's table: a suggestion adding its row."""
    _require_proposer(actor, table.report_id)
    _require_targets(table)
    name = clean_line(name, _("Indicator"), max_chars=500)
    unit = clean_line(unit or "", _("Unit"), max_chars=MAX_VALUE, required=False)
    target = clean_line(target, _("Target"), max_chars=MAX_VALUE)
    rationale = _body(rationale, _("Rationale"), required=True)
    section, found, colmap = _section_table(table)
    cells = [""] * len(found.header)
    if colmap.number is not None:
        cells[colmap.number] = str(len(found.rows) + 1)
    cells[colmap.name] = name if colmap.unit is not None or not unit else f"{name} ({unit})"
    if colmap.unit is not None:
        cells[colmap.unit] = unit
    if colmap.target is not None:
        cells[colmap.target] = target
    text = append_row(section.current.text, table.table_index, cells)
    suggestion = _suggest(actor, section, text, rationale)
    _add_check(actor, table, None, CheckKind.PROPOSE, suggestion, target, "", rationale, name)
    record(actor, "indicator.proposed", suggestion, name=name)
    return suggestion


# The department's response (registered with review.response_parts in create_app) ------


def _drafts(report_id: int, department_id: int):
    return select(IndicatorCheck).where(
        IndicatorCheck.report_id == report_id,
        IndicatorCheck.department_id == department_id,
        IndicatorCheck.status == CheckStatus.DRAFT.value,
    )


def confirmation_drafts(report_id: int) -> dict[int, int]:
    """Draft confirmations per department (corrections and proposals are suggestions,
    counted as such)."""
    rows = db.session.execute(
        select(IndicatorCheck.department_id, func.count())
        .where(
            IndicatorCheck.report_id == report_id,
            IndicatorCheck.kind == CheckKind.CONFIRM.value,
            IndicatorCheck.status == CheckStatus.DRAFT.value,
        )
        .group_by(IndicatorCheck.department_id)
    )
    return {department_id: n for department_id, n in rows}


def publish_checks(round_, submission) -> int:
    """The lead's response sends the department's checks with the rest of its drafts."""
    checks = list(db.session.scalars(_drafts(round_.report_id, submission.department_id)))
    for check in checks:
        check.status = CheckStatus.SUBMITTED.value
        check.round_id, check.submission_id = round_.id, submission.id
        check.submitted_at = submission.submitted_at
    return len(checks)
