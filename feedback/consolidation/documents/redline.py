"""A section's changes since an earlier edition, as Word revisions a reader can accept or
reject: added and removed sections, renamed headings, moves, and the text's word diff."""

from __future__ import annotations

from .engine import Ctx, Flow, Writer
from .model import (
    DELETE,
    EDITION_LABELS,
    INSERT,
    DocSection,
    changed_ops,
    heading_level,
    heading_text,
    label_for,
    one_line,
    section_number,
)


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
        number = section_number(section)
        if number:
            writer.run(heading, f"{number}. ")
        writer.run(heading, old_heading, rev=DELETE)
        writer.run(heading, one_line(section.heading), rev=INSERT)
    else:
        writer.run(heading, heading_text(section))
    if section.moved:
        writer.label(body, label_for(labels, EDITION_LABELS, "moved_section"))
    ops = changed_ops(section) if section.change == "changed" else None
    if ops is None:
        writer.markdown(body, section.text)
    else:
        writer.ops(body, ops)
