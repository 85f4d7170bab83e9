"""The chair's dashboard of a report."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import permissions
from ..consolidation import queries as edition_queries
from ..figures import pages as figure_pages
from ..models_base import utcnow
from ..pagecache import cached_page
from ..reports import queries as report_queries
from ..reports.forms import ActionForm
from ..review import rounds as review_rounds
from ..review.forms import ResolveForm
from . import charts, queries

bp = Blueprint("dashboard", __name__)


def _entries(report, outline, outstanding) -> dict:
    """Section entries by id for the outstanding list; deleted sections only when needed."""
    entries = {e.section.id: e for e in outline}
    if any(g.key and g.key not in entries for g in outstanding.by_section) or any(
        c.section_id and c.section_id not in entries for c in outstanding.escalated
    ):
        entries = {
            e.section.id: e
            for e in report_queries.outline(report, include_deleted=True, with_text=False)
        }
    return entries


def _series():
    comments = [
        charts.Series("open", _("comments open"), "s-open"),
        charts.Series("escalated", _("escalated to the chair"), "s-escalated"),
        charts.Series("absorbed", _("absorbed"), "s-absorbed"),
        charts.Series("explained", _("explained"), "s-explained"),
        charts.Series("noted", _("noted"), "s-noted"),
    ]
    suggestions = [
        charts.Series("pending", _("suggestions pending"), "s-pending"),
        charts.Series("accepted", _("accepted"), "s-accepted"),
        charts.Series("rejected", _("rejected"), "s-rejected"),
    ]
    responses = [
        charts.Series("submitted", _("submitted"), "s-submitted"),
        charts.Series("no_comments", _("no comments"), "s-nocomments"),
        charts.Series("drafting", _("drafting"), "s-drafting"),
        charts.Series("not_started", _("not started"), "s-notstarted"),
    ]
    return comments, suggestions, responses


@bp.get("/reports/<int:rid>/dashboard")
@login_required
@cached_page
def dashboard(rid: int):
    report = report_queries.get_report(rid)
    permissions.require(permissions.can_view_dashboard(current_user, report))
    outline = report_queries.outline(report, with_text=False)
    round_ = review_rounds.current_or_latest_round(report)
    responses = review_rounds.responses(round_) if round_ else []
    outstanding = queries.outstanding_summary(report, outline)
    bars = queries.feedback_by_section(report, outline)
    comment_series, suggestion_series, response_series = _series()
    general = _("The report as a whole")

    def link(bar):
        if bar.section_id:
            return url_for("reports.section", sid=bar.section_id)
        return url_for("reports.report", rid=rid, _anchor="general")

    status_counts = {s.key: 0 for s in response_series}
    for r in responses:
        status_counts[r.status.value] += 1
    latest = edition_queries.latest(report)
    return render_template(
        "dashboard/dashboard.html",
        report=report,
        round=round_,
        responses=responses,
        now=utcnow(),
        outstanding=outstanding,
        entries=_entries(report, outline, outstanding),
        response_chart=charts.stacked_bars(
            [(_("Departments"), status_counts, None)],
            response_series,
            name=_("Responses by department"),
        ),
        response_legend=charts.legend(response_series),
        comment_chart=charts.stacked_bars(
            [(b.label or general, b.comments, link(b)) for b in bars if sum(b.comments.values())],
            comment_series,
            name=_("Comments by section"),
        ),
        comment_legend=charts.legend(comment_series),
        suggestion_chart=charts.stacked_bars(
            [
                (b.label or general, b.suggestions, link(b))
                for b in bars
                if sum(b.suggestions.values())
            ],
            suggestion_series,
            name=_("Suggested revisions by section"),
        ),
        suggestion_legend=charts.legend(suggestion_series),
        bars=bars,
        latest=latest,
        resolve_form=ResolveForm(),
        action_form=ActionForm(),
        figures=figure_pages.chair_panel(report, current_user),
    )
