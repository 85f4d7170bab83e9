"""Where each character a reader sees comes from in the stored Markdown, and back.

A reader selects a passage on a rendered page; comments are anchored in the stored text
of the version (a quote and its offset). ``text_map(markdown)`` lines the two up:

- ``rendered`` is what the page's container holds as text (the DOM's ``textContent`` of
  the sanitised rendering, whitespace between elements included), so a browser can give
  a selection as offsets into it;
- every rendered character is matched, in order, to the stored character it shows, or
  marked as structure (the newlines between blocks and cells).

Matching follows the block model (``blocks.parse``): each heading, paragraph, list item
and table cell is searched only within its own inline source, so a list marker, a
table's pipes or its separator line are never taken for text. Inside a block, what the
reader does not see is stepped over: emphasis and code delimiters, escapes, link
destinations and reference labels, inline tags; an entity matches the character it
shows. ``to_source`` turns a selection into a stored span, widened over the delimiters
at its ends (``**48,5**`` rather than ``48,5**``) but never past its block or cell;
``to_rendered`` turns an anchor back into what to highlight.

Pure on purpose (tests/unit/test_textdiff_purity.py).
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from html.parser import HTMLParser

from feedback.richtext import footnotes
from feedback.richtext.blocks import parse
from feedback.richtext.inlines import markdown_html
from feedback.richtext.model import Block, Heading, ListItem, Opaque, Paragraph, Table

Span = tuple[int, int]


# What the page shows ----------------------------------------------------------------------


class _TextContent(HTMLParser):
    """The text of an HTML fragment as a browser's ``textContent`` has it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.after_pre = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.after_pre = tag in ("pre", "listing", "textarea")

    def handle_endtag(self, tag: str) -> None:
        self.after_pre = False

    def handle_data(self, data: str) -> None:
        if self.after_pre and data.startswith("\n"):
            data = data[1:]  # the HTML parser drops the newline right after <pre>
        self.after_pre = False
        self.parts.append(data)


def text_content(fragment: str) -> str:
    """What ``element.textContent`` gives for an element holding ``fragment``."""
    parser = _TextContent()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.parts)


# Where blocks' inline text is in the stored text --------------------------------------------

_CELL_HTML = re.compile(r"<(t[dh])\b[^>]*>(.*?)</\1>", re.DOTALL)


def _table_spans(table: Table, at: int) -> list[Span]:
    markdown = table.markdown
    if table.html:
        return [(at + m.start(2), at + m.end(2)) for m in _CELL_HTML.finditer(markdown)]
    spans: list[Span] = []
    lines = markdown.split("\n")
    offset = at
    for k, line in enumerate(lines):
        if k != 1:  # the separator line shows nothing
            row = table.rows[k if k == 0 else k - 1]
            position = offset + 2  # after "| "
            for cell in row.cells:
                spans.append((position, position + len(cell.inline.source)))
                position += len(cell.inline.source) + 3  # " | "
        offset += len(line) + 1
    return spans


def _block_spans(block: Block, at: int) -> list[Span]:
    end = at + len(block.markdown)
    if isinstance(block, Heading | ListItem):
        return [(end - len(block.inline.source), end)]
    if isinstance(block, Paragraph):
        return [(at, end)]
    if isinstance(block, Table):
        return _table_spans(block, at)
    assert isinstance(block, Opaque)
    if block.construct == "footnote":  # each note's text, after its "[^label]:"
        starts = [at + m.end() for m in _DEFINITION.finditer(block.markdown)]
        ends = [at + m.start() for m in _DEFINITION.finditer(block.markdown)][1:] + [end]
        return list(zip(starts, ends, strict=True))
    return [] if block.construct in ("hr", "reference") else [(at, end)]


def _segments(markdown: str) -> list[Span]:
    """The stored spans that hold visible text, in order: one per heading, paragraph,
    list item, table cell and opaque block. A text not in canonical form (its blocks
    are not all found as written) is one span."""
    spans: list[Span] = []
    position = 0
    for block in parse(markdown).blocks:
        at = markdown.find(block.markdown, position)
        if at < 0:
            return [(0, len(markdown))]
        spans += _block_spans(block, at)
        position = at + len(block.markdown)
    return spans


# Matching -----------------------------------------------------------------------------------

_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
# What a reader never sees of a span of Markdown: a link's destination or a reference's
# label (after the link text), an image, an inline tag or comment.
_HIDDEN = re.compile(
    r"\]\((?:[^()\s]|\([^()]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
    r"|\]\[[^\]]*\]"
    r"|!\[[^\]]*\]\([^)]*\)"
    r"|<!--.*?-->"
    r"|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>",
    re.DOTALL,
)


_DEFINITION = footnotes.DEFINITION
_REFERENCE = footnotes.REFERENCE


def _unit(text: str, p: int, notes: dict[str, str]) -> tuple[str | None, int]:
    """At ``p``: (the character it shows, its end) for an entity; (the number it shows,
    its end) for a footnote reference; (None, end) for something hidden; (None, p)
    otherwise."""
    ref = _REFERENCE.match(text, p) if notes and text[p] == "[" else None
    if ref and ref.group(1) in notes:
        return notes[ref.group(1)], ref.end()
    if text[p] == "&":
        match = _ENTITY.match(text, p)
        if match and html.unescape(match.group()) != match.group():
            return html.unescape(match.group()), match.end()
    if text[p] in "]!<":
        match = _HIDDEN.match(text, p)
        if match:
            return None, match.end()
    return None, p


