"""The pieces of the structured diff: word ops over styled runs, and matching items.

``word_ops`` diffs two inline contents word by word with textdiff's tokenizer and
aligner, keeping each word's style. ``match`` aligns blocks, rows or columns: an LCS on
exact keys, then, in each stretch between equal items, pairs of similar items (changed)
in order. Used by feedback.richtext.diff and feedback.richtext.tablediff.

Pure on purpose (tests/unit/test_textdiff_purity.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from feedback import textdiff
from feedback.richtext.inlines import PLAIN, Run, Runs, Style

EQUAL, INSERTED, DELETED, CHANGED = "equal", "inserted", "deleted", "changed"


@dataclass(frozen=True)
class WordOp:
    kind: str  # "equal" | "insert" | "delete" (textdiff.EQUAL, INSERT, DELETE)
    runs: Runs


# Word ops over styled runs ----------------------------------------------------------------

_DIGITS = re.compile(r"\d+")


def _figures(tokens: list[str]) -> list[str]:
    """textdiff's tokens with each figure ("48,5", "7.150", "1.234,5") made one token: a
    changed figure reads as the old figure replaced by the new one."""
    out: list[str] = []
    for token in tokens:
        if (
            len(out) >= 2
            and _DIGITS.fullmatch(token)
            and out[-1] in (",", ".")
            and _DIGITS.fullmatch(out[-2].replace(",", "").replace(".", ""))
        ):
            out[-2:] = [out[-2] + out[-1] + token]
        else:
            out.append(token)
    return out


class _Tokens:
    """The styled tokens of some runs, and the units they are aligned by.

    A unit is the token itself, tagged with its style's number when it has one
    (strings hash fast; a dataclass would be hashed field by field for every token);
    whitespace is one unit whatever its style or kind: it is invisible.
    """

    def __init__(self, runs: Runs, styles: dict[Style, str]) -> None:
        self.texts: list[str] = []
        self.styles: list[Style] = []
        self.units: list[str] = []
        for run in runs:
            style = run.style
            if style.br:
                self.texts.append(run.text)
                self.styles.append(style)
                self.units.append("\x00br")
                continue
            tag = "" if style == PLAIN else styles.setdefault(style, f"\x00{len(styles)}")
            for token in _figures(textdiff.tokens(run.text)):
                self.texts.append(token)
                self.styles.append(style)
                self.units.append(" " if token.isspace() else token + tag)

    def runs(self, start: int, end: int) -> Runs:
        out: list[Run] = []
        texts: list[str] = []
        style: Style | None = None
        for k in range(start, end):
            current = self.styles[k]
            if current is not style and (current != style or current.br or current.footnote):
                if texts:
                    out.append(Run("".join(texts), style))  # type: ignore[arg-type]
                texts, style = [], current
            texts.append(self.texts[k])
        if texts:
            out.append(Run("".join(texts), style))  # type: ignore[arg-type]
        return tuple(out)


def word_ops(old: Runs, new: Runs) -> tuple[WordOp, ...]:
    """Word-level ops turning ``old`` runs into ``new``; each hunk deletes, then inserts.

    Tokens are textdiff's (no op splits a word or a Vietnamese syllable); a word with a
    different style is a different word, so making it bold deletes and reinserts it.
    """
    styles: dict[Style, str] = {}
    a, b = _Tokens(old, styles), _Tokens(new, styles)
    ops: list[WordOp] = []
    deleted = inserted = None  # (start, end) of the pending hunk on each side
    i = j = 0
    for op, n in [*textdiff.align(a.units, b.units), ("=", 0)]:
        if op == "=":
            if deleted:
                ops.append(WordOp(textdiff.DELETE, a.runs(*deleted)))
            if inserted:
                ops.append(WordOp(textdiff.INSERT, b.runs(*inserted)))
            deleted = inserted = None
            if n:
                ops.append(WordOp(textdiff.EQUAL, b.runs(j, j + n)))  # the new side's spaces
            i, j = i + n, j + n
        elif op == "-":
            deleted = (deleted[0] if deleted else i, i + n)
            i += n
        else:
            inserted = (inserted[0] if inserted else j, j + n)
            j += n
    return tuple(ops)


def has_changes(ops: Sequence[WordOp]) -> bool:
    return any(op.kind != textdiff.EQUAL for op in ops)


# Matching items by content ----------------------------------------------------------------

T = TypeVar("T")
_WORD = re.compile(r"[^\W_]+")  # "_x_" and "x" are the same word
_DP_LIMIT = 4096  # pairs a replaced run may weigh one by one (about 10 ms)


def words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(text))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared words, 0 (none) to 1 (the same words)."""
    total = len(a) + len(b)
    return 2 * len(a & b) / total if total else 1.0


