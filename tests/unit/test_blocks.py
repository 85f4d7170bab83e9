"""feedback.richtext.blocks: the block model read from Markdown as markup.render reads it, and the
canonical stored form (idempotent, and showing exactly what the text showed)."""

from __future__ import annotations

import re
import time
import unicodedata
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedback import textdiff
from feedback.markup import render
from feedback.reports.importer import parse as split_report
from feedback.richtext.blocks import (
    Heading,
    Opaque,
    Paragraph,
    Table,
    canonical,
    parse,
    rendering_signature,
)
from feedback.richtext.inlines import Style

DEMO = (Path(__file__).resolve().parents[2] / "feedback" / "demo_report.md").read_text("utf-8")
PROPERTIES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class _Shown(HTMLParser):
    """What markup.render shows: visible text and counts of block elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: Counter[str] = Counter()

    def handle_starttag(self, tag, attrs):
        self.tags[re.sub(r"^h[1-6]$", "h", tag)] += 1
        self.text.append(" ")

    def handle_endtag(self, tag):
        self.text.append(" ")

    def handle_data(self, data):
        self.text.append(data)


def shown(html: str, ignore_p_in_li: bool = False) -> tuple[dict, str]:
    parser = _Shown()
    parser.feed(html)
    keys = ("table", "tr", "th", "td", "ul", "ol", "li", "p", "h", "pre", "blockquote", "hr", "br")
    tags = {k: parser.tags[k] for k in keys}
    if ignore_p_in_li:
        tags.pop("p")
    return tags, " ".join("".join(parser.text).split())


def kinds(markdown: str) -> list[str]:
    return [type(b).__name__ for b in parse(markdown).blocks]


def plain(runs) -> list[tuple[str, str]]:
    """Runs as (text, style flags) pairs, for readable assertions."""
    names = ("bold", "italic", "strike", "code", "footnote", "br")
    return [
        (run.text, "+".join(n for n in names if getattr(run.style, n)) or (run.style.link or ""))
        for run in runs
    ]


# The model ----------------------------------------------------------------------------------


def test_headings_and_paragraphs_with_styles():
    doc = parse("## Kết quả\n\nTăng **10,7%**/năm, *vượt* `mục tiêu` [nguồn](https://tk.gov.vn).")
    heading, paragraph = doc.blocks
    assert isinstance(heading, Heading) and heading.level == 2
    assert plain(heading.inline.runs) == [("Kết quả", "")]
    assert isinstance(paragraph, Paragraph)
    assert plain(paragraph.inline.runs) == [
        ("Tăng ", ""),
        ("10,7%", "bold"),
        ("/năm, ", ""),
        ("vượt", "italic"),
        (" ", ""),
        ("mục tiêu", "code"),
        (" ", ""),
        ("nguồn", "https://tk.gov.vn"),
        (".", ""),
    ]


def test_unsafe_links_are_text_and_html_is_not_markup():
    (paragraph,) = parse(
        "[x](javascript:alert(1)) <b onclick=x>B</b><script>s</script> &lt;i&gt;"
    ).blocks
    runs = paragraph.inline.runs
    assert all(run.style.link is None for run in runs)
    assert plain(runs) == [("x ", ""), ("B", "bold"), (" <i>", "")]


def test_nested_lists_by_four_spaces_as_python_markdown_reads_them():
    doc = parse("- một\n    - hai\n        1. ba\n        2. bốn\n- năm\n  - sáu")
    items = [(b.depth, b.ordered, b.number, b.inline.source) for b in doc.blocks]
    assert items == [
        (0, False, None, "một"),
        (1, False, None, "hai"),
        (2, True, 1, "ba"),
        (2, True, 2, "bốn"),
        (0, False, None, "năm"),
        (0, False, None, "sáu"),  # two spaces do not nest in markup.render either
    ]
    assert shown(render(doc.markdown)) == shown(
        render("- một\n    - hai\n        1. ba\n        2. bốn\n- năm\n  - sáu")
    )


def test_ordered_items_carry_the_numbers_shown():
    doc = parse("3. a\n3. b\n\n7. c\n\n- x")
    assert [(b.ordered, b.number) for b in doc.blocks] == [
        (True, 3),
        (True, 4),
        (True, 5),
        (False, None),
    ]
    assert doc.markdown == "3. a\n4. b\n5. c\n\n- x"


def test_pipe_table_alignment_escaped_pipes_and_code_spans():
    (table,) = parse("| STT | Chỉ tiêu | Giá trị |\n|--:|:-:|:--|\n| 1 | a \\| b | `x|y` |").blocks
    assert isinstance(table, Table) and not table.html
    assert table.align == ("right", "center", "left")
    assert [c.inline.source for c in table.body[0].cells] == ["1", "a \\| b", "`x|y`"]
    assert [run.text for run in table.body[0].cells[1].inline.runs] == ["a | b"]
    assert table.body[0].cells[2].inline.runs[0].style == Style(code=True)
    assert (
        table.markdown
        == "| STT | Chỉ tiêu | Giá trị |\n| ---: | :---: | :--- |\n| 1 | a \\| b | `x|y` |"
    )


def test_pipe_table_rows_get_the_header_width():
    (table,) = parse("a | b\n--- | ---\n1\n2 | 3 | 4").blocks
    assert [[c.inline.source for c in row.cells] for row in table.body] == [["1", ""], ["2", "3"]]
    assert (
        canonical("a | b\n--- | ---\n1\n2 | 3 | 4")
        == "| a | b |\n| --- | --- |\n| 1 |  |\n| 2 | 3 |"
    )


def test_a_table_needs_its_own_chunk_as_in_markup_render():
    assert kinds("Trước\n| a | b |\n|---|---|\n| 1 | 2 |") == ["Paragraph"]
    assert kinds("Trước\n\n| a | b |\n|---|---|\n| 1 | 2 |") == ["Paragraph", "Table"]


HTML_TABLE = """<table>
  <thead>
    <tr><th rowspan="2">Chỉ tiêu</th><th colspan="2" style="text-align: center">Năm 2020</th></tr>
    <tr><th>Kế hoạch</th><th>Thực hiện</th></tr>
  </thead>
  <tbody>
    <tr><td onclick="x()">GRDP <b>(%)</b><script>alert(1)</script></td><td align="right">9</td><td>10,7</td></tr>
    <tr><td><a href="javascript:x">Thu</a> ngân sách</td><td>40</td><td>48,5</td></tr>
  </tbody>
