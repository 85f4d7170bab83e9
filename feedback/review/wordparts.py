"""What pandoc does not show of a marked-up Word copy, read from its XML parts with the
hardened parser of ``wordfiles``: the comments with their reply links
(``commentsExtended.xml``), the formatting-only changes, and the provenance our
exports carry (the custom property ``FeedbackProvenance``).

A minimal provenance reader until ``consolidation.documents.provenance.read_provenance``
(issue 14, item 2) is merged: the contract is the same JSON
``{"report": rid, "edition": n, "sections": {"<sid>": version}}``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .. import wordfiles

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
VT = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}"
PROPERTY = "FeedbackProvenance"


@dataclass(frozen=True)
class CommentPart:
    cid: str
    author: str
    text: str
    parent: str | None  # the comment this one replies to


def _text(node) -> str:
    paragraphs = []
    for p in node.iter(f"{W}p"):
        paragraphs.append("".join(t.text or "" for t in p.iter(f"{W}t", f"{W}delText")))
    return "\n".join(paragraphs).strip()


def comments(data: bytes) -> dict[str, CommentPart]:
    """Every comment of the copy by its id, replies linked to their parent."""
    xml = wordfiles.read_part(data, "word/comments.xml")
    if xml is None:
        return {}
    root = wordfiles.parse_part(xml)
    para_of: dict[str, str] = {}
    found: list[tuple[str, str, str]] = []
    for node in root.iter(f"{W}comment"):
        cid = node.get(f"{W}id", "")
        paras = node.findall(f"{W}p")
        if paras and paras[-1].get(f"{W14}paraId"):
            para_of[paras[-1].get(f"{W14}paraId").upper()] = cid
        found.append((cid, node.get(f"{W}author", ""), _text(node)))
    parents = _reply_links(data, para_of)
    return {cid: CommentPart(cid, author, text, parents.get(cid)) for cid, author, text in found}


def _reply_links(data: bytes, para_of: dict[str, str]) -> dict[str, str]:
    xml = wordfiles.read_part(data, "word/commentsExtended.xml")
    if xml is None:
        return {}
    links = {}
    for node in wordfiles.parse_part(xml).iter(f"{W15}commentEx"):
        child = para_of.get((node.get(f"{W15}paraId") or "").upper())
        parent = para_of.get((node.get(f"{W15}paraIdParent") or "").upper())
        if child is not None and parent is not None and child != parent:
            links[child] = parent
    return links


def formatting_changes(data: bytes) -> list[tuple[str, str]]:
    """(author, text) of every run or paragraph whose formatting was changed, tracked."""
    xml = wordfiles.read_part(data, "word/document.xml")
    if xml is None:
        return []
    out = []
    for change in wordfiles.parse_part(xml).iter(f"{W}rPrChange", f"{W}pPrChange"):
        owner = change.getparent().getparent()  # the run, or the paragraph
        if change.tag == f"{W}rPrChange" and owner.tag == f"{W}pPr":
            owner = owner.getparent()  # the paragraph mark's formatting
        text = "".join(t.text or "" for t in owner.iter(f"{W}t")).strip()
        out.append((change.get(f"{W}author", ""), text))
    return out


def provenance(data: bytes) -> dict | None:
    """The report, edition and section versions the copy was exported from, or None."""
    xml = wordfiles.read_part(data, "docProps/custom.xml")
    if xml is None:
        return None
    for prop in wordfiles.parse_part(xml):
        if prop.get("name") != PROPERTY:
            continue
        value = prop.find(f"{VT}lpwstr")
        try:
            found = json.loads(value.text if value is not None else "")
        except (TypeError, ValueError):
            return None
        if isinstance(found, dict) and isinstance(found.get("sections"), dict):
            return found
    return None


_BOOKMARK = re.compile(r"^fb_s(\d+)_v(\d+)$")


def _old_text(paragraph) -> str:
    """A paragraph's text before the tracked changes: deleted text in, inserted out."""
    parts = []
    for node in paragraph.iter(f"{W}t", f"{W}delText"):
        inserted = any(a.tag in (f"{W}ins", f"{W}moveTo") for a in node.iterancestors())
        if not inserted:
            parts.append(node.text or "")
    return "".join(parts)


def bookmarked_headings(data: bytes) -> dict[str, tuple[int, int]]:
    """The section bookmarks our exports write (``fb_s<sid>_v<version>``, spanning each
    section): the text of the paragraph each starts in (its heading) -> (sid, version).
    Pandoc drops bookmarks in headings, so they are read here."""
    xml = wordfiles.read_part(data, "word/document.xml")
    if xml is None:
        return {}
    found: dict[str, tuple[int, int]] = {}
    for mark in wordfiles.parse_part(xml).iter(f"{W}bookmarkStart"):
        match = _BOOKMARK.match(mark.get(f"{W}name", ""))
        if match is None:
            continue
        paragraph = next((a for a in mark.iterancestors(f"{W}p")), None)
        if paragraph is None:  # between paragraphs: the one after it
            paragraph = next(mark.itersiblings(f"{W}p"), None)
        if paragraph is not None:
            key = " ".join(_old_text(paragraph).split()).casefold()
            found.setdefault(key, (int(match.group(1)), int(match.group(2))))
    return found
