"""Cleaning user input at the boundary: NFC, newlines, no control characters, visible
text, sane sizes, numbers a database column can hold, JSON of a sane shape."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from flask_babel import gettext as _

from .errors import InvalidInput, MalformedInput, TooLarge

# C0 controls other than tab and newline, DEL, lone surrogates, and the bidi
# overrides used to disguise text (CVE-2021-42574).
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


# What no database column can hold: PostgreSQL refuses NUL in text, and an unpaired
# surrogate cannot be encoded to UTF-8. Refused for every request (web.py), whatever field.
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


def unstorable_character(value) -> str | None:
    """The first NUL or unpaired surrogate in a string, or in the keys and values of
    parsed JSON; None when there is none. Iterative: no nesting makes it recurse."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            match = _UNSTORABLE.search(item)
            if match:
                return match.group()
        elif isinstance(item, dict):
            stack.extend(reversed([*item.keys(), *item.values()]))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return None


def normalize_text(value: str) -> str:
    """NFC and ``\\n`` line endings: the one form every stored text takes."""
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))


def _check_characters(value: str, field: str) -> None:
    match = _FORBIDDEN.search(value)
    if match:
        raise MalformedInput(
            _(
                "%(field)s contains a character that is not allowed (U+%(code)04X).",
                field=field,
                code=ord(match.group()),
            ),
            details={"field": field},
        )


def clean_text(value, field: str, *, max_chars: int, required: bool = True) -> str:
    """A multi-line text (section text, comment body)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise MalformedInput(_("%(field)s must be text.", field=field), details={"field": field})
    _check_characters(value, field)
    value = normalize_text(value)
    if len(value) > max_chars:
        raise TooLarge(
            _(
                "%(field)s is too long: %(count)d characters, at most %(max)d.",
                field=field,
                count=len(value),
                max=max_chars,
            ),
            details={"field": field, "max_chars": max_chars},
        )
    if not has_visible_character(value):
        if required:
            raise InvalidInput(
                _("%(field)s must not be empty.", field=field), details={"field": field}
            )
        return ""
    return value


# Letters that draw nothing (Hangul fillers, the braille blank): "Lo"/"So" by category,
# but a text made of them looks empty.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Separators, controls, format characters (zero-width space and joiners, word joiner,
# BOM, soft hyphen...), marks with nothing to combine with, unassigned and private use.
_INVISIBLE_CATEGORIES = frozenset(
    {"Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Cn", "Co", "Mn", "Me", "Mc"}
)


def has_visible_character(value: str) -> bool:
    """Whether ``value`` shows anything: a text of spaces, zero-width characters or
    combining marks alone is empty to the person reading it."""
    return any(
        unicodedata.category(char) not in _INVISIBLE_CATEGORIES and char not in _BLANK_LETTERS
        for char in value
    )


def clean_line(value, field: str, *, max_chars: int = 200, required: bool = True) -> str:
    """A one-line value (title, heading, name): surrounding space removed, no line breaks."""
    value = clean_text(value, field, max_chars=max_chars, required=required)
    return " ".join(value.split())


# An ASCII address: local part @ domain (a domain without a dot is allowed: closed
# government networks have internal mail domains). No spaces, no line breaks, one "@".
_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\Z"
)


def clean_email(value, field: str, key: str) -> str | None:
    """An optional e-mail address: None when empty; refused unless it is one address.
    ``field`` names it for people, ``key`` for programs (the error's details)."""
    value = clean_line(value, field, max_chars=254, required=False)
    if not value:
        return None
    if not _EMAIL.match(value):
        raise InvalidInput(
            _("%(field)s is not a valid e-mail address: %(value)s", field=field, value=value),
            details={"field": key},
        )
    return value


# Ids and numbers that reach an INTEGER column: PostgreSQL's is 32-bit, SQLite raises
# OverflowError past 64 bits. In a query string a larger number names nothing, so it is
# treated as absent; in a body or a form it is refused (422) with the field's name.
INT_MAX = 2**31 - 1


def number_out_of_range(field: str, minimum: int, maximum: int = INT_MAX) -> InvalidInput:
    return InvalidInput(
        _(
            "%(field)s must be a whole number from %(min)d to %(max)d.",
            field=field,
            min=minimum,
            max=maximum,
        ),
        details={"field": field, "minimum": minimum, "maximum": maximum},
    )


def bounded_int(value, field: str, *, minimum: int = 1, maximum: int = INT_MAX) -> int:
    """A whole number a database INTEGER column holds, from a form field or a body:
    anything else (text, a fraction, a number out of range) is a 422 naming the field."""
    if isinstance(value, bool):
        raise number_out_of_range(field, minimum, maximum)
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise number_out_of_range(field, minimum, maximum) from None
    if not minimum <= number <= maximum:
        raise number_out_of_range(field, minimum, maximum)
    return number


def whole_number(value: str) -> int:
    """``int`` for query strings (``request.args.get(name, type=whole_number)``): a number
    too large for the database is a ValueError, which makes ``get`` return its default."""
    number = int(value)
    if not -INT_MAX <= number <= INT_MAX:
        raise ValueError(value)
    return number


# JSON bodies: ours are objects of scalars and lists (depth 2); anything nested this deep
# is not a request a person or an integration meant to send.
MAX_JSON_DEPTH = 32


def parse_json(raw: bytes) -> Any:
    """The JSON value of a request body: invalid UTF-8, invalid JSON and nesting deeper
    than MAX_JSON_DEPTH are MalformedInput (400), never a RecursionError."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedInput(_("The request body is not valid UTF-8.")) from None
    try:
        value = json.loads(text)
    except RecursionError:
        raise _too_deep() from None
    except ValueError:
        raise MalformedInput(_("The request body is not valid JSON.")) from None
    if json_depth(value) > MAX_JSON_DEPTH:
        raise _too_deep()
    return value


def _too_deep() -> MalformedInput:
    return MalformedInput(
        _(
            "The request body is nested too deeply (more than %(max)d levels).",
            max=MAX_JSON_DEPTH,
        )
    )


def json_depth(value: Any) -> int:
    """How deeply lists and objects nest in ``value`` (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest
