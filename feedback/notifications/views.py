"""The notifications page, and each user's choice of e-mail."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth import services as accounts
from ..auth.forms import MailPreferencesForm
from ..reports.forms import ActionForm
from ..transaction import attempt
from . import services

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index():
    items = services.recent(current_user)
    return render_template(
        "notifications/index.html",
        items=[(n, services.message(n), services.url(n)) for n in items],
        action_form=ActionForm(),
    )


@bp.post("/notifications/read")
@login_required
def mark_read():
    if ActionForm().validate_on_submit():
        services.mark_all_read(current_user)
    return redirect(url_for(".index"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def mail_preferences():
    user = current_user._get_current_object()
    form = MailPreferencesForm(obj=user)
    if form.validate_on_submit():
        _result, error = attempt(
            lambda: accounts.set_mail_frequency(user, user, form.mail_frequency.data)
        )
        if error is None:
            flash(_("Your e-mail preference is saved."), "success")
            return redirect(url_for(".mail_preferences"))
        form.form_errors.append(error.message)
    return render_template("notifications/mail_preferences.html", form=form, user=user)


def unread_count_processor():
    if current_user.is_authenticated:
        return {"unread_notifications": services.unread_count(current_user)}
    return {"unread_notifications": 0}
