"""Folding Vietnamese text for search: "Đường" and "duong", "số liệu" and "so lieu" meet.

Pure (standard library only). One function folds both what is indexed and what is
searched for, so SQLite and PostgreSQL match the same way (their own unaccent and FTS
folding disagree on "đ"). ``fold_with_map`` also says where each folded character came
from, so a match found in folded text is shown in the original.
"""

from __future__ import annotations

import re
import unicodedata

_SPECIAL = {"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"}
_SPACES = re.compile(r"\s+")


_MARKS = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_D = str.maketrans(_SPECIAL)


def fold(text: str) -> str:
    """Lower case, no diacritics, "đ" as "d", runs of white space as one space."""
    bare = _MARKS.sub("", unicodedata.normalize("NFD", text.translate(_D)))
    return _SPACES.sub(" ", bare.casefold())


def _fold_char(char: str) -> str:
    return _MARKS.sub("", unicodedata.normalize("NFD", char.translate(_D))).casefold()


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` (without collapsing spaces) and, for each folded character, the
    index of the character of ``text`` it comes from. ``text`` should be NFC."""
    out: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        out.append(folded)
        where.extend([index] * len(folded))
    return "".join(out), where


def words_in_order(query: str) -> list[str]:
    """The folded words of a query as typed."""
    return [w for w in fold(query).split(" ") if w]


def words(query: str) -> list[str]:
    """The folded words of a query, without duplicates, longest first (the rarest)."""
    unique = dict.fromkeys(w for w in fold(query).split(" ") if w)
    return sorted(unique, key=len, reverse=True)
