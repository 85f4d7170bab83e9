"""Previews of pending suggestions, prepared when a section changes and read by the
drafting team's pages; and each suggestion's tracked changes, rendered when it is written.

A read never diffs or rebases: what is not prepared yet is shown as "being prepared"
(``flask renders rebuild`` or the next write prepares it).
"""

from __future__ import annotations

from sqlalchemy import select

from .. import textdiff
from ..extensions import db
from ..renders import store
from ..reports import queries as report_queries
from ..reports.models import Section
from .decisions import Preview, preview
from .models import Suggestion, SuggestionPreview


def store_diff(suggestion: Suggestion) -> None:
    """Render the suggestion's changes against its base version (at write time)."""
    base = report_queries.get_version(suggestion.section, suggestion.base_version)
    store.ensure(base.text, suggestion.text)


def diff_html(suggestion: Suggestion) -> str | None:
    """The suggestion's tracked changes against its base version; None while not rendered."""
    base = report_queries.get_version(suggestion.section, suggestion.base_version)
    return store.find(base.text, suggestion.text)


def _prepare(suggestion: Suggestion, section: Section) -> None:
    current = section.current
    if suggestion.base_version == current.number:
        return  # accepting it as it is: its own diff says everything
    row = db.session.get(SuggestionPreview, (suggestion.id, current.number))
    if row is None:
        row = SuggestionPreview(
            suggestion_id=suggestion.id,
            section_version=current.number,
            merged_text=preview(suggestion).text,
        )
        db.session.add(row)
    if row.merged_text is not None:
        store.ensure(current.text, row.merged_text)


def refresh_sections(section_ids: set[int]) -> None:
    """Prepare the previews of the pending suggestions of sections that just changed."""
    pending = db.session.scalars(
        select(Suggestion).where(Suggestion.section_id.in_(section_ids), Suggestion.is_outstanding)
    ).all()
    for suggestion in pending:
        _prepare(suggestion, suggestion.section)


def prepared(suggestion: Suggestion) -> tuple[Preview | None, str | None]:
    """(what accepting now gives, the HTML of its changes to the current text), as
    prepared; (None, None) while it is being prepared."""
    current = suggestion.section.current
    if suggestion.base_version == current.number:
        return Preview(suggestion.text, rebased=False), diff_html(suggestion)
    row = db.session.get(SuggestionPreview, (suggestion.id, current.number))
    if row is None:
        return None, None
    if row.merged_text is None:
        return Preview(None, rebased=True, conflict=_CONFLICT), None
    return Preview(row.merged_text, rebased=True), store.find(current.text, row.merged_text)


# A prepared conflict is known only as such; the merge page computes its details.
_CONFLICT = textdiff.Conflict(base="", current="", proposed="", clashes=())


def rebuild() -> tuple[int, int]:
    """Render every suggestion's changes and prepare every pending preview that the
    current renderer has not done yet: (suggestions, previews) looked at."""
    suggestions = db.session.scalars(select(Suggestion)).all()
    for suggestion in suggestions:
        store_diff(suggestion)
    pending = [s for s in suggestions if s.is_outstanding]
    for suggestion in pending:
        _prepare(suggestion, suggestion.section)
    return len(suggestions), len(pending)
