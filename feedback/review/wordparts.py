"""What pandoc does not show of a marked-up Word copy, read from its XML parts with the
hardened parser of ``wordfiles``: the comments with their reply links
(``commentsExtended.xml``, or by position where LibreOffice 7.4 writes none), the
headings given by an outline level, the formatting-only changes, and the provenance our
exports carry (read by ``feedback.provenance``, the one reader of that contract).
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import wordfiles
from ..provenance import bookmark_section, read_provenance
from ..wordimport.styles import Styles, outline_level

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"


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
    for child, parent in _replies_by_position(data).items():
        parents.setdefault(child, parent)
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


def _replies_by_position(data: bytes) -> dict[str, str]:
    """Replies written without ``commentsExtended.xml``, as LibreOffice 7.4 writes them:
    a comment on no range whose reference directly follows another comment's reference
    (no text between, same paragraph) answers that comment."""
    xml = wordfiles.read_part(data, "word/document.xml")
    if xml is None:
        return {}
    root = wordfiles.parse_part(xml)
    ranged = {node.get(f"{W}id") for node in root.iter(f"{W}commentRangeStart")}
    links: dict[str, str] = {}
    last = None  # the reference just before, with nothing written since
    for node in root.iter(f"{W}p", f"{W}t", f"{W}commentReference"):
        if node.tag != f"{W}commentReference":
            if node.tag == f"{W}p" or (node.text or "").strip():
                last = None
            continue
        cid = node.get(f"{W}id")
        if cid not in ranged and last is not None and cid != last:
            links[cid] = last
        last = cid
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
    found = read_provenance(data)
    return found if found is not None and found["report"] is not None else None


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
        source = bookmark_section(mark.get(f"{W}name"))
        if source is None:
            continue
        paragraph = next((a for a in mark.iterancestors(f"{W}p")), None)
        if paragraph is None:  # between paragraphs: the one after it
            paragraph = next(mark.itersiblings(f"{W}p"), None)
        if paragraph is not None:
            key = " ".join(_old_text(paragraph).split()).casefold()
            found.setdefault(key, source)
    return found


def outline_headings(data: bytes) -> set[str]:
    """The text (before the tracked changes, whitespace collapsed, case folded) of every
    paragraph that is a heading by its outline level, set on the paragraph or on its
    style. Pandoc makes headings of heading styles only; LibreOffice writes a heading
    whose style it does not export as a "Normal" paragraph with ``w:outlineLvl``."""
    xml = wordfiles.read_part(data, "word/document.xml")
    if xml is None:
        return set()
    styles_xml = wordfiles.read_part(data, "word/styles.xml")
    styles = Styles(wordfiles.parse_part(styles_xml) if styles_xml is not None else None)
    found = set()
    for paragraph in wordfiles.parse_part(xml).iter(f"{W}p"):
        ppr = paragraph.find(f"{W}pPr")
        style = ppr.find(f"{W}pStyle") if ppr is not None else None
        style_id = style.get(f"{W}val") if style is not None else None
        if outline_level(ppr) or styles.heading_level(style_id):
            found.add(" ".join(_old_text(paragraph).split()).casefold())
    return found
