"""Server-rendered SVG charts (no JavaScript, no CDN): stacked horizontal bars.

The SVG is drawn at the page's own scale (no viewBox): its width is the column's, the
bars are placed in percentages of it, and the text keeps its size in CSS pixels, so the
labels stay readable on a 390-px phone instead of shrinking with the drawing. Each
row's label sits above its bar, where a long Vietnamese section title has the whole
width.

Accessibility: a chart whose rows are links is a named group of links, each named with
the row's figures; a chart without links is one named image whose name carries them.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

LABEL_SIZE = 13  # px, as rendered: the same on a phone and on a desk
ROW = 48  # px per row: label line, bar, gap
BAR = 18
PLOT = 86.0  # % of the width for the longest bar; the rest holds its total
MAX_LABEL = 48  # characters; the full label is in the row's name and tooltip


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    css: str  # a class name; colours live in the stylesheet, patterns keep it legible in grey


def _summary(label: str, counts: dict[str, int], series: list[Series]) -> str:
    return label + ": " + ", ".join(f"{s.label} {counts.get(s.key, 0)}" for s in series)


def _label(label: str) -> str:
    """The label as drawn: cut after a whole word within MAX_LABEL characters, the
    ellipsis hidden from screen readers (the row's name has the whole label)."""
    if len(label) <= MAX_LABEL:
        return str(escape(label))
    cut = label[: MAX_LABEL - 1].rsplit(" ", 1)[0] or label[: MAX_LABEL - 1]  # whole words
    return f'{escape(cut.rstrip(",;:"))}<tspan aria-hidden="true"> …</tspan>'


def _bars(y: int, counts: dict[str, int], series, top: int) -> tuple[str, str]:
    """The row's bars, and its figures. The figures are drawn outside the row's link and
    hidden from screen readers: the link's name says them, and a link's visible text
    must be part of its name (WCAG 2.5.3)."""
    bars, figures = [], []
    x = 0.0
    for s in series:
        n = counts.get(s.key, 0)
        if not n:
            continue
        w = PLOT * n / top
        bars.append(
            f'<rect class="bar {s.css}" x="{x:.2f}%" y="{y}" width="{w:.2f}%" height="{BAR}"/>'
        )
        if w >= 7:
            figures.append(
                f'<text class="bar-value" x="{x + w / 2:.2f}%" y="{y + BAR - 5}" '
                f'text-anchor="middle">{n}</text>'
            )
        x += w
    total = sum(counts.get(s.key, 0) for s in series)
    figures.append(
        f'<text x="{x:.2f}%" dx="5" y="{y + BAR - 5}" class="chart-total">{total}</text>'
    )
    return "".join(bars), '<g class="figures" aria-hidden="true">' + "".join(figures) + "</g>"


def _row(index: int, label: str, counts: dict[str, int], series, top: int, link) -> str:
    y = index * ROW
    summary = escape(_summary(label, counts, series))
    bars, figures = _bars(y + LABEL_SIZE + 8, counts, series, top)
    body = (
        f"<title>{summary}</title>"
        f'<text x="0" y="{y + LABEL_SIZE + 2}" class="chart-label">{_label(label)}</text>{bars}'
    )
    if link:
        return f'<a href="{escape(link)}" aria-label="{summary}">{body}</a>{figures}'
    return f"<g>{body}{figures}</g>"


def stacked_bars(
    rows: list[tuple[str, dict[str, int], str | None]], series: list[Series], *, name: str
) -> Markup:
    """``rows``: (label, {series key: count}, link or None); ``name``: what the chart
    shows, for screen readers. Returns accessible inline SVG."""
    top = max([sum(counts.get(s.key, 0) for s in series) for _label, counts, _link in rows] + [1])
    height = max(len(rows), 1) * ROW
    if any(link for _label, _counts, link in rows):
        role = f'role="group" aria-label="{escape(name)}"'
    else:
        described = "; ".join(_summary(label, counts, series) for label, counts, _l in rows)
        role = f'role="img" aria-label="{escape(name + (". " + described if described else ""))}"'
    parts = [
        f'<svg class="chart" {role} width="100%" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    parts += [
        _row(index, label, counts, series, top, link)
        for index, (label, counts, link) in enumerate(rows)
    ]
    parts.append("</svg>")
    return Markup("".join(parts))


def legend(series: list[Series]) -> Markup:
    items = "".join(
        f'<li><svg width="14" height="14" aria-hidden="true"><rect class="bar {s.css}" width="14" height="14"/></svg> '
        f"{escape(s.label)}</li>"
        for s in series
    )
    return Markup(f'<ul class="chart-legend">{items}</ul>')
