"""The round trip on the demo: draft no. 1 exported from the app as .docx, marked up the
way Word does by two people of one department, imported: the suggestions reproduce
exactly the marked changes, the comments sit on the commented passages."""

from __future__ import annotations

from sqlalchemy import select

from feedback import demo
from feedback.auth.models import User
from feedback.extensions import db
from feedback.reports import queries as outline
from feedback.reports.models import Report
from feedback.review import markup_import, rounds
from feedback.review.models import Comment, Suggestion

from ..wordcopies import WordCopy

A, B = "Phạm Văn Hùng", "Lê Thị Mai"
# (heading of the section, text to replace, its replacement, Word author)
EDITS = [
    ("Kết quả thực hiện các chỉ tiêu chủ yếu", "48,5", "48,2", A),  # a figure in the table
    ("Kết quả thực hiện các chỉ tiêu chủ yếu", "Không đạt", "Chưa đạt", B),  # the first such cell
    (
        "Phát triển kinh tế, chuyển dịch cơ cấu kinh tế",
        "du lịch là điểm sáng",
        "du lịch là điểm sáng nổi bật",
        A,
    ),  # a list item
    ("Bài học kinh nghiệm", "bốn là, đổi mới tư duy, ", "", B),  # a deletion
]


def test_the_demo_edition_marked_up_in_word_comes_back_as_exactly_those_changes(app, client, auth):
    demo.load()
    db.session.commit()
    auth.login("tosoanthao", demo.DEMO_PASSWORD)
    report_id = db.session.scalar(select(Report.id))
    exported = client.get(f"/reports/{report_id}/editions/1/export.docx")
    assert exported.status_code == 200
    auth.logout()

    word = WordCopy(exported.data)
    for _heading, old, new, author in EDITS:
        word.replace(old, new, author)
    first = word.comment("ước đạt 286 nghìn tỷ đồng", A, "Đề nghị tách vốn ngân sách.")
    word.comment("ước đạt 286 nghìn tỷ đồng", B, "Sở Kế hoạch đã có số liệu.", reply_to=first)
    word.replace("Bài học kinh nghiệm", "Bài học", A)  # a heading: listed, not placed

    uploader = db.session.scalar(select(User).where(User.username == "sxd.canbo"))
    report = db.session.get(Report, report_id)
    round_ = rounds.find_open_round(report.id)
    sections = {e.version.heading: e.section for e in outline.outline(report)}
    before = {s.id: s.current.text for s in sections.values()}
    _batch, plan, _ = markup_import.import_markup(uploader, round_, word.data(), "demo-sua.docx")
    db.session.commit()

    expected: dict[tuple[int, str], str] = {}
    for heading, old, new, author in EDITS:
        sid = sections[heading].id
        text = expected.get((sid, author), before[sid])
        expected[(sid, author)] = text.replace(old, new, 1)
    made = db.session.scalars(
        select(Suggestion).where(Suggestion.author_id == uploader.id, Suggestion.is_draft)
    ).all()
    assert {(s.section_id, s.word_author): s.text for s in made} == expected
    assert all(s.base_version == 1 for s in made)

    comment = db.session.scalars(
        select(Comment).where(Comment.author_id == uploader.id, Comment.word_author == A)
    ).one()
    assert (
        comment.section_id == sections["Huy động nguồn lực đầu tư, phát triển kết cấu hạ tầng"].id
    )
    assert comment.quote == "ước đạt 286 nghìn tỷ đồng"
    assert [(r.body, r.word_author) for r in comment.replies] == [("Sở Kế hoạch đã có số liệu.", B)]
    assert {(u.text, u.reason) for u in plan.unplaced} == {
        ("Bài học kinh nghiệm", "heading"),
        ("Bài học", "heading"),
    }
