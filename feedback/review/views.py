"""Consultation pages: rounds, department responses, comments, suggestions, replies."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import permissions, textdiff
from ..auth.models import Department
from ..errors import DomainError, InvalidInput
from ..extensions import db
from ..formtools import choices, run_and_flash
from ..i18n import local_to_utc, utc_to_local
from ..models_base import utcnow
from ..reports import queries as report_queries
from ..reports import views as report_views
from . import decisions, queries, services
from .forms import (
    AcceptForm,
    CommentEditForm,
    CommentForm,
    RejectForm,
    ReopenForm,
    ReplyForm,
    ResolveForm,
    ResponseForm,
    RoundForm,
    SuggestionForm,
)
from .models import Comment

bp = Blueprint("review", __name__)


@bp.before_request
@login_required
def _readers_only():
    permissions.require(permissions.can_read_reports(current_user))


# Panels on report and section pages ----------------------------------------------


def round_banner(report) -> dict:
    round_ = queries.open_round(report.id)
    context = {"round": round_, "response": None, "deadline_near": False, "time_left": None}
    if round_ is None:
        return context
    left = round_.deadline - utcnow()
    context["time_left"] = left
    context["deadline_near"] = (
        timedelta(0) < left < timedelta(hours=current_app.config["FEEDBACK_DEADLINE_WARNING_HOURS"])
    )
    if permissions.in_department(
        current_user
    ) and current_user.department_id in queries.invited_department_ids(round_):
        context["response"] = queries.response_of(round_, current_user.department_id)
    return context


def report_panel(report, user):
    return "review/_report_panel.html", {
        "banner": round_banner(report),
        "general_comments": queries.report_comments(user, report),
        "comment_form": CommentForm(kind="structure"),
        "reply_form": ReplyForm(),
        "resolve_form": ResolveForm(),
        "reopen_form": ReopenForm(),
        "section_badges": queries.feedback_counts_by_section(user, report),
    }


def section_panel(section, user):
    comments, suggestions = queries.section_feedback(user, section)
    current = section.current
    anchors = {c.id: queries.anchor_status(c, current.text, current.number) for c in comments}
    form = CommentForm(base_version=current.number)
    return "review/_section_panel.html", {
        "banner": round_banner(section.report),
        "comments": comments,
        "suggestions": suggestions,
        "anchors": anchors,
        "comment_form": form,
        "reply_form": ReplyForm(),
        "resolve_form": ResolveForm(),
        "reopen_form": ReopenForm(),
        "groups": {
            c.id: g
            for g in queries.passage_groups([c for c in comments if c.is_outstanding])
            for c in g
        },
    }


report_views.REPORT_PANELS.append(report_panel)
report_views.SECTION_PANELS.append(section_panel)


# Rounds -------------------------------------------------------------------------------


@bp.route("/reports/<int:rid>/rounds/new", methods=["GET", "POST"])
def new_round(rid: int):
    report = report_queries.get_report(rid)
    permissions.require(permissions.can_manage_rounds(current_user, report))
    departments = db.session.scalars(select(Department).order_by(Department.code)).all()
    form = RoundForm()
    form.departments.choices = choices((d.code, f"{d.code} – {d.name}") for d in departments)
    if request.method == "GET":
        form.departments.data = [d.code for d in departments]
        form.deadline.data = utc_to_local(utcnow() + timedelta(days=7)).replace(
            hour=17, minute=0, second=0, microsecond=0, tzinfo=None
        )
    if form.validate_on_submit():
        try:
            round_ = services.open_round(
                current_user,
                report,
                deadline=local_to_utc(form.deadline.data),
                department_codes=form.departments.data,
                title=form.title.data,
                note=form.note.data,
                deemed_agree=form.deemed_agree.data,
            )
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Round %(n)d is open.", n=round_.number), "success")
            return redirect(url_for(".round_status", round_id=round_.id))
    return render_template(
        "review/round_new.html", report=report, form=form
    ), 200 if not form.errors and not form.form_errors else 422


@bp.get("/reports/<int:rid>/rounds")
def rounds(rid: int):
    report = report_queries.get_report(rid)
    return render_template("review/rounds.html", report=report, rounds=queries.rounds(report))


@bp.get("/rounds/<int:round_id>")
def round_status(round_id: int):
    round_ = queries.get_round(round_id)
    responses = queries.responses(round_)
    if not permissions.can_see_round_status(current_user, round_):
        responses = [r for r in responses if r.department.id == current_user.department_id]
    counts = (
        queries.round_counts(round_)
        if permissions.can_see_round_status(current_user, round_)
        else None
    )
    outline = report_queries.outline(round_.report)
    return render_template(
        "review/round.html",
        round=round_,
        report=round_.report,
        responses=responses,
        counts=counts,
        outline=outline,
        response_form=ResponseForm(),
        action_form=report_views.ActionForm(),
        departments={r.department.id: r.department for r in responses},
    )


@bp.post("/rounds/<int:round_id>/close")
def close_round(round_id: int):
    round_ = queries.get_round(round_id)
    permissions.require(permissions.can_manage_rounds(current_user, round_.report))
    form = report_views.ActionForm()
    if not form.validate_on_submit():
        abort(400)
    run_and_flash(
        lambda: services.close_round(current_user, round_),
        _("Round %(n)d is closed.", n=round_.number),
    )
    return redirect(url_for(".round_status", round_id=round_id))


@bp.route("/rounds/<int:round_id>/respond", methods=["GET", "POST"])
def respond(round_id: int):
    round_ = queries.get_round(round_id)
    if not (
        permissions.in_department(current_user)
        and current_user.department_id in queries.invited_department_ids(round_)
    ):
        abort(404)
    form = ResponseForm()
    comments, suggestions = queries.department_drafts(round_.report, current_user.department_id)
    status = 200
    if form.validate_on_submit():
        try:
            submission = services.submit_response(
                current_user,
                round_,
                no_comments=bool(form.no_comments.data),
                dispatch_number=form.dispatch_number.data,
                dispatch_date=form.dispatch_date.data,
            )
        except DomainError as error:
            if error.status in (403, 404):
                raise
            db.session.rollback()
            form.form_errors.append(error.message)
            status = error.status
        else:
            db.session.commit()
            if submission.no_comments:
                flash(_("Your department's answer “no comments” has been recorded."), "success")
            else:
                flash(
                    _(
                        "Your department's feedback has been submitted: %(c)d comments, %(s)d suggestions.",
                        c=submission.comment_count,
                        s=submission.suggestion_count,
                    ),
                    "success",
                )
            if submission.late:
                flash(_("The deadline had passed; the response is recorded as late."), "warning")
            return redirect(url_for(".round_status", round_id=round_id))
    elif form.is_submitted():
        status = 422
    return render_template(
        "review/respond.html",
        round=round_,
        report=round_.report,
        form=form,
        comments=comments,
        suggestions=suggestions,
        response=queries.response_of(round_, current_user.department_id),
        sections={
            e.section.id: e for e in report_queries.outline(round_.report, include_deleted=True)
        },
    ), status


# Comments -----------------------------------------------------------------------------


def _comment_error(error: DomainError, target: str):
    """Show why the comment was refused, with the typed text, and a way back."""
    if error.status in (403, 404):
        raise error
    db.session.rollback()
    return render_template(
        "error.html",
        status=error.status,
        message=error.message,
        back=target,
        preserved={k: request.form[k] for k in ("body", "quote") if request.form.get(k)},
    ), error.status


@bp.post("/sections/<int:sid>/comments")
def add_comment(sid: int):
    section = report_queries.get_section(sid)
    permissions.require(
        permissions.can_comment(current_user, section.report, section),
        _("Your department is not invited to an open consultation round on this report."),
    )
    form = CommentForm()
    target = url_for("reports.section", sid=sid)
    if not form.validate_on_submit():
        return _comment_error(InvalidInput(_("Write a comment first.")), target)
    try:
        base_version = int(form.base_version.data) if form.base_version.data else None
        quote_start = int(form.quote_start.data) if form.quote_start.data else None
    except ValueError:
        abort(400)
    try:
        comment = services.add_comment(
            current_user,
            section,
            body=form.body.data,
            kind=form.kind.data,
            quote=form.quote.data,
            base_version=base_version,
            quote_start=quote_start,
        )
    except DomainError as error:
        return _comment_error(error, target)
    db.session.commit()
    flash(
        _(
            "Comment saved as a draft of your department; it is sent when your lead submits the response."
        )
        if comment.is_draft
        else _("Comment published."),
        "success",
    )
    return redirect(url_for("reports.section", sid=sid, _anchor=f"c{comment.id}"))


@bp.post("/reports/<int:rid>/comments")
def add_report_comment(rid: int):
    report = report_queries.get_report(rid)
    permissions.require(
        permissions.can_comment(current_user, report),
        _("Your department is not invited to an open consultation round on this report."),
    )
    form = CommentForm()
    target = url_for("reports.report", rid=rid)
    if not form.validate_on_submit():
        return _comment_error(InvalidInput(_("Write a comment first.")), target)
    try:
        comment = services.add_report_comment(
            current_user, report, body=form.body.data, kind=form.kind.data
        )
    except DomainError as error:
        return _comment_error(error, target)
    db.session.commit()
    flash(
        _("Comment saved as a draft of your department.")
        if comment.is_draft
        else _("Comment published."),
        "success",
    )
    return redirect(url_for("reports.report", rid=rid, _anchor="general"))


def _comment_target(comment: Comment) -> str:
    if comment.section_id:
        return url_for("reports.section", sid=comment.section_id, _anchor=f"c{comment.id}")
    return url_for("reports.report", rid=comment.report_id, _anchor=f"c{comment.id}")


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit_comment(comment_id: int):
    comment = queries.get_comment(comment_id, current_user)
    permissions.require(permissions.can_edit_feedback(current_user, comment))
    form = CommentEditForm(obj=comment)
    if form.validate_on_submit():
        try:
            services.update_comment(current_user, comment, body=form.body.data, kind=form.kind.data)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Draft saved."), "success")
            return redirect(_comment_target(comment))
    return render_template("review/comment_edit.html", comment=comment, form=form)


def _item_action(item, run, message: str, target: str):
    form = report_views.ActionForm()
    if not form.validate_on_submit():
        abort(400)
    run_and_flash(lambda: run(item), message)
    return redirect(target)


@bp.post("/comments/<int:comment_id>/delete")
def delete_comment(comment_id: int):
    comment = queries.get_comment(comment_id, current_user)
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
    comment = queries.get_comment(comment_id, current_user)
    return _item_action(
        comment,
        lambda c: services.withdraw_comment(current_user, c),
        _("Comment withdrawn."),
        _comment_target(comment),
    )


@bp.post("/comments/<int:comment_id>/replies")
def reply(comment_id: int):
    comment = queries.get_comment(comment_id, current_user)
    permissions.require(permissions.can_reply(current_user, comment))
    form = ReplyForm()
    if not form.validate_on_submit():
        return _comment_error(InvalidInput(_("Write a reply first.")), _comment_target(comment))
    try:
        services.add_reply(current_user, comment, body=form.body.data)
    except DomainError as error:
        return _comment_error(error, _comment_target(comment))
    db.session.commit()
    return redirect(_comment_target(comment))


# Suggestions --------------------------------------------------------------------------


@bp.route("/sections/<int:sid>/suggest", methods=["GET", "POST"])
def suggest(sid: int):
    section = report_queries.get_section(sid)
    permissions.require(
        permissions.can_suggest(current_user, section),
        _("Your department is not invited to an open consultation round on this report."),
    )
    entry = report_queries.section_entry(section)
    form = SuggestionForm()
    if request.method == "GET":
        form.text.data = entry.version.text
        form.base_version.data = entry.version.number
    preview = None
    status = 200
    if form.validate_on_submit():
        base = report_queries.get_version(section, _int(form.base_version.data))
        if form.preview.data:
            preview = textdiff.render_html(textdiff.diff_words(base.text, form.text.data or ""))
        else:
            try:
                suggestion = services.add_suggestion(
                    current_user,
                    section,
                    base_version=base.number,
                    text=form.text.data or "",
                    rationale=form.rationale.data,
                )
            except DomainError as error:
                if error.status in (403, 404):
                    raise
                db.session.rollback()
                form.form_errors.append(error.message)
                status = error.status
            else:
                db.session.commit()
                flash(_("Suggestion saved as a draft of your department."), "success")
                return redirect(url_for(".suggestion", suggestion_id=suggestion.id))
    return render_template(
        "review/suggest.html", section=section, entry=entry, form=form, preview=preview
    ), status


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        abort(400)


@bp.get("/suggestions/<int:suggestion_id>")
def suggestion(suggestion_id: int):
    item = queries.get_suggestion(suggestion_id, current_user)
    section = item.section
    base = report_queries.get_version(section, item.base_version)
    diff_html = textdiff.render_html(textdiff.diff_words(base.text, item.text))
    return render_template(
        "review/suggestion.html",
        suggestion=item,
        section=section,
        entry=report_queries.section_entry(section),
        base=base,
        diff_html=diff_html,
        action_form=report_views.ActionForm(),
        **decision_context(item),
    )


def decision_context(item) -> dict:
    """The decision part of a suggestion's page: preview and forms, for the drafting team."""
    if not permissions.can_decide(current_user):
        return {}
    context = {"reject_form": RejectForm(), "reopen_form": ReopenForm()}
    if item.status == "pending" and not item.section.is_deleted:
        outcome = decisions.preview(item)
        current = item.section.current
        context["preview"] = outcome
        if outcome.text is not None:
            context["preview_html"] = textdiff.render_html(
                textdiff.diff_words(current.text, outcome.text)
            )
        context["accept_form"] = AcceptForm(
            text=outcome.text if outcome.text is not None else item.text,
            original=outcome.text if outcome.text is not None else item.text,
            expected_version=current.number,
        )
    return context


