"""The drafting team's pages: review queue, decisions with tracked diffs, hand merges."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions, textdiff
from ..auth.models import Department
from ..auth.views import safe_next
from ..diffview import tracked_html
from ..errors import InvalidInput
from ..extensions import db
from ..formtools import refusal, run_and_flash
from ..labels import LABELS
from ..pagecache import cached_page
from ..reports import panels as report_panels
from ..reports import queries as report_queries
from ..reports.forms import ActionForm
from ..transaction import attempt
from ..validation import whole_number
from . import decisions, panels, previews, queue, visibility
from .blueprint import bp
from .forms import AcceptForm, BulkAcceptForm, RejectForm, ReopenForm, ResolveForm
from .links import comment_target


def _queue_pages(report, filters, outline) -> tuple[list[list[int | None]], int]:
    """Whole sections per page, about FEEDBACK_QUEUE_PAGE_ITEMS items each, in outline
    order (the report as a whole first). No pages when one section is chosen or all fits."""
    if filters["section_id"] is not None:
        return [], 1
    counts = queue.queue_section_counts(report, **filters)
    limit = current_app.config["FEEDBACK_QUEUE_PAGE_ITEMS"]
    if sum(counts.values()) <= limit:
        return [], 1
    pages: list[list[int | None]] = [[]]
    filled = 0
    for section_id in [None, *(e.section.id for e in outline)]:
        n = counts.get(section_id, 0)
        if not n:
            continue
        if filled and filled + n > limit:
            pages.append([])
            filled = 0
        pages[-1].append(section_id)
        filled += n
    page = request.args.get("page", 1, type=whole_number)
    return pages, min(max(page, 1), len(pages))


def _queue_filters() -> dict:
    filters = {
        "section_id": request.args.get("section", type=whole_number),
        "department_id": request.args.get("department", type=whole_number),
        "kind": request.args.get("kind") or None,
        "status": request.args.get("status", "open"),
    }
    if filters["status"] not in queue.QUEUE_STATUSES:
        filters["status"] = "open"
    if filters["kind"] not in (None, "suggestion", *LABELS["comment_kind"]):
        filters["kind"] = None
    return filters


@bp.get("/reports/<int:rid>/review", endpoint="queue")
@cached_page
def queue_page(rid: int):
    report = report_queries.get_report(rid)
    permissions.require(permissions.can_view_outstanding(current_user, report))
    filters = _queue_filters()
    outline = report_queries.outline(report, include_deleted=True, with_text=False)
    pages, page = _queue_pages(report, filters, outline)
    result = queue.review_queue(report, **filters, sections=pages[page - 1] if pages else None)
    departments = db.session.query(Department).order_by(Department.code).all()
    panels.preload_cards(result.comments)
    return render_template(
        "review/queue.html",
        report=report,
        queue=result,
        filters=filters,
        outline=outline,
        entries={e.section.id: e for e in outline},
        departments=departments,
        pages=pages,
        page=page,
        groups=queue.passage_groups(result.comments),
        resolve_form=ResolveForm(),
        action_form=ActionForm(),
        reopen_form=ReopenForm(),
    )


def decision_context(item) -> dict:
    """The decision part of a suggestion's page: preview and forms, for the drafting team."""
    if not permissions.can_decide(current_user):
        return {}
    context = {"reject_form": RejectForm(), "reopen_form": ReopenForm()}
    if item.is_outstanding and not item.section.is_deleted:
        outcome, html = previews.prepared(item)
        context["preview"] = outcome
        context["preview_html"] = html
        context["accept_form"] = AcceptForm(
            text=outcome.text if outcome is not None and outcome.text is not None else None,
            expected_version=item.section.current_version,
        )
    return context


def _suggestion_page(item):
    return redirect(url_for(".suggestion", suggestion_id=item.id))


def _refused(error, item):
    flash(error.message, "error")
    return _suggestion_page(item)


def _decider_form(form_class):
    permissions.require(permissions.can_decide(current_user))
    form = form_class()
    if not form.validate_on_submit():
        raise refusal(form)
    return form


@bp.post("/suggestions/<int:suggestion_id>/accept")
def accept(suggestion_id: int):
    item = visibility.get_suggestion(suggestion_id, current_user)
    form = _decider_form(AcceptForm)
    outcome, error = attempt(
        lambda: decisions.accept_suggestion(
            current_user,
            item,
            text=form.text.data,
            note=form.note.data,
            expected_version=form.expected_version.data,
        )
    )
    if error is not None:
        return _refused(error, item)
    if outcome.conflict is not None:
        flash(
            _("The suggestion conflicts with changes made since its version; merge it by hand."),
            "warning",
        )
        return redirect(url_for(".merge", suggestion_id=item.id))
    flash(
        _("Suggestion accepted: the section is now at version %(n)d.", n=outcome.version.number),
        "success",
    )
    for note in report_panels.render("accepted", item.section, current_user):
        flash(note, "warning")
    return redirect(safe_next(request.form.get("next")) or url_for(".queue", rid=item.report_id))


