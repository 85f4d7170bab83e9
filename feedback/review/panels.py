"""The consultation's part of the report and section pages (registered in create_app)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, url_for
from flask_babel import ngettext
from flask_login import current_user

from .. import permissions
from ..models_base import utcnow
from . import anchors, outstanding, queue, rounds, visibility
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


def _todo_for(report, user) -> list[tuple[str, str]]:
    """(sentence, link) of what waits for ``user`` on ``report``."""
    todo = []
    if permissions.can_view_outstanding(user, report):
        counts = queue.open_counts(report)
        escalated = outstanding.escalated_count(report)
        if permissions.is_chair(user) and escalated:
            todo.append(
                (
                    ngettext(
                        "%(num)d comment escalated to you",
                        "%(num)d comments escalated to you",
                        escalated,
                    ),
                    url_for("dashboard.dashboard", rid=report.id),
                )
            )
        elif permissions.is_drafter(user) and counts["total"]:
            todo.append(
                (
                    ngettext(
                        "%(num)d item waits in the review queue",
                        "%(num)d items wait in the review queue",
                        counts["total"],
                    ),
                    url_for("review.queue", rid=report.id),
                )
            )
    round_ = rounds.find_open_round(report.id)
    if round_ is not None and permissions.in_department(user):
        response = rounds.response_of(round_, user.department_id)
        if response is not None and response.drafts:
            sentence = ngettext(
                "%(num)d draft of your department waits to be sent",
                "%(num)d drafts of your department wait to be sent",
                response.drafts,
            )
            if permissions.can_submit_response(
                user, round_, invited=rounds.invited_department_ids(round_.id)
            ):
                todo.append((sentence, url_for("review.respond", round_id=round_.id)))
            else:
                todo.append((sentence, url_for("review.round_status", round_id=round_.id)))
    return todo


def home_panel(reports, user):
    """What waits for the user on each report, on the report list."""
    return "review/_home_todo.html", {"todo": {r.id: _todo_for(r, user) for r in reports}}


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
