"""Inline content as styled runs, read from Markdown or from a table cell's HTML.

Markdown is read by Python-Markdown's own inline processors (the ones markup.render
uses), so a run says exactly what the reader is shown: ``**48,5**`` is the bold text
"48,5", ``\\|`` is "|", a ``javascript:`` link is plain text. Runs are written back only
as HTML this module builds itself (``runs_html``), every text escaped, so nothing a user
typed becomes markup.

Pure on purpose: the standard library, markdown and nh3 (see test_textdiff_purity.py).
"""

from __future__ import annotations

import html
import re
import threading
import xml.etree.ElementTree as etree
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from html.parser import HTMLParser

import markdown

from feedback.richtext import footnotes
from feedback.richtext.sanitise import sanitised_html


@dataclass(frozen=True, slots=True)
class Style:
    """How a run of text is shown. A style-only change (a word made bold) is a change."""

    bold: bool = False
    italic: bool = False
    strike: bool = False
    code: bool = False
    sup: bool = False
    sub: bool = False
    link: str | None = None  # a safe href (http, https or mailto); other links are text
    footnote: bool = False  # a footnote reference ``[^label]``; the run's text is the label
    br: bool = False  # a hard line break; the run's text is "\n"


PLAIN = Style()
BREAK = Style(br=True)


@dataclass(frozen=True, slots=True)
class Run:
    text: str
    style: Style = PLAIN


Runs = tuple[Run, ...]

_STYLE_TAGS: dict[str, dict[str, bool]] = {
    "strong": {"bold": True},
    "b": {"bold": True},
    "em": {"italic": True},
    "i": {"italic": True},
    "s": {"strike": True},
    "del": {"strike": True},
    "strike": {"strike": True},
    "code": {"code": True},
    "sup": {"sup": True},
    "sub": {"sub": True},
}
# nh3 drops these with their content; so do we.
_DROPPED_WITH_CONTENT = frozenset({"script", "style"})
# Tags that make a table cell more than inline content.
BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "details",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_SAFE_URL = re.compile(r"(?i)(?:https?|mailto):[^\s\x00-\x1f\x7f]+")
# Footnote references are taken out before Python-Markdown's inline pass sees them (without
# the block's definitions it would leave ``[^1]`` as text) and put back as runs.
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_NOTE = re.compile("\ue000(\\d+)\ue001")
# Text with none of these is plain: Python-Markdown's inline patterns cannot act on it.
_NEEDS_MARKDOWN = re.compile(r"[\\`*_\[<&\x02\x03\ue000\ue001]| {2}\n")


def safe_href(href: str | None) -> str | None:
    """``href`` if it is an http, https or mailto URL, else None (the link becomes text)."""
    href = (href or "").strip()
    return href if _SAFE_URL.fullmatch(href) else None


class _RunBuilder:
    """Turns a stream of HTML start/end/data events into merged runs."""

    def __init__(self, notes: Sequence[str] = ()) -> None:
        self.runs: list[Run] = []
        self.stack: list[tuple[str, Style]] = []
        self.notes = notes
        self.skipping = 0
        self.block_tags = 0  # block-level tags seen inside the content

    @property
    def style(self) -> Style:
        return self.stack[-1][1] if self.stack else PLAIN

    def start(self, tag: str, attrs: Iterable[tuple[str, str | None]]) -> None:
        if tag in _DROPPED_WITH_CONTENT:
            self.skipping += 1
        elif tag == "br":
            self.add("\n", BREAK)
        elif tag in _STYLE_TAGS:
            self.stack.append((tag, replace(self.style, **_STYLE_TAGS[tag])))
        elif tag == "a":
            self.stack.append((tag, replace(self.style, link=safe_href(dict(attrs).get("href")))))
        elif tag in BLOCK_TAGS:
            self.block_tags += 1

    def end(self, tag: str) -> None:
        if tag in _DROPPED_WITH_CONTENT:
            self.skipping = max(0, self.skipping - 1)
            return
        for k in range(len(self.stack) - 1, -1, -1):
            if self.stack[k][0] == tag:
                del self.stack[k:]  # closes what was left open inside it, as browsers do
                return

    def data(self, text: str) -> None:
        if self.skipping or not text:
            return
        if not self.notes or "\ue000" not in text:
            self.add(text, self.style)
            return
        parts = _NOTE.split(text)  # text, label index, text, ...
        for k, part in enumerate(parts):
            if k % 2 == 0:
                self.add(part, self.style)
            elif self.style.code:  # inside a code span it was literal text
                self.add(f"[^{self.notes[int(part)]}]", self.style)
            else:
                self.add(self.notes[int(part)], Style(footnote=True))

    def add(self, text: str, style: Style) -> None:
        if not text:
            return
        last = self.runs[-1] if self.runs else None
        if last is not None and last.style == style and not (style.br or style.footnote):
            self.runs[-1] = Run(last.text + text, style)
        else:
            self.runs.append(Run(text, style))


