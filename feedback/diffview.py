"""Tracked changes for people to read: the structured diff of two section texts rendered
as the document reads (tables as tables, the change inside its cell), never as Markdown.

The one place pages, the API and the print view get a diff's HTML from. The word-level
``ops`` of the API stay ``textdiff.diff_words`` over the stored text.
"""

from __future__ import annotations

from markupsafe import Markup

from .markup import xml_safe
from .richtext import diff, render

# Bump when the HTML a diff renders to changes, so stored renderings are rebuilt.
RENDERER_VERSION = 2  # 2: footnotes shown as notes, not as written


def tracked_html(old: str, new: str) -> Markup:
    """The changes from ``old`` to ``new`` (Markdown section texts) as safe HTML, without
    any character XML forbids (what Python-Markdown leaks stops here, as in markup)."""
    return Markup(xml_safe(render.render_html(diff.diff(old or "", new or ""))))
