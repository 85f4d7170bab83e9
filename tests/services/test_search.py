"""Search: folded Vietnamese on both databases, document order, visibility (issue 13)."""

import unicodedata

import pytest

from feedback.extensions import db
from feedback.folding import fold
from feedback.reports import services as report_services
from feedback.review import consultation, services
from feedback.search import indexing, queries
from feedback.search.queries import Filters

from ..review_helpers import open_round, section

TEXT = (
    "Đường cao tốc Vân Đồn – Móng Cái hoàn thành, tổng vốn 11.000 tỷ đồng.\n\n"
    "Các sở, ngành rà soát số liệu thuộc lĩnh vực phụ trách."
)


def test_fold_is_one_function_for_text_and_query():
    assert fold("Đường Số LIỆU đồng") == "duong so lieu dong"
    assert fold(unicodedata.normalize("NFD", "Đường số liệu")) == "duong so lieu"
    assert fold("  Ủy   ban\n nhân dân ") == " uy ban nhan dan "


@pytest.fixture
def world(people, report):
    target = section(report, 2)
    report_services.save_section(people.drafter, target, text=TEXT, base_version=1)
    round_ = open_round(people, report)
    public = services.add_comment(people.reviewer, target, body="Đề nghị bổ sung nguồn số liệu.")
    consultation.submit_response(people.lead, round_)
    draft = services.add_comment(people.other_reviewer, target, body="Nháp: đường tỉnh 18 chậm.")
    draft_reply = services.add_reply(people.other_reviewer, draft, body="Bổ sung đường tỉnh 18.")
    db.session.commit()
    return target, public, draft, draft_reply


def _found(user, report, query, **filters):
    return [(h.type, h.id) for h in queries.search(user, report, query, Filters(**filters)).hits]


def test_words_without_diacritics_find_the_vietnamese_text(people, report, world):
    target, public, _draft, _reply = world
    assert ("section", target.id) in _found(people.drafter, report, "so lieu")
    assert ("comment", public.id) in _found(people.drafter, report, "so lieu")
    assert ("section", target.id) in _found(people.drafter, report, "duong cao toc")
    assert ("section", target.id) in _found(people.drafter, report, "ty dong")
    nfd = unicodedata.normalize("NFD", "Vân Đồn")
    assert ("section", target.id) in _found(people.drafter, report, nfd)
    assert _found(people.drafter, report, "khong co o dau ca") == []


def test_the_snippet_marks_the_match_in_the_original_text(people, report, world):
    target, *_ = world
    hit = next(
        h for h in queries.search(people.drafter, report, "so lieu").hits if h.id == target.id
    )
    start, end = hit.match
    assert hit.snippet[start:end] == "số liệu"


def test_another_departments_drafts_and_their_replies_are_not_found(people, report, world):
    _target, _public, draft, draft_reply = world
    for user in (people.drafter, people.chair, people.reviewer, people.lead):
        found = _found(user, report, "duong tinh 18")
        assert ("comment", draft.id) not in found and ("reply", draft_reply.id) not in found
    own = _found(people.other_lead, report, "duong tinh 18")
    assert ("comment", draft.id) in own and ("reply", draft_reply.id) in own


def test_a_section_is_found_by_its_number(people, report, world):
    target, *_ = world
    number = next(
        e.number for e in report_services.queries.outline(report) if e.section.id == target.id
    )
    assert _found(people.reviewer, report, number)[0] == ("section", target.id)


def test_results_come_in_document_order_and_page(people, report, world):
    hits = queries.search(people.drafter, report, "t", limit=2)
    assert len(hits.hits) == 2 and hits.next_cursor == "2" and hits.total > 2
    rest = queries.search(people.drafter, report, "t", limit=50, cursor=2)
    all_hits = hits.hits + rest.hits
    order = {e.section.id: i for i, e in enumerate(report_services.queries.outline(report))}
    keys = [-1 if h.section_id is None else order[h.section_id] for h in all_hits]
    assert keys == sorted(keys)


def test_filters(people, report, world):
    target, public, *_ = world
    assert _found(people.drafter, report, "so lieu", type="comment") == [("comment", public.id)]
    assert _found(people.drafter, report, "so lieu", department_id=people.department.id) == [
        ("comment", public.id)
    ]
    assert _found(people.drafter, report, "so lieu", status="withdrawn") == []


def test_the_index_follows_every_write(people, report, world):
    target, public, *_ = world
    services.withdraw_comment(people.lead, public)
    db.session.commit()
    report_services.save_section(
        people.drafter, target, text="Cầu Bạch Đằng đã thông xe.", base_version=2
    )
    db.session.commit()
    assert ("section", target.id) not in _found(people.drafter, report, "cao toc")
    assert ("section", target.id) in _found(people.drafter, report, "bach dang")
    assert indexing.reindex_all() > 0
    db.session.commit()
    assert ("section", target.id) in _found(people.drafter, report, "bach dang")
