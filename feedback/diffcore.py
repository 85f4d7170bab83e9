"""The pieces of the structured diff: word ops over styled runs, and matching items.

``word_ops`` diffs two inline contents word by word with textdiff's tokenizer and
aligner, keeping each word's style. ``match`` aligns blocks, rows or columns: an LCS on
exact keys, then, in each stretch between equal items, pairs of similar items (changed)
in order. Used by feedback.structdiff and feedback.tablediff.

Pure on purpose (tests/unit/test_textdiff_purity.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from feedback import textdiff
from feedback.inlines import Run, Runs, Style

EQUAL, INSERTED, DELETED, CHANGED = "equal", "inserted", "deleted", "changed"


@dataclass(frozen=True)
class WordOp:
    kind: str  # "equal" | "insert" | "delete" (textdiff.EQUAL, INSERT, DELETE)
    runs: Runs


# Word ops over styled runs ----------------------------------------------------------------

Token = tuple[str, Style]


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


def _tokens(runs: Runs) -> list[Token]:
    return [(token, run.style) for run in runs for token in _figures(textdiff.tokens(run.text))]


def _unit(token: Token) -> tuple:
    text, style = token
    if style.br:
        return ("br",)
    if text.isspace():  # whitespace between words: its style and kind are invisible
        return (" ",)
    return (text, style)


def _runs(tokens: Sequence[Token]) -> Runs:
    runs: list[Run] = []
    for text, style in tokens:
        if runs and runs[-1].style == style and not (style.br or style.footnote):
            runs[-1] = Run(runs[-1].text + text, style)
        else:
            runs.append(Run(text, style))
    return tuple(runs)


def word_ops(old: Runs, new: Runs) -> tuple[WordOp, ...]:
    """Word-level ops turning ``old`` runs into ``new``; each hunk deletes, then inserts.

    Tokens are textdiff's (no op splits a word or a Vietnamese syllable); a word with a
    different style is a different word, so making it bold deletes and reinserts it.
    """
    a, b = _tokens(old), _tokens(new)
    ops: list[WordOp] = []
    pending: dict[str, list[Token]] = {textdiff.DELETE: [], textdiff.INSERT: []}

    def flush() -> None:
        for kind in (textdiff.DELETE, textdiff.INSERT):
            if pending[kind]:
                ops.append(WordOp(kind, _runs(pending[kind])))
                pending[kind] = []

    i = j = 0
    for op, n in textdiff.align([_unit(t) for t in a], [_unit(t) for t in b]):
        if op == "=":
            flush()
            ops.append(WordOp(textdiff.EQUAL, _runs(b[j : j + n])))  # the new side's spaces
            i, j = i + n, j + n
        elif op == "-":
            pending[textdiff.DELETE] += a[i : i + n]
            i += n
        else:
            pending[textdiff.INSERT] += b[j : j + n]
            j += n
    flush()
    return tuple(ops)


def has_changes(ops: Sequence[WordOp]) -> bool:
    return any(op.kind != textdiff.EQUAL for op in ops)


# Matching items by content ----------------------------------------------------------------

T = TypeVar("T")
Pair = tuple[int | None, int | None]
_WORD = re.compile(r"[^\W_]+")  # "_x_" and "x" are the same word
_DP_LIMIT = 4096  # pairs a replaced run may weigh one by one (about 10 ms)


def word_counts(text: str) -> Counter[str]:
    return Counter(w.lower() for w in _WORD.findall(text))


def dice(a: Counter[str], b: Counter[str]) -> float:
    """Shared words, 0 (none) to 1 (the same words)."""
    total = sum(a.values()) + sum(b.values())
    return 2 * sum((a & b).values()) / total if total else 1.0


def _best_pairs(
    old: Sequence[int], new: Sequence[int], similar: Callable[[int, int], float], threshold: float
) -> list[tuple[int, int]]:
    """Order-keeping pairs of old and new indexes with the greatest total similarity."""
    n, m = len(old), len(new)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for x in range(n - 1, -1, -1):
        for y in range(m - 1, -1, -1):
            best = max(score[x + 1][y], score[x][y + 1])
            s = similar(old[x], new[y])
            if s >= threshold:
                best = max(best, s + score[x + 1][y + 1])
            score[x][y] = best
    pairs, x, y = [], 0, 0
    while x < n and y < m:
        s = similar(old[x], new[y])
        if s >= threshold and score[x][y] == s + score[x + 1][y + 1]:
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
