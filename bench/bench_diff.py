"""Benchmark feedback.textdiff against pure-Python diff-match-patch with its defaults.

Run from the repository root:  python -m bench.bench_diff

For each corpus size (2 KB, 20 KB, 200 KB) and edit kind (small, heavy, move) it times
diff_words and rebase (median CPU time of 7 runs, 3 for 200 KB) next to diff_match_patch's
diff_main + diff_cleanupSemantic and patch_make + patch_apply (Diff_Timeout=1.0), and
checks correctness on more seeded cases:

- lost: rebase returned a merged text that is not the known right merge. A conflict is
  never a loss; a conflict on a small or heavy case (whose edits are apart) is counted
  apart as "unexpected". patch_apply's success flags are taken at their word: all hunks
  applied but a wrong text is a loss, a failed hunk counts as a conflict.
- splits: diff boundaries falling inside a word (between two letters/digits, or before a
  combining mark), over the diffs base -> proposed and base -> current of every case.

Then the worst cases for the diff budget: texts of words from a 5-word vocabulary, of
at most 20K, 200K and 400K characters per side (400K is the section limit), in
paragraphs or on one single line, the other side written anew ("rewrite") or with 30%
of its words edited ("heavy"); a rebase of each with 5 other edits on the current side.
It times diff_words and rebase (median of 5 runs) next to the 200 KB heavy case of the
same run (target for diff_words: at most 3x; the rebase ratio is reported), and checks
that every diff rebuilds both texts, that no diff spent more than textdiff.DIFF_BUDGET
units, and that no rebase lost an edit (a merge must hold every word either side added
and none either side removed).

Prints a table and PASS/FAIL per target, writes bench/results/diff.json, and exits 1 when
correctness fails (any lost edit or split word, an inexact diff, a budget overrun).
Speed targets are reported, not enforced by the exit code, since they depend on the
machine.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from diff_match_patch import diff_match_patch

from bench.corpus import (
    KINDS,
    SIZES,
    SMALL_VOCABULARY,
    WORST_KINDS,
    WORST_LAYOUTS,
    WORST_SIZES,
    Case,
    WorstCase,
    make_case,
    make_worst_case,
)
from feedback import textdiff

REPS = {"2K": 7, "20K": 7, "200K": 3}
WORST_REPS = 5
WORST_RATIO = 3  # target: a worst case takes at most this many times the 200K heavy case
CORRECTNESS_SEEDS = {"2K": 40, "20K": 12, "200K": 3}
RESULTS = Path(__file__).resolve().parent / "results" / "diff.json"

_DMP_OPS = {0: textdiff.EQUAL, 1: textdiff.INSERT, -1: textdiff.DELETE}


def median_ms(fn: Callable[[], object], reps: int) -> float:
    """Median CPU time of this process: what a worker would spend, whatever else the
    (shared) machine is running meanwhile."""
    times = []
    for _ in range(reps):
        started = time.process_time()
        fn()
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def dmp_diff(old: str, new: str) -> list[textdiff.Op]:
    dmp = diff_match_patch()
    diffs = dmp.diff_main(old, new)
    dmp.diff_cleanupSemantic(diffs)
    return [(_DMP_OPS[op], text) for op, text in diffs]


def dmp_rebase(base: str, proposed: str, current: str) -> tuple[str, bool]:
    dmp = diff_match_patch()
    text, applied = dmp.patch_apply(dmp.patch_make(base, proposed), current)
    return text, all(applied)


def _word_char(c: str) -> bool:
    return c.isalnum() or unicodedata.category(c)[0] == "M"


def word_splits(old: str, new: str, ops: list[textdiff.Op]) -> int:
    """Op boundaries inside a word, in the old and the new text."""
    splits = o = n = 0
    for kind, text in ops[:-1]:
        if kind != textdiff.INSERT:
            o += len(text)
        if kind != textdiff.DELETE:
            n += len(text)
        for t, p in ((old, o), (new, n)):
            if 0 < p < len(t) and (
                unicodedata.category(t[p])[0] == "M" or (_word_char(t[p - 1]) and t[p].isalnum())
            ):
                splits += 1
    return splits


def outcome_ours(case: Case) -> str:
    result = textdiff.rebase(case.base, case.proposed, case.current)
    if isinstance(result, textdiff.Conflict):
        return "conflict" if case.kind == "move" else "unexpected"
    return "merged" if result.text == case.expected else "lost"


def outcome_dmp(case: Case) -> str:
    text, all_applied = dmp_rebase(case.base, case.proposed, case.current)
    if not all_applied:
        return "conflict" if case.kind == "move" else "unexpected"
    return "merged" if text == case.expected else "lost"


def measure(size: str, kind: str) -> dict[str, object]:
    reps = REPS[size]
    case = make_case(size, kind, seed=0)
    ours, dmp = Counter(), Counter()
    splits = dmp_splits = 0
    for seed in range(CORRECTNESS_SEEDS[size]):
        other = case if seed == 0 else make_case(size, kind, seed)
        ours[outcome_ours(other)] += 1
        dmp[outcome_dmp(other)] += 1
        for new in (other.proposed, other.current):
            splits += word_splits(other.base, new, textdiff.diff_words(other.base, new))
            dmp_splits += word_splits(other.base, new, dmp_diff(other.base, new))
    return {
        "size": size,
        "kind": kind,
        "bytes": len(case.base.encode()),
        "diff_ms": median_ms(lambda: textdiff.diff_words(case.base, case.proposed), reps),
        "dmp_diff_ms": median_ms(lambda: dmp_diff(case.base, case.proposed), reps),
        "rebase_ms": median_ms(
            lambda: textdiff.rebase(case.base, case.proposed, case.current), reps
        ),
        "dmp_rebase_ms": median_ms(
            lambda: dmp_rebase(case.base, case.proposed, case.current), reps
        ),
        "cases": CORRECTNESS_SEEDS[size],
        "splits": splits,
        "dmp_splits": dmp_splits,
        "ours": dict(ours),
        "dmp": dict(dmp),
    }


def _exact(old: str, new: str, ops: list[textdiff.Op]) -> bool:
    return "".join(t for k, t in ops if k != textdiff.INSERT) == textdiff.normalize(old) and (
        "".join(t for k, t in ops if k != textdiff.DELETE) == textdiff.normalize(new)
    )


def outcome_worst(case: WorstCase, result: textdiff.Merged | textdiff.Conflict) -> str:
    """A merge must hold every word either side added and none either side removed (the
    texts are too repetitive to say where each edit belongs, see the property tests)."""
    if isinstance(result, textdiff.Conflict):
        return "conflict"
    want = Counter(case.proposed.split()) + Counter(case.current.split())
    want.subtract(Counter(case.base.split()))
    return "merged" if Counter(result.text.split()) == want else "lost"


def measure_worst(size: str, kind: str, layout: str) -> dict[str, object]:
    case = make_worst_case(size, kind, layout)
    diff_work, rebase_work = textdiff.Work(), textdiff.Work()
    ops = textdiff.diff_words(case.base, case.proposed, work=diff_work)
    result = textdiff.rebase(case.base, case.proposed, case.current, work=rebase_work)
    stats = textdiff.diff_stats(ops)
    return {
        "size": size,
        "kind": kind,
        "layout": layout,
        "chars": max(len(case.base), len(case.proposed), len(case.current)),
        "diff_ms": median_ms(lambda: textdiff.diff_words(case.base, case.proposed), WORST_REPS),
        "rebase_ms": median_ms(
            lambda: textdiff.rebase(case.base, case.proposed, case.current), WORST_REPS
        ),
        "exact": _exact(case.base, case.proposed, ops),
        "diff_units": diff_work.most,
        "rebase_units": rebase_work.most,
        "budget": textdiff.DIFF_BUDGET,
        "coarse_pieces": diff_work.coarse,
        "words_changed": stats["inserted_words"] + stats["deleted_words"],
        "rebase": outcome_worst(case, result),
    }


def _row(name: str, value: float, limit: float) -> dict[str, object]:
    return {"target": name, "value": value, "limit": limit, "pass": value < limit}


def targets(
    rows: list[dict], worst: list[dict]
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    at = {(r["size"], r["kind"]): r for r in rows}
    heavy = at["200K", "heavy"]
    speed = [
        _row("diff_words 20K heavy (ms)", at["20K", "heavy"]["diff_ms"], 30),
        _row("diff_words 200K heavy (ms)", heavy["diff_ms"], 250),
        _row("rebase 200K small (ms)", at["200K", "small"]["rebase_ms"], 50),
        {
            "target": "worst diff / 200K heavy diff",
            "value": max(w["diff_ms"] for w in worst) / heavy["diff_ms"],
            "limit": WORST_RATIO,
            "pass": max(w["diff_ms"] for w in worst) <= WORST_RATIO * heavy["diff_ms"],
        },
    ]
    correctness = [
        _row("lost edits, whole corpus", sum(r["ours"].get("lost", 0) for r in rows), 1),
        _row("word splits, whole corpus", sum(r["splits"] for r in rows), 1),
        _row("worst cases: inexact diffs", sum(not w["exact"] for w in worst), 1),
        _row("worst cases: lost edits", sum(w["rebase"] == "lost" for w in worst), 1),
        _row(
            "worst cases: over budget",
            sum(max(w["diff_units"], w["rebase_units"]) > w["budget"] for w in worst),
            1,
        ),
    ]
    return speed, correctness


def _outcomes(counts: dict[str, int]) -> str:
    return "/".join(str(counts.get(k, 0)) for k in ("merged", "conflict", "unexpected", "lost"))


def print_table(rows: list[dict]) -> None:
    head = (
        f"{'size':>5} {'kind':<6} │ {'diff ms':>8} {'dmp ms':>8} │ {'rebase ms':>9} "
        f"{'dmp ms':>8} │ {'splits':>6} {'dmp':>5} │ {'rebase: merged/conflict/unexpected/lost':>39}"
    )
    print(head)
    print("─" * len(head))
    for r in rows:
        print(
            f"{r['size']:>5} {r['kind']:<6} │ {r['diff_ms']:8.1f} {r['dmp_diff_ms']:8.1f} │ "
            f"{r['rebase_ms']:9.1f} {r['dmp_rebase_ms']:8.1f} │ {r['splits']:6d} "
            f"{r['dmp_splits']:5d} │ ours {_outcomes(r['ours']):>13}  dmp {_outcomes(r['dmp']):>13}"
        )


def print_worst(worst: list[dict], heavy: dict) -> None:
    print(
        f"\nworst cases: words from a {len(SMALL_VOCABULARY)}-word vocabulary, at most so many "
        f"characters per side; x = times the 200K heavy case above "
        f"({heavy['diff_ms']:.0f} ms diff, {heavy['rebase_ms']:.0f} ms rebase)\n"
    )
    head = (
        f"{'size':>5} {'kind':<7} {'layout':<10} │ {'diff ms':>8} {'x':>5} │ {'rebase ms':>9} "
        f"{'x':>5} │ {'units (diff)':>12} {'coarse':>6} {'exact':>5} │ {'rebase':<8}"
    )
    print(head)
    print("─" * len(head))
    for w in worst:
        print(
            f"{w['size']:>5} {w['kind']:<7} {w['layout']:<10} │ {w['diff_ms']:8.1f} "
            f"{w['diff_x']:5.2f} │ {w['rebase_ms']:9.1f} {w['rebase_x']:5.2f} │ "
            f"{w['diff_units']:12.3g} "
            f"{w['coarse_pieces']:6d} {'yes' if w['exact'] else 'NO':>5} │ {w['rebase']:<8}"
        )


def main() -> int:
    print(
        f"feedback.textdiff ({textdiff.kernel_name()} kernel; FEEDBACK_DIFF_KERNEL=python "
        f"for the fallback) vs diff_match_patch (pure Python, Diff_Timeout=1.0) — "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs; CPU time, medians of "
        f"{REPS['2K']} runs ({REPS['200K']} for 200K); correctness over "
        f"{'/'.join(str(n) for n in CORRECTNESS_SEEDS.values())} seeded cases per size\n"
    )
    rows = [measure(size, kind) for size in SIZES for kind in KINDS]
    print_table(rows)
    worst = [
        measure_worst(size, kind, layout)
        for size in WORST_SIZES
        for kind in WORST_KINDS
        for layout in WORST_LAYOUTS
    ]
    heavy = next(r for r in rows if (r["size"], r["kind"]) == ("200K", "heavy"))
    for w in worst:
        w["diff_x"] = w["diff_ms"] / heavy["diff_ms"]
        w["rebase_x"] = w["rebase_ms"] / heavy["rebase_ms"]
    print_worst(worst, heavy)
    speed, correctness = targets(rows, worst)
    print()
    for t in speed + correctness:
        verdict = "PASS" if t["pass"] else "FAIL"
        print(f"{verdict}  {t['target']:<34} {t['value']:>8.2f}  (target < {t['limit']})")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "reps": REPS,
                "correctness_seeds": CORRECTNESS_SEEDS,
                "rows": rows,
                "worst_reps": WORST_REPS,
                "worst_vocabulary": SMALL_VOCABULARY,
                "worst": worst,
                "targets": speed + correctness,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\nwrote {RESULTS}")
    return 0 if all(t["pass"] for t in correctness) else 1


if __name__ == "__main__":
    sys.exit(main())
