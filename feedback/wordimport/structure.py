"""Reading the document's structure from its XML and rewriting it for pandoc.

Headings are found here (pandoc knows only heading styles): by style or outline level,
by Word's automatic numbering, or by a number typed at the start of a bold paragraph.
Each heading paragraph is replaced by a marker paragraph, so that pandoc's Markdown can
be cut at them; images, charts, text boxes and embedded objects are listed and removed;
TCVN3 text is converted to Unicode and VNI text is listed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

from . import legacy
from .numbering import NumberingDefinitions, rank, typed_number
from .provenance import bookmark_source
from .styles import Styles, bold_of, font_of, num_pr, outline_level
from .styles import W as _W

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
MAX_LEVEL = 3
MAX_HEADING_CHARS = 250
MAX_LISTED = 50


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


@dataclass
class Heading:
    level: int
    text: str
    pattern: str | None
    source: tuple[int, int] | None = None  # (section id, version) from an fb_ bookmark


@dataclass
class Structure:
    title: str | None = None
    headings: list[Heading] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    converted: list[dict] = field(default_factory=list)

    def scheme(self) -> list[str] | None:
        """The pattern most used at each level, or None when no heading is numbered."""
        found = []
        for level in range(1, MAX_LEVEL + 1):
            patterns = Counter(h.pattern for h in self.headings if h.level == level and h.pattern)
            found.append(patterns.most_common(1)[0][0] if patterns else None)
        if not any(found):
            return None
        filled = [found[0] or "I."]
        for pattern in found[1:]:
            filled.append(pattern or filled[-1].rstrip(".)") + ".1.")
        return filled


def text_of(element: etree._Element) -> str:
    parts = []
    for node in element.iter(_w("t"), _w("tab"), _w("br")):
        parts.append(node.text or "" if node.tag == _w("t") else " ")
    return " ".join("".join(parts).split())


def _kind_of(obj: etree._Element) -> str:
    xml_uris = {g.get("uri", "") for g in obj.iter("{*}graphicData")}
    if any(uri.endswith("/chart") or "chart" in uri for uri in xml_uris):
        return "chart"
    if any(True for _ in obj.iter(_w("txbxContent"))):
        return "text_box"
    if any("diagram" in uri for uri in xml_uris):
        return "diagram"
    if obj.tag == _w("object"):
        return "object"
    return "image"


def _describe(obj: etree._Element, kind: str) -> str:
    if kind == "text_box":
        return text_of(obj)[:300]
    for prop in obj.iter("{*}docPr"):
        return (prop.get("descr") or prop.get("title") or prop.get("name") or "")[:300]
    return ""


def drop_objects(body: etree._Element, structure: Structure) -> None:
    """List and remove what the import does not keep (one entry per object)."""
    objects = list(body.iter(f"{{{MC}}}AlternateContent"))
    objects += [
        o
        for o in body.iter(_w("drawing"), _w("pict"), _w("object"))
        if not any(a.tag == f"{{{MC}}}AlternateContent" for a in o.iterancestors())
    ]
    for obj in objects:
        if obj.getparent() is None:
            continue
        kind = _kind_of(obj)
        structure.skipped.append({"kind": kind, "text": _describe(obj, kind)})
        obj.getparent().remove(obj)


def list_revisions(root: etree._Element, comments: etree._Element | None, found: Structure):
    """Tracked changes are read accepted (the draft as it now reads); comments are not
    kept: both are listed, so the drafter knows."""
    changes = sum(1 for _ in root.iter(_w("ins"), _w("del"), _w("moveFrom"), _w("moveTo")))
    if changes:
        found.skipped.append({"kind": "tracked_changes", "text": str(changes)})
    if comments is None:
        return
    for comment in comments.iter(_w("comment")):
        if len(found.skipped) >= MAX_LISTED:
            break
        author = comment.get(_w("author"), "")
        text = text_of(comment)[:300]
        found.skipped.append({"kind": "comment", "text": f"{author}: {text}" if author else text})


def _run_font(run: etree._Element, para_style: str | None, styles: Styles) -> str | None:
    rpr = run.find(_w("rPr"))
    own = font_of(rpr)
    if own:
        return own
    char_style = rpr.find(_w("rStyle")) if rpr is not None else None
    if char_style is not None:
        return styles.font(char_style.get(_w("val"))) or styles.font(para_style)
    return styles.font(para_style)


def _set_unicode_font(run: etree._Element) -> None:
    rpr = run.find(_w("rPr"))
    if rpr is None:
        rpr = etree.SubElement(run, _w("rPr"))
        run.remove(rpr)
        run.insert(0, rpr)
    fonts = rpr.find(_w("rFonts"))
    if fonts is None:
        fonts = etree.SubElement(rpr, _w("rFonts"))
    for attr in ("ascii", "hAnsi", "cs"):
        fonts.set(_w(attr), "Times New Roman")


def convert_legacy(body: etree._Element, styles: Styles, structure: Structure) -> None:
    """TCVN3 runs converted in place; VNI paragraphs listed as not converted."""
    for para in body.iter(_w("p")):
        style = _style_id(para)
        found = set()
        for run in para.iter(_w("r")):
            font = _run_font(run, style, styles)
            encoding = legacy.font_encoding(font)
            if encoding == "tcvn3":
                for t in run.iter(_w("t")):
                    t.text = legacy.tcvn3_to_unicode(
                        t.text or "", capitals=legacy.is_capitals_font(font)
                    )
                _set_unicode_font(run)
            if encoding:
                found.add(encoding)
        for encoding in sorted(found):
            entry = {"encoding": encoding, "text": text_of(para)[:200]}
            if encoding == "vni" and len(structure.skipped) < MAX_LISTED:
                structure.skipped.append({"kind": "legacy_vni", "text": entry["text"]})
            elif encoding == "tcvn3" and len(structure.converted) < MAX_LISTED:
                structure.converted.append(entry)


def _style_id(para: etree._Element) -> str | None:
    style = para.find(f"{_w('pPr')}/{_w('pStyle')}")
    return style.get(_w("val")) if style is not None else None


def _all_bold(para: etree._Element, styles: Styles) -> bool:
    style_bold = styles.bold(_style_id(para))
    seen = False
    for run in para.iter(_w("r")):
        text = "".join(t.text or "" for t in run.iter(_w("t")))
        if not text.strip():
            continue
        seen = True
        rpr = run.find(_w("rPr"))
        bold = bold_of(rpr)
        if bold is None and rpr is not None and rpr.find(_w("rStyle")) is not None:
            bold = styles.bold(rpr.find(_w("rStyle")).get(_w("val")))
        if not (bold if bold is not None else style_bold):
            return False
    return seen


@dataclass
class _Candidate:
    para: etree._Element
    text: str
    style_level: int | None
    pattern: str | None
    level: int = 0
    source: tuple[int, int] | None = None


def _bookmark(para: etree._Element) -> tuple[int, int] | None:
    """The exporter's section bookmark on a heading (in it, or on an empty paragraph
    just before it)."""
    places = [para]
    previous = para.getprevious()
    if previous is not None and previous.tag == _w("p") and not text_of(previous):
        places.insert(0, previous)
    for place in places:
        for mark in place.iter(_w("bookmarkStart")):
            source = bookmark_source(mark.get(_w("name")))
            if source:
                return source
    return None


def _candidate(para, styles: Styles, numbering: NumberingDefinitions) -> _Candidate | None:
    text = text_of(para)
    if not text:
        return None
    ppr = para.find(_w("pPr"))
    style = _style_id(para)
    style_level = outline_level(ppr) or styles.heading_level(style)
    num = num_pr(ppr) or styles.numbering(style)
    pattern = numbering.level(*num).pattern if num else None
    if num is None:
        typed = typed_number(text)
        if typed:
            pattern, text = typed
    if style_level is None and (
        not pattern or len(text) > MAX_HEADING_CHARS or not _all_bold(para, styles)
    ):
        return None
    return _Candidate(para, text, style_level, pattern, source=_bookmark(para))


def _body_paragraphs(body: etree._Element):
    for child in body:
        if child.tag == _w("p"):
            yield child
        elif child.tag == _w("sdt"):
            yield from (p for p in child.iter(_w("p")) if p.getparent().tag == _w("sdtContent"))


def _assign_levels(candidates: list[_Candidate]) -> None:
    by_style: dict[str, Counter] = {}
    for c in candidates:
        if c.style_level and c.pattern:
            by_style.setdefault(c.pattern, Counter())[c.style_level] += 1
    ordered = sorted({c.pattern for c in candidates if c.pattern}, key=rank)
    previous = 0
    for c in candidates:
        if c.style_level:
            level = c.style_level
        elif c.pattern in by_style:
            level = by_style[c.pattern].most_common(1)[0][0]
        else:
            level = ordered.index(c.pattern) + 1
        if level > MAX_LEVEL:  # deeper headings stay in their section's text
            c.level = level
            continue
        c.level = min(level, previous + 1)
        previous = c.level


def _marker_paragraph(para: etree._Element, marker: str) -> None:
    for child in list(para):
        para.remove(child)
    run = etree.SubElement(para, _w("r"))
    etree.SubElement(run, _w("t")).text = marker


def mark_headings(
    body: etree._Element,
    styles: Styles,
    numbering: NumberingDefinitions,
    nonce: str,
    structure: Structure,
) -> None:
    """Find the title and the headings (levels 1-3) and put markers in their place."""
    candidates = []
    for para in _body_paragraphs(body):
        if structure.title is None and not candidates and styles.is_title(_style_id(para)):
            structure.title = text_of(para) or None
            para.getparent().remove(para)
            continue
        candidate = _candidate(para, styles, numbering)
        if candidate is not None:
            candidates.append(candidate)
    _assign_levels(candidates)
    for candidate in candidates:
        if candidate.level > MAX_LEVEL:
            continue
        _marker_paragraph(candidate.para, f"{nonce}{len(structure.headings)}")
        structure.headings.append(
            Heading(candidate.level, candidate.text, candidate.pattern, candidate.source)
        )
