"""Figures quoted in prose ("GRDP bình quân đầu người đạt 7.150 USD") compared with the
indicator table's actuals. Used by ``consistency``; pure, standard library only.

Cautious on purpose: a false flag costs the drafting team more than a missed one, so a
prose figure is compared only when it is a plain number with a unit compatible with the
row's ("%" is not "điểm %", "tỷ" is not "nghìn tỷ"), the words before it in its clause
name exactly one indicator, and it is not a target (a bound such as "trên 10.000 USD",
a range, a sentence about "mục tiêu", "kế hoạch", "đến năm ...", or a list introduced by
such words, or under a heading that says so).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from feedback.indicators.identity import normalise_name
from feedback.indicators.numbers import parse_value, strip_markup, to_decimal
from feedback.indicators.tables import Row, blank_tables

_SCALE = r"(?:nghìn|ngàn|triệu|tỷ|tỉ)(?:\s+(?:tỷ|tỉ))?"
_BASE = r"điểm\s*%|(?:điểm\s+)?phần\s+trăm|%|(?:USD|đô\s*la|đồng)(?!\w)"
_PROSE_FIGURE = re.compile(
    rf"(?<![\w.,])(?P<num>\d+(?:[.,]\d+)*)\s*(?P<unit>(?P<scale>{_SCALE}(?!\w))?(?:\s*(?P<base>{_BASE}))?)",
    re.IGNORECASE,
)
_SCALE_ONLY = re.compile(rf"(?<!\w){_SCALE}(?!\w)", re.IGNORECASE)
_BASE_ONLY = re.compile(rf"(?<!\w)(?:{_BASE})", re.IGNORECASE)

_BOUND_BEFORE = re.compile(
    r"(?<!\w)(trên|dưới|hơn|khoảng|gần|tối thiểu|tối đa|không quá|ít nhất|xấp xỉ|từ|"
    r"trở lên|vượt)\s*$|\d\s*[-–—]\s*$",
    re.IGNORECASE,
)
_BOUND_AFTER = re.compile(r"^\s*(?:/\s*\w+\s*)?(trở lên|trở xuống|[-–—]\s*\d)", re.IGNORECASE)
# "giảm 1,5%" is a change; "giảm còn 0,16%", "tăng lên 65%" are levels.
_CHANGE_BEFORE = re.compile(
    r"(?<!\w)(tăng|giảm|gấp)(\s+(bình quân|thêm|trung bình|khoảng))?\s*$", re.IGNORECASE
)
_CHANGE_AFTER = re.compile(r"^\S*\s*(so với|so cùng kỳ|so với cùng kỳ)", re.IGNORECASE)
_TARGET_WORDS = re.compile(
    r"mục tiêu|kế hoạch|phấn đấu|đến năm|dự kiến|định hướng|tầm nhìn|phương hướng",
    re.IGNORECASE,
)
_RESULT_WORDS = re.compile(r"kết quả|thực hiện|đánh giá|tình hình", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[;!?\n]|\.(?=\s|$)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_MIN_SCORE = 0.8
_QUOTE_START = re.compile(r"\s*(?:[-*+]\s+)?")
_PER = re.compile(r"/\s*[^\W\d]+")


@dataclass
class FigureClaim:
    quote: str
    start: int
    end: int
    row_position: int
    says: str
    table_says: str


def canonical_unit(text: str) -> tuple[str, str] | None:
    """(scale, base) of a unit: "nghìn tỷ đồng, 5 năm" → ("nghìn tỷ", "đồng"),
    "%/năm" → ("", "%"), "điểm %" → ("", "điểm %"); None when no known unit is there."""
    scale_match = _SCALE_ONLY.search(text or "")
    base_match = _BASE_ONLY.search(text or "")
    if scale_match is None and base_match is None:
        return None
    scale = ""
    if scale_match:
        scale = " ".join(scale_match.group().casefold().split())
        scale = scale.replace("ngàn", "nghìn").replace("tỉ", "tỷ")
    base = ""
    if base_match:
        base = " ".join(base_match.group().casefold().split())
        base = base.replace("phần trăm", "%").replace("điểm%", "điểm %")
        base = {"đô la": "usd", "đôla": "usd"}.get(base, base)
    return scale, base


def compatible_units(a: tuple[str, str] | None, b: tuple[str, str] | None) -> bool:
    """Same scale and same base; a bare scale ("135 nghìn tỷ") takes the other's base."""
    if a is None or b is None or a[0] != b[0]:
        return False
    return a[1] == b[1] or (bool(a[0]) and not (a[1] and b[1]))


