"""Forms of the edition pages."""

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import Optional

from ..idempotency import OnceForm


class EditionForm(OnceForm):
    note = TextAreaField(_l("Note (what this draft absorbs, for whom)"), validators=[Optional()])