@bp.route("/suggestions/<int:suggestion_id>/edit", methods=["GET", "POST"])
def edit_suggestion(suggestion_id: int):
    item = queries.get_suggestion(suggestion_id, current_user)
    permissions.require(permissions.can_edit_feedback(current_user, item))
    base = report_queries.get_version(item.section, item.base_version)
    form = SuggestionForm(obj=item)
    preview = None
    status = 200
    if request.method == "GET":
        form.base_version.data = item.base_version
    if form.validate_on_submit():
        if form.preview.data:
            preview = textdiff.render_html(textdiff.diff_words(base.text, form.text.data or ""))
        else:
            try:
                services.update_suggestion(
                    current_user, item, text=form.text.data or "", rationale=form.rationale.data
                )
            except DomainError as error:
                db.session.rollback()
                form.form_errors.append(error.message)
                status = error.status
            else:
                db.session.commit()
                flash(_("Draft saved."), "success")
                return redirect(url_for(".suggestion", suggestion_id=item.id))
    return render_template(
        "review/suggest.html",
        section=item.section,
        entry=report_queries.section_entry(item.section),
        form=form,
        preview=preview,
        suggestion=item,
        base=base,
    ), status


@bp.post("/suggestions/<int:suggestion_id>/delete")
def delete_suggestion(suggestion_id: int):
    item = queries.get_suggestion(suggestion_id, current_user)
    return _item_action(
        item,
        lambda s: services.delete_suggestion(current_user, s),
        _("Draft deleted."),
        url_for("reports.section", sid=item.section_id),
    )


@bp.post("/suggestions/<int:suggestion_id>/withdraw")
def withdraw_suggestion(suggestion_id: int):
    item = queries.get_suggestion(suggestion_id, current_user)
    return _item_action(
        item,
        lambda s: services.withdraw_suggestion(current_user, s),
        _("Suggestion withdrawn."),
        url_for(".suggestion", suggestion_id=item.id),
    )
