"""User Markdown is rendered safely: no script, handler or dangerous URL survives."""

import re

import pytest

from feedback.markup import WORK_BUDGET, markdown_work, plain_text, render

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[a][1]\n\n[1]: javascript:alert(1)",
    '<a href="vbscript:msgbox(1)">x</a>',
    '<div onmouseover="alert(1)">x</div>',
    "<iframe src=//evil.example></iframe>",
    '<a href="  javascript:alert(1)">x</a>',
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_are_neutralised(payload):
    html = render(payload).lower()
    assert "<script" not in html
    assert "onerror" not in html and "onload" not in html and "onmouseover" not in html
    assert "javascript:" not in html and "vbscript:" not in html and "data:text" not in html
    assert "<iframe" not in html and "<svg" not in html


def test_tables_lists_and_vietnamese_render():
    html = render(
        "| Chỉ tiêu | Kết quả |\n|---|---:|\n| GRDP | 10,7% |\n\n- Đạt\n- Vượt\n\n**Quảng Ninh**"
    )
    assert "<table>" in html and "<td>GRDP</td>" in html
    assert "<li>Đạt</li>" in html
    assert "<strong>Quảng Ninh</strong>" in html


def test_safe_links_keep_their_href():
    html = render("[Cổng thông tin](https://example.gov.vn/a?b=1)")
    assert 'href="https://example.gov.vn/a?b=1"' in html
    assert "noopener" in html


# Issue 11: what Python-Markdown leaks, and its worst case.

LEAKING = [
    '[l](m "`__alert(1)** alert(1)\\_',  # a link title with quotes and an escape
    '![i](j "alert(1)\\\\',  # an image title
    '} onerror=!_*""**!*<b>',
    "alert(1)[l](m \" onerror= <img src=x onerror=alert(1)>'**'\\*",
]
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@pytest.mark.parametrize("text", LEAKING)
def test_no_character_xml_forbids_reaches_the_html(text):
    html = render(text)
    assert not XML_FORBIDDEN.search(html), repr(html)
    assert "klzzwxh" not in html and "wzxhzdk" not in html


def test_unclosed_and_deeply_nested_openers_are_shown_as_plain_text():
    for text in ("[" * 10_000, "[" * 5_000 + "a" + "]" * 5_000, "[a](" * 5_000, "<a " * 5_000):
        assert markdown_work(text) > WORK_BUDGET
        html = render(text)
        assert html.startswith("<p>") and "<a" not in html.replace("&lt;a", "")


def test_ordinary_text_is_far_below_the_budget():
    report = (
        'Theo [Nghị quyết số 12](https://quangninh.gov.vn "Nghị quyết") (năm 2020), GRDP '
        "tăng 10,7% [sic; xem `bảng [1]`] và <https://thongke.gov.vn>.\n\n" * 400
    )
    assert markdown_work(report) < WORK_BUDGET / 10
    assert '<a href="https://quangninh.gov.vn"' in render(report)


# Footnotes (kept from Word imports: they carry the sources of figures) -------------------

FOOTNOTED = (
    "Tăng trưởng kinh tế đạt 10,7%[^1], thu ngân sách 48,5 nghìn tỷ đồng[^nguon].\n\n"
    "[^1]: Nguồn: Cục Thống kê tỉnh Quảng Ninh.\n\n"
    "[^nguon]: Số liệu ước thực hiện của **Sở Tài chính**."
)


def test_footnotes_show_as_superscript_numbers_and_notes_at_the_end():
    html = render(FOOTNOTED)
    refs = re.findall(
        r'<sup id="(fnref-\w+-[^"]+)"><a class="footnote-ref" href="#([^"]+)"[^>]*>(\d+)</a></sup>',
        html,
    )
    assert [number for *_, number in refs] == ["1", "2"]  # numbered as they appear
    for ref_id, note_id, _ in refs:  # each reference links to its note, and back
        assert f'<li id="{note_id}">' in html and f'href="#{ref_id}"' in html
    notes = html[html.index('<div class="footnote">') :]
    assert "Nguồn: Cục Thống kê tỉnh Quảng Ninh." in notes
    assert "<strong>Sở Tài chính</strong>" in notes
    assert "[^" not in html and html.index("10,7%") < html.index('<div class="footnote">')
    assert plain_text(FOOTNOTED).split("\n") == [
        "Tăng trưởng kinh tế đạt 10,7%, thu ngân sách 48,5 nghìn tỷ đồng.",
        "Nguồn: Cục Thống kê tỉnh Quảng Ninh.",
        "Số liệu ước thực hiện của Sở Tài chính.",
    ]


def test_footnote_ids_differ_between_texts_on_one_page():
    other = FOOTNOTED.replace("10,7%", "10,9%")
    ids = [set(re.findall(r'id="([^"]+)"', render(text))) for text in (FOOTNOTED, other)]
    assert ids[0] and ids[1] and not ids[0] & ids[1]
    assert render(FOOTNOTED) == render(FOOTNOTED)  # the same text, the same ids (cached)


def test_a_text_cannot_place_ids_or_footnote_classes_of_its_own():
    html = render(
        '<p id="main">x</p> <li id="fn:1">a</li> <sup id="fnref-00000000-1">1</sup> '
        '<a class="footnote-ref" href="#main">y</a> <div class="footnote x">z</div>'
    )
    assert "id=" not in html and 'href="#' not in html
    assert re.findall(r'class="([^"]*)"', html) == ["footnote-ref"]  # a style, no more
