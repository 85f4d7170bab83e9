"""Markdown to sanitised HTML. Pure: Python-Markdown and nh3 only."""

from __future__ import annotations

import threading
from functools import lru_cache
from html.parser import HTMLParser

import markdown
import nh3

_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "ins",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "td": {"align", "style"},
    "th": {"align", "style"},
    "ol": {"start"},
    "abbr": {"title"},
}
_URL_SCHEMES = {"http", "https", "mailto"}
_FILTER_STYLE = {"text-align"}

# A Markdown instance is not thread-safe, so each thread keeps its own.
_local = threading.local()


def _converter() -> markdown.Markdown:
    md = getattr(_local, "md", None)
    if md is None:
        md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
        _local.md = md
    return md


@lru_cache(maxsize=4096)
def render(text: str) -> str:
    """Render user Markdown to HTML with no script, event handler or dangerous URL.

    Python-Markdown passes raw HTML through and turns ``[x](javascript:...)`` into a
    link, so its output is always cleaned by nh3 with an allowlist. The result is
    cached by text: a section version's rendering never changes.
    """
    md = _converter()
    try:
        html = md.convert(text)
    finally:
        md.reset()
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        filter_style_properties=_FILTER_STYLE,
        link_rel="noopener noreferrer nofollow",
    )


_BLOCKS = {"p", "li", "tr", "br", "hr", "pre", "blockquote", "table", "ul", "ol"}
_BLOCKS |= {f"h{n}" for n in range(1, 7)}


class _VisibleText(HTMLParser):
    """The text a reader sees: blocks on their own lines, table cells side by side."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append("  ")

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data.replace("\n", " "))  # line breaks come from the tags


def plain_text(text: str) -> str:
    """What a reader sees of Markdown ``text``, as plain text (for search and snippets):
    no markup, no Markdown syntax; one line per block, table cells separated by spaces."""
    parser = _VisibleText()
    parser.feed(render(text or ""))
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)
