"""Word revision marks (``w:ins`` / ``w:del``) that Word and LibreOffice can accept or
reject one by one.

Inserted and deleted runs carry no underline or strike-through of their own: Word and
LibreOffice draw revisions (underlined, struck through, in the author's colour), and a
formatting written into the run would stay after the revision is decided: accepting all
would leave every inserted figure underlined, rejecting all every restored word struck
through."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Protocol

from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .model import DELETE, INSERT, iso_utc, one_line
from .word import ITALIC, P_PR_ORDER, PLAIN, TR_PR_ORDER, Fmt, add_run, insert_ordered


class Flow(Protocol):
    """Where paragraphs go (the document body or a table cell; see engine.Flow)."""

    def paragraph(self, style: str | None = None) -> Paragraph: ...


class RevisionMarks:
    """Revision marks of one author at one moment, numbered uniquely in the document."""

    def __init__(self, document: DocxDocument, author: str, when: datetime) -> None:
        self.document = document
        self.author = one_line(author)[:255] or "-"
        self.date = iso_utc(when)
        self._ids = itertools.count(1)  # revision ids must be unique in the document

    def _revision(self, kind: str):
        element = OxmlElement("w:ins" if kind == INSERT else "w:del")
        element.set(qn("w:id"), str(next(self._ids)))
        element.set(qn("w:author"), self.author)
        element.set(qn("w:date"), self.date)
        return element

    def run(self, paragraph: Paragraph, text: str, fmt: Fmt = PLAIN, rev: str | None = None) -> Run:
        """Add a run; inside ``w:ins``/``w:del`` when ``rev`` is INSERT/DELETE."""
        run = add_run(paragraph, text, fmt, deleted=rev == DELETE)
        if rev in (INSERT, DELETE):
            wrapper = self._revision(rev)
            run._r.addprevious(wrapper)
            wrapper.append(run._r)
        return run

    def mark_paragraph(self, paragraph: Paragraph, rev: str | None) -> None:
        """Track the paragraph mark itself, so accepting/rejecting joins paragraphs."""
        if rev not in (INSERT, DELETE):
            return
        p_pr = paragraph._p.get_or_add_pPr()
        r_pr = p_pr.find(qn("w:rPr"))
        if r_pr is None:
            r_pr = insert_ordered(p_pr, "w:rPr", P_PR_ORDER)
        r_pr.insert(0, self._revision(rev))  # w:ins/w:del come first in a paragraph mark

    def mark_row(self, row: _Row, rev: str | None) -> None:
        if rev in (INSERT, DELETE):
            tag = "w:ins" if rev == INSERT else "w:del"
            insert_ordered(row._tr.get_or_add_trPr(), tag, TR_PR_ORDER, self._revision(rev))

    def label(self, flow: Flow, text: str) -> None:
        """An editorial note such as "(Mục mới)": italic and grey, never a revision."""
        add_run(flow.paragraph(), text, ITALIC, color="595959")
