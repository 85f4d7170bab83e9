"""Markdown read into the block model, the way markup.render's Python-Markdown reads it.

The document is cut as Python-Markdown cuts it (raw HTML blocks first, then chunks
between blank lines) and each chunk goes through the same tests in the same order:
indented (code, or more of the list above), table, ATX heading, setext heading, rule,
list, quote, link definition, paragraph; a heading or rule inside a chunk splits it. The
regular expressions are Python-Markdown's own where it exposes them. So a block is what
the reader is shown; where a construct needs more than the model holds (an item of two
paragraphs, a heading inside an item), it becomes an Opaque block, kept verbatim.

One departure, a safe one: a chunk opening a ``` or ~~~ fence is read up to its closing
fence as one opaque block (markup.render itself has no fenced code, and shows such text
the same either way). The inline text of a block is kept in canonical form
(``inline_source``): lines joined, hard breaks written ``<br>``.

Pure on purpose (tests/unit/test_textdiff_purity.py).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from markdown.blockprocessors import (
    BlockQuoteProcessor,
    HashHeaderProcessor,
    HRProcessor,
    ReferenceProcessor,
    SetextHeaderProcessor,
)
from markdown.util import BLOCK_LEVEL_ELEMENTS

from feedback import textdiff
from feedback.richtext.htmltables import read_html_table
from feedback.richtext.inlines import Runs, markdown_runs
from feedback.richtext.model import (
    Block,
    Document,
    Heading,
    Inline,
    ListItem,
    Opaque,
    Paragraph,
)
from feedback.richtext.pipetables import pipe_table, pipe_table_cells

# Lines and raw HTML ----------------------------------------------------------------------

_STX_ETX = re.compile("[\x02\x03]")
_BLANK_LINE = re.compile(r"^[ ]+$", re.MULTILINE)
_HTML_START = re.compile(r"^[ ]{0,3}<(?:(!--)|([A-Za-z][A-Za-z0-9]*))")
_BLOCK_LEVEL = frozenset(BLOCK_LEVEL_ELEMENTS)


def _prepare(markdown: str) -> list[str]:
    """NFC, "\\n", tabs expanded and blank lines emptied, as Python-Markdown reads them."""
    text = _STX_ETX.sub("", textdiff.normalize(markdown)).expandtabs(4)
    return _BLANK_LINE.sub("", text).split("\n")


def _html_end(text: str, tag: str | None) -> int:
    """Offset just after the raw HTML block that starts ``text`` (or its length)."""
    if tag is None or tag == "hr":  # a comment, or the one void block tag
        close = "-->" if tag is None else ">"
        end = text.find(close)
        return len(text) if end < 0 else end + len(close)
    depth = 0
    for match in re.finditer(rf"<(/?){tag}\b[^>]*>", text, re.IGNORECASE):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.end()
    return len(text)


def _segments(lines: list[str]) -> Iterator[tuple[str, str, str | None]]:
    """("md", text, None) and ("html", text, tag) pieces of the document.

    As Python-Markdown's HTML block preprocessor does, a block-level tag at the start of
    a line opens a raw block up to its matching end tag, across blank lines; the rest of
    the line after it is Markdown again.
    """
    start = k = 0
    while k < len(lines):
        match = _HTML_START.match(lines[k])
        tag = None if not match or match.group(1) else match.group(2).lower()
        if not match or (tag is not None and tag not in _BLOCK_LEVEL):
            k += 1
            continue
        if k > start:
            yield "md", "\n".join(lines[start:k]), None
        rest = "\n".join(lines[k:])
        end = _html_end(rest, tag)
        yield "html", rest[:end].strip(" "), tag
        lines = rest[end:].split("\n")
        lines[0] = lines[0].strip(" ")
        start = k = 0 if lines[0] else 1
    if start < len(lines):
        yield "md", "\n".join(lines[start:]), None


# Inline sources ----------------------------------------------------------------------------

_HASH = HashHeaderProcessor.RE
_SETEXT = SetextHeaderProcessor.RE
_HR = HRProcessor.SEARCH_RE
_QUOTE = BlockQuoteProcessor.RE
_REFERENCE = ReferenceProcessor.RE
_BREAK_AT_END = re.compile(r"<br\s*/?>$", re.IGNORECASE)
# What may not begin a line of a canonical paragraph, where the original line had
# leading spaces that kept it from starting a block.
_UNSAFE_START = re.compile(r"#|(?:=+|-+)[ ]*$|>|\[[^\[\]]*\]:|<(?:!--|[A-Za-z])|" + _HR.pattern)


def _shown(runs: Runs) -> list[tuple[str, object]]:
    """Runs as read, whitespace aside."""
    out: list[tuple[str, object]] = []
    for run in runs:
        text = " ".join(run.text.split()) if not run.style.br else "\n"
        if out and out[-1][1] == run.style:
            out[-1] = (out[-1][0] + text, run.style)
        elif text:
            out.append((text, run.style))
    return out


def _hard_breaks(lines: list[str]) -> set[int]:
    """Indexes of the lines that end in a hard break (two trailing spaces). Inside a code
    span such spaces are only spaces: when backticks are about, the breaks are kept only
    if the text reads the same with them written ``<br>``."""
    ends = {k for k, line in enumerate(lines[:-1]) if line.endswith("  ")}
    if not ends or not any("`" in line for line in lines):
        return ends
    written = _join(lines, ends, paragraph=False)
    if _shown(markdown_runs(written)) == _shown(markdown_runs("\n".join(lines).lstrip())):
        return ends
    return set()


_BLOCK_START = re.compile(r"[#>]|[*+-][ ]|\d+\.[ ]|" + _HR.pattern.removeprefix("^"))
_ESCAPE_FIRST = re.compile(r"^(\d*)([#>*+_.-])")


def _join(lines: list[str], breaks: set[int], paragraph: bool) -> str:
    out = lines[0].strip()
    for k, line in enumerate(lines[1:]):
        text = line.strip()
        if k in breaks:
            out += "<br>"
        broke = bool(_BREAK_AT_END.search(out))
        out += "\n" if broke and paragraph and not _UNSAFE_START.match(text) else " "
        out += text
    return out


def inline_source(lines: list[str], paragraph: bool = False) -> str:
    """A block's inline Markdown in canonical form.

    Lines are joined by one space (the reader sees no difference); a hard break (two
    trailing spaces) is written ``<br>``, followed in a paragraph by a newline when the
    next line cannot start a block there. Text that would now start a block ("#" that
    had spaces before it, "-" whose text was on the next line) has its first marker
    escaped.
    """
    breaks = _hard_breaks(lines)
    out = _join(lines, breaks, paragraph).strip()
    if "\n" in out and pipe_table_cells(out) is not None:  # its first line now has pipes
        out = _join(lines, breaks, paragraph=False).strip()
    if _BLOCK_START.match(out):
        # It did not start a block as written (spaces before it, or the rest of it on the
        # next line); escaped, it does not start one on one line either.
        out = _ESCAPE_FIRST.sub(r"\1\\\2", out, count=1)
    return out


def _heading_source(text: str) -> str:
    """A heading's text as an ATX line can hold it (closing #s would be eaten)."""
    text = text.strip()
    bare = text.rstrip("#")
    if bare == text or bare.endswith("\\"):
        return text
    return bare + "\\#" * (len(text) - len(bare))


