"""The one check every uploaded Word file passes before anything reads it.

``check_docx(data, limits)`` refuses, with a sentence a person understands and before a
single part is parsed: a file that is not a .docx (a binary .doc, an encrypted document,
which Word stores as an OLE compound file, anything else), a macro-enabled document, a
zip bomb (sizes read from the zip directory, never by expanding), a part with a DOCTYPE
(XML entity bombs, external entities) and external relationships, which are never
fetched. ``parse_part`` reads one XML part with a parser that resolves no entity, loads
nothing from the network and refuses huge trees.

Kept small and on its own so that the report import (issue 14, item 1) and the markup
import share it.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from flask_babel import gettext as _
from lxml import etree

from .errors import InvalidInput, TooLarge

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_MACRO_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024  # the file as uploaded
    max_unpacked: int = 200 * 1024 * 1024  # all its parts, expanded
    max_parts: int = 1000
    max_ratio: int = 200  # expanded / compressed, for any part over 1 MiB


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, details={"field": "file"})


def _open_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    if len(data) > limits.max_bytes:
        raise TooLarge(
            _("The file is larger than %(n)d MiB.", n=limits.max_bytes // (1024 * 1024)),
            details={"field": "file"},
        )
    if data.startswith(_OLE_MAGIC):
        raise _refuse(
            _(
                "This is a password-protected document or an old Word (.doc) file: "
                "remove the password, or save it as .docx in Word first."
            )
        )
    if not data.startswith(_ZIP_MAGIC):
        raise _refuse(_("This is not a Word document (.docx)."))
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refuse(_("The Word document is damaged and cannot be read.")) from None


def _check_sizes(archive: zipfile.ZipFile, limits: Limits) -> None:
    infos = archive.infolist()
    if len(infos) > limits.max_parts:
        raise _refuse(_("The Word document has too many parts to be read."))
    total = 0
    for info in infos:
        total += info.file_size
        big = info.file_size > 1024 * 1024
        if big and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise _refuse(_("The Word document expands to an unreasonable size; it is refused."))
    if total > limits.max_unpacked:
        raise _refuse(_("The Word document expands to an unreasonable size; it is refused."))


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return archive.read(name)
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        raise _refuse(_("The Word document is damaged and cannot be read.")) from None


def _declares_doctype(xml: bytes) -> bool:
    """A DOCTYPE or ENTITY declaration, in UTF-8 or in UTF-16 (which XML allows)."""
    if xml[:2] in (b"\xff\xfe", b"\xfe\xff"):
        xml = xml.decode("utf-16", "replace").encode("utf-8")
    return bool(_DOCTYPE.search(xml))


def check_docx(data: bytes, limits: Limits | None = None) -> None:
    """Refuse (InvalidInput, TooLarge) a file that must not be read as a .docx."""
    limits = limits or Limits()
    archive = _open_zip(data, limits)
    with archive:
        _check_sizes(archive, limits)
        names = set(archive.namelist())
        if "[Content_Types].xml" not in names:
            raise _refuse(_("This is not a Word document (.docx)."))
        for name in names:
            if name.endswith((".xml", ".rels")) and _declares_doctype(_read(archive, name)):
                raise _refuse(
                    _("The Word document contains XML declarations that are refused (DOCTYPE).")
                )
        types = _read(archive, "[Content_Types].xml").decode("utf-8", "replace")
        if _MACRO_TYPE in types:
            raise _refuse(_("Documents with macros (.docm) are refused; save it as .docx."))
        if _MAIN_TYPE not in types:
            raise _refuse(_("This is not a Word document (.docx)."))
        for name in names:
            if name.endswith(".rels") and b"External" in _read(archive, name):
                rels = parse_part(_read(archive, name))
                if any(r.get("TargetMode") == "External" for r in rels):
                    raise _refuse(
                        _(
                            "The Word document links to outside files or addresses; "
                            "such documents are refused. Remove the links and try again."
                        )
                    )


_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, dtd_validation=False
)


def parse_part(xml: bytes):
    """One XML part of a checked .docx, read without entities or network access."""
    try:
        return etree.fromstring(xml, parser=_PARSER)
    except etree.XMLSyntaxError:
        raise _refuse(_("The Word document is damaged and cannot be read.")) from None


def read_part(data: bytes, name: str) -> bytes | None:
    """A part of a checked .docx, or None when it has none by that name."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if name not in archive.namelist():
            return None
        return _read(archive, name)
