"""Report use cases: import, versions, stale saves, structure changes."""

import unicodedata

import pytest
from sqlalchemy import func, select

from feedback.errors import InvalidInput, InvalidTransition, PermissionDenied, StaleVersion
from feedback.extensions import db
from feedback.reports import queries, services
from feedback.reports.models import SectionVersion

from .. import factories


def _entries(report):
    return [(e.number, e.version.heading) for e in queries.outline(report)]


def test_import_builds_nested_numbered_sections(people):
    report = factories.report(people.drafter)
    assert report.title == "Báo cáo kết quả thực hiện Nghị quyết nhiệm kỳ 2015 – 2020"
    assert _entries(report) == [
        ("I", "ĐÁNH GIÁ KẾT QUẢ"),
        ("I.1", "Các chỉ tiêu chủ yếu"),
        ("I.2", "Kinh tế"),
        ("II", "PHƯƠNG HƯỚNG 2020 – 2025"),
    ]
    table_section = queries.outline(report)[1]
    assert "| 2 | Cơ cấu kinh tế | Không đạt |" in table_section.version.text
    assert table_section.version.number == 1 and table_section.version.kind == "import"


def test_import_stores_nfc_text(people):
    nfd = unicodedata.normalize("NFD", "# Một\n\nTăng trưởng kinh tế được duy trì.\n\n# Hai\n\nx\n")
    report = services.import_report(people.drafter, title="Thử NFD", markdown=nfd)
    text = queries.outline(report)[0].version.text
    assert unicodedata.is_normalized("NFC", text)
    assert text == "Tăng trưởng kinh tế được duy trì."


@pytest.mark.parametrize("role", ["admin", "chair", "lead", "reviewer"])
def test_only_the_drafting_team_imports(people, role):
    with pytest.raises(PermissionDenied):
        services.import_report(getattr(people, role), title="x", markdown="# A\n\nb")


def test_empty_document_is_refused(people):
    with pytest.raises(InvalidInput):
        services.import_report(people.drafter, title="Trống", markdown="   \n")


def test_save_makes_a_new_immutable_version(report, people):
    section = queries.outline(report)[0].section
    v2 = services.save_section(
        people.drafter,
        section,
        text="Tăng trưởng đạt 10,8%/năm.",
        base_version=1,
        reason="Số liệu mới",
    )
    db.session.commit()
    assert (v2.number, v2.reason_code, v2.reason_params, v2.author_id) == (
        2,
        "custom",
        {"text": "Số liệu mới"},
        people.drafter.id,
    )
    assert section.current_version == 2
    first = queries.get_version(section, 1)
    first.text = "sửa lén"
    with pytest.raises(RuntimeError, match="immutable"):
        db.session.flush()
    db.session.rollback()


def test_stale_save_is_refused_and_names_the_current_version(report, people):
    section = queries.outline(report)[0].section
    services.save_section(people.drafter, section, text="Bản của người thứ nhất.", base_version=1)
    db.session.commit()
    with pytest.raises(StaleVersion) as caught:
        services.save_section(
            people.drafter, section, text="Bản của người thứ hai.", base_version=1
        )
    assert caught.value.details["current_version"] == 2
    db.session.rollback()
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(SectionVersion)
            .where(SectionVersion.section_id == section.id)
        )
        == 2
    )


def test_double_submitted_save_makes_one_version(report, people):
    section = queries.outline(report)[0].section
    first = services.save_section(
        people.drafter, section, text="Cùng một nội dung.", base_version=1
    )
    db.session.commit()
    again = services.save_section(
        people.drafter, section, text="Cùng một nội dung.", base_version=1
    )
    assert again.id == first.id
    assert section.current_version == 2


def test_saving_nothing_new_is_refused(report, people):
    entry = queries.outline(report)[0]
    with pytest.raises(InvalidInput):
        services.save_section(
            people.drafter, entry.section, text=entry.version.text, base_version=1
        )


