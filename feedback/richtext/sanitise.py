"""Markdown to sanitised HTML, the one conversion: Python-Markdown (tables, lists,
footnotes), then nh3 with one allow-list. ``feedback.markup.render`` adds its work budget,
cache and XML-safety on top; the structured diff shows whole-Markdown blocks with it as
it is. Pure: Python-Markdown and nh3 only (it lives in richtext so the diff can use it
without importing the app package).
"""

from __future__ import annotations

import threading

import markdown
import nh3

from feedback.richtext import footnotes

TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "div",
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
ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "td": {"align", "style", "colspan", "rowspan"},
    "th": {"align", "style", "colspan", "rowspan"},
    "ol": {"start"},
    "abbr": {"title"},
    # footnotes (feedback.richtext.footnotes keeps only their own ids and classes)
    "sup": {"id"},
    "li": {"id"},
    "div": {"class"},
}
_URL_SCHEMES = {"http", "https", "mailto"}
_FILTER_STYLE = {"text-align"}

# A Markdown instance is not thread-safe, so each thread keeps its own.
_local = threading.local()


def _converter() -> tuple[markdown.Markdown, footnotes.FootnoteExtension]:
    md = getattr(_local, "md", None)
    if md is None:
        notes = footnotes.extension()
        md = markdown.Markdown(extensions=["tables", "sane_lists", notes], output_format="html")
        _local.md, _local.notes = md, notes
    return md, _local.notes


def sanitised_html(text: str) -> str:
    """``text`` rendered by Python-Markdown and cleaned by nh3: no script, no event
    handler, no dangerous URL; ids and classes only as the footnotes make them."""
    md, notes = _converter()
    keep = footnotes.prepare(notes, text)
    try:
        html = md.convert(text)
    finally:
        md.reset()
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=keep,
        url_schemes=_URL_SCHEMES,
        filter_style_properties=_FILTER_STYLE,
        link_rel="noopener noreferrer nofollow",
    )
