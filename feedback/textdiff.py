"""Word-level diffs, three-way rebase and comment anchors for section texts.

Pure on purpose: only the standard library and fast_diff_match_patch (or, where its C++
kernel cannot be imported, diff_match_patch, see ``PythonKernel``) are imported, so the
web app, the CLI, the tests and the benchmark can use it without Flask or a database
(``tests/unit/test_textdiff_purity.py`` keeps it that way).

Diffs (``diff_words``) are *paragraph-first*: the texts are aligned line by line (each
distinct line mapped to one character, the ``diff_linesToChars`` trick) and only runs of
replaced lines are diffed again at word level, paragraph by paragraph, every distinct
token mapped to one character the same way. Both passes use fast_diff_match_patch's C++
Myers diff with ``timelimit=0``: a timeout does not fail, it silently returns a worse
diff. Tokens are whole words, whitespace runs, Markdown markers or single symbols with
their combining marks, modifiers and ZWJ sequences, so no operation starts or ends inside
a word or a Vietnamese syllable.

Every diff has a work budget, ``DIFF_BUDGET`` units, so that no text a user sends can
hold a worker for minutes: Myers is O((N + M) * D), and on long texts of a few words
repeated (no unique word to anchor on, D in the tens of thousands) one diff took minutes.
The budget counts units of work, comparisons of units (lines, tokens, characters), not
seconds: a time limit would make the diff depend on the machine and its load, and the
same texts must give the same diff everywhere (a rebase decided on one worker must be
the one any other would make). A Myers diff of L units that finds D edits is charged
L * (D + 1) + _EDIT_UNITS * D, its comparisons and a recursion step per edit that copies
and allocates; it runs only when its worst case, D = L, fits in what is left, so a
budget is never overrun. A piece that does not fit is made cheaper, each step exact: its
common ends set aside, units found on one side only set aside, cut at anchors (units
unique on both sides, else runs of units found once on each side, as histogram diff
does), cut in pieces Myers can afford, and as the last resort deleted and inserted
whole. Pieces share a budget smallest first, each keeping a floor for the rest. Past the
budget a diff gets coarser, never wrong: its ops still rebuild both texts. 2e8 units:
a 200 KB heavily edited report spends 7e7 and one at the 400,000-character section limit
1.7e8, both diffed exactly as without a budget, while the worst case stays within three
times the 200 KB report's time (``make bench-diff``). Tokenizing, mapping units to
characters and writing the ops out are linear in the texts and not counted. ``work=`` on
the public functions reads what was spent.

``rebase`` is a diff3-style merge built on those diffs: each side's edits become hunks in
base coordinates; hunks of the two sides that overlap or touch, or could equally have
been placed over each other (repeated words), are grouped, and a group the two sides
edited differently is a clash. Nothing is patched fuzzily, and a merged text is returned
only after it has been verified independently (see ``rebase``). Its diffs have a budget
each: a coarser diff only makes hunks bigger, so edits of the two sides meet and clash:
a conflict, never a lost edit.

``make_anchor`` / ``reanchor`` let a comment find its quoted passage again in a later
version of the text; the character diffs of one ``reanchor`` share one budget.
"""

from __future__ import annotations

import html
import os
import re
import string
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from itertools import chain
from typing import NamedTuple


class PythonKernel:
    """diff-match-patch's pure-Python diff and bitap match behind fast_diff_match_patch's
    two calls, for where the C++ kernel cannot be imported (no wheel for a newer Python,
    no compiler). No time limit either, so a diff is as exact as the C++ one (a hunk may
    be placed differently among equal choices), only slower; the work budget, counted in
    units and not seconds, bounds it the same way."""

    name = "python"

    def __init__(self) -> None:
        from diff_match_patch import diff_match_patch

        self._dmp = diff_match_patch()
        self._dmp.Diff_Timeout = 0  # as timelimit=0: never a worse diff for lack of time

    def diff(
        self,
        a: str,
        b: str,
        *,
        timelimit: float = 0,
        checklines: bool = False,
        cleanup: str = "Semantic",
        counts_only: bool = True,
    ) -> list[tuple[str, int]]:
        if timelimit or not counts_only:
            raise ValueError("PythonKernel.diff: only timelimit=0 and counts_only=True")
        diffs = self._dmp.diff_main(a, b, checklines)
        if cleanup == "Semantic":
            self._dmp.diff_cleanupSemantic(diffs)
        elif cleanup == "Efficiency":
            self._dmp.diff_cleanupEfficiency(diffs)
        elif cleanup != "No":
            raise ValueError(f"unknown cleanup {cleanup!r}")
        return [(_KERNEL_OPS[op], len(part)) for op, part in diffs]

    def match(
        self,
        text: str,
        pattern: str,
        loc: int,
        *,
        match_threshold: float,
        match_distance: int,
        match_maxbits: int,
    ) -> int:
        dmp = self._dmp
        dmp.Match_Threshold, dmp.Match_Distance = match_threshold, match_distance
        dmp.Match_MaxBits = match_maxbits
        return dmp.match_main(text, pattern, loc)


_KERNEL_OPS = {0: "=", -1: "-", 1: "+"}


def load_kernel(choice: str | None = None):
    """The diff kernel: fast_diff_match_patch's C++ where it imports, else PythonKernel.
    ``FEEDBACK_DIFF_KERNEL`` = "python" forces the fallback (the tests run the engine's
    own suite on both), "c++" makes a missing C++ kernel an error; default "auto"."""
    choice = (choice or os.environ.get("FEEDBACK_DIFF_KERNEL") or "auto").lower()
    if choice not in ("auto", "c++", "python"):
        raise RuntimeError(f"FEEDBACK_DIFF_KERNEL must be auto, c++ or python, not {choice!r}")
    if choice != "python":
        try:
            import fast_diff_match_patch

            return fast_diff_match_patch
        except ImportError:
            if choice == "c++":
                raise
    return PythonKernel()


def kernel_name() -> str:
    """ "c++" or "python": which kernel the diffs run on (README, bench)."""
    return getattr(_fdmp, "name", "c++")


_fdmp = load_kernel()

Op = tuple[str, str]  # (kind, text), kind in {"equal", "insert", "delete"}

EQUAL, INSERT, DELETE = "equal", "insert", "delete"


def normalize(text: str) -> str:
    """NFC with ``\\n`` line endings: the form every stored and compared text is in.

    NFD input (as some macOS and Office copies produce) and Windows line endings would
    otherwise show up as changes on every Vietnamese letter and every line.
    """
    if not isinstance(text, str):
        raise TypeError(f"normalize() needs a str, not {type(text).__name__}")
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


# Tokens ---------------------------------------------------------------------------------


def _extender_ranges() -> tuple[str, str]:
    """Regex class bodies (BMP part, astral part) of characters that belong to the
    grapheme before them.

    ``re`` has no ``\\p{M}``, so the combining marks (Mn, Mc, Me) are collected from
    unicodedata at import (~15 ms); emoji skin-tone modifiers, tag characters (flag
    sub-regions) and ZWNJ are added by hand. ZWJ is handled in the token pattern because
    it joins two graphemes rather than extending one. The BMP part is kept apart because
    a BMP-only class compiles to a bitmap, which makes the "any extender here?" scan
    nearly free.
    """
    points = [
        cp
        for cp in chain(range(0x20000), range(0xE0000, 0xE0200))
        if unicodedata.category(chr(cp))[0] == "M"
    ]
    points += [0x200C, *range(0x1F3FB, 0x1F400), *range(0xE0020, 0xE0080)]
    points.sort()
    ranges: list[tuple[int, int]] = []
    for cp in points:
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))

    def body(part: list[tuple[int, int]]) -> str:
        return "".join(f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in part)

    return body([r for r in ranges if r[1] < 0x10000]), body([r for r in ranges if r[0] >= 0x10000])