def test_rename_is_a_version_of_its_own(report, people):
    entry = queries.outline(report)[0]
    version = services.save_section(
        people.drafter,
        entry.section,
        text=entry.version.text,
        base_version=1,
        heading="ĐÁNH GIÁ CHUNG",
    )
    assert (version.kind, version.heading) == ("rename", "ĐÁNH GIÁ CHUNG")


def test_restore_is_a_new_version_equal_to_the_old_one(report, people):
    section = queries.outline(report)[0].section
    original = section.current.text
    services.save_section(people.drafter, section, text="Thay đổi.", base_version=1)
    version = services.restore_version(people.drafter, section, number=1, base_version=2)
    assert (version.number, version.text, version.kind) == (3, original, "restore")
    with pytest.raises(StaleVersion):
        services.restore_version(people.drafter, section, number=2, base_version=2)


def test_add_section_after_another_renumbers(report, people):
    first = queries.outline(report)[0].section
    services.add_section(
        people.drafter, report, heading="Bối cảnh", text="Bối cảnh chung.", parent=first, after=None
    )
    services.add_section(people.drafter, report, heading="Đánh giá chung", parent=None, after=first)
    assert _entries(report) == [
        ("I", "ĐÁNH GIÁ KẾT QUẢ"),
        ("I.1", "Các chỉ tiêu chủ yếu"),
        ("I.2", "Kinh tế"),
        ("I.3", "Bối cảnh"),
        ("II", "Đánh giá chung"),
        ("III", "PHƯƠNG HƯỚNG 2020 – 2025"),
    ]


def test_sections_nest_at_most_three_levels(report, people):
    level2 = queries.outline(report)[1].section
    level3 = services.add_section(people.drafter, report, heading="Cấp ba", parent=level2)
    with pytest.raises(InvalidInput):
        services.add_section(people.drafter, report, heading="Cấp bốn", parent=level3)


def test_move_and_delete_keep_history(report, people):
    entries = queries.outline(report)
    kinh_te = entries[2].section
    services.move_section(people.drafter, kinh_te, "up")
    assert [h for _, h in _entries(report)][1:3] == ["Kinh tế", "Các chỉ tiêu chủ yếu"]
    with pytest.raises(InvalidTransition):
        services.move_section(people.drafter, kinh_te, "up")
    top = entries[0].section
    deleted = services.delete_section(people.drafter, top)
    assert len(deleted) == 3
    assert _entries(report) == [("I", "PHƯƠNG HƯỚNG 2020 – 2025")]
    assert queries.versions(kinh_te)  # history still readable
    services.restore_section(people.drafter, top)
    assert _entries(report)[-1] == ("II", "ĐÁNH GIÁ KẾT QUẢ")


def test_deleted_section_cannot_be_edited(report, people):
    section = queries.outline(report)[-1].section
    services.delete_section(people.drafter, section)
    with pytest.raises(PermissionDenied):
        services.save_section(people.drafter, section, text="x", base_version=1)


def test_every_stored_text_is_in_the_one_canonical_form(report, people):
    """Whoever writes a section (a save, a suggestion, an import), the text is stored
    canonical: padded pipe tables, NFD letters and "*" bullets come out the same."""
    from feedback.richtext.blocks import canonical

    section = queries.outline(report)[0].section
    typed = unicodedata.normalize(
        "NFD",
        "Số liệu  \n\n|  Chỉ tiêu   | Kết quả |\n|:---|---:|\n| GRDP    |  10,7 |\n\n* Đạt\n* Vượt\n",
    )
    version = services.save_section(people.drafter, section, text=typed, base_version=1)
    assert version.text == canonical(typed)
    assert "| Chỉ tiêu | Kết quả |" in version.text and "- Đạt" in version.text
    assert unicodedata.is_normalized("NFC", version.text)
    with pytest.raises(InvalidInput):  # the stored form is stable: the same text again is no change
        services.save_section(people.drafter, section, text=typed, base_version=2)
    imported = services.import_report(people.drafter, title="Mới", markdown=f"# A\n\n{typed}")
    assert queries.outline(imported)[0].version.text == canonical(typed)
