"""Small helpers shared by the forms and form handlers of every domain."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import current_app, flash, g
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from wtforms import Field, SelectChoice, SelectMultipleField
from wtforms.widgets import HiddenInput, TextInput

from .errors import InvalidInput
from .idempotency import FORM_FIELD
from .pagecache import new_form_token
from .transaction import attempt
from .validation import bounded_int


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def run_and_flash(run: Callable[[], object], success: str) -> bool:
    """Run a use case for a page's POST and flash ``success``, or the refusal's own
    message (the change is then rolled back; see ``transaction.attempt``). The request
    commits at its end. True when it went through."""
    _result, error = attempt(run)
    if error is not None:
        flash(error.message, "error")
        return False
    flash(success, "success")
    return True


# Numbers in forms ----------------------------------------------------------------------


class WholeNumberField(Field):
    """A whole number an INTEGER column can hold (ids, version numbers, positions).

    Anything else (text, a fraction, 2^31 and beyond) is a form error naming the field,
    so the number never reaches the database driver to overflow there. Empty is None.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, *, minimum: int = 1, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.minimum = minimum

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and str(valuelist[0]).strip():
            try:
                self.data = bounded_int(valuelist[0], str(self.label.text), minimum=self.minimum)
            except InvalidInput as error:
                raise ValueError(error.message) from None

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)


class HiddenWholeNumberField(WholeNumberField):
    widget = HiddenInput()


class WholeNumbersField(SelectMultipleField):
    """Several ids (checkboxes or repeated hidden inputs), each held as WholeNumberField
    holds one; no choices are checked (the use case checks what the ids name)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, validate_choice=False, **kwargs)

    def process_formdata(self, valuelist):
        name = str(self.label.text)
        try:
            self.data = [bounded_int(value, name) for value in valuelist]
        except InvalidInput as error:
            self.data = []
            raise ValueError(error.message) from None


def refusal(form, fallback: str | None = None) -> InvalidInput:
    """Why a submitted form was refused, as a 422 the error page shows: a number's own
    sentence (it names its field) first, else ``fallback``, else the first error."""
    numbers = [
        error
        for field in form
        if isinstance(field, WholeNumberField | WholeNumbersField)
        for error in field.errors
    ]
    if numbers:
        return InvalidInput(numbers[0])
    if fallback:
        return InvalidInput(fallback)
    others = [f"{field.label.text}: {error}" for field in form for error in field.errors]
    return InvalidInput(others[0] if others else None)


def show_hidden_errors(form) -> int:
    """Put the errors of hidden fields (not drawn next to any input) among the form's
    own errors; the status a page with this form answers (422 when it has errors)."""
    for field in form:
        if isinstance(field.widget, HiddenInput) and field.name != "csrf_token":
            form.form_errors.extend(field.errors)
    return 422 if form.errors or form.form_errors else 200


def page_form_tokens() -> Markup:
    """The hidden fields of a page's small action forms (a button, an answer, a reply):
    one CSRF token and one form token for the whole page, made once per request.

    A WTForms object per item rendered the same two fields a hundred times over; the
    server still checks them as before (each handler validates its ``OnceForm``: the CSRF
    token by Flask-WTF, the form token by ``idempotency``, per path and fields)."""
    tokens = g.get("_page_form_tokens")
    if tokens is None:
        fields = []
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            fields.append(("csrf_token", generate_csrf()))
        fields.append((FORM_FIELD, new_form_token()))
        tokens = Markup("").join(
            Markup('<input id="{0}" name="{0}" type="hidden" value="{1}">').format(name, value)
            for name, value in fields
        )
        g._page_form_tokens = tokens
    return tokens
