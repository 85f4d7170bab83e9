"""What the figures add to other domains' pages without those domains importing them:
the text's mismatches with the tables among the drafting team's outstanding work (home
page, review queue), a section's own mismatches, the indicator a suggestion changes,
and the sentence after accepting a change to an indicator table."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from .. import permissions
from ..extensions import db
from . import consistency, queries
from .blueprint import bp
from .models import CheckKind, IndicatorCheck, TableKind


def mismatch_anchor(m: consistency.TextMismatch) -> str:
    """The id of a mismatch's line in its section page's notice."""
    return f"mismatch-{m.start}"


@bp.app_template_global("figure_consistency")
def report_consistency(report) -> consistency.Consistency | None:
    """The report's mismatches and flagged rows for the drafting team and the chair (the
    same the API's outstanding list counts), None for others or without tables."""
    if not permissions.can_view_consistency(current_user, report):
        return None
    if not queries.tables(report.id, TableKind.RESULTS):
        return None
    return consistency.check_report(report)


@bp.app_template_global("section_mismatches")
def section_mismatches(section) -> list[consistency.TextMismatch]:
    """The places in ``section``'s text the tables contradict (drafting team, chair)."""
    if section.is_deleted:
        return []
    result = report_consistency(section.report)
    if result is None:
        return []
    return [m for m in result.mismatches if m.section_id == section.id]


@bp.app_template_global("figure_check_of")
def check_of(suggestion) -> IndicatorCheck | None:
    """The department's correction or proposal a suggestion carries, if any."""
    return db.session.scalar(
        select(IndicatorCheck).where(IndicatorCheck.suggestion_id == suggestion.id)
    )


def outstanding_lines(report) -> list[tuple[str, str]]:
    """(sentence, link) of the figures among the drafting team's outstanding work."""
    result = report_consistency(report)
    if result is None or not permissions.is_drafter(current_user):
        return []
    lines = []
    if result.mismatches:
        lines.append(
            (
                ngettext(
                    "%(num)d sentence of the report disagrees with the tables",
                    "%(num)d sentences of the report disagree with the tables",
                    len(result.mismatches),
                ),
                url_for("figures.index", rid=report.id, _anchor="mismatches"),
            )
        )
    if result.flags:
        lines.append(
            (
                ngettext(
                    "%(num)d table row's stated assessment disagrees with its figures",
                    "%(num)d table rows' stated assessments disagree with their figures",
                    len(result.flags),
                ),
                url_for("figures.index", rid=report.id, _anchor="flagged"),
            )
        )
    return lines


def accepted_note(section, user=None) -> Markup | None:
    """After a change to ``section`` is accepted: when the section holds a results
    table, what the tables now count and how many sentences no longer match them."""
    if not any(
        t.section_id == section.id for t in queries.tables(section.report_id, TableKind.RESULTS)
    ):
        return None
    result = consistency.check_report(section.report)
    counts = result.counts
    sentence = _(
        "The indicator tables now count %(met)d/%(total)d indicators met",
        met=counts.met + counts.exceeded,
        total=counts.total,
    )
    if not result.mismatches:
        return Markup("{}.").format(sentence)
    link = url_for("figures.index", rid=section.report_id, _anchor="mismatches")
    more = ngettext(
        "%(num)d sentence of the report no longer matches",
        "%(num)d sentences of the report no longer match",
        len(result.mismatches),
    )
    return Markup('{}: <a href="{}">{}</a>.').format(sentence, link, more)


def is_proposal(check: IndicatorCheck | None) -> bool:
    return check is not None and check.kind == CheckKind.PROPOSE
