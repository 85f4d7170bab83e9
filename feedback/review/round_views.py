"""Consultation rounds: opening and closing them, their status, a department's response."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from .. import permissions
from ..auth.models import Department
from ..extensions import db
from ..formtools import choices, run_and_flash
from ..i18n import utc_to_local
from ..models_base import utcnow
from ..reports import queries as report_queries
from ..reports.forms import ActionForm
from ..transaction import attempt
from . import consultation, previews, queue, response_parts, round_edition, rounds, visibility
from .blueprint import bp
from .forms import ResponseForm, RoundForm


def _form_status(form) -> int:
    return 422 if form.errors or form.form_errors else 200


def _invited_codes(form, departments) -> list[str]:
    """The departments ticked, or every one when "all departments" is ticked."""
    if form.all_departments.data:
        return [d.code for d in departments]
    return form.departments.data or []


def _opened_message(round_, draft) -> None:
    if draft.to_issue:
        flash(
            _(
                "Round %(n)d is open on draft no. %(e)d, issued with it.",
                n=round_.number,
                e=round_.edition_number,
            ),
            "success",
        )
    else:
        flash(
            _("Round %(n)d is open on draft no. %(e)d.", n=round_.number, e=round_.edition_number),
            "success",
        )


@bp.route("/reports/<int:rid>/rounds/new", methods=["GET", "POST"])
def new_round(rid: int):
    report = report_queries.get_report(rid)
    permissions.require(permissions.can_manage_rounds(current_user, report))
    departments = db.session.scalars(select(Department).order_by(Department.code)).all()
    form = RoundForm()
    form.departments.choices = choices((d.code, f"{d.code} – {d.name}") for d in departments)
    if request.method == "GET":
        form.deadline.data = utc_to_local(utcnow() + timedelta(days=7)).replace(
            hour=17, minute=0, second=0, microsecond=0
        )
    draft = round_edition.plan(report)
    if form.validate_on_submit():
        round_, error = attempt(
            lambda: consultation.open_round(
                current_user,
                report,
                deadline=form.deadline.data,
                department_codes=_invited_codes(form, departments),
                title=form.title.data,
                note=form.note.data,
                deemed_agree=form.deemed_agree.data,
            )
        )
        if error is None:
            _opened_message(round_, draft)
            return redirect(url_for(".round_status", round_id=round_.id))
        form.form_errors.append(error.message)
    return render_template(
        "review/round_new.html", report=report, form=form, draft=draft
    ), _form_status(form)


@bp.get("/reports/<int:rid>/rounds", endpoint="rounds")
def rounds_list(rid: int):
    report = report_queries.get_report(rid)
    return render_template("review/rounds.html", report=report, rounds=rounds.rounds(report))


@bp.get("/rounds/<int:round_id>")
def round_status(round_id: int):
    round_ = rounds.get_round(round_id)
    responses = rounds.responses(round_)
    sees_all = permissions.can_see_round_status(current_user, round_)
    if not sees_all:
        responses = [r for r in responses if r.department.id == current_user.department_id]
    return render_template(
        "review/round.html",
        round=round_,
        report=round_.report,
        responses=responses,
        counts=queue.round_counts(round_) if sees_all else None,
        outline=report_queries.outline(round_.report),
        invited=rounds.invited_department_ids(round_.id),
        response_form=ResponseForm(),
        action_form=ActionForm(),
        departments={r.department.id: r.department for r in responses},
    )


@bp.post("/rounds/<int:round_id>/close")
def close_round(round_id: int):
    round_ = rounds.get_round(round_id)
    permissions.require(permissions.can_manage_rounds(current_user, round_.report))
    if not ActionForm().validate_on_submit():
        abort(400)
    run_and_flash(
        lambda: consultation.close_round(current_user, round_),
        _("Round %(n)d is closed.", n=round_.number),
    )
    return redirect(url_for(".round_status", round_id=round_id))


def _submitted_message(submission, parts: int = 0) -> None:
    """``parts``: the other parts sent with it (the figures confirmed)."""
    if submission.no_comments and parts:
        flash(
            ngettext(
                "Your department's answer “no comments” has been recorded, with %(num)d "
                "figure confirmed.",
                "Your department's answer “no comments” has been recorded, with %(num)d "
                "figures confirmed.",
                parts,
            ),
            "success",
        )
    elif submission.no_comments:
        flash(_("Your department's answer “no comments” has been recorded."), "success")
    elif parts:
        flash(
            _(
                "Your department's feedback has been submitted: %(c)d comments, %(s)d "
                "suggestions, %(f)d figures confirmed.",
                c=submission.comment_count,
                s=submission.suggestion_count,
                f=parts,
            ),
            "success",
        )
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


@bp.route("/rounds/<int:round_id>/respond", methods=["GET", "POST"])
def respond(round_id: int):
    round_ = rounds.get_round(round_id)
    invited = rounds.invited_department_ids(round_.id)
    if not (permissions.in_department(current_user) and current_user.department_id in invited):
        abort(404)
    form = ResponseForm()
    comments, suggestions = visibility.department_drafts(round_.report, current_user.department_id)
    status = 200
    if form.validate_on_submit():
        parts = response_parts.draft_count(round_.report_id, current_user.department_id)
        submission, error = attempt(
            lambda: consultation.submit_response(
                current_user,
                round_,
                no_comments=bool(form.no_comments.data),
                dispatch_number=form.dispatch_number.data,
                dispatch_date=form.dispatch_date.data,
            )
        )
        if error is None:
            _submitted_message(submission, parts)
            return redirect(url_for(".round_status", round_id=round_id))
        form.form_errors.append(error.message)
        status = error.status
    elif form.is_submitted():
        status = 422
    return render_template(
        "review/respond.html",
        round=round_,
        report=round_.report,
        form=form,
        comments=comments,
        suggestions=suggestions,
        replies=visibility.department_reply_drafts(round_.report, current_user.department_id),
        diffs={s.id: previews.diff_html(s) for s in suggestions},
        invited=invited,
        action_form=ActionForm(),
        response=rounds.response_of(round_, current_user.department_id),
        # The response's other parts (the figures' confirmations) go with it.
        part_drafts=response_parts.draft_count(round_.report_id, current_user.department_id),
        sections={
            e.section.id: e for e in report_queries.outline(round_.report, include_deleted=True)
        },
    ), status
