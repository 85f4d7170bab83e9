"""The person's own account page: their login sessions and API tokens, and "log out
everywhere" (as GitHub's sessions page and Google's "sign out of all other sessions")."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from ..errors import NotFound
from ..extensions import db
from . import sessions
from .forms import ConfirmForm
from .models import ApiToken, LoginSession
from .views import bp


@bp.get("/account")
@login_required
def account():
    user = current_user._get_current_object()
    current = g.get("login_session")
    return render_template(
        "auth/account.html",
        sessions=sessions.sessions_of(user),
        tokens=sessions.tokens_of(user),
        current_id=current.id if current is not None else None,
        form=ConfirmForm(),
    )


def _own(model, ident: int):
    row = db.session.get(model, ident)
    if row is None or row.user_id != current_user.id:
        raise NotFound(_("There is no such session or token on your account."))
    return row


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    row = _own(LoginSession, session_id)
    if ConfirmForm().validate_on_submit():
        sessions.end_session(current_user._get_current_object(), row)
        current = g.get("login_session")
        if current is not None and current.id == row.id:
            return _logged_out(_("You have logged out."))
        flash(_("That session has been logged out."), "success")
    return redirect(url_for(".account"))


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    row = _own(ApiToken, token_id)
    if ConfirmForm().validate_on_submit():
        sessions.revoke_token_row(current_user._get_current_object(), row)
        flash(_("The API token has been revoked."), "success")
    return redirect(url_for(".account"))


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere():
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".account"))
    sessions.log_out_everywhere(current_user._get_current_object())
    return _logged_out(
        _("You have logged out everywhere: every session and every API token has ended.")
    )


def _logged_out(message: str):
    logout_user()
    session.clear()
    flash(message, "info")
    return redirect(url_for(".login"))
