"""Pages: log in, log out, change password, choose the language."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import limiter
from ..transaction import attempt
from . import services, throttle
from .forms import LoginForm, LogoutForm, PasswordForm

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no '//' or '\\' tricks."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(throttle.per_address_limit, methods=["POST"])
@limiter.limit(
    throttle.per_account_limit,
    key_func=throttle.address_and_username,
    methods=["POST"],
    deduct_when=throttle.failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("reports.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.password.data)
        if user is None:
            services.log_failed_login(form.username.data or "", via="page")
            # One message whether the username exists or not.
            form.form_errors.append(_("Wrong username or password."))
            return render_template("auth/login.html", form=form), 401
        session.clear()
        login_user(user)
        session.permanent = True
        session["login_at"] = datetime.now(UTC).timestamp()
        return redirect(safe_next(form.next.data) or url_for("reports.index"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    form = LogoutForm()
    if form.validate_on_submit():
        services.log_out(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        _result, error = attempt(
            lambda: services.change_password(user, form.current.data, form.new.data)
        )
        if error is None:
            # The session token rotated; keep this browser logged in with the new one.
            login_user(user)
            flash(
                _("Your password has been changed; other sessions have been logged out."), "success"
            )
            return redirect(url_for("reports.index"))
        form.form_errors.append(error.message)
    return render_template("auth/password.html", form=form)


@bp.post("/language/<code>")
def set_language(code: str):
    if code in current_app.config["FEEDBACK_LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            current_user.locale = code
    return redirect(safe_next(request.form.get("next")) or url_for("reports.index"))
