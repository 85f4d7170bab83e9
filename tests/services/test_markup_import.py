"""A department's marked-up Word copy as its drafts: the round trip from the exported
edition, through Word-style markup, to draft suggestions, comments and replies."""

from __future__ import annotations

import pytest

from feedback.errors import Duplicate, InvalidInput, InvalidTransition, PermissionDenied
from feedback.extensions import db
from feedback.review import markup_import, services, visibility
from feedback.review.models import Comment, Suggestion

from ..review_helpers import open_round, sections
from ..wordcopies import WordCopy

A, B = "Nguyễn Văn A", "Trần Thị B"


def _edition_docx(client, auth, people, report) -> bytes:
    auth.login(people.drafter)
    response = client.get(f"/reports/{report.id}/editions/1/export.docx")
    assert response.status_code == 200
    auth.logout()
    return response.data


@pytest.fixture
def marked(client, auth, people, report):
    """The edition the round opened on, exported, then marked up by two Word authors."""
    round_ = open_round(people, report)
    copy = WordCopy(_edition_docx(client, auth, people, report))
    copy.replace("10,7%/năm", "10,9%/năm", A)  # in a paragraph
    copy.replace("Vượt", "Vượt xa", B)  # inside a table cell
    copy.delete_row("Cơ cấu kinh tế", A)  # a whole table row
    copy.insert_after("khai khoáng.", " Du lịch tăng mạnh.", A)
    copy.reformat("dịch vụ tăng 11,2%/năm", B)  # formatting only: listed, not imported
    first = copy.comment("cao hơn mục tiêu đề ra", A, "Đề nghị nêu rõ mục tiêu.")
    copy.comment("cao hơn mục tiêu đề ra", B, "Nhất trí, bổ sung số liệu.", reply_to=first)
    copy.replace("PHƯƠNG HƯỚNG", "ĐỊNH HƯỚNG", B)  # a heading: cannot be placed
    db.session.commit()
    return round_, copy.data()


def test_the_copy_becomes_the_departments_drafts(people, report, marked):
    round_, data = marked
    intro, table, economy = (sections(report)[i] for i in (0, 1, 2))
    batch, plan, _ = markup_import.import_markup(people.reviewer, round_, data, "ban-sua.docx")
    db.session.commit()

    suggestions = db.session.query(Suggestion).order_by(Suggestion.id).all()
    by = {(s.section_id, s.word_author): s for s in suggestions}
    assert set(by) == {(intro.id, A), (table.id, A), (table.id, B), (economy.id, A)}
    assert all(s.is_draft and s.department_id == people.department.id for s in suggestions)
    assert all(
        s.author_id == people.reviewer.id and s.markup_import_id == batch.id for s in by.values()
    )
    base = intro.current.text
    assert by[(intro.id, A)].text == base.replace("10,7%/năm", "10,9%/năm")
    table_text = table.current.text
    assert by[(table.id, B)].text == table_text.replace("| Vượt |", "| Vượt xa |")
    expected_a = "\n".join(line for line in table_text.split("\n") if "Cơ cấu kinh tế" not in line)
    assert by[(table.id, A)].text == expected_a
    assert by[(economy.id, A)].text == economy.current.text.replace(
        "khai khoáng.", "khai khoáng. Du lịch tăng mạnh."
    )
    # No suggestion for the formatting-only change; it is listed.
    assert plan.formatting == [(B, "dịch vụ tăng 11,2%/năm")]

    comment = db.session.query(Comment).filter(Comment.section_id.is_not(None)).one()
    assert comment.is_draft and comment.word_author == A
    assert comment.quote == "cao hơn mục tiêu đề ra" and comment.base_version == 1
    assert [(r.body, r.word_author, r.is_draft) for r in comment.replies] == [
        ("Nhất trí, bổ sung số liệu.", B, True)
    ]
    assert {(u.kind, u.text, u.reason) for u in plan.unplaced} >= {
        ("deletion", "PHƯƠNG HƯỚNG", "heading"),
        ("insertion", "ĐỊNH HƯỚNG", "heading"),
    }
    # Private to the department until submitted.
    other = visibility.department_drafts(report, people.other_department.id)
    assert other == ([], [])


def test_unplaced_items_become_report_comments_when_chosen(people, report, marked):
    round_, data = marked
    _, plan, made = markup_import.import_markup(
        people.lead, round_, data, "ban-sua.docx", unplaced_as_comments=[0]
    )
    db.session.commit()
    assert len(made) == 1 and made[0].section_id is None and made[0].is_draft
    assert plan.unplaced[0].text in made[0].body


def test_the_same_file_twice_is_refused_and_a_batch_goes_in_one_step(people, report, marked):
    round_, data = marked
    batch, _, _ = markup_import.import_markup(people.reviewer, round_, data, "ban-sua.docx")
    db.session.commit()
    with pytest.raises(Duplicate):
        markup_import.plan_markup(people.lead, round_, data, "lan-2.docx")
    with pytest.raises(PermissionDenied):
        markup_import.remove_import(people.other_lead, batch)
    markup_import.remove_import(people.reviewer, batch)
    db.session.commit()
    assert db.session.query(Suggestion).count() == 0
    assert db.session.query(Comment).count() == 0
    # Removed, the file may come in again.
    again, _, _ = markup_import.import_markup(people.reviewer, round_, data, "ban-sua.docx")
    db.session.commit()
    assert db.session.query(Suggestion).count() == 4


def test_a_batch_partly_submitted_is_not_removed(people, report, marked):
    from feedback.review import consultation

    round_, data = marked
    batch, _, _ = markup_import.import_markup(people.reviewer, round_, data, "ban-sua.docx")
    db.session.commit()
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    with pytest.raises(InvalidTransition):
        markup_import.remove_import(people.lead, batch)


def test_only_an_invited_department_member_imports(people, report, marked):
    round_, data = marked
    with pytest.raises(PermissionDenied):
        markup_import.plan_markup(people.drafter, round_, data, "x.docx")


def test_a_section_left_unchanged_gives_no_suggestion(client, auth, people, report):
    round_ = open_round(people, report)
    data = WordCopy(_edition_docx(client, auth, people, report)).data()
    plan = markup_import.plan_markup(people.reviewer, round_, data, "nguyen-ban.docx")
    assert plan.suggestions == [] and plan.comments == [] and plan.unplaced == []
    assert plan.with_provenance  # an export of draft no. 1 says what it was made from


def test_refused_files_store_nothing(people, report):
    round_ = open_round(people, report)
    for data in (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, b"%PDF-1.4", b"PK\x03\x04xx"):
        with pytest.raises(InvalidInput):
            markup_import.import_markup(people.reviewer, round_, data, "x.docx")
    db.session.rollback()
    assert db.session.query(Suggestion).count() == 0
    assert services  # the same services make the drafts
