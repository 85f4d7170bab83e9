"""The page for a department's marked-up Word copy: upload, preview what would be made,
confirm; and remove what one file made. Works without JavaScript: the preview carries
the file back to the confirmation in a hidden field (nothing is stored before that)."""

from __future__ import annotations

import base64
import binascii

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions
from ..reports import queries as report_queries
from ..reports.forms import ActionForm
from ..transaction import attempt
from . import markup_import, rounds
from .blueprint import bp


def _round_for_member(round_id: int):
    round_ = rounds.get_round(round_id)
    invited = rounds.invited_department_ids(round_.id)
    if not (permissions.in_department(current_user) and current_user.department_id in invited):
        abort(404)
    return round_


def _page(round_, *, error=None, status=200):
    return render_template(
        "review/markup.html",
        round=round_,
        report=round_.report,
        imports=markup_import.department_imports(round_, current_user.department_id),
        action_form=ActionForm(),
        error=error,
        can_import=permissions.can_import_markup(
            current_user, round_, invited=rounds.invited_department_ids(round_.id)
        ),
    ), status


@bp.route("/rounds/<int:round_id>/markup", methods=["GET", "POST"])
def markup(round_id: int):
    """The upload form; posted with a file, the preview; posted from the preview (with
    the file carried back in ``payload``), the import."""
    round_ = _round_for_member(round_id)
    if request.method == "GET":
        return _page(round_)
    if not ActionForm().validate_on_submit():
        abort(400)
    if "payload" in request.form:
        return _confirm(round_)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(round_, error=_("Choose a Word file (.docx) to upload."), status=422)
    data = upload.read()
    plan, error = attempt(
        lambda: markup_import.plan_markup(current_user, round_, data, upload.filename)
    )
    if error is not None:
        return _page(round_, error=error.message, status=error.status)
    return render_template(
        "review/markup_preview.html",
        round=round_,
        report=round_.report,
        plan=plan,
        payload=base64.b64encode(data).decode("ascii"),
        action_form=ActionForm(),
        sections={
            e.section.id: e for e in report_queries.outline(round_.report, include_deleted=True)
        },
        reasons=reason_labels(),
    )


def _confirm(round_):
    try:
        data = base64.b64decode(request.form.get("payload", ""), validate=True)
    except (binascii.Error, ValueError):
        return _page(round_, error=_("The upload was lost; choose the file again."), status=400)
    chosen = [int(v) for v in request.form.getlist("as_comment") if v.isascii() and v.isdigit()][
        :1000
    ]
    result, error = attempt(
        lambda: markup_import.import_markup(
            current_user,
            round_,
            data,
            request.form.get("filename", ""),
            unplaced_as_comments=chosen,
        )
    )
    if error is not None:
        return _page(round_, error=error.message, status=error.status)
    _batch, plan, made = result
    flash(
        _(
            "Imported as your department's drafts: %(s)d suggested revisions, %(c)d comments, "
            "%(u)d report-level comments.",
            s=len(plan.suggestions),
            c=len(plan.comments),
            u=len(made),
        ),
        "success",
    )
    return redirect(url_for(".respond", round_id=round_.id))


@bp.post("/markup-imports/<int:import_id>/remove")
def markup_remove(import_id: int):
    batch = markup_import.get_import(import_id)
    if batch is None or not permissions.in_department(current_user):
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    removed, error = attempt(lambda: markup_import.remove_import(current_user, batch))
    if error is None:
        flash(_("Removed %(n)d drafts made from the Word file.", n=removed), "success")
    else:
        flash(error.message, "error")
    return redirect(url_for(".markup", round_id=batch.round_id))


def reason_labels() -> dict[str, str]:
    return {
        "title_block": _("in the document's title block, outside every section"),
        "heading": _("changes a section heading (headings are changed by the drafting team)"),
        "spans_sections": _("runs across two sections"),
        "image": _("is on an image, not on text"),
        "conflict": _("could not be carried onto the section's text"),
        "reply_unplaced": _("replies to a comment that could not be placed"),
        "no_passage": _("marks no passage of the document"),
    }
