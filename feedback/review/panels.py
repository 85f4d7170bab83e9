"""The consultation's part of the report and section pages (registered in create_app)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, request, url_for
from flask_babel import ngettext
from flask_login import current_user

from .. import permissions
from ..models_base import utcnow
from ..renders import markdown
from ..validation import whole_number
from . import anchors, outstanding, queue, rounds, visibility
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
    general_comments = visibility.report_comments(user, report)
    preload_cards(general_comments)
    by_section: dict[int, list] = {}
    for comment in visibility.passage_comments(user, report):
        by_section.setdefault(comment.section_id, []).append(comment)
    sections = {c[0].section_id: c[0].section for c in by_section.values()}
    return "review/_report_panel.html", {
        "banner": banner,
        "invited": banner["invited"],
        "general_comments": general_comments,
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


def feedback_page(comments, suggestions) -> dict:
    """The cards a section page shows. A short list (up to FEEDBACK_PAGE_SIZE items) is
    shown whole. A long one shows what is still open (drafts, pending, escalated) page by
    page (``?fpage=n``); its decided items (answered comments, accepted or rejected
    suggestions) collapse into a link, ``?decided=1``, which shows the whole list. A link
    to one comment (``?c=<id>``) opens the page that shows it."""
    size = current_app.config["FEEDBACK_PAGE_SIZE"]
    total = len(comments) + len(suggestions)
    target = _linked_comment(comments)
    show_all = total <= size or request.args.get("decided") == "1"
    show_all = show_all or (target is not None and target.is_answered)
    if not show_all:
        comments = [c for c in comments if not c.is_answered]
        suggestions = [s for s in suggestions if not s.is_decided]
    items = [*suggestions, *comments]
    pages = 1 if show_all else max(1, -(-len(items) // size))
    page = _page_number(items, pages, size, target)
    shown = {id(item) for item in items[(page - 1) * size : page * size]} if pages > 1 else None
    return {
        "comments": [c for c in comments if shown is None or id(c) in shown],
        "suggestions": [s for s in suggestions if shown is None or id(s) in shown],
        "total": total,
        "decided_hidden": 0 if show_all else total - len(items),
        "show_decided": show_all and total > size,
        "feedback_page": page,
        "feedback_pages": pages,
    }


def _linked_comment(comments):
    """The comment a link named (``?c=<id>``), if it is in the list."""
    wanted = request.args.get("c", type=whole_number)
    return next((c for c in comments if c.id == wanted), None) if wanted else None


def _page_number(items: list, pages: int, size: int, target) -> int:
    """The page asked for (``?fpage=``, out of range: the nearest), else the one showing
    ``target``, else the first."""
    asked = request.args.get("fpage", "")
    if asked.isdigit() and len(asked) < 6:
        return min(max(int(asked), 1), pages)
    if target is not None and pages > 1:
        return next(i for i, item in enumerate(items) if item is target) // size + 1
    return 1


class _PassageUrls:
    """section id -> where a passage of it is commented on (None if the user may not)."""

    def __init__(self, user, report, invited) -> None:
        self.user, self.report, self.invited = user, report, invited

    def get(self, section):
        return _passage_url(self.user, section, self.invited)


def preload_cards(comments, suggestions=()) -> None:
    """The stored HTML of what the cards show, in one query (renders.markdown)."""
    markdown.preload(
        [
            *(c.body for c in comments),
            *(r.body for c in comments for r in c.replies),
            *(s.rationale for s in suggestions),
        ]
    )


def section_panel(section, user):
    comments, suggestions = visibility.section_feedback(user, section, with_text=False)
    banner = round_banner(section.report)
    outstanding = [c for c in comments if c.is_outstanding]
    found = anchors.anchors_on(comments, section)

    def in_text_order(comment) -> tuple:
        passage = found.get(comment.id)
        return (passage.rendered if passage and passage.rendered else (float("inf"),), comment.id)

    shown = feedback_page(sorted(comments, key=in_text_order), suggestions)
    preload_cards(shown["comments"], shown["suggestions"])
    return "review/_section_panel.html", {
        "banner": banner,
        "invited": banner["invited"],
        **shown,
        "anchors": found,
        "comment_form": CommentForm(base_version=section.current_version),
        "suggest_form": SuggestionForm(base_version=section.current_version),
        "passage_url": _passage_url(user, section, banner["invited"]),
        "groups": {c.id: g for g in queue.passage_groups(outstanding) for c in g},
        **_forms(),
    }