</table>"""


def test_html_table_with_merged_cells():
    (table,) = parse(HTML_TABLE).blocks
    assert isinstance(table, Table) and table.html
    assert len(table.header) == 2 and len(table.body) == 2
    first, second = table.header[0].cells
    assert (first.rowspan, first.colspan, second.colspan, second.align) == (2, 1, 2, "center")
    assert table.body[0].cells[1].align == "right"
    assert plain(table.body[0].cells[0].inline.runs) == [("GRDP ", ""), ("(%)", "bold")]
    assert plain(table.body[1].cells[0].inline.runs) == [("Thu ngân sách", "")]
    assert canonical(HTML_TABLE) == (
        "<table>\n<thead>\n"
        '<tr><th rowspan="2">Chỉ tiêu</th><th colspan="2" align="center">Năm 2020</th></tr>\n'
        "<tr><th>Kế hoạch</th><th>Thực hiện</th></tr>\n"
        "</thead>\n<tbody>\n"
        '<tr><td>GRDP <strong>(%)</strong></td><td align="right">9</td><td>10,7</td></tr>\n'
        "<tr><td>Thu ngân sách</td><td>40</td><td>48,5</td></tr>\n"
        "</tbody>\n</table>"
    )


def test_html_table_without_thead_takes_leading_header_rows():
    (table,) = parse(
        "<table><tr><th colspan=2>A</th></tr><tr><td>1</td><td>2</td></tr></table>"
    ).blocks
    assert len(table.header) == 1 and table.header[0].cells[0].colspan == 2
    assert len(table.body) == 1


@pytest.mark.parametrize(
    "html",
    [
        "<table><caption>c</caption><tr><td>a</td></tr></table>",
        "<table><tr><td><p>a</p></td></tr></table>",
        "<table><tr><td><table><tr><td>n</td></tr></table></td></tr></table>",
        "<table><tr><td>a</td></tr>",
    ],
)
def test_html_tables_beyond_a_grid_are_opaque(html):
    (block,) = parse(html).blocks
    assert isinstance(block, Opaque) and block.source == html


def test_footnotes():
    doc = parse("Số liệu ước tính[^1], xem `[^2]`.\n\n[^1]: Theo Cục Thống kê.")
    paragraph, definition = doc.blocks
    assert plain(paragraph.inline.runs) == [
        ("Số liệu ước tính", ""),
        ("1", "footnote"),
        (", xem ", ""),
        ("[^2]", "code"),
        (".", ""),
    ]
    assert isinstance(definition, Opaque) and definition.construct == "footnote"


@pytest.mark.parametrize(
    ("markdown", "construct"),
    [
        ("    mã nguồn\n    dòng hai", "code"),
        ("```\n# không phải tiêu đề\n\n  x\n```", "fence"),
        ("> trích dẫn\n> dòng hai", "quote"),
        ("***", "hr"),
        ("<div>\nkhối\n\nHTML</div>", "html"),
        ("<!-- ghi chú -->", "html"),
        ("- mục\n\n    đoạn thứ hai của mục", "list"),
        ("- # tiêu đề trong mục", "list"),
        ("[nguồn]: https://tk.gov.vn", "reference"),
    ],
)
def test_opaque_blocks(markdown, construct):
    (block,) = parse(markdown).blocks
    assert isinstance(block, Opaque) and block.construct == construct


def test_reference_links_resolve_across_blocks():
    doc = parse("Xem [báo cáo][bc].\n\n[bc]: https://tk.gov.vn/bc")
    assert plain(doc.blocks[0].inline.runs)[1] == ("báo cáo", "https://tk.gov.vn/bc")


# The canonical form -------------------------------------------------------------------------

MESSY = (
    "\r\nTiêu đề\r\n=======\r\n\r\n\r\nĐoạn một   \r\ndòng hai\tcó tab  \r\nhết.\r\n\r\n"
    "* mục một\n+ mục hai\n  tiếp\n\n\n- mục ba\n    * lồng\n\n"
    "|a|b|\n|-|:-:|\n|1|2|\n\nSub\n---\n\n## Đóng ##\n\n   # không phải tiêu đề\n"
)
MESSY_CANONICAL = (
    "# Tiêu đề\n\n"
    "Đoạn một<br>\ndòng hai    có tab<br>\nhết.\n\n"
    "- mục một\n- mục hai tiếp\n- mục ba\n    - lồng\n\n"
    "| a | b |\n| --- | :---: |\n| 1 | 2 |\n\n"
    "## Sub\n\n## Đóng\n\n\\# không phải tiêu đề"
)


def test_canonical_rules():
    assert canonical(MESSY) == MESSY_CANONICAL
    # The loose list became tight: its items lost their <p>, nothing else changed.
    assert shown(render(MESSY), True) == shown(render(MESSY_CANONICAL), True)
    # Closing #s followed by spaces are text to Python-Markdown: they stay visible.
    assert canonical("## Đóng ##  ") == "## Đóng \\#\\#"
    assert shown(render("## Đóng ##  ")) == shown(render("## Đóng \\#\\#"))


def test_canonical_of_nfd_text_is_nfc():
    nfc = "## Tình hình\n\nTỷ lệ hộ nghèo giảm còn **0,16%**; Quảng Ninh."
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc
    assert canonical(nfd) == canonical(nfc) == nfc
    assert parse(nfd) == parse(nfc)
    assert unicodedata.is_normalized("NFC", parse(nfd).blocks[1].inline.runs[0].text)


def test_emphasis_markers_are_kept_as_written_and_read_alike():
    assert canonical("*a* _b_ **c** __d__") == "*a* _b_ **c** __d__"
    star, underscore = parse("*nghiêng*").blocks[0], parse("_nghiêng_").blocks[0]
    assert star.inline.runs == underscore.inline.runs


def test_hard_breaks_become_br():
    assert canonical("dòng một  \ndòng hai") == "dòng một<br>\ndòng hai"
    assert canonical("- mục  \n  tiếp") == "- mục<br> tiếp"
    # a line that would start a block after the break stays on the break's line
    assert canonical("a  \n    # b") == "a<br> # b"
    # two spaces inside a code span are only spaces
    assert canonical("`mã  \ntiếp` x") == "`mã tiếp` x"


def test_an_empty_bullet_item_is_written_so_it_cannot_read_as_a_rule():
    text = "* mục\n10. mười\n- "
    assert canonical(text) == "- mục 10. mười\n* "
    assert shown(render(text)) == shown(render(canonical(text)))


TRICKY = [
    "Para\n- item\n- two",
    "Para\n\n- a\n  - b\n    - c",
    "- a\n\n- b",
    "1. a\n1. b\n\n3. x\n4. y",
    "- a\ncont\n    more",
    "Para\n# H\nmore",
    "Para\n---\nx",
    "```\ncode\n\n  x\n```",
    "para\n> quote\nlazy",
    "[x]: http://a\npara [y][x]",
    "a\t*b*\tc",
    "| a |\n| --- |\n| 1 | 2 |\n| |",
    "- a\n    1. b\n    - c",
    "C#\n==",
    "text\n<table><tr><td>a</td></tr></table>\nafter",
    "<p>x</p> *tail*\n\nnext",
    "-\n* mục\n_b_",
    "1.\na<br>",
    "- \n   # ba",
    "--- | ---\n>\n- ",
    "| a | b |\n|---|---|",
    "  - hai\n#không\n2. hai\n\n    - lồng\n<b>B</b>\n\n[r]: https://a.vn\n        - sâu",
]


@pytest.mark.parametrize("text", TRICKY)
def test_canonical_is_idempotent_and_shows_the_same(text):
    once = canonical(text)
    assert canonical(once) == once
    assert once == parse(once).markdown  # written from the model, not left as it was
    assert shown(render(once), ignore_p_in_li=True) == shown(render(text), ignore_p_in_li=True)


def test_demo_report_sections_are_canonical_but_the_table_separator():
    changed = {}
    for section in split_report(DEMO).sections:
        if canonical(section.text) != section.text:
            changed[section.heading] = canonical(section.text)
    assert list(changed) == ["Kết quả thực hiện các chỉ tiêu chủ yếu"]
    (text,) = changed.values()
    original = next(s.text for s in split_report(DEMO).sections if s.heading in changed)
    assert text == original.replace("|---:|---|---|---|---|", "| ---: | --- | --- | --- | --- |")


def test_long_section():
    paragraph = "Tốc độ tăng trưởng GRDP bình quân ước đạt **10,7%**/năm, cao hơn mục tiêu. " * 12
    table = "| A | B |\n|---|---|\n" + "\n".join(f"| Chỉ tiêu {k} | {k},5 |" for k in range(40))
    text = "\n\n".join([paragraph, table, "- một\n- hai\n    - ba"] * 100)
    assert len(text.encode()) > 200_000
    started = time.perf_counter()
    once = canonical(text)
    assert time.perf_counter() - started < 5
    assert canonical(once) == once
    assert len(parse(once).blocks) == 100 * 5


# Properties ---------------------------------------------------------------------------------

WORDS = [
    "Tốc",
    "độ",
    "tăng",
    "GRDP",
    "10,7%",
    "48,5",
    "chỉ",
    "tiêu",
    "(%)",
    "–",
    "**đậm**",
    "*nghiêng*",
    "_nghiêng_",
    "`mã`",
    "a\\|b",
    "[liên kết](https://tk.gov.vn)",
    "&amp;",
    "1.",
    "-",
    "#",
    "<b>B</b>",
    "[^1]",
]
inline = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)


@st.composite
def paragraph(draw):
    lines = draw(st.lists(inline, min_size=1, max_size=3))
    breaks = draw(
        st.lists(st.sampled_from(["\n", "  \n", "\n   "]), min_size=len(lines), max_size=len(lines))
    )
    return "".join(line + brk for line, brk in zip(lines, breaks, strict=True)).rstrip()


@st.composite
def heading(draw):
    level, text = draw(st.integers(1, 6)), draw(inline)
    if level <= 2 and draw(st.booleans()):
        return f"{text}\n{'=' if level == 1 else '-' * 3}"
    return f"{'#' * level} {text}" + draw(st.sampled_from(["", " #", "  "]))


@st.composite
def a_list(draw):
    ordered = draw(st.booleans())
    depth, lines = 0, []
    for k in range(draw(st.integers(1, 5))):
        depth = draw(st.integers(0, depth + 1)) if k else 0
        marker = (
            f"{draw(st.integers(1, 12))}."
            if ordered and depth == 0
            else draw(st.sampled_from("-*+"))
        )
        indent = draw(st.sampled_from(["    ", "\t"])) * depth
        lines.append(f"{indent}{marker} {draw(inline)}")
    return "\n".join(lines)


@st.composite
def table(draw):
    n = draw(st.integers(1, 4))
    cell = inline.map(lambda s: s.replace("|", "\\|").replace("\\\\|", "\\|"))
    align = [draw(st.sampled_from(["---", ":--", "--:", ":-:"])) for _ in range(n)]
    rows = [[draw(cell) for _ in range(n)] for _ in range(draw(st.integers(1, 4)))]
    return "\n".join(f"| {' | '.join(r)} |" for r in [rows[0], align, *rows[1:]])


block = st.one_of(
    paragraph(),
    heading(),
    a_list(),
    table(),
    st.just("    mã nguồn"),
    st.just("> trích dẫn"),
    st.just("* * *"),
    st.just("<table><tr><th colspan=2>A</th></tr><tr><td>1</td><td><i>2</i></td></tr></table>"),
)
document = st.lists(block, min_size=1, max_size=6).flatmap(
    lambda blocks: st.lists(
        st.sampled_from(["\n\n", "\n\n\n"]), min_size=len(blocks), max_size=len(blocks)
    ).map(lambda seps: "".join(b + s for b, s in zip(blocks, seps, strict=True)))
)


@PROPERTIES
@given(document)
def test_canonical_of_generated_documents(text):
    once = canonical(text)
    # The reader agreed with Python-Markdown (no fall back to the text as it was) ...
    assert once == parse(textdiff.normalize(text)).markdown
    # ... it is a fixed point, and it shows the same.
    assert canonical(once) == once
    assert rendering_signature(once) == rendering_signature(textdiff.normalize(text))
    assert shown(render(once), ignore_p_in_li=True) == shown(render(text), ignore_p_in_li=True)


LINES = [
    "",
    "",
    "Tốc độ tăng",
    "a *b* c",
    "- mục",
    "* mục",
    "1. một",
    "10. mười",
    "    - lồng",
    "        - sâu",
    "  - hai cách",
    "# Tiêu đề",
    "===",
    "---",
    "> trích",
    "| a | b |",
    "|---|---:|",
    "a | b",
    "    code",
    "```",
    "<table><tr><td>a</td></tr></table>",
    "<div>",
    "[r]: https://a.vn",
    "[^1]: chú",
    "dòng  ",
    "`mã`",
    "   # ba",
    "\t- tab",
    "- ",
    "1.",
    "-",
]


@PROPERTIES
@given(st.lists(st.sampled_from(LINES), min_size=1, max_size=12).map("\n".join))
def test_canonical_of_any_line_soup_is_idempotent_and_shows_the_same(text):
    once = canonical(text)
    assert canonical(once) == once
    assert rendering_signature(once) == rendering_signature(textdiff.normalize(text))
