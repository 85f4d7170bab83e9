"""Edition pages: issue, read, compare, approve, export; the disposition table."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions
from ..formtools import run_and_flash
from ..pagecache import cached_page
from ..reports import queries as report_queries
from ..reports import stash
from ..reports.forms import ActionForm
from ..review import rounds as review_rounds
from ..transaction import attempt
from ..validation import whole_number
from . import approval, disposition_cache, dispositions, exports, queries, reimport, services
from .blueprint import bp
from .forms import EditionForm, ReimportForm


@bp.route("/reports/<int:rid>/editions", methods=["GET", "POST"])
def editions(rid: int):
    report = report_queries.get_report(rid)
    form = EditionForm()
    if request.method == "POST":
        permissions.require(permissions.can_issue_edition(current_user, report))
        if form.validate_on_submit():
            edition, error = attempt(
                lambda: services.issue_edition(current_user, report, note=form.note.data)
            )
            if error is None:
                flash(_("Draft no. %(n)d issued.", n=edition.number), "success")
                return redirect(url_for(".edition", rid=rid, n=edition.number))
            form.form_errors.append(error.message)
    return render_template(
        "consolidation/editions.html", report=report, editions=queries.editions(report), form=form
    )


def _compare_target(report, edition, value: str | None):
    """`?with=M` (another edition) or `?with=current` (the draft as it is now)."""
    if not value:
        return None, None
    if value == "current":
        return "current", queries.current_entries(report)
    try:
        other = queries.get_edition(report, int(value))
    except ValueError:
        abort(400)
    return other, queries.entries(other)


@bp.get("/reports/<int:rid>/editions/<int:n>")
def edition(rid: int, n: int):
    report = report_queries.get_report(rid)
    edition = queries.get_edition(report, n)
    return render_template(
        "consolidation/edition.html",
        report=report,
        edition=edition,
        entries=queries.entries(edition),
        editions=queries.editions(report),
        action_form=ActionForm(),
    )


@bp.get("/reports/<int:rid>/editions/<int:n>/compare")
def compare(rid: int, n: int):
    """One document with tracked changes, section by section: from `?from=` (an edition
    number) to edition n, or from edition n to the current draft with `?to=current`."""
    report = report_queries.get_report(rid)
    edition = queries.get_edition(report, n)
    if request.args.get("to") == "current":
        old_label, new_label = _("Draft no. %(n)d", n=edition.number), _("the current draft")
        changes = queries.compare(queries.entries(edition), queries.current_entries(report))
    else:
        previous = request.args.get("from", type=whole_number)
        if previous is None:
            previous = n - 1
        if previous < 1:
            flash(_("This is the first draft; there is nothing earlier to compare with."), "info")
            return redirect(url_for(".edition", rid=rid, n=n))
        old = queries.get_edition(report, previous)
        old_label, new_label = (
            _("Draft no. %(n)d", n=old.number),
            _("Draft no. %(n)d", n=edition.number),
        )
        changes = queries.compare(queries.entries(old), queries.entries(edition))
    return render_template(
        "consolidation/compare.html",
        report=report,
        edition=edition,
        changes=changes,
        old_label=old_label,
        new_label=new_label,
        diffs=exports.change_html(changes),
        editions=queries.editions(report),
        summary={
            status: sum(1 for c in changes if c.status == status)
            for status in ("added", "removed", "changed")
        }
        | {
            "moved": sum(1 for c in changes if c.moved),
            "renamed": sum(1 for c in changes if c.renamed),
        },
    )


def _edition_action(rid: int, n: int, run, message: str):
    report = report_queries.get_report(rid)
    edition = queries.get_edition(report, n)
    permissions.require(permissions.can_approve_edition(current_user, edition))
    if not ActionForm().validate_on_submit():
        abort(400)
    run_and_flash(lambda: run(edition), message)
    return redirect(url_for(".edition", rid=rid, n=n))


@bp.get("/reports/<int:rid>/editions/<int:n>/approve")
def confirm_approval(rid: int, n: int):
    """Approving is one deliberate step: this page says what argues for waiting (an open
    round, departments that have not answered, undecided items, a text that moved on)
    and asks the chair to confirm. It works without JavaScript."""
    report = report_queries.get_report(rid)
    edition = queries.get_edition(report, n)
    permissions.require(permissions.can_approve_edition(current_user, edition))
    return render_template(
        "consolidation/approve.html",
        report=report,
        edition=edition,
        warnings=approval.approval_warnings(edition),
        action_form=ActionForm(),
    )


@bp.post("/reports/<int:rid>/editions/<int:n>/approve")
def approve(rid: int, n: int):
    return _edition_action(
        rid, n, lambda e: services.approve_edition(current_user, e), _("Draft approved.")
    )


@bp.post("/reports/<int:rid>/editions/<int:n>/submit")
def submit(rid: int, n: int):
    return _edition_action(
        rid,
        n,
        lambda e: services.submit_edition(current_user, e),
        _("Draft marked as submitted to the Committee."),
    )


@bp.get("/reports/<int:rid>/editions/<int:n>/export.<fmt>")
def export(rid: int, n: int, fmt: str):
    edition = queries.edition_of(rid, n)
    since = request.args.get("changes_since", type=whole_number)
    changes_since = queries.get_edition(edition.report, since) if since else None
    if fmt not in exports.EDITION_FORMATS:
        abort(404)
    return exports.edition_download(current_user, edition, changes_since, fmt)


def _dispositions_table(report):
    return dispositions.build_for_round(report, request.args.get("round", type=whole_number))


@bp.get("/reports/<int:rid>/dispositions")
@cached_page
def disposition_table(rid: int):
    report = report_queries.get_report(rid)
    permissions.require(permissions.can_view_dispositions(current_user, report))
    table = _dispositions_table(report)
    return render_template(
        "consolidation/dispositions.html",
        report=report,
        table=table,
        rounds=review_rounds.rounds(report),
    )


@bp.get("/reports/<int:rid>/dispositions.<fmt>")
def disposition_export(rid: int, fmt: str):
    report = report_queries.get_report(rid)
    permissions.require(permissions.can_view_dispositions(current_user, report))
    if fmt not in exports.DISPOSITION_FORMATS:
        abort(404)
    return disposition_cache.download(
        current_user,
        report,
        request.args.get("round", type=whole_number),
        fmt,
        lambda: exports.disposition_download(current_user, _dispositions_table(report), fmt),
    )


@bp.route("/reports/<int:rid>/reimport", methods=["GET", "POST"])
def reimport_draft(rid: int):
    """A revised draft into the report: upload, see the plan, confirm (no JavaScript)."""
    report = report_queries.get_report(rid)
    permissions.require(permissions.can_edit_report(current_user, report))
    form = ReimportForm()
    if not form.validate_on_submit() or not (form.upload.data or form.file.data):
        status = 422 if request.method == "POST" else 200
        return render_template(
            "consolidation/reimport.html", report=report, form=form, plan=None
        ), status
    if form.upload.data:
        filename, data = stash.load(form.upload.data, current_user.id)
        done, error = attempt(lambda: reimport.reimport(current_user, report, filename, data))
        if error is not None:
            flash(error.message, "error")
            return redirect(url_for(".reimport_draft", rid=rid))
        stash.drop(form.upload.data)
        flash(_reimported_message(done), "success")
        return redirect(url_for("reports.report", rid=rid))
    upload = form.file.data
    data = upload.read()
    found, error = attempt(lambda: reimport.plan(current_user, report, upload.filename, data))
    if error is not None:
        form.file.errors.append(error.message)
        return render_template(
            "consolidation/reimport.html", report=report, form=form, plan=None
        ), 422
    confirm = ReimportForm(formdata=None)
    confirm.upload.data = stash.save(current_user.id, upload.filename, data)
    return render_template(
        "consolidation/reimport.html",
        report=report,
        form=confirm,
        plan=found.summary(),
        filename=upload.filename,
        entries={e.section.id: e for e in report_queries.outline(report)},
    )


def _reimported_message(done: dict) -> str:
    return _(
        "Imported: %(changed)d sections changed, %(added)d added, %(removed)d removed, "
        "%(unchanged)d unchanged, %(conflicts)d not overwritten (saved since).",
        changed=len(done["changed"]),
        added=len(done["added"]),
        removed=len(done["removed"]),
        unchanged=done["unchanged"],
        conflicts=len(done["conflicts"]),
    )