class _EventParser(HTMLParser):
    def __init__(self, builder: _RunBuilder) -> None:
        super().__init__(convert_charrefs=True)
        self.builder = builder

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.builder.start(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.builder.start(tag, attrs)
        if tag != "br":
            self.builder.end(tag)

    def handle_endtag(self, tag: str) -> None:
        self.builder.end(tag)

    def handle_data(self, data: str) -> None:
        self.builder.data(data)


def _feed(builder: _RunBuilder, fragment: str) -> _RunBuilder:
    parser = _EventParser(builder)
    parser.feed(fragment)
    parser.close()
    return builder


def html_runs(fragment: str) -> Runs:
    """Runs of an HTML fragment (a cell of an HTML table); unknown tags keep their text."""
    return tuple(_feed(_RunBuilder(), fragment).runs)


def new_builder() -> _RunBuilder:
    """A run builder for callers that parse HTML themselves (the HTML table reader)."""
    return _RunBuilder()


# Python-Markdown ------------------------------------------------------------------------

# A Markdown instance is not thread-safe, so each thread keeps its own.
_local = threading.local()


def _markdown() -> markdown.Markdown:
    md = getattr(_local, "md", None)
    if md is None:
        md = markdown.Markdown(
            extensions=["tables", "sane_lists", footnotes.extension()], output_format="html"
        )
        _local.md = md
    return md


def _inline_html(text: str, references: Mapping[str, tuple[str, str | None]]) -> str:
    """Python-Markdown's inline pass alone, over ``text`` as one paragraph's content.

    Running only the tree processors (not the block parser) keeps a cell or list item
    such as "1. Tổng" from being read as a list: it is the inline text of its block.
    """
    md = _markdown()
    md.reset()
    md.references.update(references)
    root = etree.Element("div")
    etree.SubElement(root, "p").text = text
    prettify = md.treeprocessors["prettify"]  # it only adds newlines between blocks
    for processor in md.treeprocessors:
        if processor is not prettify:
            root = processor.run(root) or root
    out = md.serializer(root)
    for processor in md.postprocessors:
        out = processor.run(out)
    md.reset()
    return out.removeprefix("<div><p>").removesuffix("</p></div>")


def markdown_runs(
    source: str, references: Mapping[str, tuple[str, str | None]] | None = None
) -> Runs:
    """Runs of a block's inline Markdown, as markup.render would show them."""
    if not source:
        return ()
    if not _NEEDS_MARKDOWN.search(source):
        return (Run(source),)
    notes: list[str] = []

    def stash(match: re.Match[str]) -> str:
        notes.append(match.group(1))
        return f"\ue000{len(notes) - 1}\ue001"

    text = _FOOTNOTE_REF.sub(stash, source)
    return tuple(_feed(_RunBuilder(notes), _inline_html(text, references or {})).runs)


# Writing runs ----------------------------------------------------------------------------

_WRAPPERS = (("code", "code"), ("sub", "sub"), ("sup", "sup"), ("strike", "s"))
_WRAPPERS_OUTER = (("italic", "em"), ("bold", "strong"))


def run_html(run: Run, link_rel: bool = True) -> str:
    """One run as HTML: its text escaped, inside the tags of its style."""
    style = run.style
    if style.br:
        return "<br>"
    text = html.escape(run.text, quote=False)
    if style.footnote:
        return f'<sup class="footnote-ref">{text}</sup>'
    for flag, tag in (*_WRAPPERS, *_WRAPPERS_OUTER):
        if getattr(style, flag):
            text = f"<{tag}>{text}</{tag}>"
    if style.link:
        rel = ' rel="noopener noreferrer nofollow"' if link_rel else ""
        text = f'<a href="{html.escape(style.link)}"{rel}>{text}</a>'
    return text


def runs_html(runs: Iterable[Run], link_rel: bool = True) -> str:
    return "".join(run_html(run, link_rel) for run in runs)


# Whole Markdown, for opaque blocks and for checking the canonical form -------------------


def markdown_html(source: str) -> str:
    """Markdown rendered and sanitised as markup.render does (``sanitise.sanitised_html``).

    Used to show opaque blocks (code, quotes, raw HTML...) read-only, and to check that
    the canonical form of a text shows the same as the text.
    """
    return sanitised_html(source)
