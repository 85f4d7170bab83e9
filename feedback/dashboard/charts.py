"""Server-rendered SVG charts (no JavaScript, no CDN): stacked horizontal bars."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    css: str  # a class name; colours live in the stylesheet, patterns keep it legible in grey


def stacked_bars(
    rows: list[tuple[str, dict[str, int], str | None]],
    series: list[Series],
    *,
    width: int = 640,
    bar: int = 18,
    gap: int = 8,
    label_width: int = 260,
) -> Markup:
    """``rows``: (label, {series key: count}, link or None). Returns accessible inline SVG."""
    top = max([sum(counts.get(s.key, 0) for s in series) for _label, counts, _link in rows] + [1])
    plot = width - label_width - 40
    height = len(rows) * (bar + gap) + gap
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, (label, counts, link) in enumerate(rows):
        y = gap + index * (bar + gap)
        text = escape(label if len(label) <= 40 else label[:39] + "…")
        title = escape(
            label + ": " + ", ".join(f"{s.label} {counts.get(s.key, 0)}" for s in series)
        )
        open_a, close_a = (f'<a href="{escape(link)}">', "</a>") if link else ("", "")
        parts.append(
            f"<g>{open_a}<title>{title}</title>"
            f'<text x="{label_width - 6}" y="{y + bar - 5}" text-anchor="end" class="chart-label">{text}</text>'
        )
        x = float(label_width)
        for s in series:
            n = counts.get(s.key, 0)
            if not n:
                continue
            w = plot * n / top
            parts.append(
                f'<rect class="bar {s.css}" x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}"/>'
            )
            if w > 14:
                parts.append(
                    f'<text class="bar-value" x="{x + w / 2:.1f}" y="{y + bar - 5}" text-anchor="middle">{n}</text>'
                )
            x += w
        total = sum(counts.get(s.key, 0) for s in series)
        parts.append(
            f'<text x="{x + 4:.1f}" y="{y + bar - 5}" class="chart-total">{total}</text>{close_a}</g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def legend(series: list[Series]) -> Markup:
    items = "".join(
        f'<li><svg width="14" height="14" aria-hidden="true"><rect class="bar {s.css}" width="14" height="14"/></svg> '
        f"{escape(s.label)}</li>"
        for s in series
    )
    return Markup(f'<ul class="chart-legend">{items}</ul>')
