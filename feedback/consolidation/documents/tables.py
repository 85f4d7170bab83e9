"""How a body table sits on the page: column widths that fit their content, header rows
repeated on every page, rows never split across pages.

Word sizes an "autofit" table from its content only when it opens the file, and
LibreOffice not at all: a table written with equal columns keeps them, so the STT
column of an indicator table was as wide as the indicator names, which wrapped over
four or five lines. Widths are therefore computed here, from the text of each column:
every column is at least as wide as its longest word (no word is broken), and the rest
of the text width is shared in proportion to how much more each column would need to
show its longest text on one line.
"""

from __future__ import annotations

from collections.abc import Sequence

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm
from docx.table import Table, _Row

from .word import TR_PR_ORDER, insert_ordered

# A 13 pt Times New Roman letter is about 2.3 mm wide on average, a capital (bold, in a
# header) about 3.3 mm (read off the demo report's rendered PDF); a cell's left and right
# margins take 3.8 mm.
_CHAR, _CAPITAL = Mm(2.3), Mm(3.3)
_PADDING = Mm(4)
_NARROWEST = Mm(10)  # room for a two-digit figure
_LONGEST_LINE = 48  # characters: a longer text wraps anyway; it asks for no more room


def _need(text: str) -> int:
    return int(sum(_CAPITAL if c.isupper() else _CHAR for c in text) + _PADDING)


def column_widths(columns: Sequence[Sequence[str]], total: int) -> list[int]:
    """Widths (EMU) of columns holding ``columns[c]`` texts, adding up to ``total``."""
    if not columns:
        return []
    least: list[int] = []
    wish: list[int] = []
    for texts in columns:
        words = [_need(w) for text in texts for w in text.split()]
        lines = [_need(" ".join(text.split())[:_LONGEST_LINE]) for text in texts]
        smallest = max([_NARROWEST, *words])
        least.append(smallest)
        wish.append(max([smallest, *lines]))
    floor, want = sum(least), sum(wish)
    if floor >= total:  # not even the longest words fit: shrink the minimums alike
        widths = [total * w / floor for w in least]
    elif want <= total:  # everything fits on one line: share the room out alike
        widths = [total * w / want for w in wish]
    else:
        share = (total - floor) / (want - floor)
        widths = [lo + (hi - lo) * share for lo, hi in zip(least, wish, strict=True)]
    out = [int(w) for w in widths]
    out[-1] += total - sum(out)  # rounding: the last column takes the remainder
    return out


_AFTER_TBL_W = (
    "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
    "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange",
)  # fmt: skip


def set_widths(table: Table, widths: Sequence[int]) -> None:
    """Fixed column widths: grid columns (LibreOffice), every cell (Word), the table."""
    table.autofit = False
    tbl = table._tbl
    for grid_col, width in zip(tbl.tblGrid.gridCol_lst, widths, strict=False):
        grid_col.w = Emu(width)
    for tr in tbl.tr_lst:
        column = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc.width = Emu(sum(widths[column : column + span]))
            column += span
    tbl_w = tbl.tblPr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl.tblPr.insert_element_before(tbl_w, *_AFTER_TBL_W)
    tbl_w.set(qn("w:w"), str(Emu(sum(widths)).twips))
    tbl_w.set(qn("w:type"), "dxa")


def keep_together(row: _Row) -> None:
    """The row is not split across pages (w:cantSplit)."""
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:cantSplit")) is None:
        insert_ordered(tr_pr, "w:cantSplit", TR_PR_ORDER)


def repeat_as_header(row: _Row) -> None:
    """A header row: repeated at the top of every page, never split."""
    keep_together(row)
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:tblHeader")) is None:
        insert_ordered(tr_pr, "w:tblHeader", TR_PR_ORDER)
