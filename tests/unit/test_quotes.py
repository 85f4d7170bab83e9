"""A comment's quoted passage as the reader saw it: a quoted table row is a table, a
quoted list its items, never the stored Markdown (pipes, "- ", "**"), on the disposition
page (feedback.richtext.quotes) and in its Word document."""

import io
from datetime import UTC, datetime

import docx
from docx.oxml.ns import qn

from feedback.consolidation.documents import DispositionRow, DispositionTable, dispositions_docx
from feedback.richtext.quotes import QuoteLine, QuoteTable, parse_quote, quote_html

ROWS = (
    "| 5 | Thu ngân sách nhà nước trên địa bàn (nghìn tỷ đồng) | 40 | **48,5** | Vượt |\n"
    "| 6 | Tổng vốn đầu tư toàn xã hội (nghìn tỷ đồng, 5 năm) | 250 | 286 | Vượt |"
)
ITEMS = "- Hoàn thành **12** chỉ tiêu\n- Giữ vững quốc phòng, an ninh"


def texts(runs) -> str:
    return "".join(run.text for run in runs)


def test_quoted_table_rows_are_rows_of_cells():
    (table,) = parse_quote(ROWS)
    assert isinstance(table, QuoteTable)
    assert [[texts(c) for c in row] for row in table.rows] == [
        ["5", "Thu ngân sách nhà nước trên địa bàn (nghìn tỷ đồng)", "40", "48,5", "Vượt"],
        ["6", "Tổng vốn đầu tư toàn xã hội (nghìn tỷ đồng, 5 năm)", "250", "286", "Vượt"],
    ]
    assert table.rows[0][3][0].style.bold  # "**48,5**" is the bold figure
    # The separator line of a quoted header is no row; a partial row is still cells.
    (header,) = parse_quote("| STT | Chỉ tiêu |\n|---:|---|")
    assert [[texts(c) for c in row] for row in header.rows] == [["STT", "Chỉ tiêu"]]
    (partial,) = parse_quote("Thu ngân sách nhà nước | 40 | 48,5")
    assert [texts(c) for c in partial.rows[0]] == ["Thu ngân sách nhà nước", "40", "48,5"]


def test_quoted_lists_headings_and_escapes():
    parts = parse_quote(f"### 1. Kết quả\n\n{ITEMS}\n\n1. Một\n2) Hai\n\nGiá 5 \\| 6")
    assert [(p.marker, texts(p.runs)) for p in parts if isinstance(p, QuoteLine)] == [
        ("", "1. Kết quả"),
        ("•", "Hoàn thành 12 chỉ tiêu"),
        ("•", "Giữ vững quốc phòng, an ninh"),
        ("1.", "Một"),
        ("2)", "Hai"),
        ("", "Giá 5 | 6"),
    ]


def test_quote_html_never_shows_markdown():
    page = quote_html(ROWS, "5 Thu ngân sách … 48,5 Vượt")
    assert page.startswith('<div class="quote"><table class="quote-table"><tr><td>5</td>')
    assert "<td><strong>48,5</strong></td>" in page and "|" not in page and "**" not in page
    items = quote_html(ITEMS)
    assert "<p>• Hoàn thành <strong>12</strong> chỉ tiêu</p>" in items and "- " not in items
    # Prose is quoted as the reader was shown it, escaped.
    assert quote_html("**48,5** <b>", "48,5 <b>") == "<q>48,5 &lt;b&gt;</q>"
    assert quote_html("Tăng **10,7%**") == "<q>Tăng 10,7%</q>"
    assert quote_html("") == ""


def test_disposition_docx_quotes_a_table_row_as_a_table():
    row = DispositionRow(
        group="I.1. Kết quả thực hiện các chỉ tiêu chủ yếu",
        who="Sở Tài chính",
        dispatch="",
        content="Đề nghị cập nhật số thu ngân sách.",
        quote="5 Thu ngân sách nhà nước trên địa bàn (nghìn tỷ đồng) 40 48,5 Vượt",
        quote_source=ROWS,
        kind="comment",
        decision="Tiếp thu",
        response="Đã cập nhật.",
    )
    when = datetime(2019, 12, 10, 8, 0, tzinfo=UTC)
    data = dispositions_docx(
        DispositionTable("Bảng tổng hợp", "Báo cáo", "", when, [], ("a", "b", "c", "d"), [row])
    )
    (grid,) = docx.Document(io.BytesIO(data)).tables
    content = grid.rows[1].cells[3]
    (quoted,) = content.tables
    assert [[c.text for c in r.cells] for r in quoted.rows][0][:4] == [
        "5",
        "Thu ngân sách nhà nước trên địa bàn (nghìn tỷ đồng)",
        "40",
        "48,5",
    ]
    assert quoted.rows[0].cells[3].paragraphs[0].runs[0].bold
    assert content.paragraphs[-1].text == "Đề nghị cập nhật số thu ngân sách."
    body = docx.Document(io.BytesIO(data)).element.body
    assert not any("|" in (t.text or "") for t in body.iter(qn("w:t")))
