"""The diff engine's work budget: the worst inputs (long texts of a few words repeated)
get an exact diff within DIFF_BUDGET units, the same on every run, and a rebase on them
is a merge that keeps both sides' edits or a conflict, never a lost edit.

Correctness tests, not timings: the work is counted in units, independently of the
engine's own counter, from the C++ diff calls it actually makes.
"""

from __future__ import annotations

import os
import random
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedback import textdiff as td

from .test_textdiff_cases import REBASE_CASES, REPORT, check_ops
from .test_textdiff_properties import PROFILE, text_pairs

# Every test here runs on both diff kernels (tests/unit/conftest.py).
pytestmark = pytest.mark.usefixtures("diff_kernel")

SECTION_LIMIT = 400_000  # FEEDBACK_MAX_SECTION_CHARS
VOCABULARY = [
    *("và", "các", "được", "phát", "triển", "kinh", "tế", "xã", "hội", "năm"),
    *("tỉnh", "chỉ", "tiêu", "đạt", "cao", "hơn", "so", "với", "kế", "hoạch"),
]
assert len(VOCABULARY) >= 20


def repeated_words(rng: random.Random, size: int, words: int, layout: str) -> str:
    """``size`` characters of words drawn from the first ``words`` of VOCABULARY.

    layout: "paragraphs" (blank lines every 40 to 120 words), "lines" (a newline every
    12 words, no blank line) or "none" (one single line).
    """
    vocabulary = VOCABULARY[:words]
    out: list[str] = []
    length = count = 0
    next_break = rng.randint(40, 120)
    while length < size:
        word = rng.choice(vocabulary)
        count += 1
        if layout == "paragraphs" and count == next_break:
            sep, next_break = "\n\n", count + rng.randint(40, 120)
        elif layout == "lines" and count % 12 == 0:
            sep = "\n"
        else:
            sep = " "
        out += (word, sep)
        length += len(word) + len(sep)
    return "".join(out)[:size].rstrip()


class CountedDiffs:
    """Stands in for fast_diff_match_patch: counts the units of every C++ diff actually
    run, by the cost model (common ends copied, the rest searched at L * (D + 1) plus
    _EDIT_UNITS per edit found), without trusting the engine's own counter."""

    def __init__(self, real: object) -> None:
        self.real = real
        self.units = 0
        self.calls = 0

    def diff(self, a: str, b: str, **options: object) -> list[tuple[str, int]]:
        counts = self.real.diff(a, b, **options)
        head = len(os.path.commonprefix([a, b]))
        tail = len(os.path.commonprefix([a[head:][::-1], b[head:][::-1]]))
        length = len(a) + len(b)
        searched = length - 2 * (head + tail)
        edits = sum(n for op, n in counts if op != "=")
        self.units += length - searched + searched * (edits + 1) + td._EDIT_UNITS * edits
        self.calls += 1
        return counts

    def match(self, *args: object, **options: object) -> int:
        return self.real.match(*args, **options)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch, diff_kernel: object) -> CountedDiffs:
    counter = CountedDiffs(td._fdmp)
    monkeypatch.setattr(td, "_fdmp", counter)
    return counter


@contextmanager
def budget(units: int) -> Iterator[None]:
    saved = td.DIFF_BUDGET
    td.DIFF_BUDGET = units
    try:
        yield
    finally:
        td.DIFF_BUDGET = saved


WORST = [
    pytest.param(5, "paragraphs", id="5-words-paragraphs"),
    pytest.param(5, "lines", id="5-words-lines"),
    pytest.param(5, "none", id="5-words-one-line"),
    pytest.param(20, "paragraphs", id="20-words-paragraphs"),
    pytest.param(20, "none", id="20-words-one-line"),
]


@pytest.mark.parametrize(("words", "layout"), WORST)
def test_rewritten_section_of_repeated_words_is_exact_and_within_budget(
    words: int, layout: str, counted: CountedDiffs
) -> None:
    rng = random.Random(f"{words}/{layout}")
    old = repeated_words(rng, SECTION_LIMIT, words, layout)
    new = repeated_words(rng, SECTION_LIMIT, words, layout)  # rewritten: nothing kept
    work = td.Work()
    ops = td.diff_words(old, new, work=work)
    check_ops(old, new, ops)
    assert work.diffs == 1
    assert 0 < work.spent <= td.DIFF_BUDGET
    assert counted.units <= work.spent  # every C++ diff run was paid for
    again = td.Work()
    assert td.diff_words(old, new, work=again) == ops
    assert again == work


def edit_words(
    rng: random.Random, text: str, rate: float, fresh: str, avoid: set[int] = frozenset()
) -> dict[int, str]:
    """Edits of about ``rate`` of the words of ``text`` (none of those numbered in
    ``avoid``): word number -> what it becomes (a new word, nothing, or itself followed
    by a new word). New words are ``fresh`` and a number, never in VOCABULARY."""
    edits = {}
    for k, word in enumerate(re.split(r"\s+", text)):
        roll = rng.random()
        if roll < rate and k not in avoid:
            new = f"{fresh}{k}"
            edits[k] = new if roll < rate / 3 else "" if roll < 2 * rate / 3 else f"{word} {new}"
    return edits


