"""The drafting team's pages: review queue, decisions with tracked diffs, hand merges."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions, textdiff
from ..auth.models import Department
from ..auth.views import safe_next
from ..errors import DomainError, InvalidInput
from ..extensions import db
from ..formtools import run_and_flash
from ..labels import LABELS
from ..reports import queries as report_queries
from ..reports.forms import ActionForm
from ..validation import whole_number
from . import decisions, queries, views
from .forms import AcceptForm, BulkAcceptForm, RejectForm, ReopenForm, ResolveForm
from .views import bp


def _queue_pages(report, filters, outline) -> tuple[list[list[int | None]], int]:
    """Whole sections per page, about FEEDBACK_QUEUE_PAGE_ITEMS items each, in outline
    order (the report as a whole first). No pages when one section is chosen or all fits."""
    if filters["section_id"] is not None:
        return [], 1
    counts = queries.queue_section_counts(report, **filters)
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


@bp.get("/reports/<int:rid>/review")
def queue(rid: int):
    report = report_queries.get_report(rid)
    permissions.require(permissions.can_view_outstanding(current_user, report))
    filters = {
        "section_id": request.args.get("section", type=whole_number),
        "department_id": request.args.get("department", type=whole_number),
        "kind": request.args.get("kind") or None,
        "status": request.args.get("status", "open"),
    }
    if filters["status"] not in queries.QUEUE_STATUSES:
        filters["status"] = "open"
    if filters["kind"] not in (None, "suggestion", *LABELS["comment_kind"]):
        filters["kind"] = None
    outline = report_queries.outline(report, include_deleted=True, with_text=False)
    pages, page = _queue_pages(report, filters, outline)
    result = queries.review_queue(report, **filters, sections=pages[page - 1] if pages else None)
    departments = db.session.query(Department).order_by(Department.code).all()
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
        groups=queries.passage_groups(result.comments),
        resolve_form=ResolveForm(),
        action_form=ActionForm(),
        reopen_form=ReopenForm(),
    )


def _suggestion_page(item):
    return redirect(url_for(".suggestion", suggestion_id=item.id))


def _decision_error(error: DomainError, item):
    if error.status in (403, 404):
        raise error
    db.session.rollback()
    flash(error.message, "error")
    return _suggestion_page(item)


@bp.post("/suggestions/<int:suggestion_id>/accept")
def accept(suggestion_id: int):
    item = queries.get_suggestion(suggestion_id, current_user)
    permissions.require(permissions.can_decide(current_user))
    form = AcceptForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        expected = int(form.expected_version.data)
    except ValueError:
        abort(400)
    # The text box holds the (rebased) proposal; changing it is "accept with edits".
    edited = None
    if form.text.data is not None and textdiff.normalize(form.text.data) != textdiff.normalize(
        form.original.data or ""
    ):
        edited = form.text.data
    try:
        outcome = decisions.accept_suggestion(
            current_user, item, text=edited, note=form.note.data, expected_version=expected
        )
    except DomainError as error:
        return _decision_error(error, item)
    db.session.commit()
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
    return redirect(safe_next(request.form.get("next")) or url_for(".queue", rid=item.report_id))


@bp.post("/suggestions/<int:suggestion_id>/reject")
def reject(suggestion_id: int):
    item = queries.get_suggestion(suggestion_id, current_user)
    permissions.require(permissions.can_decide(current_user))
    form = RejectForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        decisions.reject_suggestion(current_user, item, reason=form.reason.data)
    except DomainError as error:
        if error.status == 422:
            db.session.rollback()
            flash(_("Give a reason for the rejection; the department will read it."), "error")
            return _suggestion_page(item)
        return _decision_error(error, item)
    db.session.commit()
    flash(_("Suggestion rejected."), "success")
    return redirect(url_for(".queue", rid=item.report_id))


@bp.post("/suggestions/<int:suggestion_id>/reopen")
def reopen_suggestion(suggestion_id: int):
    item = queries.get_suggestion(suggestion_id, current_user)
    permissions.require(permissions.can_decide(current_user))
    form = ReopenForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        decisions.reopen_suggestion(current_user, item, note=form.note.data)
    except DomainError as error:
        return _decision_error(error, item)
    db.session.commit()
    flash(_("Suggestion reopened."), "success")
    return _suggestion_page(item)


@bp.route("/suggestions/<int:suggestion_id>/merge", methods=["GET"])
def merge(suggestion_id: int):
    """Base, current and proposed side by side with the clashing spans; the drafter writes the merge."""
    item = queries.get_suggestion(suggestion_id, current_user)
    permissions.require(permissions.can_decide(current_user))
    if item.status != "pending":
        return _suggestion_page(item)
    outcome = decisions.preview(item)
    section = item.section
    current = section.current
    base = report_queries.get_version(section, item.base_version)
    conflict = outcome.conflict
    form = AcceptForm(
        text=current.text if conflict else outcome.text,
        original="",
        expected_version=current.number,
    )
    return render_template(
        "review/merge.html",
        suggestion=item,
        section=section,
        entry=report_queries.section_entry(section),
        base=base,
        current=current,
        conflict=conflict,
        form=form,
        reject_form=RejectForm(),
        panes={
            "base": textdiff.conflict_html(conflict, "base") if conflict else None,
            "current": textdiff.conflict_html(conflict, "current") if conflict else None,
            "proposed": textdiff.conflict_html(conflict, "proposed") if conflict else None,
        },
        theirs_html=textdiff.render_html(textdiff.diff_words(base.text, current.text)),
        proposed_html=textdiff.render_html(textdiff.diff_words(base.text, item.text)),
    )


@bp.post("/sections/<int:sid>/accept-suggestions")
def accept_in_order(sid: int):
    section = report_queries.get_section(sid)
    permissions.require(permissions.can_decide(current_user))
    form = BulkAcceptForm()
    if not form.validate_on_submit():
        abort(400)
    items = [queries.get_suggestion(i, current_user) for i in form.ids.data or []]
    try:
        outcome = decisions.accept_in_order(current_user, section, items)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".queue", rid=section.report_id, section=sid))
    db.session.commit()
    if outcome.accepted:
        flash(_("%(n)d suggestions accepted.", n=len(outcome.accepted)), "success")
    if outcome.conflict is not None:
        flash(
            _(
                "Stopped at suggestion #%(id)d: it conflicts with the text as it now stands. Merge it by hand.",
                id=outcome.conflict.suggestion.id,
            ),
            "warning",
        )
        return redirect(url_for(".merge", suggestion_id=outcome.conflict.suggestion.id))
    return redirect(url_for(".queue", rid=section.report_id, section=sid))


def _comment_back(comment):
    return redirect(safe_next(request.form.get("next")) or views._comment_target(comment))


@bp.post("/comments/<int:comment_id>/resolve")
def resolve(comment_id: int):
    comment = queries.get_comment(comment_id, current_user)
    permissions.require(permissions.can_decide(current_user) or permissions.is_chair(current_user))
    form = ResolveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        absorbed = int(form.absorbed_version.data) if form.absorbed_version.data else None
    except ValueError:
        flash(_("The version must be a number."), "error")
        return _comment_back(comment)
    others = [queries.get_comment(i, current_user) for i in form.also.data or [] if i != comment.id]
    try:
        decisions.resolve_comments(
            current_user,
            [comment, *others],
            disposition=form.disposition.data,
            response=form.response.data,
            absorbed_version=absorbed,
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        db.session.rollback()
        if isinstance(error, InvalidInput) and error.details.get("field") == "response":
            flash(_("This answer needs a response to the department."), "error")
        else:
            flash(error.message, "error")
        return _comment_back(comment)
    db.session.commit()
    flash(
        _("Answer recorded for %(n)d comments.", n=1 + len(others))
        if others
        else _("Answer recorded."),
        "success",
    )
    return _comment_back(comment)


@bp.post("/comments/<int:comment_id>/reopen")
def reopen_comment(comment_id: int):
    comment = queries.get_comment(comment_id, current_user)
    permissions.require(permissions.can_decide(current_user))
    form = ReopenForm()
    if not form.validate_on_submit():
        abort(400)
    run_and_flash(
        lambda: decisions.reopen_comment(current_user, comment, note=form.note.data),
        _("Comment reopened."),
    )
    return _comment_back(comment)
