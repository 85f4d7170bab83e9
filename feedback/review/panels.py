"""The consultation's part of the report and section pages (registered in create_app)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, url_for
from flask_login import current_user

from .. import permissions
from ..models_base import utcnow
from . import anchors, queue, rounds, visibility
from .forms import CommentForm, ReopenForm, ReplyForm, ResolveForm, SuggestionForm


def round_banner(report) -> dict:
    """The open round, how long is left, and the user's department's answer so far."""
    round_ = rounds.find_open_round(report.id)
    context = {
        "round": round_,
        "response": None,
        "deadline_near": False,
        "time_left": None,
        "invited": frozenset(),
    }
    if round_ is None:
        return context
    left = round_.deadline - utcnow()
    context["time_left"] = left
    context["deadline_near"] = (
        timedelta(0) < left < timedelta(hours=current_app.config["FEEDBACK_DEADLINE_WARNING_HOURS"])
    )
    context["invited"] = rounds.invited_department_ids(round_.id)
    if permissions.in_department(current_user) and current_user.department_id in context["invited"]:
        context["response"] = rounds.response_of(round_, current_user.department_id)
    return context


def _forms() -> dict:
    return {"reply_form": ReplyForm(), "resolve_form": ResolveForm(), "reopen_form": ReopenForm()}


def _passage_url(user, section, invited) -> str | None:
    """Where a passage selected in the section's text is commented on, if the user may."""
    if permissions.can_comment(user, section.report, section, invited=invited):
        return url_for("review.add_comment", sid=section.id)
    return None


def _in_margin(comments, section) -> list[tuple[object, anchors.Passage]]:
    """(comment, passage) for the report page's margin beside a section, in text order;
    the passages no longer found last."""
    notes = []
    for comment in comments:
        found = anchors.passage(comment, section.current.text, section.current_version)
        if found is not None:
            notes.append((comment, found))
    return sorted(notes, key=lambda n: (n[1].rendered or (float("inf"),), n[0].id))


def report_panel(report, user):
    banner = round_banner(report)
    by_section: dict[int, list] = {}
    for comment in visibility.passage_comments(user, report):
        by_section.setdefault(comment.section_id, []).append(comment)
    sections = {c[0].section_id: c[0].section for c in by_section.values()}
    return "review/_report_panel.html", {
        "banner": banner,
        "invited": banner["invited"],
        "general_comments": visibility.report_comments(user, report),
        "comment_form": CommentForm(kind="structure"),
        "passage_form": CommentForm(),
        "section_badges": visibility.feedback_counts_by_section(user, report),
        # The report page's margins (reports/report.html includes notes_template).
        "notes_template": "review/_passage_notes.html",
        "passages": {
            sid: _in_margin(comments, sections[sid])
            for sid, comments in by_section.items()
            if not sections[sid].is_deleted
        },
        "passage_urls": _PassageUrls(user, report, banner["invited"]),
        **_forms(),
    }


class _PassageUrls:
    """section id -> where a passage of it is commented on (None if the user may not)."""

    def __init__(self, user, report, invited) -> None:
        self.user, self.report, self.invited = user, report, invited

    def get(self, section):
        return _passage_url(self.user, section, self.invited)


def section_panel(section, user):
    comments, suggestions = visibility.section_feedback(user, section)
    banner = round_banner(section.report)
    outstanding = [c for c in comments if c.is_outstanding]
    found = anchors.anchors_on(comments, section)

    def in_text_order(comment) -> tuple:
        passage = found.get(comment.id)
        return (passage.rendered if passage and passage.rendered else (float("inf"),), comment.id)

    return "review/_section_panel.html", {
        "banner": banner,
        "invited": banner["invited"],
        "comments": sorted(comments, key=in_text_order),
        "suggestions": suggestions,
        "anchors": found,
        "comment_form": CommentForm(base_version=section.current_version),
        "suggest_form": SuggestionForm(base_version=section.current_version),
        "passage_url": _passage_url(user, section, banner["invited"]),
        "groups": {c.id: g for g in queue.passage_groups(outstanding) for c in g},
        **_forms(),
    }
