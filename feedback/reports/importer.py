"""Split a Markdown document into nested sections at its headings (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
# "I. ", "II) ", "1. ", "1.2. ", "1.2 " -- a number the author already put on the heading.
_CARRIED_NUMBER = re.compile(
    r"^(?:(?P<num>(?:[IVXLCDM]+|\d{1,3})(?:\.\d{1,3})*)[.)]"  # "II.", "1)", "1.2."
    r"|(?P<dotted>\d{1,3}(?:\.\d{1,3})+))"  # "1.2" without a final dot
    r"\s+"
)
_ROMAN = re.compile(r"^[IVXLCDM]+$")
MAX_LEVEL = 3


@dataclass
class ParsedSection:
    level: int
    heading: str
    lines: list[str] = field(default_factory=list)
    numbered: bool = True

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip("\n")


@dataclass
class ParsedReport:
    title: str | None
    numbering: str  # "roman" or "decimal"
    sections: list[ParsedSection]


def strip_number(heading: str) -> tuple[str | None, str]:
    """Split ``"II. Mục tiêu"`` into ``("II", "Mục tiêu")``; no number gives ``(None, heading)``."""
    match = _CARRIED_NUMBER.match(heading)
    if not match:
        return None, heading
    rest = heading[match.end() :].strip()
    if not rest:
        return None, heading
    return match.group("num") or match.group("dotted"), rest


def _headings(lines: list[str]):
    """Yield (index, level, text) of ATX headings outside fenced code blocks."""
    fence: str | None = None
    for index, line in enumerate(lines):
        fence_match = _FENCE.match(line)
        if fence_match:
            marker = fence_match.group(1)[0]
            if fence is None:
                fence = marker
            elif fence == marker:
                fence = None
            continue
        if fence is None:
            match = _HEADING.match(line)
            if match:
                yield index, len(match.group(1)), match.group(2).strip()


def _title(lines: list[str], found: list) -> tuple[str | None, int, list]:
    """A document whose only level-1 heading comes first, above deeper headings, is
    titled by it: (title, how far the other headings move up, the other headings)."""
    level_one = [h for h in found if h[1] == 1]
    titled = (
        len(level_one) == 1
        and found
        and found[0][1] == 1
        and any(1 < level <= MAX_LEVEL + 1 for _, level, _ in found[1:])
    )
    if not titled:
        return None, 0, found
    lines[found[0][0]] = ""
    return found[0][2], 1, found[1:]


def _split(lines: list[str], starts: dict, preamble_heading: str) -> list[ParsedSection]:
    """Cut the lines at the section starts; levels never jump (a ### under a # is level 2)."""
    sections: list[ParsedSection] = []
    preamble = ParsedSection(level=1, heading=preamble_heading, numbered=False)
    current = preamble
    previous_level = 0
    for index, line in enumerate(lines):
        if index in starts:
            level, text = starts[index]
            level = max(1, min(level, previous_level + 1))
            previous_level = level
            current = ParsedSection(level=level, heading=text)
            sections.append(current)
        else:
            current.lines.append(line)
    if preamble.text.strip():
        sections.insert(0, preamble)
    return sections


def _numbering(sections: list[ParsedSection]) -> str:
    """Roman unless the first top-level heading carries an Arabic number."""
    first_numbers = [strip_number(s.heading)[0] for s in sections if s.numbered and s.level == 1]
    first_numbers = [n for n in first_numbers if n]
    return "decimal" if first_numbers and not _ROMAN.match(first_numbers[0]) else "roman"


def parse(markdown: str, preamble_heading: str = "Preamble") -> ParsedReport:
    """Split ``markdown`` (already normalised) at #, ## and ### headings.

    - A document whose only level-1 heading comes first, above deeper headings, is
      treated as titled by it: that heading becomes the title and the others move
      up one level.
    - Deeper headings (####...) stay inside their section's text.
    - Text before the first heading becomes an unnumbered preamble section.
    - Numbers the headings carry ("I.", "1.2.") are removed from the heading; they
      choose the numbering style (Roman or decimal at the first level), and the app
      numbers sections from their order from then on.
    - Levels never jump: a ### under a # becomes level 2.
    """
    lines = markdown.split("\n")
    title, shift, found = _title(lines, list(_headings(lines)))
    starts = {
        index: (level - shift, text) for index, level, text in found if level - shift <= MAX_LEVEL
    }
    sections = _split(lines, starts, preamble_heading)
    numbering = _numbering(sections)
    for section in sections:
        if section.numbered:
            section.heading = strip_number(section.heading)[1]
    return ParsedReport(title=title, numbering=numbering, sections=sections)
