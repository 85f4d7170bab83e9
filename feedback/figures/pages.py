"""What the figures' pages show, gathered for their templates: a department's own list,
the drafting team's list, the chair's panel, the CSV rows. No rule is decided here:
statuses come from ``queries``, consistency from ``consistency``, permissions from
``feedback.permissions``."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from .. import markup, permissions
from ..auth.models import Department
from ..extensions import db
from ..indicators.tables import find_tables, recognise_columns
from ..labels import label
from ..review import rounds
from ..review.models import SuggestionStatus
from . import consistency, notes, queries
from .models import CheckKind, TableKind
from .queries import Status

STATUS_ORDER = [Status.CONFIRMED, Status.DECIDED, Status.CORRECTED, Status.UNCHECKED]


@dataclass
class DepartmentPage:
    round: object | None
    invited: frozenset
    results: list[queries.IndicatorView]
    targets: list[queries.IndicatorView]
    target_tables: list
    new_proposals: list
    can_check: dict[int, bool] = field(default_factory=dict)
    can_propose: bool = False


def pending_correction(v: queries.IndicatorView):
    """The department's correction of the figure still waiting (draft or submitted)."""
    for check in reversed(v.checks):
        if check.kind == CheckKind.CORRECT and check.suggestion.status in (
            SuggestionStatus.DRAFT,
            SuggestionStatus.PENDING,
        ):
            return check
    return None


def department_page(report, user) -> DepartmentPage:
    """The indicators assigned to ``user``'s department, and the next period's targets
    any invited department may propose for."""
    round_ = rounds.find_open_round(report.id)
    invited = rounds.invited_department_ids(round_.id) if round_ else frozenset()
    own = queries.indicator_views(report.id, user, department_id=user.department_id)
    everyone = queries.indicator_views(report.id, user)
    page = DepartmentPage(
        round=round_,
        invited=invited,
        results=[v for v in own if not v.indicator.table.is_targets],
        targets=[v for v in everyone if v.indicator.table.is_targets],
        target_tables=queries.tables(report.id, TableKind.TARGETS),
        new_proposals=[
            c
            for c in queries.new_indicator_proposals(report.id, user)
            if c.department_id == user.department_id
        ],
    )
    page.can_check = {
        v.indicator.id: permissions.can_check_indicator(user, v.indicator, round_, invited=invited)
        for v in page.results
    }
    page.can_propose = permissions.can_propose_target(user, round_, invited=invited)
    return page


def departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.name)))


@dataclass
class ChairPanel:
    summary: queries.FigureSummary
    consistency: consistency.Consistency
    statuses: list[Status]


def chair_panel(report, user) -> ChairPanel | None:
    """The dashboard's figures: the same counts the API's statuses give, the flagged
    rows and the text's mismatches with the tables."""
    if not permissions.can_view_consistency(user, report):
        return None
    summary = queries.summary(report, user)
    if not summary.total:
        return None
    return ChairPanel(summary, consistency.check_report(report), STATUS_ORDER)


def _csv_header() -> list[str]:
    return [
        _("Table"),
        _("No."),
        _("Indicator"),
        _("Unit"),
        _("Target"),
        _("Actual"),
        _("Assessment stated in the table"),
        _("Assessment computed from the figures"),
        _("Flagged"),
        _("Department"),
        _("Status"),
        _("Source"),
    ]


def csv_bytes(report, user) -> bytes:
    """The indicator list with status and source, UTF-8 with a byte-order mark (Excel
    then reads Vietnamese correctly) and CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_csv_header())
    for v in queries.indicator_views(report.id, user):
        i = v.indicator
        writer.writerow(
            [
                label("table_kind", i.table.kind),
                i.row + 1,
                *(markup.plain_text(c) for c in (i.name, i.unit, i.target, i.actual)),
                markup.plain_text(i.assessment),
                "" if i.table.is_targets else label("assessment", v.computed.value),
                _("yes") if v.flagged else "",
                i.department.name if i.department else "",
                label("target_status" if i.table.is_targets else "figure_status", v.status.value),
                v.source,
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# Panels on the report, section and home pages (registered in create_app) --------------


def report_panel(report, user):
    tables = queries.tables(report.id)
    if not tables:
        return None
    # The report page asks every panel for these (reports/report.html).
    return "figures/_report_panel.html", {
        "figure_tables": tables,
        "section_badges": None,
        "notes_template": None,
    }


@dataclass
class SectionTable:
    index: int
    header: list[str]
    row: object | None  # the IndicatorTable, once recognised or mapped
    recognised: bool


def section_panel(section, user):
    """The section's tables: for the drafting team each with its mapping; for others
    only whether the section holds indicators."""
    if section.is_deleted:
        return None
    known = {
        t.table_index: t for t in queries.tables(section.report_id) if t.section_id == section.id
    }
    found = find_tables(section.current.text) if permissions.is_drafter(user) else []
    listed = [
        SectionTable(t.index, t.header, known.get(t.index), recognise_columns(t.header) is not None)
        for t in found
    ]
    mismatches = _section_mismatches(section, user)
    if not listed and not known and not mismatches:
        return None
    return "figures/_section_panel.html", {
        "section_tables": listed,
        "indicator_tables": known,
        "mismatches": mismatches,
        "passage_url": None,  # the section page asks every panel (reports/section.html)
    }


def _section_mismatches(section, user) -> list:
    """The places in the section's text the tables contradict, for those who fix them."""
    report = section.report
    if not permissions.can_view_consistency(user, report):
        return []
    if not queries.tables(report.id, TableKind.RESULTS):
        return []
    return [m for m in consistency.check_report(report).mismatches if m.section_id == section.id]


def home_panel(reports, user):
    """A department's link to its figures on each report whose open round invites it;
    for the drafting team, the text's mismatches with the tables among what waits."""
    if permissions.is_drafter(user):
        todo = {r.id: notes.outstanding_lines(r) for r in reports}
        return "figures/_home_panel.html", {"figure_links": {}, "figure_todo": todo}
    if not permissions.in_department(user):
        return None
    links = {}
    for report in reports:
        round_ = rounds.find_open_round(report.id)
        invited = rounds.invited_department_ids(round_.id) if round_ is not None else ()
        links[report.id] = user.department_id in invited and bool(queries.tables(report.id))
    return "figures/_home_panel.html", {"figure_links": links, "figure_todo": {}}
