"""The numbered draft (edition, "dự thảo lần N") a consultation round opens on.

Editions belong to consolidation, which sits above review (it reads rounds and
feedback) and may import it; review never imports consolidation. So consolidation
registers here, in ``create_app``, how to tell which edition the current text is and how
to issue one, and ``consultation.open_round`` calls it in its own transaction: a round
always opens on a numbered draft, from the pages, the API and the command line alike,
and a refused round issues nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class OpeningDraft:
    """What opening a round now would open on."""

    number: int  # the edition's number ("dự thảo lần N")
    to_issue: bool  # the current text is not yet an edition: opening issues it as ``number``
    latest: int | None  # the report's latest edition before that, if any


Plan = Callable[[object], OpeningDraft]  # (report) -> the draft a round would open on
Issue = Callable[[object, object, str], int]  # (actor, report, note) -> the number issued

_PROVIDER: dict[str, Callable] = {}


def register(*, plan: Plan, issue: Issue) -> None:
    """Called once by ``create_app`` with consolidation's functions."""
    _PROVIDER.update(plan=plan, issue=issue)


def plan(report) -> OpeningDraft:
    return _provider("plan")(report)


def issue(actor, report, note: str) -> int:
    return _provider("issue")(actor, report, note)


def _provider(name: str) -> Callable:
    try:
        return _PROVIDER[name]
    except KeyError:  # a programming error: create_app always registers it
        raise RuntimeError("no edition provider registered (see create_app)") from None
