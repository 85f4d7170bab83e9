"""Forms of the report and section pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..formtools import HiddenWholeNumberField
from ..idempotency import OnceForm
from ..validation import whole_number


class ReportImportForm(OnceForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=500)])
    markdown = TextAreaField(_l("Paste the draft in Markdown"), validators=[Optional()])
    file = FileField(
        _l("…or upload the draft: a Word document (.docx) or a Markdown file"),
        validators=[
            FileAllowed(
                ["md", "markdown", "txt", "docx", "doc", "docm"],
                _l("Upload a Word document (.docx) or a Markdown file (.md)."),
            )
        ],
    )
    # Set by the preview page: the upload waiting in ``stash`` to be made a report.
    upload = HiddenField(validators=[Optional(), Length(max=64)])


class ReportSettingsForm(OnceForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=500)])
    departments_see_each_other = BooleanField(_l("Departments see each other's submitted feedback"))
    # The administrative format of the exported documents (Decree 30/2020/NĐ-CP). The
    # service checks the same bounds; these give the message next to the field.
    superior_body = TextAreaField(
        _l("Superior body"),
        validators=[Optional(), Length(max=200)],
        description=_l("Top left, above the issuing body, if there is one. Leave empty if none."),
    )
    issuing_body = TextAreaField(
        _l("Issuing body"),
        validators=[Optional(), Length(max=200)],
        description=_l(
            "Printed in bold capitals, one line each, e.g. ỦY BAN NHÂN DÂN / TỈNH QUẢNG NINH."
        ),
    )
    document_number = StringField(
        _l("Number and symbol"),
        validators=[Optional(), Length(max=60)],
        description=_l(
            "Printed after “Số:”, e.g. “…/BC-UBND”; leave the number blank until it is issued."
        ),
    )
    place = StringField(
        _l("Place"),
        validators=[Optional(), Length(max=100)],
        description=_l(
            "Starts the place and date line, e.g. Quảng Ninh; the date is the draft's date."
        ),
    )
    document_type = StringField(
        _l("Document type"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("Printed in bold capitals above the title, e.g. BÁO CÁO."),
    )
    signature_block = TextAreaField(
        _l("Signature block"),
        validators=[Optional(), Length(max=500)],
        description=_l(
            "At the end on the right, one line each: e.g. TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH, "
            "PHÓ CHỦ TỊCH, an empty line for the signature, then the signer's name."
        ),
    )
    recipients = TextAreaField(
        _l("Recipients"),
        validators=[Optional(), Length(max=2000)],
        description=_l("The “Nơi nhận:” list at the end on the left, one recipient a line."),
    )
    numbering_scheme = StringField(
        _l("Heading numbers, level by level"), validators=[Optional(), Length(max=40)]
    )


class SectionForm(OnceForm):
    heading = StringField(_l("Heading"), validators=[DataRequired(), Length(max=500)])
    text = TextAreaField(_l("Text (Markdown)"))
    reason = StringField(_l("Reason for the change"), validators=[Optional(), Length(max=500)])
    base_version = HiddenWholeNumberField(_l("Version edited"), validators=[InputRequired()])


class NewSectionForm(OnceForm):
    heading = StringField(_l("Heading"), validators=[DataRequired(), Length(max=500)])
    text = TextAreaField(_l("Text (Markdown)"))
    parent = SelectField(_l("Place under"), coerce=whole_number, validate_choice=False)
    after = SelectField(_l("After"), coerce=whole_number, validate_choice=False)


class RestoreForm(OnceForm):
    number = HiddenWholeNumberField(_l("Version to restore"), validators=[InputRequired()])
    base_version = HiddenWholeNumberField(_l("Current version"), validators=[InputRequired()])


class ActionForm(OnceForm):
    """A POST button with only a CSRF token (move, delete, restore)."""
