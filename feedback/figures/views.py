"""A department's page of its figures ("Chỉ tiêu của đơn vị") and its actions: confirm,
correct, propose a target or a new indicator. Thin: the use cases are in ``checks``."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions
from ..errors import InvalidInput
from ..formtools import refusal
from ..reports import queries as report_queries
from . import checks, pages, queries
from .blueprint import bp
from .forms import ConfirmForm, CorrectForm, NewIndicatorForm, ProposeForm


def _valid(form_class):
    """The form of a department's action, once the user is a department's at all (the
    use case then decides about this figure)."""
    permissions.require(permissions.in_department(current_user))
    form = form_class()
    if not form.validate_on_submit():
        raise refusal(form)
    return form


def _back(indicator, anchor: str | None = None):
    return redirect(
        url_for(".department", rid=indicator.report_id, _anchor=anchor or f"i{indicator.id}")
    )


@bp.get("/reports/<int:rid>/figures/mine", endpoint="department")
def department_page(rid: int):
    """The indicators assigned to the user's department, with what it may do to each."""
    report = report_queries.get_report(rid)
    if not permissions.in_department(current_user):
        abort(404)
    return render_template(
        "figures/department.html",
        report=report,
        page=pages.department_page(report, current_user),
        pending_correction=pages.pending_correction,
        confirm_form=ConfirmForm(),
        correct_form=CorrectForm(),
        propose_form=ProposeForm(),
        new_form=NewIndicatorForm(),
    )


@bp.post("/indicators/<int:indicator_id>/confirm")
def confirm(indicator_id: int):
    indicator = queries.get_indicator(indicator_id)
    form = _valid(ConfirmForm)
    checks.confirm(current_user, indicator, source=form.source.data)
    flash(
        _("Figure confirmed: the confirmation is sent with your department's response."),
        "success",
    )
    return _back(indicator)


@bp.post("/indicators/<int:indicator_id>/correct")
def correct(indicator_id: int):
    indicator = queries.get_indicator(indicator_id)
    form = _valid(CorrectForm)
    checks.correct(
        current_user,
        indicator,
        actual=form.actual.data,
        source=form.source.data,
        note=form.note.data,
    )
    flash(
        _(
            "Correction saved as a draft suggestion on the table's cell; it is sent with your "
            "department's response."
        ),
        "success",
    )
    return _back(indicator)


@bp.post("/indicators/<int:indicator_id>/propose")
def propose(indicator_id: int):
    indicator = queries.get_indicator(indicator_id)
    form = _valid(ProposeForm)
    checks.propose(current_user, indicator, target=form.target.data, rationale=form.rationale.data)
    flash(_("Target proposed as a draft; it is sent with your department's response."), "success")
    return _back(indicator)


@bp.post("/reports/<int:rid>/figures/new")
def propose_new(rid: int):
    report = report_queries.get_report(rid)
    form = _valid(NewIndicatorForm)
    if form.table_id.data is None:
        raise InvalidInput(_("Choose the next period's table the indicator goes into."))
    table = queries.get_table(form.table_id.data)
    if table.report_id != report.id:
        abort(404)
    checks.propose_new(
        current_user,
        table,
        name=form.name.data,
        unit=form.unit.data,
        target=form.target.data,
        rationale=form.rationale.data,
    )
    flash(_("New indicator proposed as a draft."), "success")
    return redirect(url_for(".department", rid=report.id, _anchor=f"t{table.id}"))
