"""Where on the site a piece of feedback is shown."""

from __future__ import annotations

from flask import url_for

from .models import Comment


def comment_target(comment: Comment) -> str:
    """The comment on its section page (or the report page, for a general comment). The
    section page is told which comment (``?c=``): on a long list it opens the page of
    the list that shows it, with the decided items when it is one of them."""
    if comment.section_id:
        return url_for(
            "reports.section", sid=comment.section_id, c=comment.id, _anchor=f"c{comment.id}"
        )
    return url_for("reports.report", rid=comment.report_id, _anchor=f"c{comment.id}")