def _paragraph_like(text: str) -> bool:
    """Would Python-Markdown read ``text`` (inside a list item) as plain paragraph text?"""
    return not (
        text.startswith("    ")
        or pipe_table_cells(text) is not None
        or _HASH.search(text)
        or _SETEXT.match(text)
        or _HR.search(text)
        or _QUOTE.search(text)
        or _REFERENCE.search(text)
    )


# Lists (sane_lists: an ordered list never continues an unordered one, and back) ----------

_OL_ITEM = re.compile(r"^[ ]{0,3}(\d+)\.[ ]+(.*)")
_UL_ITEM = re.compile(r"^[ ]{0,3}[*+-][ ]+(.*)")
_NESTED_ITEM = re.compile(r"^[ ]{4,7}(?:\d+\.|[*+-])[ ]+")
_INDENT = re.compile(r"^[ ]{4}", re.MULTILINE)


def _raw_items(chunk: str, ordered: bool) -> list[list]:
    """[text, number, nested] per item, as OListProcessor.get_items cuts them: a line
    indented 4-7 spaces before a marker starts nested content."""
    items: list[list] = []
    for line in chunk.split("\n"):
        match = (_OL_ITEM if ordered else _UL_ITEM).match(line)
        if match:
            number = int(match.group(1)) if ordered else 0
            items.append([match.group(2 if ordered else 1), number, False])
        elif _NESTED_ITEM.match(line) and not items[-1][2]:
            items.append([line, 0, True])
        else:
            items[-1][0] += "\n" + line
    return items


