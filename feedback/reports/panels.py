"""Parts of the report and section pages that higher domains provide.

The consultation (review) shows rounds and feedback on these pages, but reports never
imports review: ``create_app`` registers the providers here, in plain sight. A provider
takes (report or section, user) and returns (template, context) or None.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

Panel = Callable[[object, object], tuple[str, dict] | None]
_KEY = "feedback.panels"


def register(
    app: Flask,
    *,
    report: Panel | None = None,
    section: Panel | None = None,
    home: Panel | None = None,
    accepted: Panel | None = None,
) -> None:
    """``accepted`` takes (section, user) after a change to the section was accepted and
    returns a sentence to show beside the confirmation, or None."""
    panels = app.extensions.setdefault(
        _KEY, {"report": [], "section": [], "home": [], "accepted": []}
    )
    kinds = (("report", report), ("section", section), ("home", home), ("accepted", accepted))
    for kind, panel in kinds:
        if panel is not None:
            panels[kind].append(panel)


def render(kind: str, obj, user) -> list[tuple[str, dict]]:
    """The panels of a "report" or "section" page, or of the "home" page (whose object
    is the list of reports), in registration order."""
    providers = current_app.extensions.get(_KEY, {}).get(kind, [])
    return [p for p in (provider(obj, user) for provider in providers) if p]
