"""Marked-up copies written by LibreOffice (a second producer of OOXML besides our own
writer; tests/fixtures/docx/make.sh): their tracked changes by two authors, also inside
a table cell and as whole paragraphs inserted or deleted, and their comments with a
reply, become the department's drafts as they do from Word."""

from __future__ import annotations

from pathlib import Path

from feedback.extensions import db
from feedback.review import markup_import
from feedback.review.models import Comment, Suggestion

from .. import factories
from ..review_helpers import open_round, sections

FIXTURES = Path(__file__).parent.parent / "fixtures" / "docx"
FINANCE, PLANNING = "Sở Tài chính", "Sở Kế hoạch và Đầu tư"  # the Word authors

CHANGES_MD = """# Báo cáo kết quả thực hiện Nghị quyết

## I. ĐÁNH GIÁ KẾT QUẢ

Tốc độ tăng trưởng GRDP bình quân đạt 10,7%/năm.

| STT | Chỉ tiêu | Kết quả |
| --- | --- | --- |
| 1 | Tăng trưởng GRDP | Vượt |
| 2 | Thu ngân sách | Đạt |

## II. PHƯƠNG HƯỚNG

Phát triển nhanh và bền vững.

Lấy đổi mới sáng tạo làm động lực.

Tập trung ba đột phá chiến lược.
"""

COMMENTS_MD = """# Báo cáo tình hình ngân sách

## I. THU NGÂN SÁCH

Thu ngân sách đạt 48 nghìn tỷ đồng, vượt dự toán.

## II. CHI NGÂN SÁCH

Chi đầu tư phát triển tăng 12%.
"""


def _round(people, markdown: str):
    report = factories.report(people.drafter, markdown)
    db.session.commit()
    return report, open_round(people, report)


def test_libreoffice_tracked_changes_become_one_suggestion_per_section_and_author(people):
    report, round_ = _round(people, CHANGES_MD)
    results, outlook = sections(report)
    data = (FIXTURES / "lo_tracked_changes.docx").read_bytes()

    plan = markup_import.plan_markup(people.reviewer, round_, data, "lo_tracked_changes.docx")
    assert not plan.with_provenance and plan.unplaced == [] and plan.formatting == []
    proposed = {(p.section.id, p.word_author): p.text for p in plan.suggestions}
    figures, outline = results.current.text, outlook.current.text
    assert proposed == {
        # a figure replaced in a paragraph (a deletion and an insertion by one author)
        (results.id, FINANCE): figures.replace("10,7%/năm", "10,9%/năm"),
        # a figure replaced inside a table cell
        (results.id, PLANNING): figures.replace(
            "| 2 | Thu ngân sách | Đạt |", "| 2 | Thu ngân sách | Vượt |"
        ),
        # a whole paragraph inserted (LibreOffice marks the paragraph mark before it)
        (outlook.id, FINANCE): outline.replace(
            "bền vững.\n\n", "bền vững.\n\nGiữ vững quốc phòng, an ninh.\n\n"
        ),
        # words inserted mid-sentence (no stray space left where they were), and a whole
        # paragraph deleted (LibreOffice marks the paragraph mark before it)
        (outlook.id, PLANNING): outline.replace(
            "động lực.", "động lực và hội nhập quốc tế."
        ).replace("\n\nTập trung ba đột phá chiến lược.", ""),
    }

    markup_import.import_markup(people.reviewer, round_, data, "lo_tracked_changes.docx")
    db.session.commit()
    stored = {(s.section_id, s.word_author): s.text for s in db.session.query(Suggestion)}
    assert stored == proposed
    assert all(s.is_draft for s in db.session.query(Suggestion))


def test_libreoffice_comments_and_a_reply_are_anchored_with_their_authors(people):
    report, round_ = _round(people, COMMENTS_MD)
    revenue, spending = sections(report)
    data = (FIXTURES / "lo_comments.docx").read_bytes()

    plan = markup_import.plan_markup(people.reviewer, round_, data, "lo_comments.docx")
    assert plan.suggestions == [] and plan.unplaced == []
    assert [(c.section.id, c.comment.quote, c.anchored, c.shown) for c in plan.comments] == [
        (revenue.id, "đạt 48 nghìn tỷ đồng", True, "đạt 48 nghìn tỷ đồng"),
        (spending.id, "tăng 12%", True, "tăng 12%"),
    ]

    markup_import.import_markup(people.reviewer, round_, data, "lo_comments.docx")
    db.session.commit()
    made = db.session.query(Comment).filter(Comment.section_id.is_not(None)).order_by(Comment.id)
    assert [(c.section_id, c.quote, c.body, c.word_author, c.author_id) for c in made] == [
        (
            revenue.id,
            "đạt 48 nghìn tỷ đồng",
            "Đề nghị cập nhật số liệu quý IV.",
            "Nguyễn Văn An",
            people.reviewer.id,
        ),
        (spending.id, "tăng 12%", "Tăng so với năm nào?", "Trần Thị Bình", people.reviewer.id),
    ]
    # LibreOffice 7.4 writes a reply as a comment on no range right after the one it
    # answers (no commentsExtended.xml): it is a reply, with its author kept.
    first, second = made
    assert first.replies == []
    assert [(r.body, r.word_author, r.is_draft) for r in second.replies] == [
        ("So với năm 2023.", "Nguyễn Văn An", True)
    ]