def list_items(
    chunk: str, references: dict, depth: int = 0, start: int | None = None
) -> list[ListItem] | None:
    """The items of a list chunk, nested ones with their depth; None when an item holds
    more than one paragraph of inline text (a heading, a quote, a table...)."""
    ordered = bool(_OL_ITEM.match(chunk))
    raw = _raw_items(chunk, ordered)
    number = (raw[0][1] if start is None else start) if ordered else None
    items: list[ListItem] = []
    for text, _, nested in raw:
        if nested:
            inner = _INDENT.sub("", text)
            sub = list_items(inner, references, depth + 1) if _paragraph_like(inner) else None
            if sub is None:
                return None
            items += sub
            continue
        text = text.lstrip("\n")  # an item whose text starts on the next line
        if not _paragraph_like(text) or _OL_ITEM.match(text) or _UL_ITEM.match(text):
            return None
        inline = Inline(inline_source(text.split("\n")), references=references)
        items.append(ListItem(ordered, depth, number, inline))
        number = number + 1 if number is not None else None
    return items


@dataclass
class _ListGroup:
    """The list the last blocks form: a following chunk of the same type, or an indented
    one, continues it."""

    ordered: bool
    start: int  # index of its first block
    chunks: list[str]
    next_number: int | None
    opaque: bool = False


# Chunks ---------------------------------------------------------------------------------

_CHUNK_BREAK = re.compile(r"\n{2,}")
_FOOTNOTE = re.compile(r"^[ ]{0,3}\[\^[^\]\s]+\]:")
_FENCE_OPEN = re.compile(r"^[ ]{0,3}(?:(`{3,})[^`]*|(~{3,}).*)$")


def _fence_closes(opener: str, line: str) -> bool:
    match = re.match(rf"^[ ]{{0,3}}({re.escape(opener[0])}{{{len(opener)},}})[ ]*$", line)
    return match is not None


