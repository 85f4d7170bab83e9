"""The administrative format settings of a report (Decree 30/2020/NĐ-CP), cleaned at the
boundary: NFC, no control characters, bounded lengths and line counts, a 422 naming the
field for anything out of bounds."""

from __future__ import annotations

from flask_babel import gettext as _

from ..errors import InvalidInput, MalformedInput
from ..validation import clean_text
from .models import DOCUMENT_FORMAT

# Most lines a multi-line setting may have: beyond these it is not what the field is for.
MAX_LINES = {"superior_body": 3, "issuing_body": 4, "signature_block": 12, "recipients": 40}


def field_names() -> dict[str, str]:
    """The settings' names for people, in the reader's language."""
    return {
        "superior_body": _("Superior body"),
        "issuing_body": _("Issuing body"),
        "document_number": _("Number and symbol"),
        "place": _("Place"),
        "document_type": _("Document type"),
        "signature_block": _("Signature block"),
        "recipients": _("Recipients"),
    }


def clean_document_format(values: dict[str, object]) -> dict[str, str]:
    """The given settings (keys of ``DOCUMENT_FORMAT``; None means "unchanged", left
    out) in their stored form."""
    names = field_names()
    cleaned = {}
    for key, value in values.items():
        if value is None:
            continue
        if not isinstance(value, str):
            raise MalformedInput(
                _("%(field)s must be text.", field=names[key]), details={"field": key}
            )
        max_chars, multiline = DOCUMENT_FORMAT[key]
        # Length is checked below on the cleaned value; this only bounds the work.
        text = clean_text(value, names[key], max_chars=max_chars * 4 + 100, required=False)
        text = _lines(text, key, names[key]) if multiline else _one_line(text, key)
        if len(text) > max_chars:
            raise InvalidInput(
                _(
                    "%(field)s is too long: %(count)d characters, at most %(max)d.",
                    field=names[key],
                    count=len(text),
                    max=max_chars,
                ),
                details={"field": key, "max_chars": max_chars},
            )
        cleaned[key] = text
    if cleaned.get("document_type", "x") == "":
        raise InvalidInput(
            _("%(field)s must not be empty (for example BÁO CÁO).", field=names["document_type"]),
            details={"field": "document_type"},
        )
    return cleaned


def _one_line(text: str, key: str) -> str:
    if key == "document_number":
        # "Số:      /BC-UBND": a draft leaves the number blank, the spaces are the blank.
        return text.replace("\n", " ").replace("\t", " ").rstrip()
    return " ".join(text.split())


def _lines(text: str, key: str, name: str) -> str:
    rows = [" ".join(row.split()) for row in text.split("\n")]
    while rows and not rows[0]:
        rows.pop(0)
    while rows and not rows[-1]:
        rows.pop()
    if len(rows) > MAX_LINES[key]:
        raise InvalidInput(
            _(
                "%(field)s has too many lines: %(count)d, at most %(max)d.",
                field=name,
                count=len(rows),
                max=MAX_LINES[key],
            ),
            details={"field": key, "max_lines": MAX_LINES[key]},
        )
    return "\n".join(rows)
