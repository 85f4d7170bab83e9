"""Where a comment's quoted passage is in a section's current text, and in what the
page shows of it (to highlight it there)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .. import markup, textdiff
from ..richtext.offsets import text_map
from .models import Comment


def anchor_status(
    comment: Comment, current_text: str, current_version: int
) -> textdiff.AnchorMatch | None:
    """Exact, moved (fuzzy), or gone (not_found); None for a comment without a quote."""
    if not comment.quote:
        return None
    if comment.base_version == current_version:
        start = comment.quote_start or 0
        return textdiff.AnchorMatch(
            status="exact", start=start, end=start + len(comment.quote), text=comment.quote
        )
    anchor = textdiff.Anchor(
        quote=comment.quote,
        prefix=comment.quote_prefix or "",
        suffix=comment.quote_suffix or "",
        start=comment.quote_start or 0,
    )
    return textdiff.reanchor(anchor, current_text)


@dataclass(frozen=True)
class Passage:
    """A comment's passage in the current text: ``status`` (exact, fuzzy, not_found) and,
    unless gone, ``rendered``: (start, end) in the text the page shows (the DOM's
    textContent of the rendered section), where passages.js highlights it."""

    comment_id: int
    status: str
    rendered: tuple[int, int] | None

    @property
    def shown(self) -> bool:
        return self.rendered is not None


def passage(comment: Comment, current_text: str, current_version: int) -> Passage | None:
    match = anchor_status(comment, current_text, current_version)
    if match is None:
        return None
    rendered = None
    if match.status != "not_found":
        rendered = text_map(current_text, markup.render).to_rendered(match.start, match.end)
    return Passage(comment.id, match.status, rendered)


def anchors_on(comments: Iterable[Comment], section) -> dict[int, Passage | None]:
    """Each comment's passage in the section's current text, by comment id."""
    current = section.current
    return {c.id: passage(c, current.text, current.number) for c in comments}
