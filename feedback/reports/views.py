"""Report and section pages."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions, textdiff
from ..diffview import tracked_html
from ..errors import StaleVersion
from ..formtools import choices, refusal, run_and_flash, show_hidden_errors
from ..pagecache import cached_page
from ..renders import markdown
from ..transaction import attempt
from ..validation import whole_number
from . import panels, parts, queries, services, stash, uploads
from .blueprint import bp
from .forms import (
    ActionForm,
    NewSectionForm,
    ReportImportForm,
    ReportSettingsForm,
    RestoreForm,
    SectionForm,
)
from .models import DOCUMENT_FORMAT, MAX_LEVEL


@bp.get("/")
def index():
    reports = queries.list_reports()
    return render_template(
        "reports/index.html",
        reports=reports,
        home_panels=panels.render("home", reports, current_user),
    )


@bp.get("/start")
def start():
    """Where a person begins the day after logging in: the chair on the dashboard of the
    report in consultation (when there is exactly one), everyone else on the report list,
    which says what waits for them."""
    if permissions.is_chair(current_user):
        consulted = queries.reports_in_consultation()
        if len(consulted) == 1:
            return redirect(url_for("dashboard.dashboard", rid=consulted[0].id))
    return redirect(url_for(".index"))


@bp.route("/reports/new", methods=["GET", "POST"])
def new_report():
    permissions.require(permissions.can_edit_report(current_user))
    form = ReportImportForm()
    if not form.validate_on_submit():
        return render_template("reports/new.html", form=form)
    if form.upload.data:
        return _confirm_upload(form)
    markdown = form.markdown.data or ""
    if form.file.data and not _is_markdown(form.file.data.filename):
        return _preview_upload(form)
    if form.file.data:
        try:
            markdown = form.file.data.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            form.file.errors.append(_("The file is not UTF-8 text."))
            return render_template("reports/new.html", form=form), 400
    report, error = attempt(
        lambda: services.import_report(current_user, title=form.title.data, markdown=markdown)
    )
    if error is not None:
        form.form_errors.append(error.message)
        return render_template("reports/new.html", form=form), error.status
    flash(_("Report created with %(n)d sections.", n=len(queries.outline(report))), "success")
    return redirect(url_for(".report", rid=report.id))


def _is_markdown(filename: str | None) -> bool:
    return (filename or "").lower().endswith((".md", ".markdown", ".txt"))


def _preview_upload(form: ReportImportForm):
    """What a Word draft holds, shown before anything is stored; the file waits for the
    drafter's confirmation (``stash``)."""
    upload = form.file.data
    data = upload.read()
    result, error = attempt(lambda: uploads.preview(current_user, upload.filename, data))
    if error is not None:
        form.file.errors.append(error.message)
        return render_template("reports/new.html", form=form), error.status
    draft, found = result
    token = stash.save(current_user.id, upload.filename, data)
    confirm = ReportImportForm(formdata=None, title=form.title.data or found["title"] or "")
    confirm.upload.data = token
    return render_template(
        "reports/import_preview.html",
        found=found,
        labels=uploads.labels(draft),
        filename=upload.filename,
        form=confirm,
        kinds=uploads.SKIPPED_KINDS,
    )


def _confirm_upload(form: ReportImportForm):
    """The drafter saw the preview and confirms: the waiting file becomes the report."""
    filename, data = stash.load(form.upload.data, current_user.id)
    report, error = attempt(
        lambda: uploads.import_draft(
            current_user, title=form.title.data, filename=filename, data=data
        )
    )
    if error is not None:
        flash(error.message, "error")
        return redirect(url_for(".new_report"))
    stash.drop(form.upload.data)
    flash(_("Report created with %(n)d sections.", n=len(queries.outline(report))), "success")
    return redirect(url_for(".report", rid=report.id))


@bp.get("/reports/<int:rid>")
@cached_page
def report(rid: int):
    report = queries.get_report(rid)
    outline = queries.outline(report, with_text=False)
    reading = parts.split(
        outline, queries.text_sizes(outline), current_app.config["FEEDBACK_REPORT_PART_CHARS"]
    )
    where = parts.part_of(reading)
    number = request.args.get("part", type=whole_number) or where.get(
        request.args.get("at", type=whole_number), 1
    )
    if not 1 <= number <= len(reading):
        abort(404)
    part = reading[number - 1]
    queries.load_texts(part.entries)
    markdown.preload([e.version.text for e in part.entries])
    return render_template(
        "reports/report.html",
        report=report,
        outline=outline,
        parts=reading,
        part=part,
        part_of=where,
        panels=panels.render("report", report, current_user),
        action_form=ActionForm(),
    )


