"""The drafting team's and the chair's pages of the figures: the indicator list with
assignment, an indicator's history and the proposals side by side, a table's column
mapping, the CSV download, and the administrator's keyword map."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions
from ..errors import InvalidInput
from ..formtools import choices, refusal
from ..indicators.tables import find_tables, recognise_columns
from ..labels import label
from ..reports import queries as report_queries
from ..reports.forms import ActionForm
from ..review.forms import AcceptForm
from ..transaction import attempt
from . import consistency, pages, queries, services
from .blueprint import bp
from .forms import AssignForm
from .models import CheckKind

ROLES = ("number", "name", "unit", "target", "actual", "assessment")


@bp.get("/reports/<int:rid>/figures", endpoint="index")
def indicator_list(rid: int):
    report = report_queries.get_report(rid)
    permissions.require(permissions.can_view_consistency(current_user, report))
    return _render_list(report)


def _render_list(report, refused: tuple[int, str] | None = None, status: int = 200):
    """The list; ``refused``: (indicator id, sentence) of an assignment refused, shown
    beside its form with what was chosen."""
    views = queries.indicator_views(report.id, current_user)
    manage = permissions.can_manage_figures(current_user, report.id)
    forms = {v.indicator.id: _assign_form(v.indicator) for v in views} if manage else {}
    if refused is not None and refused[0] in forms:
        forms[refused[0]].department.data = request.form.get("department", "")
        forms[refused[0]].direction.data = request.form.get("direction", "")
    return render_template(
        "figures/index.html",
        report=report,
        views=views,
        tables=queries.tables(report.id),
        sections={e.section.id: e for e in report_queries.outline(report, with_text=False)},
        result=consistency.check_report(report),
        manage=manage,
        forms=forms,
        refused=refused,
    ), status


def _assign_form(indicator) -> AssignForm:
    form = AssignForm(
        formdata=None,
        department=indicator.department.code if indicator.department else "",
        direction=indicator.direction or "",
    )
    form.department.choices = choices(
        [("", _("nobody"))] + [(d.code, d.name) for d in pages.departments()]
    )
    return form


@bp.post("/indicators/<int:indicator_id>/assign")
def assign(indicator_id: int):
    indicator = queries.get_indicator(indicator_id)
    permissions.require(permissions.can_manage_figures(current_user, indicator.report_id))
    form = AssignForm()
    if not form.validate_on_submit():
        raise refusal(form)
    _done, error = attempt(
        lambda: services.update_indicator(
            current_user,
            indicator,
            department_code=form.department.data or None,
            direction=form.direction.data or None,
        )
    )
    if error is not None:
        report = report_queries.get_report(indicator.report_id)
        return _render_list(report, (indicator.id, error.message), error.status)
    flash(_("Indicator saved."), "success")
    return redirect(url_for(".index", rid=indicator.report_id, _anchor=f"i{indicator.id}"))


@bp.get("/indicators/<int:indicator_id>", endpoint="indicator")
def indicator_page(indicator_id: int):
    """Who confirmed, corrected or proposed the figure, when and from which source; for
    a next period's target, the proposals side by side with "adopt"."""
    indicator = queries.get_indicator(indicator_id)
    if not permissions.can_view_indicator(current_user, indicator):
        abort(404)
    v = queries.indicator_view(indicator, current_user)
    section = indicator.table.section
    return render_template(
        "figures/indicator.html",
        report=indicator.table.section.report,
        v=v,
        section=section,
        proposals=[c for c in v.checks if c.kind == CheckKind.PROPOSE],
        adopt_form=AcceptForm(formdata=None, expected_version=section.current_version),
        can_decide=permissions.can_decide(current_user),
    )


@bp.get("/reports/<int:rid>/figures.csv", endpoint="csv")
def csv_download(rid: int):
    report = report_queries.get_report(rid)
    permissions.require(permissions.can_view_consistency(current_user, report))
    return Response(
        pages.csv_bytes(report, current_user),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="chi-tieu-bao-cao-{report.id}.csv"'},
    )


# A table's columns ---------------------------------------------------------------------


def _found_table(section, index: int):
    found = [t for t in find_tables(section.current.text) if t.index == index]
    if section.is_deleted or not found:
        abort(404)
    return found[0]


def _current_map(section, found) -> tuple[dict, str, bool]:
    """(role by column, kind, whether the drafting team already mapped it)."""
    row = next(
        (
            t
            for t in queries.tables(section.report_id)
            if t.section_id == section.id and t.table_index == found.index
        ),
        None,
    )
    if row is not None:
        columns, kind, mapped = row.columns, row.kind, row.mapped_by_id is not None
    else:
        recognised = recognise_columns(found.header)
        columns = recognised.to_dict() if recognised else {}
        kind, mapped = "results", False
    by_column = {v: k for k, v in columns.items() if v is not None}
    return by_column, kind, mapped


@bp.route("/sections/<int:sid>/tables/<int:index>", methods=["GET", "POST"], endpoint="table")
def table_mapping(sid: int, index: int):
    section = report_queries.get_section(sid)
    permissions.require(permissions.can_manage_figures(current_user, section.report_id))
    found = _found_table(section, index)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            raise refusal(form)
        _done, error = attempt(
            lambda: services.map_table(
                current_user,
                section,
                table_index=index,
                columns=_posted_columns(len(found.header)),
                kind=request.form.get("kind") or None,
            )
        )
        if error is None:
            flash(_("The table's columns are saved; its indicators follow them."), "success")
            return redirect(url_for("reports.section", sid=section.id))
        return _mapping_page(section, found, form, error)
    return _mapping_page(section, found, form)


def _mapping_page(section, found, form, error=None):
    """The mapping form; after a refusal, the sentence above it and the roles as posted."""
    by_column, kind, mapped = _current_map(section, found)
    if error is not None:
        by_column = {
            n: request.form.get(f"col{n}")
            for n in range(len(found.header))
            if request.form.get(f"col{n}")
        }
        kind = request.form.get("kind") or kind
    return render_template(
        "figures/table.html",
        report=section.report,
        section=section,
        table=found,
        by_column=by_column,
        kind=kind,
        mapped=mapped,
        roles=ROLES,
        form=form,
        error=error,
    ), (error.status if error is not None else 200)


def _posted_columns(width: int) -> dict:
    columns: dict[str, int] = {}
    for n in range(width):
        role = request.form.get(f"col{n}", "")
        if not role:
            continue
        if role not in ROLES:
            raise InvalidInput(_("Choose a role for each column from the list."))
        if role in columns:
            raise InvalidInput(
                _("Two columns cannot both be the %(role)s.", role=label("table_column", role))
            )
        columns[role] = n
    return columns


# The keyword map -----------------------------------------------------------------------

BLANK_ROWS = 3


@bp.route("/admin/indicator-keywords", methods=["GET", "POST"], endpoint="keywords")
def keyword_map():
    permissions.require(permissions.can_edit_keyword_map(current_user))
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            raise refusal(form)
        services.set_keyword_map(current_user, _posted_keywords())
        flash(_("Keyword map saved."), "success")
        return redirect(url_for(".keywords"))
    return render_template(
        "figures/keywords.html",
        rows=services.keyword_map_rows(),
        blank=BLANK_ROWS,
        departments=pages.departments(),
        form=form,
    )


def _posted_keywords() -> list[tuple[str, str]]:
    keywords = request.form.getlist("keyword")
    codes = request.form.getlist("department")
    if len(keywords) != len(codes):
        raise InvalidInput(_("Each keyword needs a department."))
    return [(k, c) for k, c in zip(keywords, codes, strict=True) if k.strip() or c]
