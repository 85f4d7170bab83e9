"""Opening an uploaded .docx safely: every check happens before pandoc or lxml reads it."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from lxml import etree

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, and Word's encrypted .docx
ZIP_MAGIC = b"PK\x03\x04"
MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.main+xml",
}
MACRO_TYPES = {"application/vnd.ms-word.document.macroEnabled.main+xml"}
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class UnsafeDocument(Exception):
    """The upload cannot be read as a Word document; ``kind`` says why (a code)."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024
    max_uncompressed: int = 200 * 1024 * 1024
    max_parts: int = 2000
    max_ratio: int = 200  # a part that expands more than this is a bomb
    max_part: int = 100 * 1024 * 1024


_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
)


def parse_xml(data: bytes) -> etree._Element:
    """Parse a part with no DTD at all: a Word part never has one, so a DOCTYPE (the
    carrier of entity bombs and external entities) is refused, not merely ignored."""
    text = data.decode("utf-16", "replace").encode() if data[:2] in _UTF16_BOMS else data
    if b"<!DOCTYPE" in text or b"<!ENTITY" in text[:4096]:
        raise UnsafeDocument("entities")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnsafeDocument("corrupt", str(exc)) from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # XML allows other encodings
        raise UnsafeDocument("entities")
    return root


class DocxPackage:
    """A checked .docx: read parts by name; the main document's name is ``main``."""

    def __init__(self, archive: zipfile.ZipFile, main: str):
        self.archive = archive
        self.main = main
        self._names = set(archive.namelist())

    def has(self, name: str) -> bool:
        return name in self._names

    def read(self, name: str) -> bytes:
        return self.archive.read(name)

    def xml(self, name: str) -> etree._Element | None:
        return parse_xml(self.read(name)) if self.has(name) else None

    def part_names(self) -> list[str]:
        return sorted(self._names)


def _check_directory(archive: zipfile.ZipFile, limits: Limits) -> None:
    infos = archive.infolist()
    if len(infos) > limits.max_parts:
        raise UnsafeDocument("too_many_parts", str(len(infos)))
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnsafeDocument("encrypted")
        if info.file_size > limits.max_part:
            raise UnsafeDocument("bomb", info.filename)
        if info.file_size > 1024 * 1024 and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise UnsafeDocument("bomb", info.filename)
        total += info.file_size
        if total > limits.max_uncompressed:
            raise UnsafeDocument("bomb", "total")


def _main_part(archive: zipfile.ZipFile) -> str:
    try:
        types = parse_xml(archive.read("[Content_Types].xml"))
    except KeyError as exc:
        raise UnsafeDocument("not_docx") from exc
    for override in types.iter(f"{{{CT_NS}}}Override"):
        kind = override.get("ContentType", "")
        if kind in MACRO_TYPES:
            raise UnsafeDocument("macros")
        if kind in MAIN_TYPES:
            return override.get("PartName", "").lstrip("/")
    raise UnsafeDocument("not_docx")


def _check_relationships(package: DocxPackage) -> None:
    for name in package.part_names():
        if name.endswith(".rels"):
            root = package.xml(name)
            for rel in root.iter(f"{{{REL_NS}}}Relationship"):
                if (rel.get("TargetMode") or "").lower() == "external":
                    raise UnsafeDocument("external", rel.get("Target", "")[:200])
        elif name.lower().endswith("vbaproject.bin"):
            raise UnsafeDocument("macros")


def open_docx(data: bytes, limits: Limits | None = None) -> DocxPackage:
    """Check ``data`` is a plain .docx within ``limits`` and return it opened.

    Refused with ``UnsafeDocument``: too large, an OLE file (``ole``: a .doc or an
    encrypted .docx), not a zip (``not_docx``), a corrupt zip (``corrupt``), too many
    parts or too much uncompressed data (``too_many_parts``, ``bomb``), macros
    (``macros``), external relationships (``external``), any DTD in a part
    (``entities``). Every XML part is parsed here once with the hardened parser, so
    nothing later meets one of them unchecked.
    """
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise UnsafeDocument("too_large")
    if data.startswith(OLE_MAGIC):
        raise UnsafeDocument("ole")
    if not data.startswith(ZIP_MAGIC):
        raise UnsafeDocument("not_docx")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        _check_directory(archive, limits)
        main = _main_part(archive)
        if main not in archive.namelist():
            raise UnsafeDocument("not_docx")
        package = DocxPackage(archive, main)
        _check_relationships(package)
        for name in package.part_names():
            if name.endswith(".xml") and name != "[Content_Types].xml":
                parse_xml(package.read(name))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, KeyError) as exc:
        raise UnsafeDocument("corrupt", str(exc)) from exc
    except RuntimeError as exc:  # zipfile: "File ... is encrypted, password required"
        raise UnsafeDocument("encrypted", str(exc)) from exc
    return package
