"""Cleaning user text at the boundary: NFC, newlines, no control characters, sane sizes."""

from __future__ import annotations

import re
import unicodedata

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
    parsed JSON; None when there is none."""
    if isinstance(value, str):
        match = _UNSTORABLE.search(value)
        return match.group() if match else None
    if isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    elif isinstance(value, list):
        items = value
    else:
        return None
    for item in items:
        found = unstorable_character(item)
        if found is not None:
            return found
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
    if required and not value.strip():
        raise InvalidInput(_("%(field)s must not be empty.", field=field), details={"field": field})
    return value


def clean_line(value, field: str, *, max_chars: int = 200, required: bool = True) -> str:
    """A one-line value (title, heading, name): surrounding space removed, no line breaks."""
    value = clean_text(value, field, max_chars=max_chars, required=required)
    value = " ".join(value.split())
    if required and not value:
        raise InvalidInput(_("%(field)s must not be empty.", field=field), details={"field": field})
    return value


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
# OverflowError past 64 bits. A larger number names nothing, so it is treated as absent.
INT_MAX = 2**31 - 1


def whole_number(value: str) -> int:
    """``int`` for query strings (``request.args.get(name, type=whole_number)``): a number
    too large for the database is a ValueError, which makes ``get`` return its default."""
    number = int(value)
    if not -INT_MAX <= number <= INT_MAX:
        raise ValueError(value)
    return number
