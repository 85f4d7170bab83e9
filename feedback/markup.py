"""Markdown to sanitised HTML. Pure: Python-Markdown and nh3 only."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from html.parser import HTMLParser

from .richtext.sanitise import sanitised_html

# Raise when ``render`` gives different HTML for the same text: stored renderings
# (renders.markdown) are keyed by it, and ``flask renders rebuild`` fills the new ones.
RENDERER_VERSION = 1


@lru_cache(maxsize=4096)
def render(text: str) -> str:
    """Render user Markdown to HTML with no script, event handler or dangerous URL.

    Python-Markdown passes raw HTML through and turns ``[x](javascript:...)`` into a
    link, so its output is always cleaned by nh3 with an allowlist. Footnotes show as
    superscript numbers and a numbered list of notes at the end (``richtext.footnotes``).
    A text that would cost Python-Markdown more than WORK_BUDGET (``markdown_work``) is
    shown as plain paragraphs instead; what Python-Markdown leaks is removed
    (``xml_safe``). The result is cached by text: a version's rendering never changes.
    """
    if markdown_work(text) > WORK_BUDGET:
        return xml_safe(plain_html(text))
    return xml_safe(sanitised_html(text))


def plain_html(text: str) -> str:
    """The text as escaped paragraphs and line breaks, without Markdown."""
    paragraphs = (p.strip("\n") for p in _BLOCKS.split(text.replace("\r\n", "\n")))
    return "\n".join(
        "<p>" + html.escape(p).replace("\n", "<br>\n") + "</p>" for p in paragraphs if p.strip()
    )


# Python-Markdown stands stashed fragments in for "\x02klzzwxh:0001\x03" (inline) and
# "\x02wzxhzdk:0\x03" (raw HTML); with quotes in a link or image title some are never put
# back (or only half of one is), and the STX/ETX control characters reach the HTML, where
# lxml (the Word exports) refuses them. What is left of a placeholder goes, then every
# character XML 1.0 forbids.
_PLACEHOLDER = re.compile("\x02(?:klzzwxh|wzxhzdk):\\d*|(?:klzzwxh|wzxhzdk):\\d*\x03")
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without Python-Markdown's leaked placeholders and without any character
    XML 1.0 forbids: safe for HTML pages and for lxml alike."""
    return _XML_FORBIDDEN.sub("", _PLACEHOLDER.sub("", text))


# Python-Markdown looks for the end of a link from every "[" (and for the end of a
# destination from every "](", of a tag from every "<", of a code span from every run of
# backticks) to the end of the paragraph: thousands of unclosed or deeply nested ones
# take it minutes. That work is counted here, in characters scanned, in linear time;
# no legitimate report comes near the budget.
WORK_BUDGET = 200_000
_MAX_BRACKET_DEPTH = 2
_BLOCKS = re.compile(r"\n[ \t]*\n")
_OPENERS = re.compile(r"`+|\[|\]\(?|<")


def markdown_work(text: str, limit: int = WORK_BUDGET) -> int:
    """Characters Python-Markdown scans for unclosed or deeply nested openers in ``text``
    (an estimate that grows as its running time does); counting stops past ``limit``."""
    work, start = 0, 0
    for separator in [*_BLOCKS.finditer(text), None]:
        end = separator.start() if separator else len(text)
        work += _block_work(text, start, end, limit - work)
        if work > limit:
            break
        start = separator.end() if separator else end
    return work


def _block_work(text: str, start: int, end: int, limit: int) -> int:
    """The work of the paragraph text[start:end] (counting stops past ``limit``); code
    spans are skipped, as Python-Markdown skips them."""
    work, stack, position = 0, [], start
    while work <= limit and (match := _OPENERS.search(text, position, end)) is not None:
        token, at = match.group(), match.start()
        position = match.end()
        if token[0] == "`":
            close = re.compile(f"(?<!`){token}(?!`)").search(text, position, end)
            if close is None:
                work += end - at
            else:
                position = close.end()
        elif token == "[":
            stack.append(at)
        elif token[0] == "]":
            opened = stack.pop() if stack else None
            if opened is not None and len(stack) >= _MAX_BRACKET_DEPTH:
                work += at - opened
            if token == "](" and text.find(")", position, end) < 0:
                work += end - at
        else:  # "<": a tag is looked for up to the next ">"
            closing, following = text.find(">", position, end), text.find("<", position, end)
            if closing < 0 or 0 <= following < closing:
                work += end - at
    return work + sum(end - opened for opened in stack)


_BLOCK_TAGS = {"p", "li", "tr", "br", "hr", "pre", "blockquote", "table", "ul", "ol"}
_BLOCK_TAGS |= {f"h{n}" for n in range(1, 7)}


_NOTE_LINKS = {"footnote-ref", "footnote-backref"}


class _VisibleText(HTMLParser):
    """The text a reader sees: blocks on their own lines, table cells side by side."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.note_link = False  # a footnote's number or its link back (an arrow)

    def handle_starttag(self, tag, attrs):
        self.note_link = tag == "a" and dict(attrs).get("class") in _NOTE_LINKS
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append("  ")

    def handle_endtag(self, tag):
        self.note_link = False
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.note_link:
            self.parts.append(data.replace("\n", " "))  # line breaks come from the tags


def plain_text(text: str) -> str:
    """What a reader sees of Markdown ``text``, as plain text (for search and snippets):
    no markup, no Markdown syntax; one line per block, table cells separated by spaces."""
    parser = _VisibleText()
    parser.feed(render(text or ""))
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)