class _Reader:
    def __init__(self, references: dict) -> None:
        self.references = references
        self.blocks: list[Block] = []
        self.group: _ListGroup | None = None
        self.queue: deque[str | Block] = deque()

    def inline(self, source: str) -> Inline:
        return Inline(source, references=self.references)

    def add(self, block: Block) -> None:
        last = self.blocks[-1] if self.blocks else None
        mergeable = isinstance(block, Opaque) and block.construct in ("code", "quote")
        if mergeable and isinstance(last, Opaque) and last.construct == block.construct:
            # Python-Markdown adds a quote or code chunk to the one just before it.
            self.blocks[-1] = Opaque(f"{last.source}\n\n{block.source}", block.construct)
        else:
            self.blocks.append(block)
        if isinstance(block, Opaque) and block.construct == "reference" and self.group:
            # Definitions show nothing: for Python-Markdown the list is still the last
            # thing shown, which the next chunk may continue.
            self.group.chunks.append(block.source)
        elif not isinstance(block, ListItem):
            self.group = None

    def split(self, before: str, block: Block, after: str) -> None:
        for part in (after, block, before):
            if part:
                self.queue.appendleft(part)

    def read(self, text: str) -> None:
        self.queue.extend(c for c in _CHUNK_BREAK.split(text.strip("\n")) if c)
        while self.queue:
            chunk = self.queue.popleft()
            if isinstance(chunk, str):
                self.chunk(chunk)
            else:
                self.add(chunk)

    def chunk(self, chunk: str) -> None:
        if chunk.startswith("    "):
            self.indented(chunk)
        elif not self.fence(chunk):
            table = pipe_table(chunk, self.references)
            if table is not None:
                self.add(table)
            elif not self.heading(chunk):
                self.other(chunk)

    def heading(self, chunk: str) -> bool:
        match = _HASH.search(chunk) if "#" in chunk else None
        if match:
            text = _heading_source(match.group("header"))
            heading = Heading(len(match.group("level")), self.inline(text))
            self.split(chunk[: match.start()], heading, chunk[match.end() :])
            return True
        if _SETEXT.match(chunk):
            lines = chunk.split("\n")
            level = 1 if lines[1].startswith("=") else 2
            heading = Heading(level, self.inline(_heading_source(lines[0])))
            self.split("", heading, "\n".join(lines[2:]))
            return True
        return False

    def other(self, chunk: str) -> None:
        match = _HR.search(chunk)
        if match:
            before, after = chunk[: match.start()].rstrip("\n"), chunk[match.end() :].lstrip("\n")
            self.split(before, Opaque("---", "hr"), after)
        elif _OL_ITEM.match(chunk) or _UL_ITEM.match(chunk):
            self.list(chunk)
        elif ">" in chunk and (match := _QUOTE.search(chunk)):
            # Lazy lines get their ">" (the quote reads the same): on its own, the quote
            # must not read as a setext heading or a table.
            lines = chunk[match.start() :].lstrip("\n").split("\n")
            quote = "\n".join(line if _QUOTE.match(line) else f"> {line}" for line in lines)
            self.split(chunk[: match.start()], Opaque(quote, "quote"), "")
        elif "]:" in chunk and (match := _REFERENCE.search(chunk)):
            self.definitions(chunk, match.start())
        elif _FOOTNOTE.match(chunk):  # notes: markup.render lists them at the end
            self.add(Opaque(chunk, "footnote"))
        else:
            self.add(Paragraph(self.inline(inline_source(chunk.split("\n"), paragraph=True))))

    def definitions(self, chunk: str, start: int) -> None:
        """Link (and footnote) definitions from ``start`` on, as ReferenceProcessor takes
        them: the lines before and after are blocks of their own."""
        end = start
        for ref in _REFERENCE.finditer(chunk, start):
            if ref.start() > start and (
                chunk[end : ref.start()].strip("\n") or "\n" in ref.group()
            ):
                break
            link = ref.group(2).lstrip("<").rstrip(">")
            self.references[ref.group(1).strip().lower()] = (link, ref.group(5) or ref.group(6))
            end = ref.end()
        definitions = Opaque(chunk[start:end].strip("\n"), "reference")
        self.split(chunk[:start].rstrip("\n"), definitions, chunk[end:].lstrip("\n"))

    def list(self, chunk: str) -> None:
        ordered = bool(_OL_ITEM.match(chunk))
        group = self.group if self.group is not None and self.group.ordered == ordered else None
        if group is None:
            group = _ListGroup(ordered, len(self.blocks), [], None)
        group.chunks.append(chunk)
        items = None if group.opaque else list_items(chunk, self.references, 0, group.next_number)
        if items is None:
            self.blocks[group.start :] = [Opaque("\n\n".join(group.chunks), "list")]
            group.opaque = True
        else:
            self.blocks += items
            last = [i.number for i in items if i.depth == 0][-1]
            group.next_number = last + 1 if last is not None else None
        self.group = group

    def indented(self, chunk: str) -> None:
        if self.group is not None:  # more content of the last item: ListIndentProcessor
            self.group.chunks.append(chunk)
            self.blocks[self.group.start :] = [Opaque("\n\n".join(self.group.chunks), "list")]
            self.group.opaque = True
            return
        lines = chunk.split("\n")
        k = 0
        while k < len(lines) and (lines[k].startswith("    ") or not lines[k]):
            k += 1
        self.split("", Opaque("\n".join(lines[:k]), "code"), "\n".join(lines[k:]))

    def fence(self, chunk: str) -> bool:
        """A chunk opening a fence, up to the end of the chunk holding its closing line."""
        lines = chunk.split("\n")
        match = _FENCE_OPEN.match(lines[0])
        if not match:
            return False
        opener = match.group(1) or match.group(2)
        taken = [chunk]
        if not any(_fence_closes(opener, line) for line in lines[1:]):
            for later in self.queue:
                if not isinstance(later, str):
                    return False
                taken.append(later)
                if any(_fence_closes(opener, line) for line in later.split("\n")):
                    break
            else:
                return False
        for _ in taken[1:]:
            self.queue.popleft()
        self.add(Opaque("\n\n".join(taken), "fence"))
        return True


def read(markdown: str) -> Document:
    """The blocks of a section's Markdown (normalised to NFC first)."""
    references: dict[str, tuple[str, str | None]] = {}
    reader = _Reader(references)
    for what, text, tag in _segments(_prepare(markdown)):
        if what == "md":
            reader.read(text)
            continue
        table = read_html_table(text) if tag == "table" else None
        reader.add(table or Opaque(text, "html"))
    return Document(tuple(reader.blocks), references)
