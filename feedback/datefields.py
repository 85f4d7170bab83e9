"""Dates typed on the pages: dd/mm/yyyy and 24-hour time, whatever the browser's locale.

A browser's own date inputs show and take dates in its locale's order: in an
English-locale browser, 5 December shows as 12/05 and a deadline as "05:00 PM", an easy
way to set the wrong month. Every date on our pages is therefore a text input with the
Vietnamese order, read here on the server as a wall-clock time in the report's time zone
(Asia/Ho_Chi_Minh). ISO 8601 (2026-12-05, 2026-12-05T17:00) is accepted as well, being
unambiguous; so are dots or dashes between the parts, "17h00" and digits typed without
separators on a phone's number pad (05122026, 051220261700). Month-first is never
guessed. The API keeps ISO 8601.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import Field
from wtforms.widgets import html_params

from .i18n import date_filter, datetime_filter, local_zone

_DAY_FIRST = r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})"
_ISO = r"(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
_DIGITS = r"(?P<dd>\d{2})(?P<dm>\d{2})(?P<dy>\d{4})"
_DATE = rf"(?:{_DAY_FIRST}|{_ISO}|{_DIGITS})"
_TIME = r"(?:(?P<H>\d{1,2})\s*[:hHgG]\s*(?P<M>\d{2})?(?::\d{2})?|(?P<tH>\d{2})(?P<tM>\d{2}))"
DATE_RE = re.compile(rf"\s*{_DATE}\s*")
DATETIME_RE = re.compile(rf"\s*{_DATE}(?:\s*[T,]?\s*{_TIME})?\s*")

# What the browser may check before sending (the server decides): the same shapes.
DATE_PATTERN = r"\s*(\d{1,2}[\/.\-]\d{1,2}[\/.\-]\d{4}|\d{4}-\d{1,2}-\d{1,2}|\d{8})\s*"
DATETIME_PATTERN = (
    r"\s*(\d{1,2}[\/.\-]\d{1,2}[\/.\-]\d{4}|\d{4}-\d{1,2}-\d{1,2}|\d{8})"
    r"\s*[T,]?\s*(\d{1,2}\s*[:hHgG]\s*(\d{2})?|\d{4})\s*"
)


class DateTyped(ValueError):
    """Why a typed date was not understood, as a sentence for the person."""


def _date_of(match: re.Match) -> date:
    parts = match.groupdict()
    for day, month, year in (("d", "m", "y"), ("id", "im", "iy"), ("dd", "dm", "dy")):
        if parts[year] is not None:
            try:
                return date(int(parts[year]), int(parts[month]), int(parts[day]))
            except ValueError:
                raise DateTyped(_l("There is no such day in the calendar.")) from None
    raise DateTyped(_l("The date is not understood."))  # pragma: no cover - the regex matched


def _time_of(match: re.Match) -> time | None:
    parts = match.groupdict()
    hour = parts["H"] or parts["tH"]
    if hour is None:
        return None
    minute = parts["M"] or parts["tM"] or "0"
    if int(hour) > 23 or int(minute) > 59:
        raise DateTyped(_l("The time must be between 00:00 and 23:59."))
    return time(int(hour), int(minute))


def parse_date(text: str) -> date:
    """A date typed day first (dd/mm/yyyy), or in ISO 8601; DateTyped otherwise."""
    match = DATE_RE.fullmatch(text)
    if match is None:
        raise DateTyped(_l("Type the date as dd/mm/yyyy, for example 05/12/2026."))
    return _date_of(match)


def parse_local_datetime(text: str) -> datetime:
    """A date and 24-hour time (dd/mm/yyyy hh:mm) as an aware datetime in the report's
    time zone; DateTyped otherwise."""
    match = DATETIME_RE.fullmatch(text)
    if match is None:
        raise DateTyped(
            _l(
                "Type the date and time as dd/mm/yyyy hh:mm (24-hour), for example 05/12/2026 17:00."
            )
        )
    day = _date_of(match)
    moment = _time_of(match)
    if moment is None:
        raise DateTyped(_l("Add the time (24-hour), for example 05/12/2026 17:00."))
    return datetime.combine(day, moment, tzinfo=local_zone())


class TypedDateInput:
    """A text input for a date: the pattern, a placeholder, a number pad on phones, and
    ``data-picker`` for the optional calendar button (static/dates.js)."""

    def __init__(self, kind: str):
        self.kind = kind

    def __call__(self, field, **kwargs) -> Markup:
        if self.kind == "date":
            pattern, placeholder = DATE_PATTERN, "dd/mm/yyyy"
        else:
            pattern, placeholder = DATETIME_PATTERN, "dd/mm/yyyy hh:mm"
        attributes = {
            "type": "text",
            "id": field.id,
            "name": field.name,
            "value": field._value(),
            "inputmode": "numeric",
            "autocomplete": "off",
            "pattern": pattern,
            "placeholder": placeholder,
            "data_picker": self.kind,
            "data_picker_label": str(_l("Pick on a calendar")),
            "size": len(placeholder) + 2,
            "required": bool(field.flags.required),
            **kwargs,
        }
        return Markup(
            f"<input {html_params(**{k: v for k, v in attributes.items() if v is not None})}>"
        )


class _TypedDateField(Field):
    kind = "date"

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("description", self.hint)
        super().__init__(label, validators, **kwargs)
        self.widget = TypedDateInput(self.kind)

    def process_formdata(self, valuelist):
        self.data = None
        text = valuelist[0] if valuelist else ""
        if text and text.strip():
            try:
                self.data = self.parse(text)
            except DateTyped as error:
                self.data = None
                raise ValueError(str(error.args[0])) from None


class LocalDateField(_TypedDateField):
    """A date typed dd/mm/yyyy (e.g. an official dispatch's date). Empty is None."""

    kind = "date"
    hint = _l("dd/mm/yyyy, for example 05/12/2026")

    @staticmethod
    def parse(text: str) -> date:
        return parse_date(text)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return date_filter(self.data) if self.data else ""


class LocalDateTimeField(_TypedDateField):
    """A moment typed dd/mm/yyyy hh:mm in Asia/Ho_Chi_Minh (e.g. a round's deadline);
    ``data`` is aware. Empty is None."""

    kind = "datetime"
    hint = _l("dd/mm/yyyy hh:mm, 24-hour, Vietnam time; for example 05/12/2026 17:00")

    @staticmethod
    def parse(text: str) -> datetime:
        return parse_local_datetime(text)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return datetime_filter(self.data) if self.data else ""