def apply(text: str, *edit_sets: dict[int, str]) -> str:
    parts = re.split(r"(\s+)", text)  # words at even places, the spaces between at odd
    for edits in edit_sets:
        for k, new in edits.items():
            parts[2 * k] = new
    return "".join(parts)


def edited(rng: random.Random, text: str, rate: float, fresh: str) -> str:
    return apply(text, edit_words(rng, text, rate, fresh))


@pytest.mark.parametrize(("words", "layout"), WORST[:3])
def test_heavy_edit_of_repeated_words_is_exact_and_within_budget(
    words: int, layout: str, counted: CountedDiffs
) -> None:
    rng = random.Random(f"heavy/{words}/{layout}")
    old = repeated_words(rng, SECTION_LIMIT, words, layout)
    new = edited(rng, old, 0.3, "MỚI")
    work = td.Work()
    ops = td.diff_words(old, new, work=work)
    check_ops(old, new, ops)
    assert work.spent <= td.DIFF_BUDGET
    assert counted.units <= work.spent
    assert td.diff_words(old, new) == ops


@pytest.mark.parametrize(
    ("words", "layout", "rate", "spaced"),
    [
        (5, "none", 0.3, False),
        (5, "paragraphs", 0.3, False),
        (5, "none", 0.3, True),
        (5, "paragraphs", 0.3, True),
        (20, "lines", 0.02, True),
    ],
)
def test_rebase_of_repeated_words_never_loses_an_edit(
    words: int, layout: str, rate: float, spaced: bool, counted: CountedDiffs
) -> None:
    """Both sides edit a section of repeated words, never the same word (new words are
    unique upper-case ones): the rebase merges with both sides' edits, or is a conflict.
    Spaced: the team's few edits are four words or more from the proposal's, so they
    merge when the diffs find them."""
    rng = random.Random(f"rebase/{words}/{layout}/{spaced}")
    base = repeated_words(rng, SECTION_LIMIT, words, layout)
    theirs = edit_words(rng, base, 0.0005 if spaced else 0.01, "TỔ")
    near = {k + d for k in theirs for d in range(-4, 5)} if spaced else set(theirs)
    mine = edit_words(rng, base, rate, "ĐỀXUẤT", avoid=near)
    current, proposed = apply(base, theirs), apply(base, mine)
    work = td.Work()
    result = td.rebase(base, proposed, current, work=work)
    assert work.diffs <= 4 and work.most <= td.DIFF_BUDGET
    assert counted.units <= work.spent
    if isinstance(result, td.Merged):
        assert result.text == apply(base, theirs, mine)
    else:
        assert isinstance(result, td.Conflict) and result.clashes
        assert not spaced
    assert td.rebase(base, proposed, current) == result


def test_rebase_of_a_rewritten_section_of_repeated_words_is_a_conflict(
    counted: CountedDiffs,
) -> None:
    rng = random.Random("rewritten")
    base = repeated_words(rng, SECTION_LIMIT, 5, "none")
    proposed = repeated_words(rng, SECTION_LIMIT, 5, "none")
    current = edited(rng, base, 0.05, "TỔ")
    work = td.Work()
    result = td.rebase(base, proposed, current, work=work)
    # Thousands of the team's edits fall inside the rewrite: they clash.
    assert isinstance(result, td.Conflict) and result.clashes
    assert work.most <= td.DIFF_BUDGET and counted.units <= work.spent


def test_a_quote_as_long_as_the_section_is_reanchored_within_budget(
    counted: CountedDiffs,
) -> None:
    rng = random.Random("quote")
    text = repeated_words(rng, SECTION_LIMIT, 5, "none")
    new = edited(rng, text, 0.3, "MỚI")
    anchor = td.make_anchor(text, 10, len(text) - 10)
    work = td.Work()
    match = td.reanchor(anchor, new, work=work)
    assert work.diffs == 1 and work.spent <= td.DIFF_BUDGET
    assert counted.units <= work.spent
    # Coarser diffs only make a match less likely, never a wrong one.
    assert match == td.NOT_FOUND or new[match.start : match.end] == match.text


# Within budget nothing changes; below it, diffs get coarser but stay exact ---------------


def test_normal_diffs_need_no_coarse_piece() -> None:
    new = REPORT.replace("10,7%", "10,9%").replace("chưa cao", "còn thấp")
    work = td.Work()
    td.diff_words(REPORT, new, work=work)
    assert work.coarse == 0 and work.spent < td.DIFF_BUDGET // 1000


def deleted(ops: list[td.Op]) -> int:
    return sum(len(text) for kind, text in ops if kind == td.DELETE)


def test_a_small_budget_gives_a_coarser_but_exact_diff() -> None:
    words = REPORT.split(" ")
    new = " ".join(w.upper() if k % 3 == 0 else w for k, w in enumerate(words))
    full = td.diff_words(REPORT, new)
    with budget(3_000):
        work = td.Work()
        ops = td.diff_words(REPORT, new, work=work)
    check_ops(REPORT, new, ops)
    assert work.coarse > 0 and work.spent <= 3_000
    assert deleted(ops) > deleted(full)


