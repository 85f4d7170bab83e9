"""Parts of a department's response that higher domains keep (the figures' confirmations).

Review never imports those domains; ``create_app`` registers here how to count a
department's drafts of each part and how to send them, and ``consultation.submit_response``
calls them in its own transaction. A part's drafts make a response worth sending, and
may go together with "no comments" (a department that only confirms its figures agrees
with the text)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Part:
    drafts: Callable[[int], dict[int, int]]  # (report id) -> drafts per department id
    publish: Callable[[object, object], int]  # (round, submission) -> how many sent


_PARTS: dict[str, Part] = {}


def register(name: str, *, drafts, publish) -> None:
    _PARTS[name] = Part(drafts=drafts, publish=publish)


def draft_counts(report_id: int) -> dict[int, int]:
    """Drafts of the other parts per department (a department confirming its figures is
    drafting its response)."""
    counts: dict[int, int] = {}
    for part in _PARTS.values():
        for department_id, n in part.drafts(report_id).items():
            counts[department_id] = counts.get(department_id, 0) + n
    return counts


def draft_count(report_id: int, department_id: int) -> int:
    return draft_counts(report_id).get(department_id, 0)


def publish(round_, submission) -> None:
    for part in _PARTS.values():
        part.publish(round_, submission)
