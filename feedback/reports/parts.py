"""A long report read a part at a time: its sections split, in document order, into
parts of about ``budget`` characters of text each.

Every real provincial report (10 to 300 KB of text) is one part and its page looks as it
always did. A report of hundreds of pages is several: the page keeps the whole table of
contents and shows one part's text, with links to the others, instead of megabytes of
HTML that take the browser seconds to lay out (and the server to send) on every visit.
The whole draft in one document stays one click away (an edition's print page, .docx).
Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar


class _Entry(Protocol):
    @property
    def section(self): ...

    @property
    def version(self): ...


E = TypeVar("E", bound=_Entry)


@dataclass(frozen=True)
class Part(Generic[E]):
    number: int  # from 1
    entries: tuple[E, ...]

    @property
    def first(self) -> E:
        return self.entries[0]

    @property
    def last(self) -> E:
        return self.entries[-1]


def split(entries: Sequence[E], sizes: Mapping[int, int], budget: int) -> list[Part[E]]:
    """``entries`` in parts: a part ends after the section that brings its text (by
    version id in ``sizes``) to ``budget`` characters or more. Never an empty part; an
    empty report is one empty part."""
    parts: list[Part[E]] = []
    current: list[E] = []
    size = 0
    for entry in entries:
        current.append(entry)
        size += sizes.get(entry.version.id, 0)
        if budget > 0 and size >= budget:
            parts.append(Part(len(parts) + 1, tuple(current)))
            current, size = [], 0
    if current or not parts:
        parts.append(Part(len(parts) + 1, tuple(current)))
    return parts


def part_of(parts: Sequence[Part[E]]) -> dict[int, int]:
    """Section id -> the number of the part that shows it."""
    return {entry.section.id: part.number for part in parts for entry in part.entries}