@bp.route("/reports/<int:rid>/settings", methods=["GET", "POST"])
def settings(rid: int):
    report = queries.get_report(rid)
    permissions.require(permissions.can_edit_report(current_user, report))
    form = ReportSettingsForm(obj=report)
    status = 200
    if request.method == "GET":
        form.numbering_scheme.data = " ".join(report.numbering_scheme or [])
    if form.validate_on_submit():
        _result, error = attempt(
            lambda: services.update_report(
                current_user,
                report,
                title=form.title.data,
                departments_see_each_other=form.departments_see_each_other.data,
                document_format={key: getattr(form, key).data or "" for key in DOCUMENT_FORMAT},
                numbering_scheme=form.numbering_scheme.data or "",
            )
        )
        if error is None:
            flash(_("Settings saved."), "success")
            return redirect(url_for(".report", rid=rid))
        form.form_errors.append(error.message)
        status = error.status
    return render_template(
        "reports/settings.html",
        report=report,
        form=form,
        deleted=queries.deleted_sections(report),
        action_form=ActionForm(),
    ), status


@bp.route("/reports/<int:rid>/sections/new", methods=["GET", "POST"])
def new_section(rid: int):
    report = queries.get_report(rid)
    permissions.require(permissions.can_edit_report(current_user, report))
    entries = queries.outline(report)
    form = NewSectionForm()
    form.parent.choices = choices(
        [(0, _("(top level)"))]
        + [(e.section.id, e.title) for e in entries if e.section.level < MAX_LEVEL]
    )
    form.after.choices = choices(
        [(0, _("(at the end)"))] + [(e.section.id, e.title) for e in entries]
    )
    if request.method == "GET":
        form.parent.data = request.args.get("parent", 0, type=whole_number)
    status = 200
    if form.validate_on_submit():
        by_id = {e.section.id: e.section for e in entries}
        section, error = attempt(
            lambda: services.add_section(
                current_user,
                report,
                heading=form.heading.data,
                text=form.text.data or "",
                parent=by_id.get(form.parent.data),
                after=by_id.get(form.after.data),
            )
        )
        if error is None:
            flash(_("Section added."), "success")
            return redirect(url_for(".section", sid=section.id))
        form.form_errors.append(error.message)
    elif form.is_submitted():
        status = show_hidden_errors(form)
    return render_template("reports/section_new.html", report=report, form=form), status


@bp.get("/sections/<int:sid>")
@cached_page
def section(sid: int):
    section = queries.get_section(sid)
    # Headings for the previous/next links; only this section's text is read.
    entries = queries.outline(section.report, with_text=False)
    ids = [e.section.id for e in entries]
    index = ids.index(section.id) if section.id in ids else None
    entry = entries[index] if index is not None else queries.section_entry(section)
    markdown.preload([entry.version.text])
    return render_template(
        "reports/section.html",
        section=section,
        entry=entry,
        previous=entries[index - 1] if index else None,
        following=entries[index + 1] if index is not None and index + 1 < len(entries) else None,
        report=section.report,
        panels=panels.render("section", section, current_user),
        action_form=ActionForm(),
    )


def _saved_message(version, base_version: int) -> None:
    if version.number == base_version:
        flash(_("These changes were already saved as version %(n)d.", n=version.number), "info")
    else:
        flash(_("Saved as version %(n)d.", n=version.number), "success")


