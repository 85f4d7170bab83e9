"""The consultation's part of the report and section pages (registered in create_app)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_login import current_user

from .. import permissions
from ..models_base import utcnow
from . import anchors, queue, rounds, visibility
from .forms import CommentForm, ReopenForm, ReplyForm, ResolveForm


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


def report_panel(report, user):
    banner = round_banner(report)
    return "review/_report_panel.html", {
        "banner": banner,
        "invited": banner["invited"],
        "general_comments": visibility.report_comments(user, report),
        "comment_form": CommentForm(kind="structure"),
        "section_badges": visibility.feedback_counts_by_section(user, report),
        **_forms(),
    }


def section_panel(section, user):
    comments, suggestions = visibility.section_feedback(user, section)
    banner = round_banner(section.report)
    outstanding = [c for c in comments if c.is_outstanding]
    return "review/_section_panel.html", {
        "banner": banner,
        "invited": banner["invited"],
        "comments": comments,
        "suggestions": suggestions,
        "anchors": anchors.anchors_on(comments, section),
        "comment_form": CommentForm(base_version=section.current_version),
        "groups": {c.id: g for g in queue.passage_groups(outstanding) for c in g},
        **_forms(),
    }
