"""A section's text as blocks, and the one canonical Markdown form it is stored in.

``parse(markdown) -> Document`` reads the stored Markdown subset into Heading,
Paragraph, ListItem, Table and Opaque blocks (feedback.richtext.model), reading it as
markup.render does (feedback.richtext.reader). ``canonical(markdown) -> str`` is the stored
form; the importer, the editor's save and the tests all use it.

Pure on purpose: the standard library, feedback.textdiff, the block modules, markdown
and nh3 (tests/unit/test_textdiff_purity.py).
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser

from feedback import textdiff
from feedback.richtext.inlines import markdown_html
from feedback.richtext.model import (
    Block,
    Cell,
    Document,
    Heading,
    Inline,
    ListItem,
    Opaque,
    Paragraph,
    Row,
    Table,
    to_markdown,
)
from feedback.richtext.reader import read

__all__ = [
    "Block",
    "Cell",
    "Document",
    "Heading",
    "Inline",
    "ListItem",
    "Opaque",
    "Paragraph",
    "Row",
    "Table",
    "canonical",
    "parse",
    "rendering_signature",
    "to_markdown",
]


@lru_cache(maxsize=64)
def parse(markdown: str) -> Document:
    """The blocks of a section's Markdown (normalised to NFC first).

    Cached by text, as markup.render is: a version's text never changes, and the same
    versions are compared again and again (a 200 KB section takes ~15 ms to read).
    """
    return read(markdown)


def canonical(markdown: str) -> str:
    """The stored form of a section's Markdown.

    - Unicode NFC, "\\n" line ends, tabs expanded (as Python-Markdown reads them), no
      trailing spaces, no blank line at either end and no final newline, exactly one
      blank line between blocks.
    - Headings in ATX form (``## Text``, setext underlines converted, closing #s
      dropped); paragraphs, headings and list items with their lines joined by a space
      (the reader sees the same), a hard line break written ``<br>``.
    - Bullets "- ", ordered items with the numbers the reader sees (the first item's
      number, then counting up), nesting by 4 spaces per level (what Python-Markdown
      needs), the items of one list on consecutive lines (tight lists).
    - Pipe tables as ``| a | b |`` with a ``| --- | ---: |`` separator, every row with as
      many cells as the header (missing cells empty, surplus cells, which are never
      shown, dropped), cell text as written (pipes inside stay escaped ``\\|``), no padding
      to a common width, so that an edit of one cell changes one line.
    - HTML tables as sanitised HTML: ``<table>``, ``<thead>``/``<tbody>``, one ``<tr>`` per
      line, cells with colspan/rowspan/align only and inline content rebuilt from what
      is shown (scripts, handlers and unsafe links gone).
    - Inline text is kept as written: ``*x*`` and ``_x_`` are not rewritten (the diff
      sees the same italic run either way, so the choice is never a change).
    - Anything else (code, fences, quotes, other raw HTML, link and footnote
      definitions, lists with multi-paragraph items) is kept verbatim as opaque; a rule
      is written ``---``.

    It is idempotent, and it never changes what the reader sees: the result is checked
    against the input by rendering both (``rendering_signature``); should they ever
    differ, the text is only normalised (NFC, "\\n") rather than risk its meaning.
    """
    text = textdiff.normalize(markdown)
    first = parse(text).markdown
    if first == text:
        return text
    if parse(first).markdown == first and rendering_signature(first) == rendering_signature(text):
        return first
    return text


# What the reader is shown -----------------------------------------------------------------

_STRUCTURE = frozenset(
    [
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "p",
        "ul",
        "ol",
        "li",
        "table",
        "tr",
        "th",
        "td",
        "blockquote",
        "pre",
        "hr",
        "br",
        "code",
    ]
)
_VOID = frozenset({"hr", "br"})
_ALIGN_STYLE = re.compile(r"text-align\s*:\s*(\w+)")


class _Signature(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _STRUCTURE:
            return
        if not (tag == "p" and self.open and self.open[-1] == "li"):  # loose vs tight
            self.tags.append(tag + _attributes(tag, dict(attrs)))
        if tag not in _VOID:
            self.open.append(tag)
        self.text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _STRUCTURE and tag in self.open:
            while self.open.pop() != tag:
                pass
            self.text.append(" ")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _attributes(tag: str, attributes: dict[str, str | None]) -> str:
    if tag == "ol":
        start = (attributes.get("start") or "1").strip()
        return f"[start={int(start) if start.isdigit() else start}]".replace("[start=1]", "")
    if tag in ("td", "th"):
        style = _ALIGN_STYLE.search(attributes.get("style") or "")
        align = attributes.get("align") or (style.group(1) if style else "")
        spans = [attributes.get(name) or "1" for name in ("colspan", "rowspan")]
        return f"[{align}|{spans[0]}|{spans[1]}]"
    return ""


def rendering_signature(markdown: str) -> tuple[tuple[str, ...], str]:
    """(block structure, visible text) of the sanitised rendering of ``markdown``.

    The structure is the sequence of block elements with what changes their meaning (a
    list's start number, a cell's alignment and spans), without the paragraphs inside
    list items (loose or tight lists read alike); the text has its whitespace collapsed.
    """
    parser = _Signature()
    parser.feed(markdown_html(markdown))
    parser.close()
    return tuple(parser.tags), " ".join("".join(parser.text).split())
