"""Forms of the login, account and administration pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional

from ..formtools import choices
from ..idempotency import OnceForm
from ..labels import LABELS
from ..validation import whole_number


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    next = HiddenField()


class LogoutForm(FlaskForm):
    pass


class PasswordForm(OnceForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=256)])


class DepartmentForm(OnceForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    mailbox = StringField(_l("Official mailbox"), validators=[Optional(), Length(max=254)])


class UserForm(OnceForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=choices(LABELS["role"].items()))
    department = SelectField(_l("Department"), coerce=whole_number, validate_choice=False)
    password = PasswordField(_l("Password"), validators=[Optional(), Length(max=256)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    # Checked by the service (a missing one is "each notification").
    mail_frequency = SelectField(
        _l("E-mail notifications"),
        choices=choices(LABELS["mail_frequency"].items()),
        validate_choice=False,
    )
    active = BooleanField(_l("Active"), default=True)


class MailPreferencesForm(FlaskForm):
    mail_frequency = RadioField(
        _l("How do you want to receive notifications by e-mail?"),
        choices=choices(LABELS["mail_frequency"].items()),
    )


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
