"""Heading numbers: Word's automatic numbering (numbering.xml) and numbers typed by hand.

A numbering scheme is written per level as a short pattern of what a heading shows:
``"I."`` (capital Roman), ``"1."`` or ``"1)"`` (Arabic), ``"a)"`` (letter), ``"1.1."``
(the parent's number then its own). ``printed_number`` in the app follows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_FORMATS = {
    "upperRoman": "I",
    "lowerRoman": "i",
    "decimal": "1",
    "decimalZero": "1",
    "upperLetter": "A",
    "lowerLetter": "a",
}
PATTERN = re.compile(r"^[I1aAi](?:\.[I1aAi]){0,2}[.)]?$")

# Typed by hand at the start of a bold paragraph: "II. ", "3. ", "1.2. ", "a) ".
_TYPED = (
    (re.compile(r"^(?P<n>[IVXL]{1,6})[.)]\s+"), "roman"),
    (re.compile(r"^(?P<n>\d{1,2}(?:\.\d{1,2}){1,2})\.?\s+"), "dotted"),
    (re.compile(r"^(?P<n>\d{1,2})[.)]\s+"), "decimal"),
    (re.compile(r"^(?P<n>[a-zđ])\)\s+"), "letter"),
)


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def typed_number(text: str) -> tuple[str, str] | None:
    """``("1.2.", "Mục tiêu")`` for ``"1.2. Mục tiêu"``: the pattern and the rest."""
    for regex, kind in _TYPED:
        match = regex.match(text)
        if not match:
            continue
        rest = text[match.end() :].strip()
        if not rest:
            return None
        number = match.group("n")
        suffix = text[match.end("n") : match.end("n") + 1]
        suffix = suffix if suffix in ".)" else "."
        if kind == "roman":
            return "I" + suffix, rest
        if kind == "letter":
            return "a)", rest
        if kind == "dotted":
            return ".".join("1" for _ in number.split(".")) + ".", rest
        return "1" + suffix, rest
    return None


def rank(pattern: str) -> int:
    """Order of patterns from the outermost: I. < 1. < 1.1. < 1.1.1. < a)."""
    parts = pattern.rstrip(".)").split(".")
    if parts == ["I"]:
        return 0
    if parts[0] in ("a", "A", "i") and len(parts) == 1:
        return 9
    return len(parts)


@dataclass(frozen=True)
class Level:
    pattern: str | None  # None: a bullet or a format we do not number with


class NumberingDefinitions:
    """numbering.xml read once: the pattern of (numId, ilvl)."""

    def __init__(self, root: etree._Element | None):
        self._abstract: dict[str, dict[int, tuple[str, str]]] = {}
        self._nums: dict[str, str] = {}
        if root is None:
            return
        for abstract in root.iter(_w("abstractNum")):
            levels = {}
            for lvl in abstract.iter(_w("lvl")):
                fmt = lvl.find(_w("numFmt"))
                text = lvl.find(_w("lvlText"))
                levels[int(lvl.get(_w("ilvl"), "0"))] = (
                    fmt.get(_w("val"), "") if fmt is not None else "decimal",
                    text.get(_w("val"), "") if text is not None else "",
                )
            self._abstract[abstract.get(_w("abstractNumId"), "")] = levels
        for num in root.iter(_w("num")):
            ref = num.find(_w("abstractNumId"))
            if ref is not None:
                self._nums[num.get(_w("numId"), "")] = ref.get(_w("val"), "")

    def level(self, num_id: str, ilvl: int) -> Level:
        levels = self._abstract.get(self._nums.get(num_id, ""), {})
        if ilvl not in levels:
            return Level(None)
        fmt, text = levels[ilvl]
        if fmt not in _FORMATS:
            return Level(None)
        parts = []
        for match in re.finditer(r"%(\d)", text):
            ref = int(match.group(1)) - 1
            ref_fmt = levels.get(ref, ("decimal", ""))[0]
            parts.append(_FORMATS.get(ref_fmt, "1"))
        if not parts:
            return Level(None)
        tail = text[text.rfind("%") + 2 :][:1]
        pattern = ".".join(parts[-3:]) + (tail if tail in ".)" else "")
        return Level(pattern if PATTERN.match(pattern) else None)


# Vietnamese documents letter their points a), b), c), d), đ), e), g)... (no f, j, w, z).
LETTERS = "abcdđeghiklmnopqrstuvxy"
_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC")]
_ROMAN += [(50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def to_roman(n: int) -> str:
    """1 -> "I", 14 -> "XIV": how parts of a report are numbered."""
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _letter(n: int) -> str:
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, len(LETTERS))
        letters = LETTERS[rest] + letters
    return letters


def _component(kind: str, n: int) -> str:
    if kind == "I":
        return to_roman(n)
    if kind == "i":
        return to_roman(n).lower()
    if kind == "a":
        return _letter(n)
    if kind == "A":
        return _letter(n).upper()
    return str(n)


def printed_number(pattern: str, indices: list[int]) -> tuple[str, str]:
    """The number a heading shows for its position (``indices``: 1-based, from the top
    level down), and the punctuation after it: ``("1", ".")`` for "1." under "I."."""
    kinds = pattern.rstrip(".)").split(".")
    suffix = pattern[-1] if pattern[-1] in ".)" else ""
    used = indices[-len(kinds) :]
    kinds = kinds[-len(used) :]
    return ".".join(_component(k, n) for k, n in zip(kinds, used, strict=True)), suffix


def parse_scheme(text: str) -> list[str] | None:
    """``"I. / 1. / a)"`` -> ``["I.", "1.", "a)"]``; empty -> None; ValueError if unknown."""
    patterns = [p for p in re.split(r"[\s/,;]+", text or "") if p]
    if not patterns:
        return None
    if len(patterns) > 3 or not all(PATTERN.match(p) for p in patterns):
        raise ValueError(text)
    return patterns
