"""A department's page of its figures ("Chỉ tiêu của đơn vị") and its actions: confirm,
correct, propose a target or a new indicator. Thin: the use cases are in ``checks``."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions
from ..errors import InvalidInput
from ..formtools import refusal
from ..reports import queries as report_queries
from ..transaction import attempt
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


@dataclass
class Posted:
    """A refused action, so the page shows it again beside its form with what was typed."""

    action: str = ""
    target: int | None = None  # the indicator's id, or the table's for a new indicator
    message: str = ""
    values: dict = field(default_factory=dict)

    def at(self, action: str, target: int) -> bool:
        return self.action == action and self.target == target

    def kept(self, action: str, target: int, name: str) -> str:
        return self.values.get(name, "") if self.at(action, target) else ""


def _render(report, posted: Posted | None = None, status: int = 200):
    return render_template(
        "figures/department.html",
        report=report,
        page=pages.department_page(report, current_user),
        pending_correction=pages.pending_correction,
        confirm_form=ConfirmForm(formdata=None),
        correct_form=CorrectForm(formdata=None),
        propose_form=ProposeForm(formdata=None),
        new_form=NewIndicatorForm(formdata=None),
        posted=posted or Posted(),
    ), status


def _refused(report, error, action: str, target: int | None):
    """The department's page again, the sentence beside the refused form, input kept."""
    values = {k: v for k, v in request.form.items() if k not in ("csrf_token", "form_token")}
    return _render(report, Posted(action, target, error.message, values), error.status)


@bp.get("/reports/<int:rid>/figures/mine", endpoint="department")
def department_page(rid: int):
    """The indicators assigned to the user's department, with what it may do to each."""
    report = report_queries.get_report(rid)
    if not permissions.in_department(current_user):
        abort(404)
    return _render(report)


def _indicator_action(indicator, action: str, run, message: str):
    """A department's check on one indicator: done (a message, back to its row) or
    refused (its page again, the sentence beside the form, what was typed kept)."""
    _done, error = attempt(run)
    if error is not None:
        report = report_queries.get_report(indicator.report_id)
        return _refused(report, error, action, indicator.id)
    flash(message, "success")
    return _back(indicator)


@bp.post("/indicators/<int:indicator_id>/confirm")
def confirm(indicator_id: int):
    indicator = queries.get_indicator(indicator_id)
    form = _valid(ConfirmForm)
    return _indicator_action(
        indicator,
        "confirm",
        lambda: checks.confirm(current_user, indicator, source=form.source.data),
        _("Figure confirmed: the confirmation is sent with your department's response."),
    )


@bp.post("/indicators/<int:indicator_id>/correct")
def correct(indicator_id: int):
    indicator = queries.get_indicator(indicator_id)
    form = _valid(CorrectForm)
    return _indicator_action(
        indicator,
        "correct",
        lambda: checks.correct(
            current_user,
            indicator,
            actual=form.actual.data,
            source=form.source.data,
            note=form.note.data,
        ),
        _(
            "Correction saved as a draft suggestion on the table's cell; it is sent with your "
            "department's response."
        ),
    )


@bp.post("/indicators/<int:indicator_id>/propose")
def propose(indicator_id: int):
    indicator = queries.get_indicator(indicator_id)
    form = _valid(ProposeForm)
    return _indicator_action(
        indicator,
        "propose",
        lambda: checks.propose(
            current_user, indicator, target=form.target.data, rationale=form.rationale.data
        ),
        _("Target proposed as a draft; it is sent with your department's response."),
    )


@bp.post("/reports/<int:rid>/figures/new")
def propose_new(rid: int):
    report = report_queries.get_report(rid)
    form = _valid(NewIndicatorForm)
    if form.table_id.data is None:
        error = InvalidInput(_("Choose the next period's table the indicator goes into."))
        return _refused(report, error, "new", None)
    table = queries.get_table(form.table_id.data)
    if table.report_id != report.id:
        abort(404)
    _done, error = attempt(
        lambda: checks.propose_new(
            current_user,
            table,
            name=form.name.data,
            unit=form.unit.data,
            target=form.target.data,
            rationale=form.rationale.data,
        )
    )
    if error is not None:
        return _refused(report, error, "new", table.id)
    flash(_("New indicator proposed as a draft."), "success")
    return redirect(url_for(".department", rid=report.id, _anchor=f"t{table.id}"))