@bp.route("/sections/<int:sid>/edit", methods=["GET", "POST"])
def edit_section(sid: int):
    section = queries.get_section(sid)
    permissions.require(permissions.can_edit_section(current_user, section))
    entry = queries.section_entry(section)
    form = SectionForm()
    if request.method == "GET":
        form.heading.data = entry.version.heading
        form.text.data = entry.version.text
        form.base_version.data = section.current_version
    valid = form.validate_on_submit()
    if form.is_submitted() and form.base_version.errors:
        raise refusal(form)
    if not valid:
        return render_template(
            "reports/section_edit.html", section=section, entry=entry, form=form
        ), (422 if form.errors else 200)
    base_version = form.base_version.data
    version, error = attempt(
        lambda: services.save_section(
            current_user,
            section,
            text=form.text.data or "",
            base_version=base_version,
            heading=form.heading.data,
            reason=form.reason.data,
        )
    )
    if isinstance(error, StaleVersion):
        return _edit_conflict(section, form, base_version)
    if error is not None:
        form.form_errors.append(error.message)
        status = 200 if error.status == 422 else error.status
        return render_template(
            "reports/section_edit.html", section=section, entry=entry, form=form
        ), status
    _saved_message(version, base_version)
    return redirect(url_for(".section", sid=sid))


def _edit_conflict(section, form: SectionForm, base_version: int):
    """Someone saved meanwhile: keep the typed text, show what changed, offer to save again."""
    base = queries.get_version(section, base_version)
    current = section.current
    mine = textdiff.normalize(form.text.data or "")
    form.base_version.data = section.current_version
    return render_template(
        "reports/section_conflict.html",
        section=section,
        entry=queries.section_entry(section),
        form=form,
        base=base,
        current=current,
        theirs_html=tracked_html(base.text, current.text),
        mine_html=tracked_html(current.text, mine),
    ), 409


@bp.get("/sections/<int:sid>/history")
def history(sid: int):
    section = queries.get_section(sid)
    return render_template(
        "reports/history.html",
        section=section,
        entry=queries.section_entry(section),
        versions=queries.versions(section),
        action_form=ActionForm(),
    )


@bp.get("/sections/<int:sid>/versions/<int:n>")
def version(sid: int, n: int):
    section = queries.get_section(sid)
    return render_template(
        "reports/version.html",
        section=section,
        entry=queries.section_entry(section),
        version=queries.get_version(section, n),
    )


@bp.get("/sections/<int:sid>/diff")
def diff(sid: int):
    section = queries.get_section(sid)
    to_number = request.args.get("to", section.current_version, type=whole_number)
    from_number = request.args.get("from", max(1, to_number - 1), type=whole_number)
    old = queries.get_version(section, from_number)
    new = queries.get_version(section, to_number)
    ops = textdiff.diff_words(old.text, new.text)
    return render_template(
        "reports/diff.html",
        section=section,
        entry=queries.section_entry(section),
        old=old,
        new=new,
        diff_html=tracked_html(old.text, new.text),
        stats=textdiff.diff_stats(ops),
        versions=queries.versions(section),
    )


def _action(sid: int, run, message: str, target=None):
    section = queries.get_section(sid)
    if not ActionForm().validate_on_submit():
        abort(400)
    run_and_flash(lambda: run(section), message)
    return redirect(target(section) if target else request.referrer or url_for(".section", sid=sid))


@bp.post("/sections/<int:sid>/move/<direction>")
def move_section(sid: int, direction: str):
    return _action(
        sid,
        lambda s: services.move_section(current_user, s, direction),
        _("Section moved."),
        target=lambda s: url_for(".report", rid=s.report_id, at=s.id, _anchor=f"s{s.id}"),
    )


@bp.post("/sections/<int:sid>/delete")
def delete_section(sid: int):
    return _action(
        sid,
        lambda s: services.delete_section(current_user, s),
        _("Section deleted. It stays in the history and can be restored from the report settings."),
        target=lambda s: url_for(".report", rid=s.report_id),
    )


@bp.post("/sections/<int:sid>/undelete")
def undelete_section(sid: int):
    return _action(
        sid,
        lambda s: services.restore_section(current_user, s),
        _("Section restored."),
        target=lambda s: url_for(".section", sid=s.id),
    )


@bp.post("/sections/<int:sid>/restore")
def restore_version(sid: int):
    form = RestoreForm()
    if not form.validate_on_submit():
        raise refusal(form)
    number, base_version = form.number.data, form.base_version.data
    return _action(
        sid,
        lambda s: services.restore_version(
            current_user, s, number=number, base_version=base_version
        ),
        _("Version %(n)d restored as a new version.", n=number),
        target=lambda s: url_for(".history", sid=s.id),
    )
