"""Structured diff of two section texts: block by block, then word by word inside.

``diff(old_md, new_md) -> DocDiff`` compares the blocks of feedback.richtext.blocks. Blocks are
aligned by content with textdiff's aligner; among the blocks that differ, blocks of one
kind that share enough words are paired as CHANGED, in order (the rest are INSERTED or
DELETED). A changed heading, paragraph or list item carries word ops over styled runs,
so a word keeps its style and a style-only change (a word made bold) is a change; a
changed table carries a TableDiff (feedback.richtext.tablediff): rows and columns matched by
content, a changed cell with its own word ops. An opaque block is equal or not.

DocDiff is plain data for the renderers: HTML (feedback.richtext.render), OOXML later.

Pure on purpose: the standard library, feedback.textdiff and the block modules
(tests/unit/test_textdiff_purity.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from feedback import textdiff
from feedback.richtext.blocks import parse
from feedback.richtext.diffcore import (
    CHANGED,
    DELETED,
    EQUAL,
    INSERTED,
    WordOp,
    dice,
    has_changes,
    match,
    word_ops,
    words,
)
from feedback.richtext.model import Block, Heading, ListItem, Opaque, Table
from feedback.richtext.tablediff import CellDiff, ColumnDiff, RowDiff, TableDiff, diff_tables

__all__ = [
    "CHANGED",
    "DELETED",
    "EQUAL",
    "INSERTED",
    "BlockDiff",
    "CellDiff",
    "ColumnDiff",
    "DocDiff",
    "RowDiff",
    "TableDiff",
    "WordOp",
    "diff",
    "diff_blocks",
    "word_ops",
]


@dataclass(frozen=True)
class BlockDiff:
    """One block of the comparison.

    EQUAL, INSERTED and DELETED blocks are shown as they are (``block``). A CHANGED
    heading, paragraph or list item has ``ops`` (and a changed level, depth or list type
    shows in ``old`` and ``new``); a CHANGED table has ``table``, or None when its
    structure changed too much for one grid (rowspans with rows or columns added or
    removed): then, as for a changed opaque block, old and new are both shown whole.
    """

    kind: str
    old: Block | None
    new: Block | None
    ops: tuple[WordOp, ...] = ()
    table: TableDiff | None = None

    @property
    def block(self) -> Block:
        """The block to show: the new one, or the old one when it was deleted."""
        block = self.new if self.new is not None else self.old
        assert block is not None
        return block


@dataclass(frozen=True)
class DocDiff:
    blocks: tuple[BlockDiff, ...]

    @property
    def changed(self) -> bool:
        return any(b.kind != EQUAL for b in self.blocks)


_THRESHOLD = 0.35  # share of words two versions of a block have in common, at least


def _text_of(block: Block) -> str:
    if isinstance(block, Table):
        return " ".join(c.inline.source for row in block.rows for c in row.cells)
    return block.markdown


def _form(block: Block) -> tuple:
    if isinstance(block, Heading):
        return (block.level,)
    if isinstance(block, ListItem):
        return (block.ordered, block.depth)
    return ()


def _changed_block(old: Block, new: Block) -> BlockDiff:
    if isinstance(old, Table) and isinstance(new, Table):
        return BlockDiff(CHANGED, old, new, table=diff_tables(old, new))
    if isinstance(old, Opaque) or isinstance(new, Opaque):
        return BlockDiff(CHANGED, old, new)
    ops = word_ops(old.inline.runs, new.inline.runs)  # type: ignore[union-attr]
    kind = CHANGED if has_changes(ops) or _form(old) != _form(new) else EQUAL
    return BlockDiff(kind, old, new, ops)


def diff_blocks(old: Sequence[Block], new: Sequence[Block]) -> DocDiff:
    known: dict[tuple[int, int], frozenset[str]] = {}  # only blocks that differ are weighed

    def words_of(side: int, index: int) -> frozenset[str]:
        if (side, index) not in known:
            known[side, index] = words(_text_of((old, new)[side][index]))
        return known[side, index]

    def similar(i: int, j: int) -> float:
        if old[i].kind != new[j].kind:
            return 0.0
        shared = dice(words_of(0, i), words_of(1, j))
        # Any two tables may be versions of each other; the most alike pair first.
        return max(shared, _THRESHOLD) if old[i].kind == "table" else shared

    out = []
    for kind, i, j in match(old, new, lambda b: b.key, similar, _THRESHOLD):
        a = old[i] if i is not None else None
        b = new[j] if j is not None else None
        if kind == CHANGED and a is not None and b is not None:
            out.append(_changed_block(a, b))
        else:
            out.append(BlockDiff(kind, a, b))
    return DocDiff(tuple(out))


def diff(old_md: str, new_md: str) -> DocDiff:
    """The structured diff of two section texts (Markdown; normalised to NFC first)."""
    old, new = parse(old_md).blocks, parse(new_md).blocks
    if old_md == new_md or old == new:
        return DocDiff(tuple(BlockDiff(EQUAL, b, b) for b in new))
    with textdiff.one_budget():  # bounded as one diff, however many alignments it makes
        return diff_blocks(old, new)
