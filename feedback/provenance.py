"""Where an exported document came from, written into the .docx and read back.

The contract (the import of revised drafts and of marked-up copies relies on it):

- a custom document property (``docProps/custom.xml``, registered in
  ``[Content_Types].xml`` and ``_rels/.rels``) named ``FeedbackProvenance``, of type
  ``vt:lpwstr``, whose value is compact JSON
  ``{"report":7,"edition":2,"sections":{"12":3,"13":1}}`` (section id -> version number);
- one bookmark per section named ``fb_s<section id>_v<version number>``: its
  ``w:bookmarkStart`` in the section's heading paragraph before the first run, its
  ``w:bookmarkEnd`` after the section's last paragraph (inside it, or a body-level sibling
  after the last block when the section ends with a table); ``w:id`` values unique.

Word and LibreOffice keep both when they save the file. Reading is defensive: the file
comes from outside (zip members are size-checked from the directory and while reading,
XML is parsed without DTDs, entities or network), and anything unreadable counts as absent.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

PROPERTY = "FeedbackProvenance"
_BOOKMARK = re.compile(r"fb_s([0-9]{1,10})_v([0-9]{1,10})")

_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CUSTOM_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_PART = "docProps/custom.xml"
# The format id every user-defined property carries (Office's FMTID_UserDefinedProperties).
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"

_SMALL_PART = 1 << 20  # rels, content types, custom properties: 1 MiB is generous
_DOCUMENT_PART = 64 << 20  # word/document.xml, streamed


@dataclass(frozen=True)
class Provenance:
    report: int
    edition: int
    sections: dict[int, int] = field(default_factory=dict)  # section id -> version

    def to_json(self) -> str:
        sections = {str(sid): version for sid, version in self.sections.items()}
        data = {"report": self.report, "edition": self.edition, "sections": sections}
        return json.dumps(data, separators=(",", ":"))


def bookmark_section(name: str | None) -> tuple[int, int] | None:
    """``fb_s12_v3`` -> ``(12, 3)``: the section and version a bookmark stands for."""
    match = _BOOKMARK.fullmatch(name or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def bookmark_name(section_id: int, version: int) -> str:
    return f"fb_s{section_id}_v{version}"


# Writing ----------------------------------------------------------------------------------


class Bookmarks:
    """Hands out unique ``w:id`` values and wraps a section's blocks in a bookmark."""

    def __init__(self, body) -> None:
        ids = [int(i) for i in body.xpath(".//w:bookmarkStart/@w:id") if str(i).isdigit()]
        self._next = max(ids, default=-1) + 1

    def wrap(self, heading, last_block, name: str) -> None:
        """``heading``: the section's heading ``w:p``; ``last_block``: its last body
        element (a ``w:p`` or a ``w:tbl``)."""
        bid = str(self._next)
        self._next += 1
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), bid)
        start.set(qn("w:name"), name)
        p_pr = heading.find(qn("w:pPr"))
        heading.insert(0 if p_pr is None else heading.index(p_pr) + 1, start)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), bid)
        if last_block.tag == qn("w:p"):
            last_block.append(end)
        else:
            last_block.addnext(end)


def stamp(docx_bytes: bytes, provenance: Provenance) -> bytes:
    """``docx_bytes`` with the ``FeedbackProvenance`` custom property set (added to, or
    replacing its value in, any custom properties the file already has)."""
    source = zipfile.ZipFile(io.BytesIO(docx_bytes))
    names = source.namelist()
    parts = {name: source.read(name) for name in names}
    parts[_CUSTOM_PART] = _custom_properties(parts.get(_CUSTOM_PART), provenance.to_json())
    parts["[Content_Types].xml"] = _content_types(parts["[Content_Types].xml"])
    parts["_rels/.rels"] = _package_rels(parts["_rels/.rels"])
    if _CUSTOM_PART not in names:
        names.append(_CUSTOM_PART)
    return write_zip((name, parts[name]) for name in names)


# Every member of a package we write carries this time, whenever it is written: the same
# edition gives the same bytes on any server, today or after a restore years later (the
# document's own dates come from the edition, in docProps/core.xml and the text).
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def write_zip(members) -> bytes:
    """A zip of ``(name, bytes)`` pairs in the order given, deflated, every member with
    the same fixed time and attributes: deterministic bytes for the same parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, data)
    return out.getvalue()


def fixed_zip(data: bytes) -> bytes:
    """``data`` (a zip) written again by ``write_zip``: same members, fixed times."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return write_zip((info.filename, source.read(info)) for info in source.infolist())


