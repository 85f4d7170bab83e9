"""Forms of the figures' pages: a department's checks, the drafting team's assignment."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional

from ..formtools import HiddenWholeNumberField, choices
from ..idempotency import OnceForm

# Lengths and required fields are checked by the use cases, which say so in a sentence.


class ConfirmForm(OnceForm):
    source = StringField(_l("Source"), description=_l("e.g. Cục Thống kê, số liệu ước đến 30/11"))
    confirm = SubmitField(_l("Confirm this figure"))


class CorrectForm(OnceForm):
    actual = StringField(_l("Correct figure"))
    source = StringField(_l("Source"))
    note = TextAreaField(_l("Note"), validators=[Optional()])
    correct = SubmitField(_l("Propose this correction"))


class ProposeForm(OnceForm):
    target = StringField(_l("Proposed target"))
    rationale = TextAreaField(_l("Rationale"))
    propose = SubmitField(_l("Propose this target"))


class NewIndicatorForm(OnceForm):
    table_id = HiddenWholeNumberField(_l("Table"))
    name = StringField(_l("Indicator"))
    unit = StringField(_l("Unit"), validators=[Optional()])
    target = StringField(_l("Proposed target"))
    rationale = TextAreaField(_l("Rationale"))
    propose_new = SubmitField(_l("Propose this new indicator"))


class AssignForm(OnceForm):
    department = SelectField(_l("Department"), validate_choice=False)
    direction = SelectField(
        _l("Direction"),
        choices=choices(
            [
                ("", _l("from the target's wording")),
                ("higher", _l("higher is better")),
                ("lower", _l("lower is better")),
            ]
        ),
        validate_choice=False,
    )
    save = SubmitField(_l("Save"))