def _find(text: str, p: int, end: int, c: str, notes: dict[str, str]) -> tuple[int, int] | None:
    """The stored span of the next character showing ``c``, from ``p`` and before ``end``,
    stepping only over what the reader does not see (never over a letter or a digit).
    A footnote reference shows its number: its first digit is found here."""
    while p < end:
        shown, after = _unit(text, p, notes)
        if shown is not None:
            if shown[0] == c:
                return p, after
            p = after
            continue
        if text[p] == c:
            return p, p + 1
        if after > p:
            p = after
        elif text[p].isalnum():
            return None
        else:
            p += 1
    return None


@dataclass(frozen=True)
class TextMap:
    """The rendered text of a section and, for each of its characters, the stored span
    it shows (``None`` for structure: whitespace between blocks and cells)."""

    markdown: str
    rendered: str
    spans: tuple[Span | None, ...]
    segments: tuple[Span, ...]

    @cached_property
    def _shown(self) -> tuple[list[int], list[int], list[int]]:
        """(rendered index, stored start, stored end) of every matched character."""
        matched = [(i, s) for i, s in enumerate(self.spans) if s is not None]
        return [i for i, _ in matched], [s[0] for _, s in matched], [s[1] for _, s in matched]

    @cached_property
    def _seen(self) -> frozenset[int]:
        return frozenset(p for span in self.spans if span for p in range(*span))

    def _matched(self, start: int, end: int) -> list[int]:
        start, end = max(0, start), min(end, len(self.rendered))
        return [i for i in range(start, end) if self.spans[i] is not None]

    def _segment(self, position: int) -> Span:
        """The block or cell holding stored ``position`` (or just that position)."""
        k = bisect_left(self.segments, (position + 1,)) - 1
        if k >= 0 and self.segments[k][0] <= position < self.segments[k][1]:
            return self.segments[k]
        return position, position + 1

    def to_source(self, start: int, end: int) -> Span | None:
        """The stored span of the rendered passage [start, end), widened over the hidden
        markup at its ends within its block or cell; None when it shows no stored text."""
        while start < end and start < len(self.rendered) and self.rendered[start].isspace():
            start += 1
        while end > start and self.rendered[end - 1].isspace():
            end -= 1
        matched = self._matched(start, end)
        if not matched:
            return None
        first, last = self.spans[matched[0]], self.spans[matched[-1]]
        assert first is not None and last is not None
        return self._widen(first[0], last[1])

    def _widen(self, lo: int, hi: int) -> Span:
        seen = self._seen
        floor, _ = self._segment(lo)
        _, ceiling = self._segment(hi - 1)
        text = self.markdown
        while lo > floor and lo - 1 not in seen and not text[lo - 1].isspace():
            lo -= 1
        while hi < ceiling and hi not in seen and not text[hi].isspace():
            hi += 1
        return lo, hi

    def to_rendered(self, start: int, end: int) -> Span | None:
        """The rendered passage showing the stored span [start, end); None if none does."""
        indexes, starts, ends = self._shown
        first, last = bisect_right(ends, start), bisect_left(starts, end) - 1
        if first > last:
            return None
        return indexes[first], indexes[last] + 1

    def shown(self, start: int, end: int) -> str:
        """What a reader sees of the stored span [start, end), whitespace collapsed."""
        passage = self.to_rendered(start, end)
        if passage is None:
            return ""
        return " ".join(self.rendered[passage[0] : passage[1]].split())


def _align(markdown: str, rendered: str, segments: list[Span]) -> list[Span | None]:
    spans: list[Span | None] = []
    notes = footnotes.note_numbers(markdown) if "[^" in markdown else {}
    k, p = 0, segments[0][0] if segments else 0
    owed: list[str] = []  # the other digits of a footnote number just matched
    for c in rendered:
        if owed and owed[0] == c:
            owed.pop(0)
            spans.append(spans[-1])
            continue
        owed = []
        found = _find(markdown, p, segments[k][1], c, notes) if k < len(segments) else None
        if found is None and not c.isspace():
            # The next block or cell: its first characters may follow hidden markup.
            for j in range(k + 1, len(segments)):
                found = _find(markdown, segments[j][0], segments[j][1], c, notes)
                if found is not None:
                    k = j
                    break
        spans.append(found)
        if found is not None:
            p = found[1]
            if markdown[found[0]] == "[" and (ref := _REFERENCE.match(markdown, found[0])):
                owed = list(notes.get(ref.group(1), ""))[1:]
    return spans


@lru_cache(maxsize=256)
def _cached(markdown: str, rendered: str) -> TextMap:
    segments = _segments(markdown)
    return TextMap(markdown, rendered, tuple(_align(markdown, rendered, segments)), tuple(segments))


def text_map(markdown: str, render: Callable[[str], str] = markdown_html) -> TextMap:
    """The map between the stored text ``markdown`` (canonical, as stored) and its
    rendering by ``render`` (by default markup.render's settings)."""
    return _cached(markdown, text_content(render(markdown)))
