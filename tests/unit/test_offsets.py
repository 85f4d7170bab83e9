"""The offset map between what a reader sees of a section and its stored Markdown
(feedback/richtext/offsets.py): a selection on the rendered page becomes the right quote
and offset in the stored text, and an anchor becomes the passage to highlight."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedback import markup
from feedback.reports.importer import parse as parse_report
from feedback.richtext.blocks import canonical
from feedback.richtext.offsets import text_content, text_map

DEMO = Path(__file__).resolve().parents[2] / "feedback" / "demo_report.md"

FIGURES = canonical(
    "Thu ngân sách đạt **48,5** nghìn tỷ đồng, theo [báo cáo của Sở Tài chính]"
    "(https://stc.example.gov.vn/bao-cao?nam=2020) và A &amp; B, a\\*b."
)
TABLE = canonical(
    "| STT | Chỉ tiêu | Ước thực hiện 2020 |\n"
    "|---:|---|---|\n"
    "| 5 | Thu **ngân sách** nhà nước | 48,5 |\n"
    "| 6 | Tổng vốn đầu tư | 286 |"
)
LISTS = canonical(
    "## 2. Mục tiêu đến năm 2025\n\n"
    "1. 1990 là năm gốc so sánh\n"
    "2. Tăng trưởng bình quân 10%/năm\n"
    "    - trong đó dịch vụ 11%\n\n"
    "- Khu vực - nông nghiệp"
)


def select(markdown: str, phrase: str, occurrence: int = 0) -> tuple[str, int, str]:
    """(stored quote, its offset, what the reader sees of it) for a selection of
    ``phrase`` on the page."""
    shown = text_map(markdown, markup.render)
    start = -1
    for _ in range(occurrence + 1):
        start = shown.rendered.index(phrase, start + 1)
    span = shown.to_source(start, start + len(phrase))
    assert span is not None
    return markdown[span[0] : span[1]], span[0], shown.shown(*span)


def test_plain_words_map_to_themselves():
    quote, start, seen = select(FIGURES, "Thu ngân sách")
    assert (quote, start, seen) == ("Thu ngân sách", 0, "Thu ngân sách")


def test_bold_is_quoted_with_its_markers():
    assert select(FIGURES, "48,5")[0] == "**48,5**"
    assert select(FIGURES, "đạt 48,5")[0] == "đạt **48,5**"
    quote, start, seen = select(FIGURES, "48,5 nghìn tỷ")
    assert quote == "**48,5** nghìn tỷ"
    assert FIGURES[start:].startswith("**48,5**")
    assert seen == "48,5 nghìn tỷ"


def test_a_link_maps_to_its_text_and_the_destination_is_never_matched():
    quote, start, seen = select(FIGURES, "báo cáo của Sở Tài chính")
    assert quote == "[báo cáo của Sở Tài chính](https://stc.example.gov.vn/bao-cao?nam=2020)"
    assert seen == "báo cáo của Sở Tài chính"
    # A selection running out of the link: the stored quote holds the destination, the
    # reader is shown the words only.
    quote, start, seen = select(FIGURES, "Tài chính và A")
    assert quote.startswith("Tài chính](https://") and quote.endswith(" và A")
    assert seen == "Tài chính và A"


def test_entities_and_escapes_show_one_character():
    assert select(FIGURES, "A & B")[0] == "A &amp; B"
    assert select(FIGURES, "a*b")[0] == "a\\*b"


def test_a_table_cell_maps_into_its_own_row_never_onto_pipes():
    quote, start, _seen = select(TABLE, "48,5")
    assert quote == "48,5"
    assert TABLE[start - 3 : start + 6] == " | 48,5 |"
    assert TABLE.count("48,5") == 1
    quote, _start, seen = select(TABLE, "ngân sách")
    assert quote == "**ngân sách**"
    assert seen == "ngân sách"


def test_a_selection_across_cells_quotes_the_row_and_reads_as_the_cells():
    shown = text_map(TABLE, markup.render)
    start = shown.rendered.index("nhà nước")
    end = shown.rendered.index("48,5") + len("48,5")
    span = shown.to_source(start, end)
    assert TABLE[span[0] : span[1]] == "nhà nước | 48,5"
    assert shown.shown(*span) == "nhà nước 48,5"


def test_heading_and_list_markers_are_never_quoted():
    quote, start, _ = select(LISTS, "Mục tiêu")
    assert (quote, LISTS[start - 6 : start]) == ("Mục tiêu", "## 2. ")
    # The reader sees "1990 ..." with the number of the item drawn by the browser: the
    # "1." marker of the stored text is not part of the passage.
    quote, start, _ = select(LISTS, "1990")
    assert quote == "1990" and LISTS[start - 3 : start] == "1. "
    quote, start, _ = select(LISTS, "trong đó dịch vụ")
    assert LISTS[start - 6 : start] == "    - "
    assert select(LISTS, "Khu vực - nông nghiệp")[0] == "Khu vực - nông nghiệp"


def test_structure_alone_is_no_passage():
    shown = text_map(TABLE, markup.render)
    assert shown.rendered.startswith("\n")
    assert shown.to_source(0, 1) is None
    assert shown.to_source(5, 5) is None


def test_an_anchor_becomes_the_passage_to_highlight():
    shown = text_map(TABLE, markup.render)
    start = TABLE.index("**ngân sách** nhà nước")
    passage = shown.to_rendered(start, start + len("**ngân sách** nhà nước"))
    assert passage is not None
    assert shown.rendered[passage[0] : passage[1]] == "ngân sách nhà nước"
    assert shown.to_rendered(TABLE.index("---:"), TABLE.index("---:") + 4) is None


def test_rendered_text_is_what_the_page_container_holds():
    html = markup.render(TABLE)
    assert text_map(TABLE, markup.render).rendered == text_content(html)
    # The browser drops the newline right after <pre>; so does the map.
    assert text_content("<pre>\nmã</pre>") == "mã"
    assert text_content("<p>A &amp; B&nbsp;C</p>") == "A & B\xa0C"


def test_opaque_blocks_are_matched_within_themselves():
    text = canonical("Trước.\n\n    mã nguồn\n\n> trích *dẫn*\n\nSau.")
    assert select(text, "mã nguồn")[0] == "mã nguồn"
    assert select(text, "dẫn")[0] == "*dẫn*"
    assert select(text, "Sau")[0] == "Sau"


def test_footnotes_map_their_number_to_the_reference_and_their_note_to_its_text():
    # Labels as a Word import leaves them (numbered across the document): the page shows
    # 1 and 2, the stored text says [^3] and [^4].
    text = canonical(
        "Tăng trưởng đạt 10,7%[^3], thu ngân sách 48,5 nghìn tỷ đồng[^4], vốn đầu tư 286.\n\n"
        "[^3]: Nguồn: Cục Thống kê tỉnh.\n\n"
        "[^4]: Số liệu ước thực hiện của Sở Tài chính."
    )
    shown = text_map(text, markup.render)
    assert "[^" not in shown.rendered and "10,7%1," in shown.rendered
    assert select(text, "10,7%1")[0] == "10,7%[^3]"
    assert select(text, "vốn đầu tư 286")[0] == "vốn đầu tư 286"  # after both references
    quote, start, seen = select(text, "Cục Thống kê")
    assert (quote, seen) == ("Cục Thống kê", "Cục Thống kê")
    assert text[:start].endswith("[^3]: Nguồn: ")
    assert select(text, "Sở Tài chính")[0] == "Sở Tài chính"


def _demo_sections() -> list[str]:
    report = parse_report(DEMO.read_text(encoding="utf-8"))
    texts, stack = [], list(reversed(report.sections))
    while stack:
        section = stack.pop()
        texts.append(canonical(section.text))
        stack.extend(reversed(getattr(section, "children", [])))
    return [t for t in texts if t]


@pytest.mark.parametrize("text", _demo_sections())
def test_every_word_of_the_demo_maps_to_itself_and_back(text):
    shown = text_map(text, markup.render)
    position = 0
    for word in shown.rendered.split():
        start = shown.rendered.index(word, position)
        position = start + len(word)
        span = shown.to_source(start, position)
        assert span is not None, word
        assert shown.shown(*span) == word
        assert text[span[0] : span[1]].strip("*_") == word
        assert shown.to_rendered(*span) == (start, position)