_EXT_BMP, _EXT_ASTRAL = _extender_ranges()
# Texts with no extender at all (nearly all NFC Vietnamese prose) are tokenized by a
# pattern without the extender class, which is ~3x faster; the two agree on such texts.
_HAS_EXTENDER_RE = re.compile(f"[{_EXT_BMP}]|[\\U00010000-\\U0010ffff]")
# A run of one ASCII punctuation char is one token (**, __, ##, ```, ---, ||), written out
# per char because a backreference needs a capturing group and findall() would then
# return the group instead of the token.
_PUNCT_RUN = "|".join(re.escape(c) + "+" for c in string.punctuation)


def _word_pattern(ext: str) -> str:
    # Letters/digits with their marks; "_" or ZWJ inside keeps snake_case and Indic
    # conjuncts whole, while a leading or trailing "__" stays a Markdown marker.
    return rf"(?:[^\W_]{ext})+(?:[_\u200d](?:[^\W_]{ext})+)*"


def _token_pattern(ext: str) -> str:
    # Every token takes the marks that follow it: a mark never starts a token, so no op
    # can begin with one (a mark after a space belongs to the space, as in Unicode's
    # grapheme rules).
    return (
        _word_pattern(ext)
        + rf"|\s+{ext}"
        + rf"|[\U0001F1E6-\U0001F1FF]{{2}}{ext}"  # a flag is a pair of regional indicators
        # Markdown markers and any other symbol, with modifiers and ZWJ-joined emoji.
        + rf"|(?:{_PUNCT_RUN}|\S){ext}(?:\u200d\S{ext})*"
    )


_EXT = f"[{_EXT_BMP}{_EXT_ASTRAL}]*"
_TOKEN_RE = re.compile(_token_pattern(_EXT))
_PLAIN_TOKEN_RE = re.compile(_token_pattern(""))
_WORD_RE = re.compile(_word_pattern(_EXT))


def _tokens(text: str) -> list[str]:
    pattern = _TOKEN_RE if _HAS_EXTENDER_RE.search(text) else _PLAIN_TOKEN_RE
    return pattern.findall(text)


# Work budget ----------------------------------------------------------------------------

Counts = list[tuple[str, int]]  # an alignment: ("=", n) / ("-", n) / ("+", n) units

# Work is counted in units, comparisons of units (characters, tokens or lines), never in
# seconds: the same texts get the same diff on any machine and under any load. A Myers
# diff (fast_diff_match_patch's C++) of sequences of L units together that finds D edits
# makes O(L * D) comparisons, and a step of its recursion per edit that copies and
# allocates, measured at about _EDIT_UNITS comparisons: it is charged L * (D + 1) +
# _EDIT_UNITS * D. D is only known afterwards and may be L, so a diff only runs when that
# worst case, _units(L), fits in what is left; then it is charged for what it found. A
# budget is never overrun, and a diff with few edits is not charged as if every unit had
# changed. Our own passes over units (common ends, counts, anchors) cost one unit a unit.
DIFF_BUDGET = 200_000_000  # per diff: diff_words makes one, rebase up to four
# Cutting a piece finer than this to afford its diff is not worth it (aligning a few
# units at a time is noise, not a diff): it is deleted and inserted whole instead.
_MIN_PIECE = 1000
# How many times a piece over its share is made cheaper (set its ends aside, anchor it)
# before it is cut or given up; with it, the number of linear passes over any unit.
_LADDER_DEPTH = 8
_EDIT_UNITS = 2000


def _units(length: int) -> int:
    """The most a Myers diff of sequences of ``length`` units together can cost: as many
    edits as units. A diff runs only when this fits in what is left."""
    return length * (length + 1 + _EDIT_UNITS)


def _worked(length: int, counts: Counts) -> int:
    """What a Myers diff of ``length`` units that found these edits is charged: the same
    bound with the edits it found (D) instead of the worst case; at most ``_units``."""
    edits = sum(n for op, n in counts if op != "=")
    return length * (edits + 1) + _EDIT_UNITS * edits


def _align_units(length: int) -> int:
    """What ``_align`` may spend on ``length`` units: a Myers diff and an anchor pass."""
    return _units(length) + length


class _Budget:
    """The units one diff may still spend, those it spent, and how many pieces it had to
    answer coarsely (delete all, insert all) because their share was too small."""

    __slots__ = ("left", "spent", "coarse")

    def __init__(self, units: int) -> None:
        self.left = units
        self.spent = 0
        self.coarse = 0

    def spend(self, units: int) -> None:
        self.left -= units
        self.spent += units


@dataclass
class Work:
    """What the diffs of the calls given this object spent (``work=`` of ``diff_words``,
    ``rebase`` and ``reanchor``); for tests and benchmarks. Every diff may spend at most
    ``DIFF_BUDGET`` units, so ``most <= DIFF_BUDGET`` always."""

    spent: int = 0  # units, all diffs together
    diffs: int = 0  # diffs made (a rebase makes up to four, a reanchor one budget)
    most: int = 0  # the most units one of them spent
    coarse: int = 0  # pieces replaced whole because the budget was short

    def add(self, budget: _Budget) -> None:
        self.spent += budget.spent
        self.diffs += 1
        self.most = max(self.most, budget.spent)
        self.coarse += budget.coarse


# Every piece still to solve keeps this many units per unit: enough for _bounded to set
# its ends aside and look for anchors, or else to give it up whole.
_FLOOR = 3


def _share_out(
    sizes: Sequence[int],
    demand: Callable[[int], int],
    solve: Callable[[int, int], Counts],
    budget: _Budget,
    cap: int,
) -> list[Counts]:
    """``solve(k, share)`` for each piece k, of ``sizes[k]`` units, of a problem allowed
    ``cap`` units.

    Smallest first, each piece may spend all it could need (``demand(size)``) as long as
    every piece after it keeps its _FLOOR; the biggest share what is left. As a piece is
    charged for the work it did, usually far below what it could have needed, most get
    all they need. When the demands fit in ``cap`` every piece does, so a problem within
    budget is solved exactly as without one; the solving order changes no result.
    """
    results: list[Counts] = [[] for _ in sizes]
    start = budget.spent
    reserve = _FLOOR * sum(sizes)
    for k in sorted(range(len(sizes)), key=sizes.__getitem__):
        reserve -= _FLOOR * sizes[k]
        results[k] = solve(k, min(demand(sizes[k]), cap - (budget.spent - start) - reserve))
    return results


# Alignment of unit sequences -----------------------------------------------------------

# Code points usable as stand-ins for units: 1..0x10FFFF minus the surrogates, which
# cannot round-trip through UTF-8/UTF-32 APIs. NUL is skipped as dmp does.
_CODE_POINTS = (range(1, 0xD800), range(0xE000, 0x110000))
_CODE_CAPACITY = sum(map(len, _CODE_POINTS))

# Above this many units a Myers diff can take seconds (it is O(N*D)), so the sequences
# are first cut at patience anchors (units occurring once on each side).
_ANCHOR_ABOVE = 6000
_ANCHOR_DEPTH = 6


def _encode(a: Sequence[str], b: Sequence[str]) -> tuple[str, str] | None:
    """Map every distinct unit to one character; None when there are too many."""
    distinct = dict.fromkeys(chain(a, b))
    if len(distinct) > _CODE_CAPACITY:
        return None
    table = dict(zip(distinct, map(chr, chain(*_CODE_POINTS)), strict=False))
    get = table.__getitem__
    return "".join(map(get, a)), "".join(map(get, b))


def longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest run of ``pairs`` (sorted by i) whose j increase too (patience sorting):
    what two orderings of the same things keep in common."""
    tails: list[int] = []
    tail_at: list[int] = []
    back: list[int] = []
    for k, (_, j) in enumerate(pairs):
        pos = bisect_left(tails, j)
        back.append(tail_at[pos - 1] if pos else -1)
        if pos == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[pos] = j
            tail_at[pos] = k
    chosen: list[tuple[int, int]] = []
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        chosen.append(pairs[k])
        k = back[k]
    return chosen[::-1]


def _patience_anchors(
    a: Sequence[str], b: Sequence[str], counts: tuple[Counter[str], Counter[str]] | None = None
) -> list[tuple[int, int]]:
    """(i, j) pairs of units unique on both sides, longest increasing run of them."""
    count_a, count_b = counts or (Counter(a), Counter(b))
    unique = {u for u, n in count_a.items() if n == 1}
    unique.intersection_update(u for u, n in count_b.items() if n == 1)
    if not unique:
        return []
    where_b = {u: j for j, u in enumerate(b) if u in unique}
    return longest_increasing([(i, where_b[u]) for i, u in enumerate(a) if u in unique])


def _common_ends(a: str, b: str) -> tuple[int, int]:
    """Lengths of the common prefix and of the common suffix of what is left after it.

    Galloping, then bisecting, with slice comparisons: C speed, and about as many
    characters compared as the ends are long.
    """
    ends = []
    for x, y in ((a, b), (a[::-1], b[::-1])):
        if ends:
            x, y = x[: len(x) - ends[0]], y[: len(y) - ends[0]]
        limit = min(len(x), len(y))
        lo, step = 0, 16  # x[:lo] == y[:lo]
        while lo < limit:
            hi = min(lo + step, limit)
            if x[lo:hi] != y[lo:hi]:
                while hi - lo > 1:  # the first difference is in [lo, hi)
                    mid = (lo + hi) // 2
                    if x[lo:mid] == y[lo:mid]:
                        lo = mid
                    else:
                        hi = mid
                break
            lo, step = hi, step * 2
        ends.append(lo)
    return ends[0], ends[1]


def _myers(a: str, b: str, cleanup: str, budget: _Budget, searched: int | None = None) -> Counts:
    """The C++ Myers diff, charged for the edits it found (see ``_worked``).

    ``searched``: how many of the units are left once the common ends are set aside, when
    known; the search is charged for those, the rest only for being copied and compared.
    """
    counts = _fdmp.diff(a, b, timelimit=0, checklines=False, cleanup=cleanup, counts_only=True)
    length = len(a) + len(b)
    budget.spend(length - (searched or length) + _worked(searched or length, counts))
    return counts


def _coarse(a: Sequence[str], b: Sequence[str], budget: _Budget) -> Counts:
    """Delete all, insert all: exact, and the answer when there is no budget left."""
    budget.coarse += 1
    return [op for op in (("-", len(a)), ("+", len(b))) if op[1]]


def _framed(head: int, counts: Counts, tail: int) -> Counts:
    return [*((("=", head),) if head else ()), *counts, *((("=", tail),) if tail else ())]


def _between(
    a: Sequence[str],
    b: Sequence[str],
    blocks: list[tuple[int, int, int]],
    solve: Callable[[Sequence[str], Sequence[str], int], Counts],
    demand: Callable[[int], int],
    budget: _Budget,
    cap: int,
) -> Counts:
    """Counts for a and b equal at ``blocks`` ((i, j, length), increasing, apart), the
    gaps between them solved by ``solve(gap_a, gap_b, share)``, sharing ``cap`` (see
    ``_share_out``; ``demand``: what a gap of so many units could need)."""
    gaps = []
    pa = pb = 0
    for i, j, length in blocks:
        gaps.append((pa, i, pb, j))
        pa, pb = i + length, j + length
    gaps.append((pa, len(a), pb, len(b)))
    results = _share_out(
        [i1 - i0 + j1 - j0 for i0, i1, j0, j1 in gaps],
        demand,
        lambda k, share: solve(a[gaps[k][0] : gaps[k][1]], b[gaps[k][2] : gaps[k][3]], share),
        budget,
        cap,
    )
    out: Counts = []
    for k, counts in enumerate(results):
        out += counts
        if k < len(blocks):
            out.append(("=", blocks[k][2]))
    return out


def _align(
    a: Sequence[str], b: Sequence[str], cleanup: str, budget: _Budget, cap: int, depth: int = 0
) -> Counts:
    """Diff two unit sequences within ``cap`` units; returns ("=", n) / ("-", n) / ("+", n).

    Within budget this is what it always was: patience anchors above ``_ANCHOR_ABOVE``
    units, a Myers diff of each piece between them (``_bounded``, which makes a piece
    over its share cheaper instead).
    """
    if not a or not b:
        return [op for op in (("-", len(a)), ("+", len(b))) if op[1]]
    length = len(a) + len(b)
    if length > _ANCHOR_ABOVE and depth < _ANCHOR_DEPTH and length <= cap:
        budget.spend(length)
        anchors = _patience_anchors(a, b)
        if anchors:
            return _between(
                a,
                b,
                [(i, j, 1) for i, j in anchors],
                lambda x, y, share: _align(x, y, cleanup, budget, share, depth + 1),
                _align_units,
                budget,
                cap - length,
            )
        cap -= length
    encoded = _encode(a, b)
    if encoded is None:
        # Too many distinct units to map: the coarsest answer is still a correct one.
        return _coarse(a, b, budget)
    return _bounded(*encoded, cleanup, budget, cap)


def _bounded(a: str, b: str, cleanup: str, budget: _Budget, cap: int, level: int = 0) -> Counts:
    """Diff of two strings (one character per unit) in at most ``cap`` units.

    A Myers diff when its charge fits; otherwise the same problem made cheaper, step by
    step, each step exact: the common ends are set aside; units found on one side only
    (never equal) are set aside too; the rest is cut at anchors, units unique on both
    sides or else runs of units found once on each side; what is still too big is cut in
    pieces Myers can afford, at proportional places; and a piece too small for even that
    is deleted and inserted whole. The gaps between anchors share what is left
    (``_share_out``), each made cheaper in turn if need be, up to _LADDER_DEPTH times.
    """
    if not a or not b:
        return [op for op in (("-", len(a)), ("+", len(b))) if op[1]]
    length = len(a) + len(b)
    if _units(length) <= cap:
        return _myers(a, b, cleanup, budget)
    if 2 * length > cap:
        return _coarse(a, b, budget)  # not even enough to look at them
    budget.spend(length)
    head, tail = _common_ends(a, b)
    middle = length - 2 * (head + tail)
    if length + _units(middle) <= cap - length:
        return _myers(a, b, cleanup, budget, middle)  # which sets the same ends aside itself
    a, b = a[head : len(a) - tail], b[head : len(b) - tail]
    return _framed(head, _cheaper(a, b, cleanup, budget, cap - length, level), tail)


def _cheaper(a: str, b: str, cleanup: str, budget: _Budget, cap: int, level: int) -> Counts:
    """The steps of ``_bounded`` after the common ends: a and b differ at both ends."""
    if not a or not b:
        return [op for op in (("-", len(a)), ("+", len(b))) if op[1]]
    start = budget.spent
    length = len(a) + len(b)

    def left() -> int:
        return cap - (budget.spent - start)

    def solve(x: str, y: str, share: int) -> Counts:
        return _bounded(x, y, cleanup, budget, share, level + 1)

    if level < _LADDER_DEPTH and 3 * length <= cap:
        budget.spend(2 * length)  # counting the units, then one pass to use the counts
        counts = Counter(a), Counter(b)
        common = counts[0].keys() & counts[1].keys()
        if not common:
            return [("-", len(a)), ("+", len(b))]  # nothing can be equal: also the best diff
        one_sided = length - sum(counts[0][u] + counts[1][u] for u in common)
        if 8 * one_sided >= length:
            return _without_one_sided(a, b, common, solve, left())
        anchors = _patience_anchors(a, b, counts)
        if anchors:
            return _between(a, b, [(i, j, 1) for i, j in anchors], solve, _units, budget, left())
        blocks = _gram_anchors(a, b, counts, budget, left())
        if blocks:
            return _between(a, b, blocks, solve, _units, budget, left())
    return _cut(a, b, cleanup, budget, left())


def _without_one_sided(
    a: str, b: str, common: set[str], solve: Callable[[str, str, int], Counts], cap: int
) -> Counts:
    """Align only the units found on both sides (no other can be equal, so the best diff
    keeps its equal units), then put the others back, deleted or inserted where they are."""
    keep_a = [i for i, u in enumerate(a) if u in common]
    keep_b = [j for j, u in enumerate(b) if u in common]
    counts = solve("".join(a[i] for i in keep_a), "".join(b[j] for j in keep_b), cap)
    out: Counts = []
    i = j = ka = kb = 0  # next unit of a and of b; next kept unit of a and of b

    def add(op: str, n: int) -> None:
        if n:
            if out and out[-1][0] == op:
                out[-1] = (op, out[-1][1] + n)
            else:
                out.append((op, n))

    for op, n in counts:
        if op == "-":
            end = keep_a[ka + n - 1] + 1
            add("-", end - i)
            i, ka = end, ka + n
        elif op == "+":
            end = keep_b[kb + n - 1] + 1
            add("+", end - j)
            j, kb = end, kb + n
        elif keep_a[ka + n - 1] - keep_a[ka] == n - 1 and keep_b[kb + n - 1] - keep_b[kb] == n - 1:
            add("-", keep_a[ka] - i)  # a run kept whole on both sides
            add("+", keep_b[kb] - j)
            add("=", n)
            i, j, ka, kb = keep_a[ka] + n, keep_b[kb] + n, ka + n, kb + n
        else:
            for _ in range(n):  # dropped units inside the run break it up
                add("-", keep_a[ka] - i)
                add("+", keep_b[kb] - j)
                add("=", 1)
                i, j, ka, kb = keep_a[ka] + 1, keep_b[kb] + 1, ka + 1, kb + 1
    add("-", len(a) - i)
    add("+", len(b) - j)
    return out


_GRAMS = (8, 16, 32, 64)  # run lengths tried by _gram_anchors, shortest first
_GRAM_STARTS = 8  # _gram_anchors starts a run at about one unit in this many
# Runs found on both sides must cover at least this share of the shorter side: fewer are
# what two unrelated texts of a few words share by chance.
_GRAM_COVERAGE = 1 / 25


def _rare_units(a: str, b: str, counts: tuple[Counter[str], Counter[str]]) -> list[str]:
    """The rarest units on both sides, until they start about one run in _GRAM_STARTS."""
    count_a, count_b = counts
    keys = []
    on_a = on_b = 0  # runs on each side
    for unit in sorted(count_a.keys() & count_b.keys(), key=lambda u: (count_a[u] + count_b[u], u)):
        if _GRAM_STARTS * on_a >= len(a) or _GRAM_STARTS * on_b >= len(b):
            break  # enough on one side; the other, if much longer, needs no more
        keys.append(unit)
        on_a, on_b = on_a + count_a[unit], on_b + count_b[unit]
    return keys


def _unique_runs(a: str, b: str, at_a: list[int], at_b: list[int], q: int):
    """Pairs (i, j) of the runs of q units starting at the given places that occur once
    on each side; None when runs this short mostly repeat (longer ones are needed)."""
    runs_a = [a[i : i + q] for i in at_a]
    count_runs_a = Counter(runs_a)
    if 2 * len(count_runs_a) < len(runs_a):
        return None
    count_runs_b = Counter(b[j : j + q] for j in at_b)
    where_b = {b[j : j + q]: j for j in at_b}
    return [
        (i, where_b[run])
        for i, run in zip(at_a, runs_a, strict=True)
        if count_runs_a[run] == 1 and count_runs_b.get(run) == 1 and len(run) == q
    ]


def _chain(pairs: list[tuple[int, int]], q: int) -> list[tuple[int, int, int]]:
    """The longest increasing chain of the runs, without overlaps, as blocks (i, j, q)."""
    blocks = []
    next_i = next_j = 0
    for i, j in longest_increasing(pairs):
        if i >= next_i and j >= next_j:
            blocks.append((i, j, q))
            next_i, next_j = i + q, j + q
    return blocks


def _gram_anchors(
    a: str, b: str, counts: tuple[Counter[str], Counter[str]], budget: _Budget, cap: int
) -> list[tuple[int, int, int]]:
    """Blocks (i, j, q): runs of q units found once on each side, the longest increasing
    chain of them that do not overlap.

    When no single unit is unique (a few words repeated), runs of several are. Only runs
    that start with one of the rarest units are looked at, about one in _GRAM_STARTS
    (histogram diff's idea): every occurrence of such a run starts with such a unit, so
    counting only those is exact, and cheap. The run length is the shortest in _GRAMS
    whose runs mostly differ from each other. Charged q units per run copied. No blocks
    when they cover less than _GRAM_COVERAGE of the shorter side: the texts are unrelated.
    """
    starts = re.compile("[" + "".join(map(re.escape, _rare_units(a, b, counts))) + "]")
    at_a = [m.start() for m in starts.finditer(a)]
    at_b = [m.start() for m in starts.finditer(b)]
    spent = len(a) + len(b)
    for q in _GRAMS:
        if 4 * q > min(len(a), len(b)) or spent + q * (len(at_a) + len(at_b)) > cap:
            break
        spent += q * (len(at_a) + len(at_b))
        pairs = _unique_runs(a, b, at_a, at_b, q)
        if pairs is None:
            continue
        blocks = _chain(pairs, q)
        budget.spend(spent)
        return blocks if q * len(blocks) >= _GRAM_COVERAGE * min(len(a), len(b)) else []
    budget.spend(spent)
    return []


def _cut(a: str, b: str, cleanup: str, budget: _Budget, cap: int) -> Counts:
    """The last resort: a and b cut at proportional places into pieces small enough that
    the Myers diffs of all of them fit in ``cap``; or, when even those would be too small
    to mean anything, deleted and inserted whole."""
    length = len(a) + len(b)
    piece = cap // length - _EDIT_UNITS - 3  # a piece of l <= piece + 2 units: _units(l)
    if piece < _MIN_PIECE:
        return _coarse(a, b, budget)
    k = -(-length // piece)
    out: Counts = []
    for t in range(k):
        x = a[len(a) * t // k : len(a) * (t + 1) // k]
        y = b[len(b) * t // k : len(b) * (t + 1) // k]
        if x and y:
            out += _myers(x, y, cleanup, budget)
        else:
            out += [op for op in (("-", len(x)), ("+", len(y))) if op[1]]
    return out


class _OpBuilder:
    """Collects ops, merging neighbours of one kind and putting deletes before inserts
    inside each changed hunk, so every hunk is (delete?, insert?) between equals."""

    __slots__ = ("ops", "_equal", "_delete", "_insert")

    def __init__(self) -> None:
        self.ops: list[Op] = []
        self._equal: list[str] = []  # texts waiting to be joined into one op
        self._delete: list[str] = []
        self._insert: list[str] = []

    def add(self, kind: str, text: str) -> None:
        if not text:
            return
        if kind == EQUAL:
            if self._delete or self._insert:
                self._flush_hunk()
            self._equal.append(text)
        else:
            if self._equal:
                self.ops.append((EQUAL, "".join(self._equal)))
                self._equal = []
            (self._delete if kind == DELETE else self._insert).append(text)

    def _flush_hunk(self) -> None:
        if self._delete:
            self.ops.append((DELETE, "".join(self._delete)))
            self._delete = []
        if self._insert:
            self.ops.append((INSERT, "".join(self._insert)))
            self._insert = []

    def result(self) -> list[Op]:
        if self._equal:
            self.ops.append((EQUAL, "".join(self._equal)))
            self._equal = []
        self._flush_hunk()
        return self.ops


def _emit(out: _OpBuilder, counts: Counts, a: list[str], b: list[str]) -> None:
    add, join = out.add, "".join
    i = j = 0
    for op, n in counts:
        if op == "=":
            add(EQUAL, a[i] if n == 1 else join(a[i : i + n]))
            i += n
            j += n
        elif op == "-":
            add(DELETE, a[i] if n == 1 else join(a[i : i + n]))
            i += n
        else:
            add(INSERT, b[j] if n == 1 else join(b[j : j + n]))
            j += n


_PARAGRAPH_BREAK = re.compile(r"(\n\s*\n)")  # captured, so split() keeps the breaks
# A changed block up to this size (both sides, in characters) is diffed word by word as a
# whole: a few milliseconds at most, and the best alignment (see _diff_changed).
_WHOLE_BLOCK_CHARS = 4000

LineRun = tuple[bool, int, int, int, int]  # (equal, old_start, old_end, new_start, new_end)


def _line_runs(old_lines: list[str], new_lines: list[str], budget: _Budget) -> list[LineRun]:
    """Alternating equal / changed runs of lines (in at most half the budget, so that
    the word pass always has the other half)."""
    # No cleanup here: a single unchanged blank line between two rewritten paragraphs
    # must stay an anchor, or a heavily edited text becomes one huge word-level block.
    runs: list[LineRun] = []
    i = j = 0
    for op, n in _align(old_lines, new_lines, "No", budget, budget.left // 2):
        equal = op == "="
        di, dj = n if op != "+" else 0, n if op != "-" else 0
        if runs and not equal and not runs[-1][0]:
            _, i0, _, j0, _ = runs[-1]
            runs[-1] = (False, i0, i + di, j0, j + dj)
        else:
            runs.append((equal, i, i + di, j, j + dj))
        i, j = i + di, j + dj
    return runs


Block = tuple[str, str]  # a changed block: its old and new text


def _changed_blocks(old_lines: list[str], new_lines: list[str], runs: list[LineRun]) -> list[Block]:
    """Changed runs of lines, with the blank-line-only equal runs between them, as the
    blocks to diff word by word.

    Blank lines all look alike, so the line diff may pair them wrongly (a paragraph
    emptied on one side shifts every later pairing) and cut the text into blocks that do
    not correspond. So a block of modest size is diffed word by word as a whole; a big
    one paragraph by paragraph when both sides have as many (a heavily edited text),
    and only otherwise along the line diff's blocks.
    """
    old = "".join(old_lines[runs[0][1] : runs[-1][2]])
    new = "".join(new_lines[runs[0][3] : runs[-1][4]])
    if len(old) + len(new) > _WHOLE_BLOCK_CHARS:
        old_parts, new_parts = _PARAGRAPH_BREAK.split(old), _PARAGRAPH_BREAK.split(new)
        if len(old_parts) == len(new_parts) > 1:
            return list(zip(old_parts, new_parts, strict=True))
        if len(runs) > 1:
            return [
                ("".join(old_lines[i0:i1]), "".join(new_lines[j0:j1])) for _, i0, i1, j0, j1 in runs
            ]
    return [(old, new)]


def _diff(old: str, new: str, work: Work | None = None) -> list[Op]:
    """Paragraph-first word diff of two already normalized texts, in one budget."""
    budget = _Budget(DIFF_BUDGET)
    try:
        return _diff_within(old, new, budget)
    finally:
        if work is not None:
            work.add(budget)


def _diff_within(old: str, new: str, budget: _Budget) -> list[Op]:
    if old == new:
        return [(EQUAL, old)] if old else []
    # splitlines() also cuts at \f, \x1c, \u2028 ...: still a partition of the text at
    # whitespace, which is all the line pass needs, and much faster than a regex.
    old_lines, new_lines = old.splitlines(True), new.splitlines(True)
    runs = _line_runs(old_lines, new_lines, budget)
    parts: list[str | Block] = []  # equal text, or a changed block
    k = 0
    while k < len(runs):
        equal, i0, i1, _, _ = runs[k]
        if equal:
            parts.append("".join(old_lines[i0:i1]))
            k += 1
            continue
        end = k + 1
        while (
            end + 1 < len(runs)
            and all(line.isspace() for line in old_lines[runs[end][1] : runs[end][2]])
            and not runs[end + 1][0]
        ):
            end += 2
        parts += _changed_blocks(old_lines, new_lines, runs[k:end])
        k = end
    # The word pass: every changed block gets a fair share of the budget left (all it
    # needs, when they all fit), so no block is starved by the ones before it.
    tokens = [
        (_tokens(part[0]), _tokens(part[1]))
        for part in parts
        if isinstance(part, tuple) and part[0] != part[1]
    ]
    counts = iter(
        _share_out(
            [len(a) + len(b) for a, b in tokens],
            _align_units,
            lambda k, share: _align(*tokens[k], "Semantic", budget, share),
            budget,
            budget.left,
        )
    )
    blocks = iter(tokens)
    out = _OpBuilder()
    for part in parts:
        if isinstance(part, str):
            out.add(EQUAL, part)
        elif part[0] == part[1]:
            out.add(EQUAL, part[0])
        else:
            old_tokens, new_tokens = next(blocks)
            _emit(out, next(counts), old_tokens, new_tokens)
    return out.result()


def diff_words(old: str, new: str, *, work: Work | None = None) -> list[Op]:
    """Word-level diff of two texts (normalized first).

    Joining the non-insert texts gives ``normalize(old)``, the non-delete texts
    ``normalize(new)``; adjacent ops never share a kind and no op splits a word. The
    work is bounded (``DIFF_BUDGET``); ``work``, if given, is told what it took.
    """
    return _diff(normalize(old), normalize(new), work)


def render_html(ops: Sequence[Op]) -> str:
    """Escaped HTML with ``<ins>``/``<del>``; newlines kept for ``white-space: pre-wrap``."""
    parts = []
    for kind, text in ops:
        escaped = html.escape(text)
        if kind == INSERT:
            parts.append(f"<ins>{escaped}</ins>")
        elif kind == DELETE:
            parts.append(f"<del>{escaped}</del>")
        else:
            parts.append(escaped)
    return "".join(parts)


def diff_stats(ops: Sequence[Op]) -> dict[str, int]:
    """Inserted and deleted words, and the number of changed hunks."""
    inserted = deleted = changes = 0
    in_hunk = False
    for kind, text in ops:
        if kind == EQUAL:
            in_hunk = False
            continue
        if not in_hunk:
            changes += 1
            in_hunk = True
        if kind == INSERT:
            inserted += len(_WORD_RE.findall(text))
        else:
            deleted += len(_WORD_RE.findall(text))
    return {"inserted_words": inserted, "deleted_words": deleted, "changes": changes}


def tokens(text: str) -> list[str]:
    """The tokens diffs are made of (words, whitespace runs, markers, symbols), in order.

    Public for the structured diff (feedback.structdiff), which diffs styled words.
    """
    return _tokens(text)


_SHARED_BUDGET: ContextVar[_Budget | None] = ContextVar("textdiff_shared_budget", default=None)


@contextmanager
def one_budget(work: Work | None = None) -> Iterator[None]:
    """Every ``align`` inside the block draws on one budget of ``DIFF_BUDGET`` units: a
    structured diff makes many alignments (blocks, rows, cells, words) and is bounded as
    one diff. Past the budget the alignments only get coarser, never wrong."""
    budget = _Budget(DIFF_BUDGET)
    token = _SHARED_BUDGET.set(budget)
    try:
        yield
    finally:
        _SHARED_BUDGET.reset(token)
        if work is not None:
            work.add(budget)


def align(
    a: Sequence[object], b: Sequence[object], cleanup: str = "Semantic"
) -> list[tuple[str, int]]:
    """Diff two sequences of hashable units: ("=", n) / ("-", n) / ("+", n) counts.

    Public for the structured diff, which aligns blocks, rows, columns and styled words
    with the same engine; ``cleanup`` is "Semantic" (words) or "No" (blocks, lines).
    Inside ``one_budget`` it shares that budget; alone it has one of its own.
    """
    budget = _SHARED_BUDGET.get() or _Budget(DIFF_BUDGET)
    return _align(a, b, cleanup, budget, budget.left)


# Three-way rebase -----------------------------------------------------------------------


@dataclass(frozen=True)
class Merged:
    text: str


@dataclass(frozen=True)
class Clash:
    base_start: int  # span in base (character offsets)
    base_end: int
    current_start: int  # where that region is in current
    current_end: int
    proposed_start: int  # where that region is in proposed
    proposed_end: int
    base_text: str
    current_text: str
    proposed_text: str


@dataclass(frozen=True)
class Conflict:
    base: str
    current: str
    proposed: str
    clashes: tuple[Clash, ...]


Hunk = tuple[int, int, str]  # base[start:end] is replaced by text


def _hunks(ops: Sequence[Op]) -> list[Hunk]:
    """The changed hunks of a diff, in coordinates of its old text."""
    hunks: list[Hunk] = []
    pos = 0
    start: int | None = None
    inserted = ""
    for kind, text in ops:
        if kind == EQUAL:
            if start is not None:
                hunks.append((start, pos, inserted))
                start, inserted = None, ""
            pos += len(text)
            continue
        if start is None:
            start = pos
        if kind == DELETE:
            pos += len(text)
        else:
            inserted = text  # the builder emits at most one insert per hunk
    if start is not None:
        hunks.append((start, pos, inserted))
    return hunks


def _slide(base: str, hunk: Hunk) -> tuple[int, int]:
    """How far (left, right) the hunk can shift over equal text and give the same result.

    Inserting "rất " just before "rất tốt" is the same text change as inserting it just
    after; the diff picks one place, the author may have meant the other. Edits are only
    merged when no such alternative place overlaps the other side's edit (see _interact).
    """
    s, e, ins = hunk
    n = len(ins)
    # Shift left by k is valid iff base[:s] + ins and base[:e] share a k-char suffix.
    left = 0
    while left < s:
        c = ins[n - 1 - left] if left < n else base[s - 1 - (left - n)]
        if c != base[e - 1 - left]:
            break
        left += 1
    # Shift right by k is valid iff ins + base[e:] and base[s:] share a k-char prefix.
    right = 0
    while e + right < len(base):
        c = ins[right] if right < n else base[e + right - n]
        if c != base[s + right]:
            break
        right += 1
    return left, right


@dataclass
class _Region:
    """A group of hunks that must be decided together (see _interact), and its texts."""

    lo: int  # span in base
    hi: int
    original: str  # base[lo:hi]
    current: str  # the span as the current text has it
    proposed: str  # the span as the proposal has it
    theirs: bool  # edited on the current side
    mine: bool  # edited in the proposal
    repeated: bool  # an edit here could as well be a word further on (_slides_over_a_token)

    @property
    def clash(self) -> bool:
        return self.theirs and self.mine and (self.current != self.proposed or self.repeated)

    @property
    def merged(self) -> str:
        # Both sides only share a region without clashing when they made the same edit.
        return self.proposed if self.mine else self.current


def _apply(text: str, lo: int, hi: int, hunks: Sequence[Hunk]) -> str:
    """text[lo:hi] with the (sorted, non-overlapping) hunks inside it applied."""
    parts = []
    pos = lo
    for s, e, ins in hunks:
        parts += (text[pos:s], ins)
        pos = e
    parts.append(text[pos:hi])
    return "".join(parts)


class _Span(NamedTuple):
    """A hunk of one side, where it could slide to, and how far it could interact."""

    near_start: int  # reach, widened over the spaces next to the hunk
    near_end: int
    reach_start: int  # the stretch of base the hunk could slide over (see _slide)
    reach_end: int
    side: int  # 0: current, 1: proposed
    hunk: Hunk


def _reaches(h: _Span, g: _Span) -> bool:
    """Could ``h``, placed anywhere it slides to, overlap ``g`` or meet ``g``'s insert point?"""
    gs, ge, _ = g.hunk
    if gs == ge:
        hs, he, _ = h.hunk
        return h.reach_start < gs < h.reach_end or (hs == he and h.reach_start <= gs <= h.reach_end)
    return h.reach_start < ge and gs < h.reach_end


def _interact(base: str, h: _Span, g: _Span) -> bool:
    """Must edits of the two sides be decided together?

    They must when they overlap, or when no unchanged word lies between them: as in
    diff3, an insert where the other side's edit starts has no reliable order; a
    Vietnamese word is often several syllables, so edits of neighbouring syllables are
    edits of one word; and the same edit made by both sides is only recognised when
    both diffs cut it alike, which an adjacent edit can prevent (one diff then folds it
    into a bigger hunk, and taking both would apply it twice). They must also when one
    could equally have been placed over the other. Merely *sliding up to* the other edit
    does not count: every such placement gives the same merged text.
    """
    (hs, he, _), (gs, ge, _) = h.hunk, g.hunk
    if hs <= ge and gs <= he:
        return True
    gap = base[he:gs] if he < gs else base[ge:hs]
    return not gap.strip(" \t") or _reaches(h, g) or _reaches(g, h)


def _spaces_before(base: str, pos: int) -> int:
    start = pos
    while start > 0 and base[start - 1] in " \t":
        start -= 1
    return start


def _spaces_after(base: str, pos: int) -> int:
    end = pos
    while end < len(base) and base[end] in " \t":
        end += 1
    return end


# Whitespace right after a non-space character always starts a token (no other token
# holds whitespace), so tokenizing can start or stop there and agree with a longer run.
_TOKEN_START = re.compile(r"(?<=\S)\s")
_BOUNDS_WINDOW = 4096  # how far _token_bounds looks for a line end or such a start


Bounds = dict[int, tuple[int, set[int]]]  # tokenizing start -> (end, boundaries found)


def _token_bounds(base: str, lo: int, hi: int, known: Bounds) -> set[int] | None:
    """Token boundaries in [lo, hi] of the lines of base around it, tokenized from the
    start of lo's line.

    Only from the last line start or token start before lo to the first line end or
    token start after hi, so that a text of one long line is not tokenized again for
    every hunk; None when there is none within _BOUNDS_WINDOW (a line without spaces).
    ``known`` keeps what was tokenized from each start, for the hunks of the same line.
    """
    window = max(0, lo - _BOUNDS_WINDOW)
    start = base.rfind("\n", window, lo) + 1
    if start == 0 and window > 0:
        for near in (max(window, lo - 64), window):  # the nearest, usually a few characters back
            starts = [m.start() for m in _TOKEN_START.finditer(base, near, lo + 1)]
            if starts:
                start = starts[-1]
                break
        else:
            return None
    end = base.find("\n", hi, hi + _BOUNDS_WINDOW) + 1
    if end == 0:
        if hi + _BOUNDS_WINDOW >= len(base):
            end = len(base)
        else:
            found = _TOKEN_START.search(base, hi, hi + _BOUNDS_WINDOW)
            if found is None:
                return None
            end = found.start()
    if start in known and known[start][0] >= end:
        return known[start][1]
    pos = start
    bounds = {pos}
    for token in _tokens(base[start:end]):
        pos += len(token)
        bounds.add(pos)
    known[start] = (end, bounds)
    return bounds


def _slides_over_a_token(base: str, span: _Span, known: Bounds) -> bool:
    """Could the hunk equally be the same edit one word (or mark) further on?

    Deleting one "rất" of "rất rất", or inserting "rất " next to "rất ": when both
    sides do that, it may be one edit or two (each deleting a different "rất"), and the
    texts cannot tell. A slide that cuts a word ("chưa" -> "còn" share their "c") or
    only crosses spaces is no such doubt, nor is a replacement: replacing one "rất" or
    the other gives different texts, so the same text means the same edit.
    """
    s, e, ins = span.hunk
    if (span.reach_start, span.reach_end) == (s, e) or (ins and s < e):
        return False
    bounds = _token_bounds(base, span.reach_start, span.reach_end, known)
    if bounds is None:
        return True  # cannot tell cheaply: in doubt, as the texts themselves would be
    return any(
        s - k in bounds and e - k in bounds and not base[s - k : s].isspace()
        for k in range(1, s - span.reach_start + 1)
    ) or any(
        s + k in bounds and e + k in bounds and not base[e : e + k].isspace()
        for k in range(1, span.reach_end - e + 1)
    )


def _group(base: str, spans: list[_Span]) -> list[list[_Span]]:
    """Split a run of spans whose near ranges chain together into groups that interact."""
    parent = list(range(len(spans)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(spans):
        for j in range(i + 1, len(spans)):
            g = spans[j]
            if g.near_start > h.near_end:
                break  # sorted by near_start: no later span can interact with h
            if h.side != g.side and _interact(base, h, g):
                parent[root(j)] = root(i)
    by_root: dict[int, list[_Span]] = {}
    for i, span in enumerate(spans):
        by_root.setdefault(root(i), []).append(span)
    # Regions must not overlap for splicing, so groups whose spans do are joined (a
    # same-side hunk lying between two edits that were grouped by sliding).
    groups: list[list[_Span]] = []
    hi = -1
    for group in sorted(by_root.values(), key=lambda g: min(s.hunk[0] for s in g)):
        lo = min(s.hunk[0] for s in group)
        if groups and lo <= hi:
            groups[-1] += group
        else:
            groups.append(group)
        hi = max(hi, *(s.hunk[1] for s in group))
    return groups


def _regions(base: str, theirs: list[Hunk], mine: list[Hunk]) -> list[_Region]:
    spans = []
    for side, hunks in ((0, theirs), (1, mine)):
        for hunk in hunks:
            left, right = _slide(base, hunk)
            reach_start, reach_end = hunk[0] - left, hunk[1] + right
            near_start = min(reach_start, _spaces_before(base, hunk[0]))
            near_end = max(reach_end, _spaces_after(base, hunk[1]))
            spans.append(_Span(near_start, near_end, reach_start, reach_end, side, hunk))
    spans.sort()
    # Runs of spans whose near ranges overlap or touch: only within one can edits interact.
    runs: list[list[_Span]] = []
    reach = -1
    for span in spans:
        if runs and span.near_start <= reach:
            runs[-1].append(span)
            reach = max(reach, span.near_end)
        else:
            runs.append([span])
            reach = span.near_end
    regions = []
    known: Bounds = {}
    for run in runs:
        for group in _group(base, run) if len(run) > 1 else [run]:
            lo = min(span.hunk[0] for span in group)
            hi = max(span.hunk[1] for span in group)
            by_side = [sorted(span.hunk for span in group if span.side == k) for k in (0, 1)]
            regions.append(
                _Region(
                    lo,
                    hi,
                    original=base[lo:hi],
                    current=_apply(base, lo, hi, by_side[0]),
                    proposed=_apply(base, lo, hi, by_side[1]),
                    theirs=bool(by_side[0]),
                    mine=bool(by_side[1]),
                    repeated=any(_slides_over_a_token(base, span, known) for span in group),
                )
            )
    return regions


def _splice(text: str, regions: Sequence[_Region], own: str, put: str) -> str:
    """``text``, whose regions read ``region.<own>``, with ``region.<put>`` instead."""
    parts = []
    pos = shift = 0
    for r in regions:
        start = r.lo + shift
        old = getattr(r, own)
        parts += (text[pos:start], getattr(r, put))
        pos = start + len(old)
        shift += len(old) - len(r.original)
    parts.append(text[pos:])
    return "".join(parts)


def _clashes(regions: Sequence[_Region], every: bool = False) -> tuple[Clash, ...]:
    """Clash records for the clashing regions, or for all of them when ``every``."""
    clashes = []
    shift_current = shift_proposed = 0
    for r in regions:
        cs, ps = r.lo + shift_current, r.lo + shift_proposed
        if every or r.clash:
            clashes.append(
                Clash(
                    base_start=r.lo,
                    base_end=r.hi,
                    current_start=cs,
                    current_end=cs + len(r.current),
                    proposed_start=ps,
                    proposed_end=ps + len(r.proposed),
                    base_text=r.original,
                    current_text=r.current,
                    proposed_text=r.proposed,
                )
            )
        shift_current += len(r.current) - len(r.original)
        shift_proposed += len(r.proposed) - len(r.original)
    return tuple(clashes)


def _words(pieces: Iterable[str]) -> Counter[str]:
    # "\n" between the pieces so that two pieces never join into one word.
    return Counter(_WORD_RE.findall("\n".join(pieces)))


def _verified(
    base: str,
    current: str,
    proposed: str,
    regions: Sequence[_Region],
    merged: str,
    work: Work | None = None,
) -> bool:
    """Re-check a merge by routes that do not share its bookkeeping.

    The re-diffs are bounded like any diff. A coarser re-diff cannot make the check pass
    wrongly: it compares the words each re-diff adds and removes on balance, which any
    exact diff of the same two texts gives alike.
    """
    # 1. The regions replayed on base give exactly each side: no edit of either side
    #    lies outside them.
    if _splice(base, regions, "original", "current") != current:
        return False
    if _splice(base, regions, "original", "proposed") != proposed:
        return False
    # 2. The merge is the current text with only the proposal's edits spliced in, and
    #    the proposal with only the team's edits spliced in.
    if _splice(current, regions, "current", "merged") != merged:
        return False
    if _splice(proposed, regions, "proposed", "merged") != merged:
        return False
    # 3. An independent re-diff of each side against the merge: the words it adds and
    #    removes must be exactly the words the other side's edits add and remove. This
    #    is what catches a deleted word that reappears, or an edit that went missing.
    for side, text in (("current", current), ("proposed", proposed)):
        ops = _diff(text, merged, work)
        got = _words(t for k, t in ops if k == INSERT)
        got.subtract(_words(t for k, t in ops if k == DELETE))
        changed = [r for r in regions if getattr(r, side) != r.merged]
        want = _words(r.merged for r in changed)
        want.subtract(_words(getattr(r, side) for r in changed))
        if +got != +want or -got != -want:
            return False
    return True


def rebase(
    base: str, proposed: str, current: str, *, work: Work | None = None
) -> Merged | Conflict:
    """Carry a suggestion made on ``base`` over to ``current`` (three-way merge).

    Edits of the two sides merge when they are apart; edits that overlap or touch
    (inserts at one point, a sentence deleted on one side and edited on the other,
    a moved paragraph edited on the other side) are clashes and give a ``Conflict``.
    The same edit made on both sides is taken once.

    No fuzzy patching: every hunk is spliced at its exact base position, so an edit can
    only be "lost" through a bug, and a merge is returned only after ``_verified`` has
    rebuilt it from both sides and re-diffed it. Re-diffing (rather than comparing diff
    hunks position by position) keeps the check independent of how the diff happens to
    align repeated words, which would otherwise turn good merges into false conflicts.

    Each of its (up to four) diffs is bounded by ``DIFF_BUDGET``. Where the budget makes
    a diff coarser, its hunks only grow: edits of the other side inside them clash, so a
    coarser diff can turn a merge into a ``Conflict``, never into a lost edit. ``work``,
    if given, is told what the diffs took.
    """
    base, proposed, current = normalize(base), normalize(proposed), normalize(current)
    if current == base:
        return Merged(proposed)
    if proposed in (base, current):
        return Merged(current)
    regions = _regions(
        base, _hunks(_diff(base, current, work)), _hunks(_diff(base, proposed, work))
    )
    clashes = _clashes(regions)
    if not clashes:
        merged = _splice(base, regions, "original", "merged")
        if _verified(base, current, proposed, regions, merged, work):
            return Merged(merged)
        # Should not happen; if it does, show every edited region rather than guess.
        clashes = _clashes(regions, every=True)
    return Conflict(base=base, current=current, proposed=proposed, clashes=clashes)


def conflict_html(conflict: Conflict, which: str) -> str:
    """One side of a conflict, escaped, with its clashing spans in ``<mark class="clash">``.

    A side that has nothing in a clash (e.g. base, where both sides inserted) gets an
    empty mark there, so the place is still marked in the DOM.
    """
    if which not in ("base", "current", "proposed"):
        raise ValueError(f"which must be base, current or proposed, not {which!r}")
    text = getattr(conflict, which)
    parts = []
    pos = 0
    for clash in conflict.clashes:
        start, end = getattr(clash, f"{which}_start"), getattr(clash, f"{which}_end")
        parts += (
            html.escape(text[pos:start]),
            '<mark class="clash">',
            html.escape(text[start:end]),
            "</mark>",
        )
        pos = end
    parts.append(html.escape(text[pos:]))
    return "".join(parts)


# Comment anchors ------------------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    quote: str
    prefix: str
    suffix: str
    start: int  # offset of quote in the text the anchor was made on


@dataclass(frozen=True)
class AnchorMatch:
    status: str  # "exact" | "fuzzy" | "not_found"
    start: int | None
    end: int | None
    text: str | None  # the passage as found in the new version


NOT_FOUND = AnchorMatch("not_found", None, None, None)

_MATCH_BITS = 32  # bitap's pattern limit (Match_MaxBits); longer quotes are matched in pieces
_MATCH_THRESHOLD = 0.5
_MIN_SIMILARITY = 0.6  # below this a "fuzzy" match would be a different passage


def make_anchor(text: str, start: int, end: int, context: int = 32) -> Anchor:
    """The quote text[start:end] with ``context`` characters either side."""
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"span {start}:{end} is outside a text of {len(text)} characters")
    return Anchor(
        quote=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
        start=start,
    )


def _occurrences(text: str, quote: str) -> list[int]:
    found = []
    pos = text.find(quote)
    while pos >= 0:
        found.append(pos)
        pos = text.find(quote, pos + 1)
    return found


def find_quote(text: str, quote: str, hint: int | None = None) -> int | None:
    """Offset of the verbatim occurrence of ``quote`` nearest ``hint`` (first if no hint)."""
    if not quote:
        return None
    if hint is None:
        pos = text.find(quote)
        return pos if pos >= 0 else None
    return min(_occurrences(text, quote), key=lambda p: abs(p - hint), default=None)


def _context_score(anchor: Anchor, text: str, start: int, end: int) -> int:
    """How many characters of the anchor's prefix and suffix surround text[start:end]."""
    before = text[max(0, start - len(anchor.prefix)) : start]
    after = text[end : end + len(anchor.suffix)]
    return len(os.path.commonprefix([before[::-1], anchor.prefix[::-1]])) + len(
        os.path.commonprefix([after, anchor.suffix])
    )


def _map_offset(ops: Sequence[tuple[str, int]], loc: int) -> int:
    """Offset in the new text of offset ``loc`` in the old one (dmp's diff_xIndex)."""
    old = new = last_old = last_new = 0
    for op, n in ops:
        if op != "+":
            old += n
        if op != "-":
            new += n
        if old > loc:
            if op == "-":
                return last_new  # loc was deleted: map to where the deletion was
            break
        last_old, last_new = old, new
    return last_new + (loc - last_old)


def _char_diff(a: str, b: str, budget: _Budget) -> Counts:
    """Character diff, bounded: a quote can be as long as the text."""
    return _bounded(a, b, "Semantic", budget, budget.left)


def _similarity(a: str, b: str, budget: _Budget) -> float:
    """1 - Levenshtein distance / longer length, from a character diff."""
    distance = inserted = deleted = 0
    for op, n in chain(_char_diff(a, b, budget), [("=", 0)]):
        if op == "+":
            inserted += n
        elif op == "-":
            deleted += n
        else:
            distance += max(inserted, deleted)
            inserted = deleted = 0
    return 1 - distance / max(len(a), len(b), 1)


def _candidate(
    anchor: Anchor, text: str, guess: int, budget: _Budget
) -> tuple[float, int, int] | None:
    """(similarity, start, end) of the quote's counterpart if it starts near ``guess``.

    prefix+quote+suffix is diffed against the text around the guess and the quote's ends
    are mapped through that diff, so the candidate is bounded by what became of the
    quote's own first and last characters.
    """
    quote, prefix, suffix = anchor.quote, anchor.prefix, anchor.suffix
    slack = 16 + len(quote) // 2  # room for the quote to have grown
    lo = max(0, guess - len(prefix) - slack)
    hi = min(len(text), guess + len(quote) + len(suffix) + slack)
    ops = _char_diff(prefix + quote + suffix, text[lo:hi], budget)
    start = lo + _map_offset(ops, len(prefix))
    end = lo + _map_offset(ops, len(prefix) + len(quote))
    if end <= start:
        return None  # the quote itself is gone, only its surroundings matched
    return _similarity(quote, text[start:end], budget), start, end


def _fuzzy(anchor: Anchor, text: str, budget: _Budget) -> AnchorMatch:
    """Find an edited version of the quote, near its old place first, then anywhere.

    Bitap only takes 32-character patterns, so the quote's head and tail and the ends of
    its prefix and suffix are located separately (verbatim nearest the old offset, and
    by bitap allowing errors); each hit is a guess where the quote starts, and the most
    similar candidate around the guesses wins if it is similar enough. The character
    diffs share one budget: where it makes them coarser, the candidates only look less
    similar, and the quote is at worst reported not found (outdated), never misplaced.
    """
    quote, prefix, suffix = anchor.quote, anchor.prefix, anchor.suffix
    hint = min(max(anchor.start, 0), len(text))
    pieces = [(quote[:_MATCH_BITS], 0)]
    if len(quote) > _MATCH_BITS:
        pieces.append((quote[-_MATCH_BITS:], len(quote) - _MATCH_BITS))
    if prefix:
        pieces.append((prefix[-_MATCH_BITS:], -len(prefix[-_MATCH_BITS:])))
    if suffix:
        pieces.append((suffix[:_MATCH_BITS], len(quote)))
    tried: set[int] = set()
    # Bitap scores errors plus distance/Match_Distance: 1000 keeps the first pass near
    # the old place (and cheap); the second lets the passage have moved anywhere, the
    # whole text away costing at most a quarter of the error budget.
    for distance in dict.fromkeys((1000, max(1000, 4 * len(text)))):
        guesses = set()
        for piece, offset in pieces:
            near = min(max(hint + offset, 0), len(text))
            found = [find_quote(text, piece, near)]
            found.append(
                _fdmp.match(
                    text,
                    piece,
                    near,
                    match_threshold=_MATCH_THRESHOLD,
                    match_distance=distance,
                    match_maxbits=_MATCH_BITS,
                )
            )
            guesses |= {loc - offset for loc in found if loc is not None and loc >= 0}
        candidates = [_candidate(anchor, text, guess, budget) for guess in sorted(guesses - tried)]
        tried |= guesses
        scored = [c for c in candidates if c is not None and c[0] >= _MIN_SIMILARITY]
        if scored:
            _, start, end = max(scored, key=lambda c: (c[0], -abs(c[1] - hint)))
            return AnchorMatch("fuzzy", start, end, text[start:end])
    return NOT_FOUND


def reanchor(anchor: Anchor, new_text: str, *, work: Work | None = None) -> AnchorMatch:
    """Where the anchored passage is in ``new_text``: exact, fuzzy or not_found.

    Several verbatim occurrences are told apart by how much of the anchor's prefix and
    suffix surrounds them, then by distance from the old offset. An empty quote anchors
    nothing and is never found. The fuzzy search's diffs share one ``DIFF_BUDGET``;
    ``work``, if given, is told what they took.
    """
    if not anchor.quote:
        return NOT_FOUND
    # A quote taken from a browser selection may not be NFC yet; the texts are.
    for quote in dict.fromkeys((anchor.quote, normalize(anchor.quote))):
        n = len(quote)
        positions = _occurrences(new_text, quote)
        if positions:
            start = max(
                positions,
                key=lambda p: (
                    _context_score(anchor, new_text, p, p + n),  # noqa: B023 (used at once)
                    -abs(p - anchor.start),
                ),
            )
            return AnchorMatch("exact", start, start + n, new_text[start : start + n])
    budget = _Budget(DIFF_BUDGET)
    try:
        return _fuzzy(anchor, new_text, budget)
    finally:
        if work is not None:
            work.add(budget)
