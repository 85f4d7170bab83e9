"""Forms of the edition pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length, Optional

from ..idempotency import OnceForm


class EditionForm(OnceForm):
    note = TextAreaField(_l("Note (what this draft absorbs, for whom)"), validators=[Optional()])


class ReimportForm(OnceForm):
    file = FileField(
        _l("The revised draft (.docx, or .md)"),
        validators=[
            FileAllowed(
                ["docx", "doc", "docm", "md", "markdown", "txt"],
                _l("Upload a Word document (.docx) or a Markdown file (.md)."),
            )
        ],
    )
    # Set by the plan page: the upload waiting to be applied.
    upload = HiddenField(validators=[Optional(), Length(max=64)])
