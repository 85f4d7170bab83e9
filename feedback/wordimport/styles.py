"""What a paragraph's style says: heading level, outline level, numbering, font."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from .numbering import W, _w

_HEADING_NAME = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)


@dataclass
class StyleInfo:
    style_id: str
    name: str = ""
    based_on: str | None = None
    outline: int | None = None  # 1-based level
    num: tuple[str, int] | None = None
    font: str | None = None
    bold: bool | None = None


def _font(rpr: etree._Element | None) -> str | None:
    if rpr is None:
        return None
    fonts = rpr.find(_w("rFonts"))
    if fonts is None:
        return None
    return fonts.get(_w("ascii")) or fonts.get(_w("hAnsi")) or fonts.get(_w("cs"))


def _bold(rpr: etree._Element | None) -> bool | None:
    if rpr is None:
        return None
    b = rpr.find(_w("b"))
    if b is None:
        return None
    return b.get(_w("val"), "true") not in ("0", "false", "off")


def num_pr(ppr: etree._Element | None) -> tuple[str, int] | None:
    if ppr is None:
        return None
    numpr = ppr.find(_w("numPr"))
    if numpr is None:
        return None
    num_id = numpr.find(_w("numId"))
    ilvl = numpr.find(_w("ilvl"))
    if num_id is None or num_id.get(_w("val")) in (None, "0"):
        return None
    return num_id.get(_w("val")), int(ilvl.get(_w("val"), "0")) if ilvl is not None else 0


def outline_level(ppr: etree._Element | None) -> int | None:
    if ppr is None:
        return None
    lvl = ppr.find(_w("outlineLvl"))
    if lvl is None:
        return None
    value = int(lvl.get(_w("val"), "9"))
    return value + 1 if value < 9 else None


class Styles:
    """styles.xml, with inheritance (basedOn) resolved on lookup."""

    def __init__(self, root: etree._Element | None):
        self._styles: dict[str, StyleInfo] = {}
        self.default_font: str | None = None
        if root is None:
            return
        defaults = root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
        self.default_font = _font(defaults)
        for style in root.iter(_w("style")):
            if style.get(_w("type")) not in ("paragraph", "character"):
                continue
            sid = style.get(_w("styleId"), "")
            name = style.find(_w("name"))
            based = style.find(_w("basedOn"))
            ppr = style.find(_w("pPr"))
            rpr = style.find(_w("rPr"))
            self._styles[sid] = StyleInfo(
                style_id=sid,
                name=name.get(_w("val"), "") if name is not None else "",
                based_on=based.get(_w("val")) if based is not None else None,
                outline=outline_level(ppr),
                num=num_pr(ppr),
                font=_font(rpr),
                bold=_bold(rpr),
            )

    def _chain(self, sid: str | None):
        seen = set()
        while sid and sid in self._styles and sid not in seen:
            seen.add(sid)
            yield self._styles[sid]
            sid = self._styles[sid].based_on

    def heading_level(self, sid: str | None) -> int | None:
        for style in self._chain(sid):
            match = _HEADING_NAME.match(style.name) or _HEADING_NAME.match(style.style_id)
            if match:
                return int(match.group(1))
            if style.outline:
                return style.outline
        return None

    def is_title(self, sid: str | None) -> bool:
        return any(s.name.lower() == "title" or s.style_id == "Title" for s in self._chain(sid))

    def numbering(self, sid: str | None) -> tuple[str, int] | None:
        return next((s.num for s in self._chain(sid) if s.num), None)

    def font(self, sid: str | None) -> str | None:
        return next((s.font for s in self._chain(sid) if s.font), None) or self.default_font

    def bold(self, sid: str | None) -> bool:
        return next((s.bold for s in self._chain(sid) if s.bold is not None), False)


def font_of(rpr: etree._Element | None) -> str | None:
    return _font(rpr)


def bold_of(rpr: etree._Element | None) -> bool | None:
    return _bold(rpr)


__all__ = ["W", "Styles", "StyleInfo", "bold_of", "font_of", "num_pr", "outline_level"]
