"""A department's feedback pages: comments, replies, suggested revisions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions
from ..auth.views import safe_next
from ..errors import DomainError, InvalidInput
from ..formtools import refusal, run_and_flash
from ..reports import queries as report_queries
from ..reports.forms import ActionForm
from ..transaction import attempt
from . import consultation, rounds, services, visibility
from .blueprint import bp
from .decision_views import decision_context
from .forms import CommentEditForm, CommentForm, ReplyForm, SuggestionForm
from .links import comment_target
from .models import Comment


def _passage(form) -> tuple[int, int] | None:
    """(start, end) of a passage selected on the rendered page, when one was."""
    start, end = form.passage_start.data, form.passage_end.data
    return (start, end) if start is not None and end is not None else None


def _comment_error(error: DomainError, target: str):
    """Show why the comment was refused, with the typed text, and a way back."""
    return render_template(
        "error.html",
        status=error.status,
        message=error.message,
        back=target,
        preserved={k: request.form[k] for k in ("body", "quote") if request.form.get(k)},
    ), error.status


def _comment_saved(comment: Comment, draft_message: str) -> None:
    flash(draft_message if comment.is_draft else _("Comment published."), "success")


@bp.post("/sections/<int:sid>/comments")
def add_comment(sid: int):
    section = report_queries.get_section(sid)
    invited = rounds.invited_to_open_round(section.report_id)
    permissions.require(
        permissions.can_comment(current_user, section.report, section, invited=invited),
        _("Your department is not invited to an open consultation round on this report."),
    )
    form = CommentForm()
    target = url_for("reports.section", sid=sid)
    if not form.validate_on_submit():
        return _comment_error(refusal(form, _("Write a comment first.")), target)
    comment, error = attempt(
        lambda: services.add_comment(
            current_user,
            section,
            body=form.body.data,
            kind=form.kind.data,
            quote=form.quote.data,
            base_version=form.base_version.data,
            quote_start=form.quote_start.data,
            passage=_passage(form),
        )
    )
    if error is not None:
        return _comment_error(error, target)
    _comment_saved(
        comment,
        _(
            "Comment saved as a draft of your department; it is sent when your lead submits the response."
        ),
    )
    back = (safe_next(request.form.get("next")) or "").split("#")[0]
    if back and back.split("?")[0] != url_for("reports.section", sid=sid):
        return redirect(f"{back}#c{comment.id}")
    # On its section page: the part of a long list that shows the new draft.
    return redirect(comment_target(comment))


@bp.post("/reports/<int:rid>/comments")
def add_report_comment(rid: int):
    report = report_queries.get_report(rid)
    permissions.require(
        permissions.can_comment(current_user, report, invited=rounds.invited_to_open_round(rid)),
        _("Your department is not invited to an open consultation round on this report."),
    )
    form = CommentForm()
    target = url_for("reports.report", rid=rid)
    if not form.validate_on_submit():
        return _comment_error(refusal(form, _("Write a comment first.")), target)
    comment, error = attempt(
        lambda: services.add_report_comment(
            current_user, report, body=form.body.data, kind=form.kind.data
        )
    )
    if error is not None:
        return _comment_error(error, target)
    _comment_saved(comment, _("Comment saved as a draft of your department."))
    return redirect(url_for("reports.report", rid=rid, _anchor="general"))


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit_comment(comment_id: int):
    comment = visibility.get_comment(comment_id, current_user)
    permissions.require(permissions.can_edit_feedback(current_user, comment))
    form = CommentEditForm(obj=comment)
    if form.validate_on_submit():
        _result, error = attempt(
            lambda: services.update_comment(
                current_user, comment, body=form.body.data, kind=form.kind.data
            )
        )
        if error is None:
            flash(_("Draft saved."), "success")
            return redirect(comment_target(comment))
        form.form_errors.append(error.message)
    return render_template("review/comment_edit.html", comment=comment, form=form)


def _item_action(item, run, message: str, target: str):
    """A one-button action on a piece of feedback; back to ``next`` (a page of this
    site, e.g. the response page the button was on) or ``target``."""
    if not ActionForm().validate_on_submit():
        abort(400)
    run_and_flash(lambda: run(item), message)
    return redirect(safe_next(request.form.get("next")) or target)


@bp.post("/replies/<int:reply_id>/delete")
def delete_reply(reply_id: int):
    reply = visibility.get_reply(reply_id, current_user)
    return _item_action(
        reply,
        lambda r: services.delete_reply(current_user, r),
        _("Draft reply deleted."),
        comment_target(reply.comment),
    )


@bp.post("/replies/<int:reply_id>/publish")
def publish_reply(reply_id: int):
    reply = visibility.get_reply(reply_id, current_user)
    return _item_action(
        reply,
        lambda r: consultation.publish_reply(current_user, r),
        _("Reply sent."),
        comment_target(reply.comment),
    )


@bp.post("/comments/<int:comment_id>/delete")
def delete_comment(comment_id: int):
    comment = visibility.get_comment(comment_id, current_user)
    target = (
        url_for("reports.section", sid=comment.section_id)
        if comment.section_id
        else url_for("reports.report", rid=comment.report_id)
    )
    return _item_action(
        comment, lambda c: services.delete_comment(current_user, c), _("Draft deleted."), target
    )


@bp.post("/comments/<int:comment_id>/withdraw")
def withdraw_comment(comment_id: int):
    comment = visibility.get_comment(comment_id, current_user)
    return _item_action(
        comment,
        lambda c: services.withdraw_comment(current_user, c),
        _("Comment withdrawn."),
        comment_target(comment),
    )


@bp.post("/comments/<int:comment_id>/replies")
def reply(comment_id: int):
    comment = visibility.get_comment(comment_id, current_user)
    permissions.require(permissions.can_reply(current_user, comment))
    form = ReplyForm()
    if not form.validate_on_submit():
        return _comment_error(InvalidInput(_("Write a reply first.")), comment_target(comment))
    _reply, error = attempt(lambda: services.add_reply(current_user, comment, body=form.body.data))
    if error is not None:
        return _comment_error(error, comment_target(comment))
    return redirect(comment_target(comment))


# Suggestions --------------------------------------------------------------------------


def _suggestion_form_page(section, form, *, suggestion=None, base=None, preview=None, status=200):
    return render_template(
        "review/suggest.html",
        section=section,
        entry=report_queries.section_entry(section),
        form=form,
        preview=preview,
        suggestion=suggestion,
        base=base,
    ), status


@bp.route("/sections/<int:sid>/suggest", methods=["GET", "POST"])
def suggest(sid: int):
    section = report_queries.get_section(sid)
    permissions.require(
        permissions.can_suggest(
            current_user, section, invited=rounds.invited_to_open_round(section.report_id)
        ),
        _("Your department is not invited to an open consultation round on this report."),
    )
    form = SuggestionForm()
    if request.method == "GET":
        form.text.data = section.current.text
        form.base_version.data = section.current_version
    valid = form.validate_on_submit()
    if form.is_submitted() and form.base_version.errors:
        raise refusal(form)
    if not valid:
        return _suggestion_form_page(section, form, status=422 if form.errors else 200)
    base = report_queries.get_version(section, form.base_version.data)
    if form.preview.data:
        preview, error = attempt(lambda: services.preview_suggestion(base, form.text.data))
    else:
        suggestion, error = attempt(
            lambda: services.add_suggestion(
                current_user,
                section,
                base_version=base.number,
                text=form.text.data or "",
                rationale=form.rationale.data,
            )
        )
        if error is None:
            flash(_("Suggestion saved as a draft of your department."), "success")
            return redirect(url_for(".suggestion", suggestion_id=suggestion.id))
        preview = None
    if error is not None:
        form.form_errors.append(error.message)
    return _suggestion_form_page(
        section, form, preview=preview, status=error.status if error else 200
    )


@bp.get("/suggestions/<int:suggestion_id>")
def suggestion(suggestion_id: int):
    item = visibility.get_suggestion(suggestion_id, current_user)
    section = item.section
    base = report_queries.get_version(section, item.base_version)
    return render_template(
        "review/suggestion.html",
        suggestion=item,
        section=section,
        entry=report_queries.section_entry(section),
        base=base,
        diff_html=services.suggestion_diff_html(item),
        action_form=ActionForm(),
        **decision_context(item),
    )


@bp.route("/suggestions/<int:suggestion_id>/edit", methods=["GET", "POST"])
def edit_suggestion(suggestion_id: int):
    item = visibility.get_suggestion(suggestion_id, current_user)
    permissions.require(permissions.can_edit_feedback(current_user, item))
    base = report_queries.get_version(item.section, item.base_version)
    form = SuggestionForm(obj=item)
    if request.method == "GET":
        form.base_version.data = item.base_version
    valid = form.validate_on_submit()
    if form.is_submitted() and form.base_version.errors:
        raise refusal(form)
    if not valid:
        status = 422 if form.errors else 200
        return _suggestion_form_page(item.section, form, suggestion=item, base=base, status=status)
    if form.preview.data:
        preview, error = attempt(lambda: services.preview_suggestion(base, form.text.data))
    else:
        _result, error = attempt(
            lambda: services.update_suggestion(
                current_user, item, text=form.text.data or "", rationale=form.rationale.data
            )
        )
        if error is None:
            flash(_("Draft saved."), "success")
            return redirect(url_for(".suggestion", suggestion_id=item.id))
        preview = None
    if error is not None:
        form.form_errors.append(error.message)
    return _suggestion_form_page(
        item.section,
        form,
        suggestion=item,
        base=base,
        preview=preview,
        status=error.status if error else 200,
    )


@bp.post("/suggestions/<int:suggestion_id>/delete")
def delete_suggestion(suggestion_id: int):
    item = visibility.get_suggestion(suggestion_id, current_user)
    return _item_action(
        item,
        lambda s: services.delete_suggestion(current_user, s),
        _("Draft deleted."),
        url_for("reports.section", sid=item.section_id),
    )


@bp.post("/suggestions/<int:suggestion_id>/withdraw")
def withdraw_suggestion(suggestion_id: int):
    item = visibility.get_suggestion(suggestion_id, current_user)
    return _item_action(
        item,
        lambda s: services.withdraw_suggestion(current_user, s),
        _("Suggestion withdrawn."),
        url_for(".suggestion", suggestion_id=item.id),
    )
