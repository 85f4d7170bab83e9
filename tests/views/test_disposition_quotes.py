"""The consolidation table quotes a commented table row as a table, never as pipes: on
the page and in its Word document."""

import io

import docx
from docx.oxml.ns import qn

from feedback.extensions import db
from feedback.reports import services as report_services
from feedback.review import consultation, services

from ..review_helpers import open_round, section

ROW = "| 5 | Thu ngân sách nhà nước trên địa bàn (nghìn tỷ đồng) | 40 | 48,5 | Vượt |"
TEXT = (
    "Kết quả thực hiện các chỉ tiêu chủ yếu.\n\n"
    "| STT | Chỉ tiêu | Mục tiêu | Ước thực hiện 2020 | Đánh giá |\n"
    "|---:|---|---|---|---|\n"
    f"{ROW}\n"
    "| 6 | Tổng vốn đầu tư toàn xã hội (nghìn tỷ đồng, 5 năm) | 250 | 286 | Vượt |"
)


def test_a_quoted_table_row_is_a_table_on_the_page_and_in_the_docx(client, auth, people, report):
    target = section(report, 2)
    report_services.save_section(people.drafter, target, text=TEXT, base_version=1)
    round_ = open_round(people, report)
    services.add_comment(
        people.reviewer, target, body="Số thu cần cập nhật theo Cục Thống kê.", quote=ROW
    )
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    auth.login("drafter")
    page = client.get(f"/reports/{report.id}/dispositions").get_data(as_text=True)
    assert '<table class="quote-table"><tr><td>5</td>' in page
    assert "<td>48,5</td>" in page and "| 40 |" not in page and "| 5 |" not in page

    data = client.get(f"/reports/{report.id}/dispositions.docx").data
    body = docx.Document(io.BytesIO(data)).element.body
    quoted = body.xpath(".//w:tc//w:tbl")
    assert len(quoted) == 1
    cells = [tc.xpath("string(.)") for tc in quoted[0].iter(qn("w:tc"))]
    assert cells == [
        "5",
        "Thu ngân sách nhà nước trên địa bàn (nghìn tỷ đồng)",
        "40",
        "48,5",
        "Vượt",
    ]
    assert not any("|" in (t.text or "") for t in body.iter(qn("w:t")))
