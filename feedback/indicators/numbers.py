"""Vietnamese indicator figures: parse targets and actuals, compute and read assessments.

Pure: standard library only. Numbers are ``decimal.Decimal``: a thousands dot and a
decimal comma ("1.234,5") are the Vietnamese convention, and a float would make 65,3
not equal 65,3 after a round trip.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class Assessment(StrEnum):
    EXCEEDED = "exceeded"
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


@dataclass(frozen=True)
class Value:
    """A parsed figure: a number, a range [low, high], or a bound ("below" has only
    ``high``, "above" only ``low``). ``strict`` says the bound excludes its number
    ("dưới 1", "trên 80"); it takes no part in equality."""

    kind: str
    low: Decimal | None
    high: Decimal | None
    strict: bool = field(default=False, compare=False)


# Not preceded by a letter: the 2 of "m2" or "CO2" is part of a unit.
NUMBER = re.compile(r"(?<![^\W_])\d+(?:[.,]\d+)*")
_RANGE_SEPARATOR = re.compile(r"^\s*(?:[-–—~]|đến|tới)\s*$")

# Longer phrases first: "không dưới" is a lower limit, not "dưới".
_ABOVE_INCLUSIVE = ("không dưới", "không thấp hơn", "tối thiểu", "ít nhất", "trở lên", "≥", ">=")
_BELOW_INCLUSIVE = ("không quá", "không vượt quá", "không vượt", "tối đa", "≤", "<=")
_ABOVE_STRICT = ("trên", "hơn", "cao hơn", "lớn hơn", ">")
_BELOW_STRICT = ("dưới", "thấp hơn", "nhỏ hơn", "<")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def to_decimal(token: str) -> Decimal | None:
    """ "8.000" → 8000, "10,7" → 10.7, "1.234,5" → 1234.5, "0.16" → 0.16."""
    if "," in token and "." in token:
        if token.rfind(",") > token.rfind("."):
            token = token.replace(".", "").replace(",", ".")
        else:
            token = token.replace(",", "")
    elif "." in token:
        groups = token.split(".")
        if all(len(g) == 3 for g in groups[1:]):
            token = token.replace(".", "")
        elif len(groups) > 2:
            return None
    elif "," in token:
        groups = token.split(",")
        if len(groups) > 2 and all(len(g) == 3 for g in groups[1:]):
            token = token.replace(",", "")
        elif len(groups) > 2:
            return None
        else:
            token = token.replace(",", ".")
    try:
        return Decimal(token)
    except InvalidOperation:
        return None


def _has_phrase(text: str, phrases: tuple[str, ...]) -> bool:
    for phrase in phrases:
        if phrase[0].isalpha():
            if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text):
                return True
        elif phrase in text:
            return True
    return False


def _bound_kind(text: str) -> tuple[str, bool] | None:
    """("below"|"above", strict) from the wording, or None."""
    if _has_phrase(text, _ABOVE_INCLUSIVE):
        return "above", False
    if _has_phrase(text, _BELOW_INCLUSIVE):
        return "below", False
    if _has_phrase(text, _BELOW_STRICT):
        return "below", True
    if _has_phrase(text, _ABOVE_STRICT):
        return "above", True
    return None


_FOOTNOTE = re.compile(r"\[\^[^\]]*\]|<sup>.*?</sup>", re.IGNORECASE)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def strip_markup(text: str) -> str:
    """Markdown around a figure dropped: emphasis, code, escapes, footnote marks, and link
    targets (a link's URL may hold digits; its text stays)."""
    text = _LINK.sub(r"\1", _FOOTNOTE.sub("", text))
    return re.sub(r"<[^>]*>|[*_`\\]", "", text)


def parse_value(text: str) -> Value | None:
    """A figure as written in a cell; None when it is not one number, range or bound."""
    clean = strip_markup(nfc(text)).casefold()
    matches = list(NUMBER.finditer(clean))
    if not matches or len(matches) > 2:
        return None
    numbers = [to_decimal(m.group()) for m in matches]
    if any(n is None for n in numbers):
        return None
    if len(matches) == 2:
        between = clean[matches[0].end() : matches[1].start()]
        if not _RANGE_SEPARATOR.match(between) or numbers[0] > numbers[1]:
            return None
        return Value("range", numbers[0], numbers[1])
    number = numbers[0]
    bound = _bound_kind(clean)
    if bound is None:
        return Value("number", number, number)
    kind, strict = bound
    if kind == "below":
        return Value("below", None, number, strict)
    return Value("above", number, None, strict)


def direction_from_target(text: str) -> Direction | None:
    """LOWER for "dưới", "không quá", "tối đa"...; HIGHER for "trên", "tối thiểu"...; else None."""
    bound = _bound_kind(strip_markup(nfc(text)).casefold())
    if bound is None:
        return None
    return Direction.LOWER if bound[0] == "below" else Direction.HIGHER


_INF = Decimal("Infinity")


def _actual_interval(value: Value) -> tuple[Decimal, Decimal]:
    low = value.low if value.low is not None else -_INF
    high = value.high if value.high is not None else _INF
    return low, high


def _against_point(x: Decimal, low: Decimal, high: Decimal, direction: Direction) -> Assessment:
    """Target [low, high] (a point when equal) against the actual x."""
    if direction == Direction.LOWER:
        x, low, high = -x, -high, -low
    if x > high:
        return Assessment.EXCEEDED
    if x >= low:
        return Assessment.MET
    return Assessment.NOT_MET


def _against_bound(x: Decimal, target: Value) -> Assessment:
    if target.kind == "below":
        ok = x < target.high if target.strict else x <= target.high
    else:
        ok = x > target.low if target.strict else x >= target.low
    return Assessment.MET if ok else Assessment.NOT_MET


def _assess_at(x: Decimal, target: Value, direction: Direction) -> Assessment:
    if target.kind in ("below", "above"):
        return _against_bound(x, target)
    return _against_point(x, target.low, target.high, direction)


def assess(target_text: str, actual_text: str, direction: Direction | None) -> Assessment:
    """Exceeded, met, not met or unknown for one indicator.

    The direction, when not given, comes from the target's wording, else HIGHER. A point
    target T (higher is better): above T exceeded, T met, below not met; a range [a, b]:
    above b exceeded, within met, below a not met; LOWER mirrors both. A bound ("dưới 1",
    "tối thiểu 80") is met when satisfied, by any margin, else not met. UNKNOWN when a side
    is not one number, range or bound ("51 – 43 – 6")."""
    target = parse_value(target_text)
    actual = parse_value(actual_text)
    if target is None or actual is None:
        return Assessment.UNKNOWN
    if direction is None:
        direction = direction_from_target(target_text) or Direction.HIGHER
    direction = Direction(direction)  # a stored "lower" works as well as Direction.LOWER
    low, high = _actual_interval(actual)
    # An actual that is itself a range or a bound counts only when all of it lands alike.
    first = _assess_at(low, target, direction)
    second = _assess_at(high, target, direction)
    return first if first == second else Assessment.UNKNOWN


def fold(text: str) -> str:
    """Casefolded, without diacritics or Markdown markers: "Đạt và vượt" → "dat va vuot"."""
    text = unicodedata.normalize("NFD", strip_markup(nfc(text)).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("đ", "d")
    return " ".join(re.sub(r"[^\w%]+", " ", text).split())


_NEGATIVE = re.compile(r"\b(khong|chua)\s+(dat|hoan thanh|vuot)\b|\bkhong\b$|^khong\b")
_EXCEEDED = re.compile(r"\bvuot\b")
_MET = re.compile(r"\b(dat|hoan thanh)\b")


def parse_stated(text: str) -> Assessment | None:
    """The assessment a drafter wrote: "Vượt", "Đạt và vượt" → EXCEEDED; "Đạt",
    "Hoàn thành" → MET; "Không đạt", "Chưa đạt", "Chưa hoàn thành" → NOT_MET; else None."""
    folded = fold(text)
    if not folded:
        return None
    if _NEGATIVE.search(folded):
        return Assessment.NOT_MET
    if _EXCEEDED.search(folded):
        return Assessment.EXCEEDED
    if _MET.search(folded):
        return Assessment.MET
    return None


_MET_SIDE = {Assessment.MET, Assessment.EXCEEDED}


def is_flagged(stated: Assessment | None, computed: Assessment) -> bool:
    """True only when both are known and one is met-or-exceeded, the other not met."""
    known = (Assessment.MET, Assessment.EXCEEDED, Assessment.NOT_MET)
    if stated not in known or computed not in known:
        return False
    return (stated in _MET_SIDE) != (computed in _MET_SIDE)


def effective(stated: Assessment | None, computed: Assessment) -> Assessment:
    """What counts: the computed assessment when known, else the stated one, else UNKNOWN."""
    if computed != Assessment.UNKNOWN:
        return Assessment(computed)
    if stated is not None:
        return Assessment(stated)
    return Assessment.UNKNOWN


_WORDS = {
    Assessment.EXCEEDED: "Vượt",
    Assessment.MET: "Đạt",
    Assessment.NOT_MET: "Không đạt",
    Assessment.UNKNOWN: "",
}


def stated_word(a: Assessment) -> str:
    """The word written into an assessment cell ("" for UNKNOWN: leave the cell alone)."""
    return _WORDS[Assessment(a)]
