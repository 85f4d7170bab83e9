"""Reading the figures: indicators with their status as a viewer may see it, their
history, and the counts the chair's dashboard and the disposition table's preamble show."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import select

from .. import permissions
from ..errors import NotFound
from ..extensions import db
from ..indicators.numbers import Assessment, Direction, assess, is_flagged, parse_stated
from ..reports.models import Section
from ..review import rounds
from ..review.models import SuggestionStatus
from . import sync
from .models import CheckKind, Indicator, IndicatorCheck, IndicatorTable, TableKind


class Status(StrEnum):
    UNCHECKED = "unchecked"
    CONFIRMED = "confirmed"
    CORRECTED = "corrected"  # a correction (or proposal) waits for the drafting team
    DECIDED = "decided"  # the drafting team decided on the correction


@dataclass
class IndicatorView:
    indicator: Indicator
    status: Status
    source: str
    draft: bool  # the status comes from the viewer's department's unsubmitted check
    computed: Assessment
    stated: Assessment | None
    checks: list[IndicatorCheck] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return not self.indicator.table.is_targets and is_flagged(self.stated, self.computed)


def get_indicator(indicator_id: int) -> Indicator:
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None:
        raise NotFound()
    return indicator


def get_table(table_id: int) -> IndicatorTable:
    table = db.session.get(IndicatorTable, table_id)
    if table is None:
        raise NotFound()
    return table


def tables(report_id: int, kind: TableKind | None = None) -> list[IndicatorTable]:
    sync.pending()
    query = (
        select(IndicatorTable)
        .join(Section, Section.id == IndicatorTable.section_id)
        .where(
            IndicatorTable.report_id == report_id,
            IndicatorTable.present.is_(True),
            Section.deleted_at.is_(None),  # a deleted section's figures are not the report's
        )
    )
    if kind is not None:
        query = query.where(IndicatorTable.kind == kind.value)
    return list(db.session.scalars(query.order_by(IndicatorTable.id)))


def _indicators(report_id: int, department_id: int | None = None) -> list[Indicator]:
    sync.pending()
    query = (
        select(Indicator)
        .join(IndicatorTable, IndicatorTable.id == Indicator.table_id)
        .join(Section, Section.id == IndicatorTable.section_id)
        .where(
            Indicator.report_id == report_id,
            Indicator.removed_at.is_(None),
            IndicatorTable.present.is_(True),
            Section.deleted_at.is_(None),
        )
    )
    if department_id is not None:
        query = query.where(Indicator.department_id == department_id)
    return list(db.session.scalars(query.order_by(IndicatorTable.id, Indicator.row)))


def _checks(report_id: int) -> dict[int, list[IndicatorCheck]]:
    rows = db.session.scalars(
        select(IndicatorCheck)
        .where(IndicatorCheck.report_id == report_id)
        .order_by(IndicatorCheck.id)
    )
    out: dict[int | None, list[IndicatorCheck]] = {}
    for check in rows:
        out.setdefault(check.indicator_id, []).append(check)
    return out


def _counts(check: IndicatorCheck) -> bool:
    """Whether a check speaks for the figure's status (a withdrawn one does not)."""
    suggestion = check.suggestion
    return suggestion is None or suggestion.status != SuggestionStatus.WITHDRAWN


def _status_of(check: IndicatorCheck | None) -> Status:
    if check is None:
        return Status.UNCHECKED
    if check.kind == CheckKind.CONFIRM:
        return Status.CONFIRMED
    if check.suggestion.is_decided:
        return Status.DECIDED
    return Status.CORRECTED


def _visible(viewer, check: IndicatorCheck) -> bool:
    """``viewer`` None: what everyone may see (no department's drafts), as a document
    such as the disposition table shows it."""
    if viewer is None:
        return not check.is_draft
    return permissions.can_see_check(viewer, check)