def test_a_small_budget_still_finds_a_small_edit_exactly() -> None:
    """Setting the common ends aside is cheap: one changed number needs no big budget."""
    new = REPORT.replace("10,7%", "10,9%")
    with budget(2_000):
        ops = td.diff_words(REPORT, new)
    assert [op for op in ops if op[0] != td.EQUAL] == [(td.DELETE, "7"), (td.INSERT, "9")]


@PROFILE
@given(text_pairs(), st.sampled_from([0, 500, 5_000, 50_000]))
def test_diffs_within_any_budget_rebuild_both_texts(pair: tuple[str, str], units: int) -> None:
    old, new = pair
    with budget(units):
        work = td.Work()
        ops = td.diff_words(old, new, work=work)
    check_ops(old, new, ops)
    assert work.spent <= units


def rebuilds(a: str, b: str, counts: td.Counts) -> bool:
    i = j = 0
    for op, n in counts:
        if n <= 0 or (op == "=" and a[i : i + n] != b[j : j + n]):
            return False
        i += n if op != "+" else 0
        j += n if op != "-" else 0
    return (i, j) == (len(a), len(b))


@contextmanager
def small_pieces() -> Iterator[None]:
    """Pieces and edits made cheap, so that short texts take every step of the ladder,
    down to cutting in pieces."""
    saved = td._MIN_PIECE, td._EDIT_UNITS, td._GRAMS
    td._MIN_PIECE, td._EDIT_UNITS, td._GRAMS = 2, 0, (2, 4, 8)
    try:
        yield
    finally:
        td._MIN_PIECE, td._EDIT_UNITS, td._GRAMS = saved


def unit_pairs(rng: random.Random) -> Iterator[tuple[str, str]]:
    """Pairs of strings of a few units: unrelated, or edited copies, with or without
    units of one side only."""
    for _ in range(300):
        alphabet = "abcdefgh"[: rng.randint(1, 8)]
        a = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))
        extra = alphabet + ("XY" if rng.random() < 0.5 else "")
        if rng.random() < 0.3:
            yield a, "".join(rng.choice(extra) for _ in range(rng.randint(0, 400)))
            continue
        b = list(a)
        for _ in range(rng.randint(0, 60)):
            k = rng.randint(0, len(b))
            b[k:k] = rng.choices(extra, k=rng.randint(0, 3))
            k = rng.randint(0, len(b))
            del b[k : k + rng.randint(0, 3)]
        yield a, "".join(b)


@pytest.mark.parametrize("small", [False, True])
def test_every_step_of_a_bounded_diff_is_exact_and_within_its_share(small: bool) -> None:
    rng = random.Random(f"steps/{small}")
    for a, b in unit_pairs(rng):
        cap = rng.choice([0, 50, 500, 5_000, 50_000, 500_000, 5_000_000])
        spent = td._Budget(cap)
        with small_pieces() if small else budget(td.DIFF_BUDGET):
            counts = td._bounded(a, b, rng.choice(["No", "Semantic"]), spent, cap)
        assert rebuilds(a, b, counts), (a, b, cap)
        assert spent.spent <= cap


@pytest.mark.parametrize("units", [0, 100, 300, 3_000])
@pytest.mark.parametrize(("base", "proposed", "current", "expected"), REBASE_CASES)
def test_a_coarser_diff_turns_a_merge_into_a_conflict_never_a_lost_edit(
    base: str, proposed: str, current: str, expected: str, units: int
) -> None:
    with budget(units):
        result = td.rebase(base, proposed, current)
    assert result == td.Merged(td.normalize(expected)) or isinstance(result, td.Conflict)


# Token boundaries are found near the hunk, not by tokenizing a whole long line ----------


def test_token_bounds_near_a_span_agree_with_tokenizing_the_line() -> None:
    rng = random.Random("bounds")
    text = repeated_words(rng, 30_000, 8, "none") + " **đậm** 👍🏽 10,7%\n" + REPORT
    text = unicodedata.normalize("NFC", text)
    known: td.Bounds = {}  # shared, as for the hunks of one rebase
    for _ in range(200):
        lo = rng.randrange(len(text))
        hi = min(len(text), lo + rng.randrange(60))
        start = text.rfind("\n", 0, lo) + 1
        pos, full = start, {start}
        end = text.find("\n", hi)
        for token in td._tokens(text[start : len(text) if end < 0 else end + 1]):
            pos += len(token)
            full.add(pos)
        near = td._token_bounds(text, lo, hi, known)
        assert near is not None
        assert {p for p in near if lo <= p <= hi} == {p for p in full if lo <= p <= hi}


def test_token_bounds_give_up_on_a_long_line_without_spaces() -> None:
    text = "chữ" * 5_000
    assert td._token_bounds(text, 7_000, 7_003, {}) is None
