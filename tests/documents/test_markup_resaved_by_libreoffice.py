"""A department that marks up its copy and saves it in LibreOffice: the exported edition,
marked up the way Word writes it (two authors, a table cell, a deleted row, comments
with a reply), then opened and saved again by LibreOffice (7.4 here), gives the drafts
the Word file gives; only the reply's link is lost, not the reply."""

from __future__ import annotations

import io
import re
import zipfile

from feedback.extensions import db
from feedback.review import markup_import

from ..review_helpers import open_round
from ..services.test_markup_import import _edition_docx
from ..wordcopies import WordCopy
from . import libreoffice

A, B = "Nguyễn Văn A", "Trần Thị B"


def _drafts(plan) -> tuple[set, list]:
    suggestions = {(p.section.id, p.word_author, p.text) for p in plan.suggestions}
    comments = [
        (
            c.section.id,
            c.comment.quote,
            c.anchored,
            c.comment.author,
            c.comment.text,
            [(r.author, r.text) for r in c.comment.replies],
        )
        for c in plan.comments
    ]
    return suggestions, comments


def test_a_copy_resaved_by_libreoffice_gives_the_same_drafts(
    client, auth, people, report, tmp_path
):
    round_ = open_round(people, report)
    copy = WordCopy(_edition_docx(client, auth, people, report))
    copy.replace("10,7%/năm", "10,9%/năm", A)
    copy.replace("Vượt", "Vượt xa", B)  # inside a table cell
    copy.delete_row("Cơ cấu kinh tế", A)
    copy.insert_after("khai khoáng.", " Du lịch tăng mạnh.", A)
    first = copy.comment("cao hơn mục tiêu đề ra", A, "Đề nghị nêu rõ mục tiêu.")
    copy.comment("cao hơn mục tiêu đề ra", B, "Nhất trí, bổ sung số liệu.", reply_to=first)
    db.session.commit()
    word = copy.data()
    source = tmp_path / "ban-sua.docx"
    source.write_bytes(word)
    (resaved,) = libreoffice.convert([source], "docx", tmp_path / "lo")

    from_word = markup_import.plan_markup(people.reviewer, round_, word, "ban-sua.docx")
    data = resaved.read_bytes()
    from_lo = markup_import.plan_markup(people.reviewer, round_, data, "ban-sua.docx")
    assert from_lo.with_provenance  # LibreOffice keeps the property and the bookmarks
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        written = package.read("word/document.xml").decode()
    assert re.search(r"<w:trPr><w:del [^>]*/>", written)  # the row, as LibreOffice writes it
    assert "commentsExtended" not in " ".join(package.namelist())
    assert len(from_word.suggestions) == 4 and len(from_word.comments) == 1
    suggestions, comments = _drafts(from_lo)
    assert suggestions == _drafts(from_word)[0]
    assert from_lo.unplaced == from_word.unplaced == []
    # LibreOffice 7.4 writes no commentsExtended.xml and gives a Word reply a range of its
    # own over the same passage: it comes in as a second comment there, its author kept.
    (section, quote, anchored, author, text, replies) = _drafts(from_word)[1][0]
    assert replies == [(B, "Nhất trí, bổ sung số liệu.")]
    assert sorted(comments) == [
        (section, quote, anchored, author, text, []),
        (section, quote, anchored, B, "Nhất trí, bổ sung số liệu.", []),
    ]