def view(indicator: Indicator, checks: list[IndicatorCheck], viewer) -> IndicatorView:
    visible = [c for c in checks if _visible(viewer, c) and _counts(c)]
    last = visible[-1] if visible else None
    direction = Direction(indicator.direction) if indicator.direction else None
    return IndicatorView(
        indicator=indicator,
        status=_status_of(last),
        source=next((c.source for c in reversed(visible) if c.source), ""),
        draft=bool(last and last.is_draft),
        computed=assess(indicator.target, indicator.actual, direction),
        stated=parse_stated(indicator.assessment),
        checks=visible,
    )


def indicator_views(report_id: int, viewer, *, department_id: int | None = None):
    """Every indicator of the report's tables as ``viewer`` may see it, in table order
    (``department_id``: only that department's, as its own list shows them)."""
    checks = _checks(report_id)
    return [view(i, checks.get(i.id, []), viewer) for i in _indicators(report_id, department_id)]


def indicator_view(indicator: Indicator, viewer) -> IndicatorView:
    checks = _checks(indicator.report_id).get(indicator.id, [])
    return view(indicator, checks, viewer)


def proposals(indicator: Indicator, viewer) -> list[IndicatorCheck]:
    """The departments' proposals for one next-period indicator, side by side."""
    return [c for c in indicator_view(indicator, viewer).checks if c.kind == CheckKind.PROPOSE]


def new_indicator_proposals(report_id: int, viewer) -> list[IndicatorCheck]:
    return [
        c
        for c in _checks(report_id).get(None, [])
        if permissions.can_see_check(viewer, c) and _counts(c)
    ]


# The chair's view ----------------------------------------------------------------------


@dataclass
class DepartmentFigures:
    department: object | None  # None: not assigned
    counts: Counter


@dataclass
class FigureSummary:
    total: int
    counts: Counter  # by Status value
    by_department: list[DepartmentFigures]
    deemed_agree: list[IndicatorView]  # round closed, department never answered
    not_invited: list[IndicatorView]  # assigned to a department the round did not invite
    unassigned: list[IndicatorView]

    @property
    def checked(self) -> int:
        """Confirmed, or corrected and decided: what the departments have answered for."""
        return self.counts[Status.CONFIRMED] + self.counts[Status.DECIDED]


def summary(report, viewer) -> FigureSummary:
    """Counts of the report's results figures by status and by department, as ``viewer``
    sees them (the chair sees no department's drafts)."""
    views = [v for v in indicator_views(report.id, viewer) if not v.indicator.table.is_targets]
    counts = Counter(v.status.value for v in views)
    departments: dict[int | None, DepartmentFigures] = {}
    for v in views:
        entry = departments.setdefault(
            v.indicator.department_id, DepartmentFigures(v.indicator.department, Counter())
        )
        entry.counts[v.status.value] += 1
    order = sorted(departments.values(), key=lambda d: (d.department is None, _name(d)))
    deemed, not_invited = round_notes(report, views)
    return FigureSummary(
        total=len(views),
        counts=counts,
        by_department=order,
        deemed_agree=deemed,
        not_invited=not_invited,
        unassigned=[v for v in views if v.indicator.department_id is None],
    )


def _name(entry: DepartmentFigures) -> str:
    return entry.department.name if entry.department is not None else ""


def round_notes(report, views: list[IndicatorView]):
    """(deemed to agree, not invited): of ``views``, the figures of departments that
    never answered the closed round (not confirmed, deemed to agree), and those assigned
    to a department the current or latest round did not invite (a warning)."""
    round_ = rounds.current_or_latest_round(report)
    if round_ is None:
        return [], []
    invited = rounds.invited_department_ids(round_.id)
    not_invited = [
        v for v in views if v.indicator.department_id and v.indicator.department_id not in invited
    ]
    if round_.is_open:
        return [], not_invited
    silent = {r.department.id for r in rounds.responses(round_) if r.no_reply}
    deemed = [
        v for v in views if v.status is Status.UNCHECKED and v.indicator.department_id in silent
    ]
    return deemed, not_invited


def confirmation_line(report, viewer) -> str:
    """The disposition table's preamble: "12/14 chỉ tiêu đã được các sở, ngành xác nhận"."""
    result = summary(report, viewer)
    return _(
        "%(checked)d/%(total)d indicators confirmed by the departments",
        checked=result.checked,
        total=result.total,
    )
