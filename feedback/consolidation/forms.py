"""Forms of the edition pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Optional


class EditionForm(FlaskForm):
    note = TextAreaField(_l("Note (what this draft absorbs, for whom)"), validators=[Optional()])
