"""The edition as one Markdown document, changes in CriticMarkup; raw HTML defused."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .model import (
    EDITION_LABELS,
    EQUAL,
    INSERT,
    DocEdition,
    DocSection,
    Op,
    changed_ops,
    clean,
    heading_label,
    heading_level,
    heading_text,
    label_for,
    local_date,
    one_line,
)


def edition_markdown(doc: DocEdition) -> str:
    """The edition as one Markdown document; changes in CriticMarkup when tracked."""
    labels = doc.labels
    tracked = doc.changes_since is not None

    def word(key: str) -> str:
        return label_for(labels, EDITION_LABELS, key)

    facts = [
        f"**{word('edition')} {doc.edition_number}**",
        f"{word('date')}: {local_date(doc.issued_at)}",
    ]
    if doc.status_label.strip():
        facts.append(one_line(doc.status_label))
    blocks = [f"# {one_line(doc.report_title)}", " · ".join(facts)]
    if tracked:
        blocks.append(f"*{word('changes_since')} {doc.changes_since}*")
    note = clean(doc.note).strip()
    if note:
        blocks.append(f"**{word('note')}:** {note}")
    for section in doc.sections:
        if not tracked and section.change == "removed":
            continue
        blocks.extend(_markdown_section(section, tracked, word))
    return _defuse_html("\n\n".join(block for block in blocks if block)) + "\n"


def _markdown_section(section: DocSection, tracked: bool, word) -> list[str]:
    hashes = "#" * (heading_level(section) + 1)
    text = clean(section.text).strip("\n")
    if not tracked:
        return [f"{hashes} {heading_text(section)}", text]
    if section.change in ("added", "removed"):
        mark = "++" if section.change == "added" else "--"
        return [
            f"{hashes} {_critic(heading_text(section), mark)}",
            f"*{word(section.change + '_section')}*",
            _critic_lines(text, mark),
        ]
    blocks = []
    old_heading = one_line(section.old_heading)
    if old_heading and old_heading != one_line(section.heading):
        number = heading_label(section)
        prefix = f"{number} " if number else ""
        renamed = _critic(old_heading, "--") + _critic(one_line(section.heading), "++")
        blocks += [f"{hashes} {prefix}{renamed}", f"*{word('renamed_from')}: {old_heading}*"]
    else:
        blocks.append(f"{hashes} {heading_text(section)}")
    if section.moved:
        blocks.append(f"*{word('moved_section')}*")
    ops = changed_ops(section) if section.change == "changed" else None
    blocks.append(text if ops is None else _critic_ops(ops).strip("\n"))
    return blocks


# Raw HTML in the Markdown (a tag, comment, doctype or processing instruction) and the
# code in which it is harmless text.
_RAW_HTML = re.compile(r"<(?=/?[A-Za-z][A-Za-z0-9-]*(?:[\s/>]|$)|[!?])")
_CODE = re.compile(r"^(`{3,}|~{3,})[^\n]*\n.*?^\1[ \t]*$|`[^`\n]+`", re.MULTILINE | re.DOTALL)


def _defuse_html(markdown_text: str) -> str:
    """Escape raw HTML outside code so that no viewer of the export runs it.

    The app itself never shows raw HTML (markup.render drops it), so this only turns
    ``<script>`` into visible text; autolinks such as ``<https://...>`` are left alone.
    """
    out, end = [], 0
    for code in _CODE.finditer(markdown_text):
        out += [_RAW_HTML.sub("&lt;", markdown_text[end : code.start()]), code.group()]
        end = code.end()
    out.append(_RAW_HTML.sub("&lt;", markdown_text[end:]))
    return "".join(out)


def _critic(text: str, mark: str) -> str:
    return f"{{{mark}{text}{mark}}}" if text else ""


# A line's Markdown block marker (list bullet, number, quote) stays outside the markup so
# the line still renders as a list item or quote in CriticMarkup-aware viewers.
_BLOCK_PREFIX = re.compile(r"^(\s*(?:(?:[-*+]|\d+[.)]|>|#{1,6})\s+)*)(.*)$")


def _critic_lines(text: str, mark: str) -> str:
    out = []
    for line in text.split("\n"):
        prefix, rest = _BLOCK_PREFIX.match(line).groups()
        out.append(prefix + _critic(rest, mark) if rest.strip() else line)
    return "\n".join(out)


def _critic_ops(ops: Sequence[Op]) -> str:
    # CriticMarkup must not span paragraphs: each line of a change is marked on its own.
    out = []
    for kind, text in ops:
        if kind == EQUAL:
            out.append(text)
        else:
            mark = "++" if kind == INSERT else "--"
            out.append("\n".join(_critic(part, mark) for part in text.split("\n")))
    return "".join(out)