@bp.post("/suggestions/<int:suggestion_id>/reject")
def reject(suggestion_id: int):
    item = visibility.get_suggestion(suggestion_id, current_user)
    form = _decider_form(RejectForm)
    _result, error = attempt(
        lambda: decisions.reject_suggestion(current_user, item, reason=form.reason.data)
    )
    if error is not None:
        return _refused(error, item)
    flash(_("Suggestion rejected."), "success")
    return redirect(url_for(".queue", rid=item.report_id))


@bp.post("/suggestions/<int:suggestion_id>/reopen")
def reopen_suggestion(suggestion_id: int):
    item = visibility.get_suggestion(suggestion_id, current_user)
    form = _decider_form(ReopenForm)
    _result, error = attempt(
        lambda: decisions.reopen_suggestion(current_user, item, note=form.note.data)
    )
    if error is not None:
        return _refused(error, item)
    flash(_("Suggestion reopened."), "success")
    return _suggestion_page(item)


@bp.get("/suggestions/<int:suggestion_id>/merge")
def merge(suggestion_id: int):
    """Base, current and proposed side by side with the clashing spans; the drafter writes the merge."""
    item = visibility.get_suggestion(suggestion_id, current_user)
    permissions.require(permissions.can_decide(current_user))
    if not item.is_outstanding:
        return _suggestion_page(item)
    outcome = decisions.preview(item)
    section = item.section
    current = section.current
    base = report_queries.get_version(section, item.base_version)
    conflict = outcome.conflict
    panes = {
        which: textdiff.conflict_html(conflict, which) if conflict else None
        for which in ("base", "current", "proposed")
    }
    return render_template(
        "review/merge.html",
        suggestion=item,
        section=section,
        entry=report_queries.section_entry(section),
        base=base,
        current=current,
        conflict=conflict,
        form=AcceptForm(
            text=current.text if conflict else outcome.text, expected_version=current.number
        ),
        reject_form=RejectForm(),
        panes=panes,
        theirs_html=tracked_html(base.text, current.text),
        proposed_html=tracked_html(base.text, item.text),
    )


@bp.post("/sections/<int:sid>/accept-suggestions")
def accept_in_order(sid: int):
    section = report_queries.get_section(sid)
    form = _decider_form(BulkAcceptForm)
    items = [visibility.get_suggestion(i, current_user) for i in form.ids.data or []]
    outcome, error = attempt(lambda: decisions.accept_in_order(current_user, section, items))
    if error is not None:
        flash(error.message, "error")
        return redirect(url_for(".queue", rid=section.report_id, section=sid))
    if outcome.accepted:
        flash(_("%(n)d suggestions accepted.", n=len(outcome.accepted)), "success")
        for note in report_panels.render("accepted", section, current_user):
            flash(note, "warning")
    if outcome.conflict is not None:
        flash(
            _(
                "Stopped at suggestion #%(id)d: it conflicts with the text as it now stands. Merge it by hand.",
                id=outcome.conflict.suggestion.id,
            ),
            "warning",
        )
        return redirect(url_for(".merge", suggestion_id=outcome.conflict.suggestion.id))
    return _queue_after_accepting(section)


def _queue_after_accepting(section):
    """Back to the section's part of the queue while it holds anything open; otherwise
    the whole queue (never an empty filtered view)."""
    if queue.open_counts(section.report)["section"].get(section.id):
        return redirect(url_for(".queue", rid=section.report_id, section=section.id))
    return redirect(url_for(".queue", rid=section.report_id))


def _comment_back(comment):
    return redirect(safe_next(request.form.get("next")) or comment_target(comment))


@bp.post("/comments/<int:comment_id>/resolve")
def resolve(comment_id: int):
    comment = visibility.get_comment(comment_id, current_user)
    permissions.require(permissions.can_decide(current_user) or permissions.is_chair(current_user))
    form = ResolveForm()
    if not form.validate_on_submit():
        raise refusal(form)
    absorbed = form.absorbed_version.data
    others = [
        visibility.get_comment(i, current_user) for i in form.also.data or [] if i != comment.id
    ]
    _result, error = attempt(
        lambda: decisions.resolve_comments(
            current_user,
            [comment, *others],
            disposition=_chosen_disposition(form),
            response=form.response.data,
            absorbed_version=absorbed,
        )
    )
    if error is not None:
        flash(error.message, "error")
    elif others:
        flash(_("Answer recorded for %(n)d comments.", n=1 + len(others)), "success")
    else:
        flash(_("Answer recorded."), "success")
    return _comment_back(comment)


def _chosen_disposition(form) -> str:
    """The answer chosen; none is preselected, and sending the form without choosing
    one is refused (before anything is recorded) with a sentence, not taken as a default."""
    if not form.disposition.data:
        raise InvalidInput(
            _(
                "Choose an answer (absorbed, partly absorbed, explained, noted…) before recording it."
            ),
            details={"field": "disposition"},
        )
    return form.disposition.data


@bp.post("/comments/<int:comment_id>/reopen")
def reopen_comment(comment_id: int):
    comment = visibility.get_comment(comment_id, current_user)
    form = _decider_form(ReopenForm)
    run_and_flash(
        lambda: decisions.reopen_comment(current_user, comment, note=form.note.data),
        _("Comment reopened."),
    )
    return _comment_back(comment)
