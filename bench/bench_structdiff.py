"""Benchmark the structured diff (feedback.richtext.diff) against textdiff's word diff.

Run from the repository root:  python -m bench.bench_structdiff

On the corpus of bench_diff (Vietnamese report text of 2, 20 and 200 KB with headings,
lists and pipe tables; small, heavy and move edits) it times, as medians:

- ``words``: textdiff.diff_words(base, proposed), the diff shown today;
- ``struct cold``: structdiff.diff with both texts read afresh (parse cache cleared);
- ``struct warm``: the same with both texts already read (versions are immutable and
  compared again and again, so blocks.parse caches by text, as markup.render does);
- ``html``: diffhtml.render_html of the structured diff (texts read);
- ``markup``: markup.render(proposed) uncached, what showing the text costs today;
- ``canonical``: blocks.canonical(base).

and checks on more seeded cases that the rendered diff shows, deletions left out, the
same text as markup.render(proposed), and insertions left out, as markup.render(base):
no Markdown syntax and no lost or invented word. Writes bench/results/structdiff.json and
exits 1 when a check fails.
"""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

from bench.corpus import KINDS, SIZES, make_case
from feedback import markup, textdiff
from feedback.richtext import blocks
from feedback.richtext import diff as structdiff
from feedback.richtext import render as diffhtml

REPS = {"2K": 9, "20K": 7, "200K": 5}
CHECK_SEEDS = {"2K": 20, "20K": 6, "200K": 2}
RESULTS = Path(__file__).resolve().parent / "results" / "structdiff.json"


def median_ms(
    fn: Callable[[], object], reps: int, before: Callable[[], object] = lambda: None
) -> float:
    times = []
    for _ in range(reps):
        before()
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


BLOCK = frozenset(
    [
        "p",
        "li",
        "ul",
        "ol",
        "table",
        "thead",
        "tbody",
        "tr",
        "td",
        "th",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "div",
        "pre",
        "br",
        "hr",
        "blockquote",
    ]
)


class _Text(HTMLParser):
    """Visible text: blocks apart, inline elements (ins, del, strong...) run on."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCK:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in BLOCK:
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


def visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


def shows_both_sides(old: str, new: str) -> bool:
    html = diffhtml.render_html(structdiff.diff(old, new))
    new_side = visible(re.sub(r"<del>.*?</del>", "", html, flags=re.S))
    old_side = visible(re.sub(r"<ins>.*?</ins>", "", html, flags=re.S))
    return new_side == visible(markup.render(new)) and old_side == visible(markup.render(old))


def measure(size: str, kind: str) -> dict[str, object]:
    case = make_case(size, kind, 0)
    old, new = case.base, case.proposed
    reps = REPS[size]
    clear = blocks.parse.cache_clear
    row: dict[str, object] = {
        "size": size,
        "kind": kind,
        "blocks": len(structdiff.diff(old, new).blocks),
        "words_ms": median_ms(lambda: textdiff.diff_words(old, new), reps),
        "struct_cold_ms": median_ms(lambda: structdiff.diff(old, new), reps, clear),
        "struct_warm_ms": median_ms(lambda: structdiff.diff(old, new), reps),
        "html_ms": median_ms(lambda: diffhtml.render_html(structdiff.diff(old, new)), reps),
        "markup_ms": median_ms(lambda: markup.render(new), reps, markup.render.cache_clear),
        "canonical_ms": median_ms(lambda: blocks.canonical(old), reps, clear),
    }
    checks = [make_case(size, kind, seed) for seed in range(CHECK_SEEDS[size])]
    row["checked"] = len(checks)
    row["shown_wrong"] = sum(not shows_both_sides(c.base, c.proposed) for c in checks)
    return row


COLUMNS = (
    ("words_ms", "words"),
    ("struct_cold_ms", "struct cold"),
    ("struct_warm_ms", "struct warm"),
    ("html_ms", "+ html"),
    ("markup_ms", "markup"),
    ("canonical_ms", "canonical"),
)


def print_table(rows: list[dict]) -> None:
    head = f"{'size':>5} {'kind':<6} {'blocks':>6} " + " ".join(f"{t:>11}" for _, t in COLUMNS)
    print(head + "   shown wrong")
    print("─" * (len(head) + 14))
    for r in rows:
        cells = " ".join(f"{r[k]:>11.1f}" for k, _ in COLUMNS)
        print(
            f"{r['size']:>5} {r['kind']:<6} {r['blocks']:>6} {cells}   {r['shown_wrong']}/{r['checked']}"
        )


def main() -> int:
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs; medians (ms) of "
        f"{REPS['2K']}/{REPS['20K']}/{REPS['200K']} runs"
    )
    rows = [measure(size, kind) for size in SIZES for kind in KINDS]
    print_table(rows)
    wrong = sum(int(r["shown_wrong"]) for r in rows)  # type: ignore[arg-type]
    print(
        f"\n{'PASS' if not wrong else 'FAIL'}  rendered diffs show both texts as markup.render does"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"python": platform.python_version(), "rows": rows}, indent=2),
        encoding="utf-8",
    )
    print(f"wrote {RESULTS}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
