"""What the chair should know before approving an edition: the round still open, the
departments that have not answered, what is still undecided, a text that moved on."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext

from ..i18n import datetime_filter
from ..review import outstanding, rounds
from . import queries
from .models import Edition


@dataclass(frozen=True)
class Warning:
    code: str  # round_open, departments_pending, outstanding, newer_text
    message: str  # a sentence in the reader's language
    details: dict = field(default_factory=dict)


def _round_warnings(edition: Edition) -> list[Warning]:
    warnings = []
    round_ = rounds.find_open_round(edition.report_id)
    if round_ is not None:
        warnings.append(
            Warning(
                "round_open",
                _(
                    "Round %(n)d is still open (deadline %(deadline)s): departments can still send feedback.",
                    n=round_.number,
                    deadline=datetime_filter(round_.deadline),
                ),
                {"round": round_.number},
            )
        )
    pending = rounds.pending_departments(round_ or rounds.latest_round(edition.report))
    if pending:
        names = ", ".join(r.department.name for r in pending)
        warnings.append(
            Warning(
                "departments_pending",
                ngettext(
                    "%(num)d department has not answered: %(names)s.",
                    "%(num)d departments have not answered: %(names)s.",
                    len(pending),
                    names=names,
                ),
                {"departments": [r.department.code for r in pending]},
            )
        )
    return warnings


def _outstanding_warning(edition: Edition) -> list[Warning]:
    counts = outstanding.outstanding(edition.report).counts
    open_items = {k: v for k, v in counts.items() if v and k != "departments_pending"}
    if not open_items:
        return []
    return [
        Warning(
            "outstanding",
            _(
                "Still undecided: %(comments)d comments, %(suggestions)d suggestions, "
                "%(conflicts)d hand merges, %(escalated)d comments escalated to the chair.",
                **{k: counts[k] for k in ("comments", "suggestions", "conflicts", "escalated")},
            ),
            open_items,
        )
    ]


def _text_warning(edition: Edition) -> list[Warning]:
    latest = queries.latest(edition.report)
    if latest is not None and latest.number != edition.number:
        return [
            Warning(
                "newer_edition",
                _("A newer draft exists: draft no. %(n)d.", n=latest.number),
                {"latest": latest.number},
            )
        ]
    issued = {e.section_id: e.version.number for e in queries.entries(edition)}
    now = {e.section_id: e.version.number for e in queries.current_entries(edition.report)}
    changed = sorted(k for k in issued.keys() | now.keys() if issued.get(k) != now.get(k))
    if changed:
        return [
            Warning(
                "newer_text",
                ngettext(
                    "%(num)d section has changed since this draft was issued.",
                    "%(num)d sections have changed since this draft was issued.",
                    len(changed),
                ),
                {"sections": changed},
            )
        ]
    return []


def approval_warnings(edition: Edition) -> list[Warning]:
    """Everything that argues for waiting; approving is still the chair's call."""
    return [*_round_warnings(edition), *_outstanding_warning(edition), *_text_warning(edition)]
