"""Which indicator row is which across two versions of a table: by name, then by position.

Pure: standard library only.
"""

from __future__ import annotations

import re

from feedback.indicators.numbers import nfc


def normalise_name(name: str) -> str:
    """An indicator's name for comparison: NFC, casefolded, without the "(unit)" groups,
    Markdown markers and punctuation, spaces collapsed."""
    text = nfc(name).casefold()
    text = re.sub(r"\([^()]*\)", " ", text)
    text = re.sub(r"[^\w%]+|_", " ", text)
    return " ".join(text.split())


def match_rows(old: list[str], new: list[str]) -> dict[int, int]:
    """new position → old position. First rows whose normalised names are equal (in order,
    each old row used once); then a remaining new row takes the remaining old row at its own
    position (a renamed row keeps its identity); any other new row is new."""
    unused: dict[str, list[int]] = {}
    for j, name in enumerate(old):
        unused.setdefault(normalise_name(name), []).append(j)
    mapping: dict[int, int] = {}
    for i, name in enumerate(new):
        candidates = unused.get(normalise_name(name))
        if candidates:
            mapping[i] = candidates.pop(0)
    taken = set(mapping.values())
    for i in range(len(new)):
        if i not in mapping and i < len(old) and i not in taken:
            mapping[i] = i
            taken.add(i)
    return mapping
