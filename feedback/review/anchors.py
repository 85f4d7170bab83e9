"""Where a comment's quoted passage is in a section's current text."""

from __future__ import annotations

from .. import textdiff
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


def anchors_on(comments, section) -> dict[int, textdiff.AnchorMatch | None]:
    """Each comment's anchor in the section's current text, by comment id."""
    current = section.current
    return {c.id: anchor_status(c, current.text, current.number) for c in comments}
