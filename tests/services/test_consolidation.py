"""Editions, their comparison, and the consolidation table."""

from datetime import date

import pytest

from feedback.consolidation import dispositions, queries, services
from feedback.errors import InvalidTransition, PermissionDenied
from feedback.extensions import db
from feedback.reports import queries as report_queries
from feedback.reports import services as report_services
from feedback.review import consultation, decisions
from feedback.review import services as review_services

from .. import factories
from ..review_helpers import open_round, section


def test_edition_snapshots_every_section_version(people, report):
    first = services.issue_edition(people.drafter, report, note="Dự thảo gửi xin ý kiến")
    db.session.commit()
    report_services.save_section(
        people.drafter, section(report), text="Sửa sau dự thảo 1.", base_version=1
    )
    second = services.issue_edition(people.drafter, report)
    db.session.commit()
    assert (first.number, second.number) == (1, 2)
    assert [(e.number, e.version.number) for e in queries.entries(first)][0] == ("I", 1)
    assert [(e.number, e.version.number) for e in queries.entries(second)][0] == ("I", 2)
    assert queries.entries(first)[0].text != "Sửa sau dự thảo 1."
    first.sections[0].version = 9
    with pytest.raises(RuntimeError):
        db.session.flush()
    db.session.rollback()


def test_only_the_chair_approves_and_submits(people, report):
    edition = services.issue_edition(people.drafter, report)
    for role in ("drafter", "admin", "lead"):
        with pytest.raises(PermissionDenied):
            services.approve_edition(getattr(people, role), edition)
    with pytest.raises(InvalidTransition):
        services.submit_edition(people.chair, edition)
    services.approve_edition(people.chair, edition)
    with pytest.raises(InvalidTransition):
        services.approve_edition(people.chair, edition)
    services.submit_edition(people.chair, edition)
    assert (edition.status, report.status) == ("submitted", "submitted")
    with pytest.raises(PermissionDenied):
        services.issue_edition(people.chair, report)


def test_compare_shows_added_removed_moved_renamed_and_changed(people, report):
    old = services.issue_edition(people.drafter, report)
    db.session.commit()
    sections = [e.section for e in report_queries.outline(report)]
    report_services.save_section(
        people.drafter, sections[1], text=sections[1].current.text + "\n\nBổ sung.", base_version=1
    )
    report_services.save_section(
        people.drafter,
        sections[2],
        text=sections[2].current.text,
        heading="Kinh tế và đầu tư",
        base_version=1,
    )
    report_services.move_section(people.drafter, sections[3], "up")
    report_services.delete_section(people.drafter, sections[2])
    added = report_services.add_section(
        people.drafter, report, heading="Kết luận", text="Nội dung mới."
    )
    db.session.commit()
    changes = queries.compare(queries.entries(old), queries.current_entries(report))
    by_id = {c.section_id: c for c in changes}
    assert by_id[sections[1].id].status == "changed" and by_id[sections[1].id].ops
    assert by_id[sections[2].id].status == "removed"
    assert by_id[added.id].status == "added"
    assert by_id[sections[3].id].moved
    assert by_id[sections[0].id].status == "same" and not by_id[sections[0].id].moved
    # renamed: compare the edition before the deletion with one after the rename
    report_services.restore_section(people.drafter, sections[2])
    db.session.commit()
    renamed = queries.compare(queries.entries(old), queries.current_entries(report))
    assert next(c for c in renamed if c.section_id == sections[2].id).renamed


def test_consolidation_table(people, report):
    third = factories.department("SXD", "Sở Xây dựng")
    fourth = factories.department("SYT", "Sở Y tế")
    third_lead = factories.user("lead", third)
    db.session.commit()
    round_ = open_round(people, report, codes=["STC", "SCT", "SXD", "SYT"])
    c1 = review_services.add_report_comment(people.reviewer, report, body="Bố cục chưa hợp lý.")
    c2 = review_services.add_comment(
        people.reviewer, section(report, 2), body="Rà soát số liệu.", quote="dịch vụ tăng 11,2%/năm"
    )
    s1 = review_services.add_suggestion(
        people.reviewer,
        section(report, 2),
        base_version=1,
        text=section(report, 2).current.text.replace("11,2", "11,5"),
    )
    consultation.submit_response(
        people.lead, round_, dispatch_number="123/STC-KH", dispatch_date=date(2019, 12, 10)
    )
    consultation.submit_response(third_lead, round_, no_comments=True)
    db.session.commit()
    decisions.accept_suggestion(people.drafter, s1)
    db.session.commit()
    decisions.resolve_comment(
        people.drafter, c2, disposition="explained", response="Số liệu đã khớp Cục Thống kê."
    )
    consultation.close_round(people.drafter, round_)
    db.session.commit()
    table = dispositions.build(report)
    p = table.preamble
    assert [d.code for d in p.consulted] == ["SCT", "STC", "SXD", "SYT"]
    assert [d.code for d, _subs in p.received] == ["STC", "SXD"]
    assert [d.code for d in p.agreed] == ["SXD"]
    assert [d.code for d in p.deemed] == ["SCT", "SYT"] and fourth.code == "SYT"
    assert [d.code for d in p.commented] == ["STC"]
    text = " ".join(p.sentences())
    assert "123/STC-KH" in text and "10/12/2019" in text
    assert [(r.kind, r.item.id) for r in table.rows] == [
        ("comment", c1.id),
        ("comment", c2.id),
        ("suggestion", s1.id),
    ]
    general, commented, suggested = table.rows
    assert general.group_key == (0, 0) and commented.group.startswith("I.2.")
    assert (
        commented.decision_code == "explained"
        and commented.response == "Số liệu đã khớp Cục Thống kê."
    )
    assert suggested.decision_code == "accepted" and suggested.link == (s1.section_id, 1, 2)
    assert general.dispatch.startswith(
        ("dispatch no. 123/STC-KH", "công văn số 123/STC-KH", "Công văn số 123/STC-KH")
    )
