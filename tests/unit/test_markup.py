"""User Markdown is rendered safely: no script, handler or dangerous URL survives."""

import pytest

from feedback.markup import render

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