def _serialise(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _custom_properties(existing: bytes | None, value: str) -> bytes:
    if existing:
        root = etree.fromstring(existing, _parser())
    else:
        root = etree.Element(f"{{{_CUSTOM}}}Properties", nsmap={None: _CUSTOM, "vt": _VT})
    pids = [2]  # pid 0 and 1 are reserved
    for prop in root.findall(f"{{{_CUSTOM}}}property"):
        if prop.get("name") == PROPERTY:
            root.remove(prop)
        elif (prop.get("pid") or "").isdigit():
            pids.append(int(prop.get("pid")) + 1)
    prop = etree.SubElement(root, f"{{{_CUSTOM}}}property")
    prop.set("fmtid", _FMTID)
    prop.set("pid", str(max(pids)))
    prop.set("name", PROPERTY)
    etree.SubElement(prop, f"{{{_VT}}}lpwstr").text = value
    return _serialise(root)


def _content_types(data: bytes) -> bytes:
    root = etree.fromstring(data, _parser())
    part = "/" + _CUSTOM_PART
    if not any(o.get("PartName") == part for o in root.findall(f"{{{_CT}}}Override")):
        override = etree.SubElement(root, f"{{{_CT}}}Override")
        override.set("PartName", part)
        override.set("ContentType", _CUSTOM_TYPE)
    return _serialise(root)


def _package_rels(data: bytes) -> bytes:
    root = etree.fromstring(data, _parser())
    rels = root.findall(f"{{{_PR}}}Relationship")
    if not any(r.get("Type") == _CUSTOM_REL for r in rels):
        taken = {r.get("Id") for r in rels}
        number = len(rels) + 1
        while f"rId{number}" in taken:
            number += 1
        rel = etree.SubElement(root, f"{{{_PR}}}Relationship")
        rel.set("Id", f"rId{number}")
        rel.set("Type", _CUSTOM_REL)
        rel.set("Target", _CUSTOM_PART)
    return _serialise(root)


# Reading ----------------------------------------------------------------------------------


def _parser() -> etree.XMLParser:
    # No DTD, no entity expansion, no network: an uploaded file is hostile until read.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class _Capped(io.RawIOBase):
    """A zip member that stops at ``limit`` bytes whatever its directory entry claims."""

    def __init__(self, stream, limit: int) -> None:
        self._stream, self._left = stream, limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._stream.read(min(len(buffer), self._left + 1))
        if len(data) > self._left:
            raise ValueError("zip member larger than allowed")
        self._left -= len(data)
        buffer[: len(data)] = data
        return len(data)


def _member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > limit:
        return None
    with archive.open(info) as stream:
        return _Capped(stream, limit).read()


def read_provenance(docx_bytes: bytes) -> dict | None:
    """What ``stamp`` and ``Bookmarks`` wrote, or None when the file carries neither.

    ``{"report": 7, "edition": 2, "sections": {12: 3, 13: 1}, "bookmarks": {12: 3, 13: 1}}``
    with integer ids. ``sections`` comes from the property; when the property is missing
    or cut short (an editor that truncates long text properties), from the bookmarks,
    and ``report`` and ``edition`` from what is left of it (None when nothing is).
    ``bookmarks`` are the sections whose bookmarks are still in the document text.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
            return archive_provenance(archive)
    except (zipfile.BadZipFile, ValueError, RuntimeError, OSError, EOFError):
        return None


def archive_provenance(archive: zipfile.ZipFile) -> dict | None:
    """``read_provenance`` of a .docx already opened (and checked) as a zip archive."""
    try:
        value = _property_value(archive)
        bookmarks = _bookmarks(archive)
    except (zipfile.BadZipFile, etree.XMLSyntaxError, ValueError, RuntimeError, OSError,
            EOFError, NotImplementedError):  # fmt: skip
        return None
    parsed = _parse_value(value) if value is not None else None
    if parsed is None and not bookmarks:
        return None
    report, edition, sections = parsed or _salvage(value)
    return {
        "report": report,
        "edition": edition,
        "sections": sections if sections is not None else dict(bookmarks),
        "bookmarks": bookmarks,
    }


def _custom_part_name(archive: zipfile.ZipFile) -> str:
    rels = _member(archive, "_rels/.rels", _SMALL_PART)
    if rels:
        for rel in etree.fromstring(rels, _parser()).findall(f"{{{_PR}}}Relationship"):
            target = (rel.get("Target") or "").lstrip("/")
            if rel.get("Type") == _CUSTOM_REL and rel.get("TargetMode") != "External":
                return target
    return _CUSTOM_PART


def _property_value(archive: zipfile.ZipFile) -> str | None:
    data = _member(archive, _custom_part_name(archive), _SMALL_PART)
    if not data:
        return None
    for prop in etree.fromstring(data, _parser()).iter(f"{{{_CUSTOM}}}property"):
        if prop.get("name") == PROPERTY:
            text = prop.findtext(f"{{{_VT}}}lpwstr")
            return text if text is not None else prop.findtext(f"{{{_VT}}}bstr")
    return None


def _bookmarks(archive: zipfile.ZipFile) -> dict[int, int]:
    try:
        info = archive.getinfo("word/document.xml")
    except KeyError:
        return {}
    if info.file_size > _DOCUMENT_PART:
        return {}
    found: dict[int, int] = {}
    with archive.open(info) as stream:
        capped = io.BufferedReader(_Capped(stream, _DOCUMENT_PART))
        events = etree.iterparse(
            capped,
            events=("start",),
            tag=f"{{{_W}}}bookmarkStart",
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        )
        for _event, element in events:
            match = _BOOKMARK.fullmatch(element.get(f"{{{_W}}}name") or "")
            if match:
                found[int(match.group(1))] = int(match.group(2))
    return found


def _parse_value(value: str) -> tuple[int, int, dict[int, int]] | None:
    try:
        data = json.loads(value)
        report, edition, sections = data["report"], data["edition"], data["sections"]
        if not all(type(n) is int for n in (report, edition)) or not isinstance(sections, dict):
            return None
        return report, edition, {int(k): _whole(v) for k, v in sections.items()}
    except (ValueError, TypeError, KeyError):
        return None


def _whole(value) -> int:
    if type(value) is not int:
        raise TypeError("a version is a whole number")
    return value


_PREFIX = re.compile(r'\{"report":([0-9]{1,10}),"edition":([0-9]{1,10})')


def _salvage(value: str | None) -> tuple[int | None, int | None, None]:
    match = _PREFIX.match(value or "")
    if match is None:
        return None, None, None
    return int(match.group(1)), int(match.group(2)), None
