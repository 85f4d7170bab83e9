"""Footnotes as markup.render shows them: Python-Markdown's ``footnotes`` extension with
ids of their own per rendered text, and what the sanitiser keeps of its markup.

A reference ``text[^1]`` shows as a superscript number linking to its note; the
definitions (``[^1]: Nguồn: Cục Thống kê``) show as a numbered list at the end of the
rendered block, each with a link back. Numbers follow the order of the references, as
Word numbers footnotes.

Several texts are rendered on one page (a section's versions, comments...), so the ids
carry a prefix taken from the text (``fn-3f2a9c01-1``, ``fnref-3f2a9c01-1``): anchors
work within one rendered text and never point into another. The sanitiser keeps an id
or a ``#`` link only with that render's prefix, so raw HTML in a text cannot place ids
of its own on the page.

Pure on purpose (tests/unit/test_textdiff_purity.py).
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable

from markdown.extensions.footnotes import FootnoteExtension

# What the sanitiser keeps of the footnote markup, besides the usual allow-list.
TAGS = frozenset({"div"})
ATTRIBUTES = {"sup": {"id"}, "li": {"id"}, "a": {"class"}, "div": {"class"}}
_CLASSES = {"a": {"footnote-ref", "footnote-backref"}, "div": {"footnote"}}


def extension() -> FootnoteExtension:
    """A footnotes extension for one (thread-local) Markdown instance."""
    return FootnoteExtension(USE_DEFINITION_ORDER=False, BACKLINK_TEXT="&#8617;", BACKLINK_TITLE="")


def separator(text: str) -> str:
    """The id separator for rendering ``text``: the same text always gets the same ids."""
    return "-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8] + "-"


def prepare(ext: FootnoteExtension, text: str) -> Callable[[str, str, str], str | None]:
    """Set ``ext`` up to render ``text``; returns the nh3 attribute filter that keeps this
    render's footnote ids and classes, and nothing else of the kind."""
    sep = separator(text)
    ext.setConfig("SEPARATOR", sep)
    own = re.compile(rf"fn(?:ref\d*)?{re.escape(sep)}[^\s\"'<>]+")

    def keep(tag: str, name: str, value: str) -> str | None:
        if name == "id":
            return value if own.fullmatch(value) else None
        if name == "class":
            return value if value in _CLASSES.get(tag, ()) else None
        if name == "href" and value.startswith("#"):
            return value if own.fullmatch(value[1:]) else None
        if name == "title" and not value:
            return None
        return value

    return keep


DEFINITION = re.compile(r"^[ ]{0,3}\[\^([^\]\s]+)\]:[ ]?", re.MULTILINE)


def definitions_html(source: str, render_markdown: Callable[[str], str]) -> str:
    """Footnote definitions shown on their own (a diff's or the editor's read-only block):
    each note after its label in a ``sup.footnote-ref``, never as ``[^1]:``. The diff
    replaces labels with the numbers the page shows."""
    parts = DEFINITION.split(source)  # text before, then label, note, label, note...
    notes = []
    for label, note in zip(parts[1::2], parts[2::2], strict=True):
        body = render_markdown(re.sub(r"^(?: {1,4}|\t)", "", note, flags=re.MULTILINE)).strip()
        number = f'<sup class="footnote-ref">{html.escape(label, quote=False)}</sup> '
        if body.startswith("<p>"):
            notes.append("<p>" + number + body.removeprefix("<p>"))
        else:
            notes.append(f"<p>{number}</p>{body}")
    return '<div class="footnote">' + "".join(notes) + "</div>"


REFERENCE = re.compile(r"\[\^([^\]\s]+)\](?!:)")


def note_numbers(markdown: str) -> dict[str, str]:
    """The number markup.render shows for each footnote label of ``markdown``: the
    references that have a note, in the order they first appear."""
    defined = set(DEFINITION.findall(markdown))
    numbers: dict[str, str] = {}
    for label in REFERENCE.findall(DEFINITION.sub("", markdown)):
        if label in defined and label not in numbers:
            numbers[label] = str(len(numbers) + 1)
    return numbers
