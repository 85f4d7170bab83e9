"""The one check every uploaded Word file passes before anything reads it, in words.

The rules are ``wordimport.package.open_docx`` (pure): a file that is not a .docx (a
binary .doc, an encrypted document, which Word stores as an OLE compound file, anything
else), a macro-enabled document, a zip bomb (sizes read from the zip directory, never by
expanding), too many parts, a part with a DOCTYPE (XML entity bombs, external entities,
UTF-16 too) and external relationships, which are never fetched. Here each refusal
becomes a sentence a person understands (``REFUSALS``), for the draft import and the
markup import alike. ``parse_part`` reads one XML part with the same hardened parser.
"""

from __future__ import annotations

import io
import zipfile

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .errors import DomainError, InvalidInput, TooLarge
from .wordimport.package import Limits, UnsafeDocument, open_docx, parse_xml

__all__ = [
    "REFUSALS",
    "Limits",
    "check_docx",
    "parse_part",
    "read_part",
    "refusal",
    "upload_limits",
]

REFUSALS = {
    "ole": _l(
        "This file is protected by a password or is an old Word (.doc) file. Remove the "
        "password, or open it in Word and save it as .docx (File › Save As › Word "
        "Document), then upload the .docx."
    ),
    "encrypted": _l("This file is protected by a password. Remove the password in Word first."),
    "doc": _l(
        "This is an old Word (.doc) file. Open it in Word and save it as .docx first "
        "(File › Save As › Word Document), then upload the .docx."
    ),
    "macros": _l("Documents with macros (.docm) are not accepted. Save it as .docx first."),
    "not_docx": _l("This file is not a Word document (.docx)."),
    "corrupt": _l("This Word document is damaged and cannot be read. Open and save it in Word."),
    "too_many_parts": _l("This Word document has too many parts to be a report."),
    "bomb": _l("This file expands to far more data than a report holds; it is refused."),
    "entities": _l("This Word document contains XML entity declarations; it is refused."),
    "external": _l(
        "This Word document links to outside files or addresses (they are never "
        "fetched); remove the links, or copy the text into a new document."
    ),
}


def upload_limits() -> Limits:
    """The limits of an uploaded document, from the configuration (FEEDBACK_UPLOAD_*)."""
    config = current_app.config
    return Limits(
        max_bytes=config["FEEDBACK_UPLOAD_MAX_BYTES"],
        max_uncompressed=config["FEEDBACK_UPLOAD_MAX_UNCOMPRESSED"],
        max_parts=config["FEEDBACK_UPLOAD_MAX_PARTS"],
    )


def refusal(kind: str, limits: Limits | None = None) -> DomainError:
    """The error a refused upload answers with: a 413 when too large, else a 422 whose
    ``details.reason`` is the refusal's code."""
    if kind == "too_large":
        mib = (limits or Limits()).max_bytes // 1024**2
        return TooLarge(
            _("The file is larger than %(mib)d MiB.", mib=mib), details={"field": "file"}
        )
    return InvalidInput(str(REFUSALS[kind]), details={"field": "file", "reason": kind})


def check_docx(data: bytes, limits: Limits | None = None) -> None:
    """Refuse (InvalidInput, TooLarge) a file that must not be read as a .docx."""
    try:
        open_docx(data, limits).archive.close()
    except UnsafeDocument as refused:
        raise refusal(refused.kind, limits) from None


def parse_part(xml: bytes):
    """One XML part of a checked .docx, read without entities or network access."""
    try:
        return parse_xml(xml)
    except UnsafeDocument as refused:
        raise refusal(refused.kind) from None


def read_part(data: bytes, name: str) -> bytes | None:
    """A part of a checked .docx, or None when it has none by that name."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if name not in archive.namelist():
            return None
        try:
            return archive.read(name)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
            raise refusal("corrupt") from None
