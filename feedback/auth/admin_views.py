"""Administration pages: departments and users."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import permissions
from ..errors import NotFound
from ..extensions import db
from ..formtools import choices
from ..transaction import attempt
from . import services, sessions
from .forms import ConfirmForm, DepartmentForm, UserForm
from .models import Department, User

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _admins_only():
    permissions.require(permissions.can_manage_accounts(current_user))


def _departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.code)))


@bp.route("/departments", methods=["GET", "POST"])
def departments():
    form = DepartmentForm()
    if form.validate_on_submit():
        _result, error = attempt(
            lambda: services.create_department(
                current_user, form.code.data, form.name.data, form.mailbox.data
            )
        )
        if error is None:
            flash(_("Department %(code)s created.", code=form.code.data.upper()), "success")
            return redirect(url_for(".departments"))
        form.form_errors.append(error.message)
    return render_template("admin/departments.html", departments=_departments(), form=form)


@bp.route("/departments/<int:did>", methods=["GET", "POST"])
def edit_department(did: int):
    department = db.session.get(Department, did) or _not_found()
    form = DepartmentForm(obj=department)
    if form.validate_on_submit():
        _result, error = attempt(
            lambda: services.update_department(
                current_user, department, form.name.data, form.mailbox.data or ""
            )
        )
        if error is None:
            flash(_("Department saved."), "success")
            return redirect(url_for(".departments"))
        form.form_errors.append(error.message)
    return render_template("admin/department_edit.html", department=department, form=form)


def _not_found():
    raise NotFound()


def _status(form) -> int:
    """A form sent back with its errors is a 422; shown for the first time, a 200."""
    return 422 if form.is_submitted() and form.errors else 200


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user)
    form.department.choices = choices(
        [(0, "—")] + [(d.id, f"{d.code} – {d.name}") for d in _departments()]
    )
    if user is not None and form.department.data is None:
        form.department.data = user.department_id or 0
    return form


@bp.route("/users", methods=["GET", "POST"])
def users():
    form = _user_form()
    if form.validate_on_submit():
        department = (
            db.session.get(Department, form.department.data) if form.department.data else None
        )
        user, error = attempt(
            lambda: services.create_user(
                current_user,
                username=form.username.data,
                name=form.name.data,
                role=form.role.data,
                password=form.password.data or "",
                department=department,
                email=form.email.data,
                mail_frequency=form.mail_frequency.data,
            )
        )
        if error is None:
            flash(_("User %(username)s created.", username=user.username), "success")
            return redirect(url_for(".users"))
        form.form_errors.append(error.message)
    all_users = db.session.scalars(select(User).order_by(User.role, User.username)).all()
    return render_template("admin/users.html", users=all_users, form=form), _status(form)


@bp.route("/users/<int:uid>", methods=["GET", "POST"])
def edit_user(uid: int):
    user = db.session.get(User, uid) or _not_found()
    form = _user_form(user)
    del form.username
    if form.validate_on_submit():
        department = (
            db.session.get(Department, form.department.data) if form.department.data else None
        )

        def save():
            services.update_user(
                current_user,
                user,
                name=form.name.data,
                role=form.role.data,
                department=department,
                active=form.active.data,
                email=form.email.data or "",
            )
            services.set_mail_frequency(current_user, user, form.mail_frequency.data)
            if form.password.data:
                services.reset_password(current_user, user, form.password.data)

        _result, error = attempt(save)
        if error is None:
            flash(_("User %(username)s saved.", username=user.username), "success")
            return redirect(url_for(".users"))
        form.form_errors.append(error.message)
    return render_template(
        "admin/user_edit.html",
        user=user,
        form=form,
        sessions=sessions.sessions_of(user),
        tokens=sessions.tokens_of(user),
        action_form=ConfirmForm(),
    ), _status(form)


@bp.post("/users/<int:uid>/revoke-tokens")
def revoke_tokens(uid: int):
    user = db.session.get(User, uid) or _not_found()
    if ConfirmForm().validate_on_submit():
        count = sessions.revoke_user_tokens(current_user, user)
        flash(
            _("%(n)d API tokens of %(username)s revoked.", n=count, username=user.username),
            "success",
        )
    return redirect(url_for(".edit_user", uid=uid))
