"""Does the text agree with its indicator table? Count the table's assessments, find the
sentences that state counts ("11/14 chỉ tiêu đạt và vượt", "mười một chỉ tiêu") or quote
figures, and list the ones that disagree.

Pure: standard library and the other modules of this package. Offsets are into the
NFC-normalised text, with pipe-table lines left out of the search (a table is not prose).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from feedback.indicators.figures import (
    FigureClaim,
    TargetContext,
    find_figure_claims,
    last_end,
)
from feedback.indicators.numbers import Assessment
from feedback.indicators.tables import Row, blank_tables

__all__ = [
    "CountClaim",
    "Counts",
    "FigureClaim",
    "Mismatch",
    "check_text",
    "count",
    "find_count_claims",
    "find_figure_claims",
    "prose_only",
]


@dataclass
class Counts:
    met: int = 0
    exceeded: int = 0
    not_met: int = 0
    unknown: int = 0
    total: int = 0

    @property
    def met_or_exceeded(self) -> int:
        return self.met + self.exceeded


def count(assessments: list[Assessment]) -> Counts:
    """How many of each (pass the effective assessments: computed, else stated)."""
    counts = Counts(total=len(assessments))
    for a in assessments:
        field = Assessment(a).value
        setattr(counts, field, getattr(counts, field) + 1)
    return counts


@dataclass
class CountClaim:
    quote: str
    start: int
    end: int
    n: int
    of: int | None
    category: str


@dataclass
class Mismatch:
    quote: str
    says: str
    table_says: str
    start: int
    end: int


def _number_words() -> dict[str, int]:
    """Vietnamese number words 2–99 ("mười một", "hai mươi mốt", "mười lăm"). "một" alone
    is left out: "một chỉ tiêu" is "an indicator" as often as "one"."""
    units = {
        2: ["hai"],
        3: ["ba"],
        4: ["bốn"],
        5: ["năm"],
        6: ["sáu"],
        7: ["bảy", "bẩy"],
        8: ["tám"],
        9: ["chín"],
    }
    after_ten = {**units, 1: ["một"], 4: ["bốn", "tư"], 5: ["lăm", "năm"]}
    after_tens = {**units, 1: ["mốt", "một"], 4: ["tư", "bốn"], 5: ["lăm", "nhăm", "năm"]}
    words = {w: n for n, forms in units.items() for w in forms}
    words["mười"] = 10
    for n, forms in after_ten.items():
        words.update({f"mười {w}": 10 + n for w in forms})
    for tens in range(2, 10):
        for tens_word in units[tens]:
            words[f"{tens_word} mươi"] = tens * 10
            for n, forms in after_tens.items():
                words.update({f"{tens_word} mươi {w}": tens * 10 + n for w in forms})
    return words


NUMBER_WORDS = _number_words()
_WORD_ALTERNATION = "|".join(
    re.escape(w).replace(r"\ ", r"\s+") for w in sorted(NUMBER_WORDS, key=len, reverse=True)
)
_STOP = r"(?:các|những|số|vài|năm|của|và|là|trong|từ)"
# "11 trên 14 chỉ tiêu", "11 trong tổng số 14 chỉ tiêu": the 14 is the "of".
_OF_WORDS = r"\s+(?:trên|trong)(?:\s+tổng)?(?:\s+số)?\s+"
_AFTER_A_NUMBER = re.compile(r"(\S+)" + _OF_WORDS + r"$", re.IGNORECASE)
_CLAIM = re.compile(
    r"(?<![\w.,/])(?:"
    r"(?P<n>\d{1,3})(?:\s*/\s*(?P<of>\d{1,3})|"
    + _OF_WORDS
    + r"(?P<of_words>\d{1,3}))?(?P<gap>(?:\s+(?!"
    + _STOP
    + r"(?!\w))[^\W\d]+){0,2})"
    r"|(?P<word>" + _WORD_ALTERNATION + r"))"
    r"\s+chỉ\s+tiêu(?!\w)",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[;!?\n]|\.(?=\s|$)")
_NEGATIVE = re.compile(r"(?<!\w)(?:không|chưa)\s+(?:đạt|hoàn\s+thành)(?!\w)", re.IGNORECASE)
_POSITIVE = re.compile(
    r"(?<!\w)(?:đạt(?:\s*(?:và|,|hoặc)\s*vượt)?|vượt|hoàn\s+thành(?:\s+vượt)?)(?!\w)",
    re.IGNORECASE,
)
_TOTAL_BEFORE = re.compile(
    r"(?<!\w)(?:có|gồm|tổng|tổng\s+số|trong|trong\s+số|cả|tất\s+cả|toàn\s+bộ)\s*$", re.IGNORECASE
)


def prose_only(text: str) -> str:
    """The NFC text with its pipe-table lines blanked (same length, so offsets hold)."""
    return blank_tables(text)


def _category(window: str) -> re.Match | None:
    return _NEGATIVE.search(window) or _POSITIVE.search(window)


def _category_name(match: re.Match) -> str:
    return "not_met" if _NEGATIVE.fullmatch(match.group()) else "met_or_exceeded"


def _claim_number(match: re.Match) -> int:
    if match.group("word"):
        return NUMBER_WORDS[" ".join(match.group("word").casefold().split())]
    return int(match.group("n"))


def _clause_bounds(text: str, start: int, end: int, prev_end: int, next_start: int):
    clause_start = last_end(_CLAUSE_END, text, text.rfind("\n", 0, start) + 1, start)
    after = _CLAUSE_END.search(text, end)
    clause_end = min(after.start() if after else len(text), next_start)
    return max(clause_start, prev_end), clause_end


def _make_claim(text: str, match: re.Match, prev_end: int, next_start: int) -> CountClaim | None:
    """A claim from one "<number> chỉ tiêu" match; its category from the words after it in
    its clause, else the words before; with none, a total only after "có", "gồm", "trong"..."""
    n = _claim_number(match)
    of_text = match.group("of") or match.group("of_words")
    of = int(of_text) if of_text else None
    before_start, after_end = _clause_bounds(text, match.start(), match.end(), prev_end, next_start)
    found = _category(text[match.end() : after_end])
    if found:
        start, end = match.start(), match.end() + found.end()
    else:
        found = _category(text[before_start : match.start()])
        start, end = (before_start + found.start() if found else match.start()), match.end()
    if found:
        category = _category_name(found)
    elif of is None and _TOTAL_BEFORE.search(text[before_start : match.start()]):
        category = "total"
    else:
        return None
    return CountClaim(text[start:end], start, end, n, of, category)


_NUMBER_WORD_ENDS = {w.split()[-1] for w in NUMBER_WORDS} | {"một"}


def _is_the_of_part(before: str) -> bool:
    """The "mười bốn" of "mười một trên mười bốn chỉ tiêu" is no claim of its own."""
    found = _AFTER_A_NUMBER.search(before)
    if found is None:
        return False
    word = found.group(1).casefold()
    return word.isdigit() or word in _NUMBER_WORD_ENDS


def find_count_claims(text: str) -> list[CountClaim]:
    """Sentences that state how many indicators were met, not met or exist."""
    text = blank_tables(text)
    context = TargetContext(text)
    matches = list(_CLAIM.finditer(text))
    claims = []
    for i, match in enumerate(matches):
        prev_end = matches[i - 1].end() if i else 0
        next_start = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        if _is_the_of_part(text[max(prev_end, match.start() - 60) : match.start()]):
            continue
        claim = _make_claim(text, match, prev_end, next_start)
        # Counts of next period's targets ("đề xuất 15 chỉ tiêu") are not this table's.
        if claim is not None and not context.at(match.start()):
            claims.append(claim)
    return claims


def _count_mismatch(claim: CountClaim, counts: Counts) -> Mismatch | None:
    expected = {
        "met_or_exceeded": counts.met_or_exceeded,
        "not_met": counts.not_met,
        "total": counts.total,
    }[claim.category]
    # Rows whose assessment is unknown could fall either way: a count within reach holds.
    slack = counts.unknown if claim.category != "total" else 0
    wrong_n = not expected <= claim.n <= expected + slack
    wrong_of = claim.of is not None and claim.of != counts.total
    if not (wrong_n or wrong_of):
        return None
    says = f"{claim.n}/{claim.of}" if claim.of is not None else str(claim.n)
    table = f"{expected}/{counts.total}" if claim.of is not None else str(expected)
    return Mismatch(claim.quote, says, table, claim.start, claim.end)


def check_text(text: str, counts: Counts, rows: list[Row]) -> list[Mismatch]:
    """Count claims that differ from the table's counts (only when there is a table) and
    prose figures that differ from its actuals, in the order they appear."""
    found = []
    if counts.total:
        for claim in find_count_claims(text):
            mismatch = _count_mismatch(claim, counts)
            if mismatch is not None:
                found.append(mismatch)
    for figure in find_figure_claims(text, rows):
        found.append(
            Mismatch(figure.quote, figure.says, figure.table_says, figure.start, figure.end)
        )
    return sorted(found, key=lambda m: m.start)
