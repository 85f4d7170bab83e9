"""Pages: log in, log out, change password, choose the language."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..transaction import attempt, keep_changes
from . import services, sessions, throttle
from .forms import LoginForm, LogoutForm, PasswordForm

bp = Blueprint("auth", __name__)

MAX_NEXT = 2000


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no '//' or '\\' tricks, and nothing
    that cannot stand in a Location header (control characters, spaces, non-ASCII)."""
    if not target or len(target) > MAX_NEXT or not target.startswith("/"):
        return None
    if target.startswith(("//", "/\\")) or "\\" in target:
        return None
    if not target.isascii() or any(c.isspace() or not c.isprintable() for c in target):
        return None
    try:
        parts = urlsplit(target)
    except ValueError:
        return None
    if parts.scheme or parts.netloc:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@throttle.per_address
@throttle.per_account
def login():
    if current_user.is_authenticated:
        return redirect(url_for("reports.index"))
    form = LoginForm(next=safe_next(request.args.get("next")) or "")
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.password.data)
        if user is None:
            services.record_failed_login(
                form.username.data or "", via="page", address=request.remote_addr
            )
            keep_changes()  # the failed login stays in the audit trail
            # One message whether the username exists or not.
            form.form_errors.append(_("Wrong username or password."))
            return render_template("auth/login.html", form=form), 401
        _start_session(user)
        if user.must_change_password:  # the page says why
            return redirect(url_for("auth.change_password"))
        return redirect(safe_next(form.next.data) or url_for("reports.start"))
    return render_template("auth/login.html", form=form)


def _start_session(user) -> None:
    session.clear()  # no session fixation: a fresh cookie for every login
    sessions.start_session(
        user,
        address=request.remote_addr or "",
        user_agent=request.headers.get("User-Agent", ""),
    )
    login_user(user)
    session.permanent = True
    session["login_at"] = datetime.now(UTC).timestamp()


@bp.post("/logout")
@login_required
def logout():
    form = LogoutForm()
    row = g.get("login_session")
    if form.validate_on_submit() and row is not None:
        sessions.end_session(current_user._get_current_object(), row)
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        _result, error = attempt(
            lambda: services.change_password(
                user, form.current.data, form.new.data, keep=g.get("login_session")
            )
        )
        if error is None:
            flash(
                _(
                    "Your password has been changed; your other sessions and your API tokens "
                    "have been ended."
                ),
                "success",
            )
            return redirect(url_for("reports.index"))
        form.form_errors.append(error.message)
    return render_template("auth/password.html", form=form, must_change=user.must_change_password)


@bp.post("/language/<code>")
def set_language(code: str):
    if code in current_app.config["FEEDBACK_LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            current_user.locale = code
    return redirect(safe_next(request.form.get("next")) or url_for("reports.index"))
