"""Forms of the consultation pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..datefields import LocalDateField, LocalDateTimeField
from ..formtools import HiddenWholeNumberField, WholeNumberField, WholeNumbersField, choices
from ..idempotency import OnceForm
from ..labels import LABELS


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RoundForm(OnceForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=300)])
    deadline = LocalDateTimeField(
        _l("Deadline (Vietnam time)"),
        validators=[
            InputRequired(_l("Type the deadline as dd/mm/yyyy hh:mm, e.g. 05/12/2026 17:00."))
        ],
    )
    # None is ticked at first (a stray click invites nobody); "all" is a box the server
    # honours, so it works without JavaScript (static/forms.js ticks the boxes with it).
    all_departments = BooleanField(_l("All departments"))
    departments = MultiCheckboxField(_l("Invited departments"), validate_choice=False)
    note = TextAreaField(_l("Note to the departments"), validators=[Optional()])
    deemed_agree = BooleanField(
        _l("A department that does not answer is deemed to agree"), default=True
    )


class CommentForm(OnceForm):
    kind = SelectField(
        _l("Kind"), choices=choices(LABELS["comment_kind"].items()), default="general"
    )
    body = TextAreaField(_l("Comment"), validators=[DataRequired()])
    quote = TextAreaField(_l("Passage commented on (optional)"), validators=[Optional()])
    quote_start = HiddenWholeNumberField(_l("Position of the passage"), minimum=0)
    base_version = HiddenWholeNumberField(_l("Version commented on"))
    # A selection on the rendered page: offsets in the text the page showed (passages.js).
    passage_start = HiddenWholeNumberField(_l("Start of the selected passage"), minimum=0)
    passage_end = HiddenWholeNumberField(_l("End of the selected passage"), minimum=0)


class CommentEditForm(OnceForm):
    kind = SelectField(_l("Kind"), choices=choices(LABELS["comment_kind"].items()))
    body = TextAreaField(_l("Comment"), validators=[DataRequired()])


class ReplyForm(OnceForm):
    body = TextAreaField(_l("Reply"), validators=[DataRequired()])


class SuggestionForm(OnceForm):
    text = TextAreaField(_l("Proposed text (Markdown)"))
    rationale = TextAreaField(_l("Rationale"), validators=[Optional()])
    base_version = HiddenWholeNumberField(_l("Version proposed on"), validators=[InputRequired()])
    preview = SubmitField(_l("Preview the changes"))
    save = SubmitField(_l("Save as draft"))


class ResponseForm(OnceForm):
    dispatch_number = StringField(
        _l("Official dispatch number (số công văn)"), validators=[Optional(), Length(max=100)]
    )
    dispatch_date = LocalDateField(_l("Dispatch date"), validators=[Optional()])
    # The most important click of the department's day: it is confirmed, with or
    # without JavaScript.
    confirm = BooleanField(
        _l("I confirm this is my department's official response"),
        validators=[
            DataRequired(
                message=_l("Tick the confirmation: the response is sent in your department's name.")
            )
        ],
    )
    submit_feedback = SubmitField(_l("Submit our feedback"))
    no_comments = SubmitField(_l("No comments: we agree with the draft"))


class AcceptForm(OnceForm):
    note = StringField(
        _l("Note to the department (optional)"), validators=[Optional(), Length(max=2000)]
    )
    text = TextAreaField(
        _l("Text to accept (edit it to accept with changes)"), validators=[Optional()]
    )
    expected_version = HiddenWholeNumberField(
        _l("Version the text was written on"), validators=[InputRequired()]
    )


class RejectForm(OnceForm):
    reason = TextAreaField(_l("Reason (required; the department sees it)"), validators=[Optional()])


class ResolveForm(OnceForm):
    # No answer is preselected: "" is the "— choose —" placeholder, refused when sent.
    disposition = SelectField(
        _l("Answer"), choices=choices([("", ""), *LABELS["disposition"].items()])
    )
    response = TextAreaField(_l("Response to the department"), validators=[Optional()])
    absorbed_version = WholeNumberField(_l("Absorbed in version (optional)"))
    also = WholeNumbersField(_l("Same answer for"))


class ReopenForm(OnceForm):
    note = StringField(_l("Why reopen? (optional)"), validators=[Optional(), Length(max=2000)])


class BulkAcceptForm(OnceForm):
    ids = WholeNumbersField(_l("Suggestions to accept, in this order"))