def _best_pairs(
    old: Sequence[int], new: Sequence[int], similar: Callable[[int, int], float], threshold: float
) -> list[tuple[int, int]]:
    """Order-keeping pairs of old and new indexes with the greatest total similarity."""
    n, m = len(old), len(new)
    weight = [[similar(i, j) for j in new] for i in old]
    weight = [[w if w >= threshold else -1.0 for w in row] for row in weight]
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for x in range(n - 1, -1, -1):
        row, below, w = score[x], score[x + 1], weight[x]
        for y in range(m - 1, -1, -1):
            best = below[y] if below[y] > row[y + 1] else row[y + 1]
            if w[y] >= 0 and w[y] + below[y + 1] > best:
                best = w[y] + below[y + 1]
            row[y] = best
    pairs, x, y = [], 0, 0
    while x < n and y < m:
        if weight[x][y] >= 0 and score[x][y] == weight[x][y] + score[x + 1][y + 1]:
            pairs.append((old[x], new[y]))
            x, y = x + 1, y + 1
        elif score[x][y] == score[x + 1][y]:
            x += 1
        else:
            y += 1
    return pairs


def _pair_run(
    old: list[int], new: list[int], similar: Callable[[int, int], float], threshold: float
) -> list[tuple[int, int]]:
    if not old or not new:
        return []
    if len(old) * len(new) <= _DP_LIMIT:
        return _best_pairs(old, new, similar, threshold)
    # A long stretch edited all over: pair in order, where alike.
    return [(i, j) for i, j in zip(old, new, strict=False) if similar(i, j) >= threshold]


def match(
    old: Sequence[T],
    new: Sequence[T],
    key: Callable[[T], object],
    similar: Callable[[int, int], float],
    threshold: float,
) -> list[tuple[str, int | None, int | None]]:
    """Align two sequences: (EQUAL | CHANGED | DELETED | INSERTED, old index, new index).

    Items with equal keys are aligned by an LCS (textdiff's aligner); in each stretch
    between them, old and new items whose ``similar(i, j)`` reaches ``threshold`` are
    paired as CHANGED, keeping their order, the best total first.
    """
    out: list[tuple[str, int | None, int | None]] = []
    deleted: list[int] = []
    inserted: list[int] = []

    def flush() -> None:
        pairs = _pair_run(deleted, inserted, similar, threshold)
        di = ii = 0
        for i, j in [*pairs, (None, None)]:
            while di < len(deleted) and deleted[di] != i:
                out.append((DELETED, deleted[di], None))
                di += 1
            while ii < len(inserted) and inserted[ii] != j:
                out.append((INSERTED, None, inserted[ii]))
                ii += 1
            if i is not None:
                out.append((CHANGED, i, j))
                di, ii = di + 1, ii + 1
        deleted.clear()
        inserted.clear()

    i = j = 0
    for op, n in textdiff.align([key(x) for x in old], [key(y) for y in new], "No"):
        if op == "=":
            flush()
            out += [(EQUAL, i + k, j + k) for k in range(n)]
            i, j = i + n, j + n
        elif op == "-":
            deleted += range(i, i + n)
            i += n
        else:
            inserted += range(j, j + n)
            j += n
    flush()
    return out
