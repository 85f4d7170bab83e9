"""A section's changes since an earlier edition, as Word revisions a reader can accept or
reject: added and removed sections, renamed headings, moves, and the text's changes as
the structured diff shows them (``tracked``: tables as tables, the change in its cell)."""

from __future__ import annotations

from .engine import Ctx, Flow, Writer
from .model import (
    DELETE,
    EDITION_LABELS,
    INSERT,
    DocSection,
    changed_ops,
    heading_label,
    heading_level,
    heading_text,
    label_for,
    one_line,
)
from .tracked import tracked_text


def tracked_section(
    writer: Writer, body: Flow, section: DocSection, labels: dict[str, str]
) -> None:
    document = writer.document
    heading = document.add_heading("", heading_level(section))
    if section.change in ("added", "removed"):
        rev = INSERT if section.change == "added" else DELETE
        writer.run(heading, heading_text(section), rev=rev)
        writer.mark_paragraph(heading, rev)
        writer.label(body, label_for(labels, EDITION_LABELS, f"{section.change}_section"))
        writer.markdown(body, section.text, Ctx(rev=rev))
        return
    old_heading = one_line(section.old_heading)
    if old_heading and old_heading != one_line(section.heading):
        number = heading_label(section)
        if number:
            writer.run(heading, f"{number} ")
        writer.run(heading, old_heading, rev=DELETE)
        writer.run(heading, one_line(section.heading), rev=INSERT)
    else:
        writer.run(heading, heading_text(section))
    if section.moved:
        writer.label(body, label_for(labels, EDITION_LABELS, "moved_section"))
    old_text = _old_text(section)
    # The structured diff, never the word diff of the Markdown source (pipe rows, "- ");
    # a change of the source only (spacing) reads the same: the text is shown as it is.
    if old_text is None or not tracked_text(writer, body, old_text, section.text):
        writer.markdown(body, section.text)


def _old_text(section: DocSection) -> str | None:
    """The compared edition's text of a changed section: given, or read from its ops."""
    if section.change != "changed":
        return None
    if section.old_text is not None:
        return section.old_text
    ops = changed_ops(section)
    return None if ops is None else "".join(text for kind, text in ops if kind != INSERT)