def is_target_wording(text: str) -> bool:
    """Words about targets ("mục tiêu", "kế hoạch", "đến năm") and none about results
    ("kết quả", "thực hiện", "đánh giá"): "Kết quả thực hiện mục tiêu" is a result."""
    return bool(_TARGET_WORDS.search(text)) and not _RESULT_WORDS.search(text)


class TargetContext:
    """For each line of a text, whether the nearest heading above it, or the lead-in of
    the list it is an item of, speaks of targets. Computed once, in one pass."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.flags = []
        heading = lead_in = False
        for line in text.split("\n"):
            if _HEADING.match(line):
                heading, lead_in = is_target_wording(line), False
                self.flags.append(heading)
            elif _LIST_ITEM.match(line):
                self.flags.append(heading or lead_in)
            else:
                if line.strip():
                    lead_in = is_target_wording(line)
                self.flags.append(heading)

    def at(self, offset: int) -> bool:
        """The figure at ``offset`` is a target: by its line's context or its own clause
        up to it."""
        line = bisect_right(self.line_starts, offset) - 1
        if self.flags[line]:
            return True
        clause_start = last_end(_CLAUSE_END, self.text, self.line_starts[line], offset)
        return is_target_wording(self.text[clause_start:offset])


def in_target_context(text: str, at: int) -> bool:
    """One-off form of ``TargetContext(text).at(at)``."""
    return TargetContext(text).at(at)


def last_end(pattern: re.Pattern, text: str, start: int, end: int) -> int:
    """Where the last match of ``pattern`` in text[start:end] ends, else ``start``."""
    return max((m.end() for m in pattern.finditer(text, start, end)), default=start)


def _is_not_a_level(text: str, match: re.Match) -> bool:
    """A bound, a range, or a change ("giảm 1,5%/năm", "tăng 2% so với năm 2015"): not
    the level the table states."""
    before = text[max(0, match.start() - 30) : match.start()]
    after = text[match.end() : match.end() + 30]
    return bool(
        _BOUND_BEFORE.search(before)
        or _CHANGE_BEFORE.search(before)
        or _BOUND_AFTER.match(after)
        or _CHANGE_AFTER.match(after)
    )


def _best_row(window: str, rows: list[Row], unit: tuple[str, str]) -> Row | None:
    """The one row whose name the window names (≥ 80% of its words) with a compatible unit."""
    words = set(normalise_name(window).split())
    scored = []
    for row in rows:
        name_words = set(normalise_name(row.name).split())
        if not name_words or not compatible_units(canonical_unit(row.unit), unit):
            continue
        score = len(name_words & words) / len(name_words)
        if score >= _MIN_SCORE:
            scored.append((score, len(name_words & words), row))
    if not scored:
        return None
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    if len(scored) > 1 and scored[0][:2] == scored[1][:2]:
        return None
    return scored[0][2]


def _candidates(text: str):
    """(match, window start) of each prose number with a unit, the window being the words
    since the clause began or since the previous such figure."""
    previous_end = 0
    for match in _PROSE_FIGURE.finditer(text):
        if not (match.group("scale") or match.group("base")):
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        clause_start = last_end(_CLAUSE_END, text, line_start, match.start())
        yield match, max(clause_start, previous_end)
        previous_end = match.end()


def find_figure_claims(text: str, rows: list[Row]) -> list[FigureClaim]:
    """Prose figures that name an indicator and DISAGREE with its actual in the table.
    Offsets are into the NFC text; its pipe tables are not prose."""
    text = blank_tables(text)
    context = TargetContext(text)
    claims = []
    for match, window_start in _candidates(text):
        unit = canonical_unit(match.group("unit"))
        if unit is None or _is_not_a_level(text, match):
            continue
        row = _best_row(text[window_start : match.start()], rows, unit)
        if row is None or context.at(match.start()):
            continue
        actual = parse_value(row.actual)
        said = to_decimal(match.group("num"))
        if actual is None or actual.kind != "number" or said is None or said == actual.low:
            continue
        per = _PER.match(text, match.end())
        end = per.end() if per and match.group("unit").strip() else match.end()
        unit_text = text[match.end("num") : end]
        quote_start = _QUOTE_START.match(text, window_start).end()
        claims.append(
            FigureClaim(
                quote=text[quote_start:end],
                start=quote_start,
                end=end,
                row_position=row.position,
                says=f"{match.group('num')}{unit_text}",
                table_says=f"{strip_markup(row.actual).strip()}{unit_text}",
            )
        )
    return claims
