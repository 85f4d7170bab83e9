"""Comments on a passage selected on the rendered page: anchored in the stored Markdown
through the offset map, shown as the reader saw it, highlighted where it now is."""

from __future__ import annotations

import pytest

from feedback import markup
from feedback.errors import InvalidInput
from feedback.extensions import db
from feedback.reports import services as report_services
from feedback.review import anchors, services
from feedback.richtext.offsets import text_map

from ..review_helpers import open_round, section

TEXT = (
    "Thu ngân sách nhà nước trên địa bàn ước đạt **48,5** nghìn tỷ đồng, theo "
    "[báo cáo của Sở Tài chính](https://stc.example.gov.vn/bao-cao).\n\n"
    "| STT | Chỉ tiêu | Mục tiêu | Ước thực hiện 2020 |\n"
    "| ---: | --- | --- | --- |\n"
    "| 5 | Thu ngân sách (nghìn tỷ đồng) | 40 | 48,5 |\n"
    "| 6 | Tổng vốn đầu tư (nghìn tỷ đồng) | 250 | 286 |"
)


@pytest.fixture
def figures(people, report):
    target = section(report)
    report_services.save_section(people.drafter, target, text=TEXT, base_version=1)
    open_round(people, report)
    db.session.commit()
    return target


def _passage(phrase: str, occurrence: int = 0) -> tuple[int, int]:
    rendered = text_map(TEXT, markup.render).rendered
    start = -1
    for _ in range(occurrence + 1):
        start = rendered.index(phrase, start + 1)
    return start, start + len(phrase)


def test_a_selection_over_bold_text_is_anchored_in_the_stored_markdown(people, figures):
    comment = services.add_comment(
        people.reviewer,
        figures,
        body="Đề nghị cập nhật số thu ngân sách theo quyết toán.",
        kind="figures",
        quote="ước đạt 48,5 nghìn tỷ",
        passage=_passage("ước đạt 48,5 nghìn tỷ"),
    )
    assert comment.quote == "ước đạt **48,5** nghìn tỷ"
    assert TEXT[comment.quote_start :].startswith(comment.quote)
    assert comment.quote_shown == "ước đạt 48,5 nghìn tỷ"
    assert comment.base_version == 2


def test_a_selection_of_a_link_and_of_table_cells(people, figures):
    link = services.add_comment(
        people.reviewer,
        figures,
        body="Dẫn nguồn đầy đủ số hiệu văn bản.",
        quote="báo cáo của Sở Tài chính",
        passage=_passage("báo cáo của Sở Tài chính"),
    )
    assert link.quote == "[báo cáo của Sở Tài chính](https://stc.example.gov.vn/bao-cao)"
    assert link.quote_shown == "báo cáo của Sở Tài chính"
    # "40" and "48,5" of row 5: two cells, the row's line in the stored text.
    start, _ = _passage("40")
    _, end = _passage("48,5", occurrence=1)
    cells = services.add_comment(
        people.reviewer,
        figures,
        body="Chỉ tiêu thu ngân sách vượt kế hoạch cần giải thích.",
        quote=text_map(TEXT, markup.render).rendered[start:end],
        passage=(start, end),
    )
    assert cells.quote == "40 | 48,5"
    assert TEXT[cells.quote_start - 34 : cells.quote_start] == "| Thu ngân sách (nghìn tỷ đồng) | "
    assert cells.quote_shown == "40 48,5"


def test_a_selection_the_page_did_not_show_is_refused(people, figures):
    with pytest.raises(InvalidInput) as refused:
        services.add_comment(
            people.reviewer,
            figures,
            body="Số liệu chưa khớp.",
            quote="một đoạn khác hẳn",
            passage=_passage("48,5"),
        )
    assert refused.value.details == {"field": "quote"}
    for passage in ((-1, 3), (5, 5), (0, 10**6)):
        with pytest.raises(InvalidInput):
            services.add_comment(people.reviewer, figures, body="Số liệu.", passage=passage)


def test_a_quote_typed_by_hand_is_shown_without_markdown(people, figures):
    comment = services.add_comment(
        people.reviewer, figures, body="Rà soát lại.", quote="**48,5** nghìn tỷ đồng"
    )
    assert comment.quote == "**48,5** nghìn tỷ đồng"
    assert comment.quote_shown == "48,5 nghìn tỷ đồng"


def test_the_passage_is_highlighted_where_it_now_is(people, figures):
    comment = services.add_comment(
        people.reviewer,
        figures,
        body="Số thu ngân sách cần cập nhật.",
        quote="48,5 nghìn tỷ",
        passage=_passage("48,5 nghìn tỷ"),
    )
    db.session.commit()
    here = anchors.passage(comment, figures.current.text, figures.current_version)
    rendered = text_map(TEXT, markup.render).rendered
    assert here.status == "exact"
    assert rendered[here.rendered[0] : here.rendered[1]] == "48,5 nghìn tỷ"
    # A paragraph added above: the passage follows the text.
    moved_text = "Bối cảnh kinh tế năm 2020 có nhiều khó khăn.\n\n" + TEXT
    report_services.save_section(people.drafter, figures, text=moved_text, base_version=2)
    moved = anchors.passage(comment, figures.current.text, figures.current_version)
    shown = text_map(figures.current.text, markup.render).rendered
    assert shown[moved.rendered[0] : moved.rendered[1]] == "48,5 nghìn tỷ"
    # Rewritten: no highlight, the comment keeps its original quote.
    report_services.save_section(
        people.drafter, figures, text="Đoạn văn đã viết lại hoàn toàn.", base_version=3
    )
    gone = anchors.passage(comment, figures.current.text, figures.current_version)
    assert gone.status == "not_found" and gone.rendered is None
    assert comment.quote_shown == "48,5 nghìn tỷ"
