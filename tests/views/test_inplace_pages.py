"""The pages behind the in-place editor and comments where you read: the live tracked
changes, the editor's document on the pages that edit a section's text, the passages
highlighted on the section and report pages, and a comment posted from a selection."""

from __future__ import annotations

import json
import re

import pytest

from feedback import markup
from feedback.extensions import db
from feedback.reports import services as report_services
from feedback.review import services
from feedback.richtext.offsets import text_map

from ..review_helpers import open_round, section

TABLE = (
    "Kết quả thực hiện các chỉ tiêu chủ yếu như sau.\n\n"
    "| STT | Chỉ tiêu | Ước thực hiện 2020 |\n"
    "| ---: | --- | --- |\n"
    "| 5 | Thu ngân sách nhà nước (nghìn tỷ đồng) | **48,5** |\n"
    "| 6 | Tổng vốn đầu tư toàn xã hội (nghìn tỷ đồng) | 286 |\n\n"
    "- Khu vực dịch vụ tăng bình quân 11,2%/năm.\n"
    "- Khu vực công nghiệp tăng bình quân 10,1%/năm."
)


@pytest.fixture
def figures(people, report):
    target = section(report)
    report_services.save_section(people.drafter, target, text=TABLE, base_version=1)
    open_round(people, report)
    db.session.commit()
    return target


def _visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_live_tracked_changes_show_the_change_inside_its_cell(client, auth, figures):
    auth.login("stc.reviewer")
    response = client.post(
        f"/sections/{figures.id}/tracked-changes",
        json={"base_version": 2, "text": TABLE.replace("**48,5**", "**48,2**")},
    )
    assert response.status_code == 200
    html = response.get_json()["html"]
    cell = re.search(r"<td>[^|]*?<del>.*?</del>.*?<ins>.*?</ins>.*?</td>", html)
    assert cell and "48,5" in cell.group() and "48,2" in cell.group()
    visible = _visible_text(html)
    assert "|" not in visible and "**" not in visible


def test_live_tracked_changes_are_for_those_who_may_change_the_text(client, auth, figures):
    url = f"/sections/{figures.id}/tracked-changes"
    body = {"base_version": 2, "text": TABLE + "\n\nĐoạn bổ sung."}
    for username, status in (
        ("drafter", 200),
        ("chair", 403),
        ("admin", 403),
        ("sct.reviewer", 200),
    ):
        auth.logout()
        auth.login(username)
        assert client.post(url, json=body).status_code == status, username


def test_live_tracked_changes_refuse_bad_input_with_a_sentence(client, auth, app, figures):
    auth.login("stc.reviewer")
    url = f"/sections/{figures.id}/tracked-changes"
    for body, status in (
        ({"base_version": 9, "text": "x"}, 422),
        ({"base_version": 2}, 400),
        ([1, 2], 400),
    ):
        response = client.post(url, json=body)
        assert response.status_code == status, body
        error = response.get_json()["error"]
        assert error["message"] and error["code"]
    too_long = "Chữ " * (app.config["FEEDBACK_MAX_SECTION_CHARS"] // 4 + 1)
    response = client.post(url, json={"base_version": 2, "text": too_long})
    assert response.status_code == 413


def test_the_section_page_carries_the_in_place_editor_and_the_textarea_fallback(
    client, auth, figures
):
    auth.login("stc.reviewer")
    page = client.get(f"/sections/{figures.id}").get_data(as_text=True)
    # Without JavaScript "Đề xuất sửa đổi" is a link to the suggestion page (a textarea).
    link = re.search(
        r'<a class="button primary" href="([^"]+)" data-inplace="inplace-suggest"', page
    )
    assert link and link.group(1) == f"/sections/{figures.id}/suggest"
    assert (
        f'<form method="post" action="/sections/{figures.id}/suggest" id="inplace-suggest"' in page
    )
    island = re.search(r'<script type="application/json" id="inplace-doc">(.*?)</script>', page)
    doc = json.loads(island.group(1))
    assert [n["type"] for n in doc["content"]] == ["paragraph", "table", "bullet_list"]
    assert re.search(r'src="/static/editor\.[0-9a-f]{12}\.js"', page)
    suggest = client.get(link.group(1)).get_data(as_text=True)
    assert re.search(r'<textarea[^>]*data-richtext[^>]*name="text"', suggest)


def test_pages_that_edit_the_text_use_the_editor(client, auth, figures):
    auth.login("drafter")
    page = client.get(f"/sections/{figures.id}/edit").get_data(as_text=True)
    assert re.search(r'<textarea[^>]*data-richtext[^>]*name="text"', page)
    assert (
        'id="text-doc"' in page
        and f'data-preview-url="/sections/{figures.id}/tracked-changes"' in page
    )
    assert 'id="editor-messages"' in page


def test_a_comment_from_a_selection_on_the_report_page(client, auth, people, report, figures):
    auth.login("stc.reviewer")
    rendered = text_map(TABLE, markup.render).rendered
    start = rendered.index("48,5")
    response = client.post(
        f"/sections/{figures.id}/comments",
        data={
            "body": "Đề nghị cập nhật số thu ngân sách theo quyết toán.",
            "kind": "figures",
            "base_version": "2",
            "quote": "48,5",
            "passage_start": str(start),
            "passage_end": str(start + 4),
            "next": f"/reports/{report.id}",
        },
    )
    assert response.status_code == 302
    assert re.fullmatch(rf"/reports/{report.id}#c\d+", response.headers["Location"])
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    note = re.search(r'<article class="note[^"]*" id="c(\d+)" data-passage="(\d+)-(\d+)"', page)
    assert note and rendered[int(note.group(2)) : int(note.group(3))] == "48,5"
    assert f'id="text-s{figures.id}"' in page and "data-comment=" in page


def test_the_section_page_highlights_passages_and_lists_outdated_ones(
    client, auth, people, figures
):
    highlighted = services.add_comment(
        people.reviewer, figures, body="Số thu ngân sách cần cập nhật.", quote="**48,5**"
    )
    outdated = services.add_comment(
        people.reviewer, figures, body="Tỷ lệ dịch vụ cần kiểm tra.", quote="11,2%/năm"
    )
    db.session.commit()
    report_services.save_section(
        people.drafter,
        figures,
        text=TABLE.replace("tăng bình quân 11,2%/năm", "phục hồi"),
        base_version=2,
    )
    db.session.commit()
    auth.login("stc.reviewer")
    page = client.get(f"/sections/{figures.id}").get_data(as_text=True)
    rendered = text_map(figures.current.text, markup.render).rendered
    card = re.search(rf'id="c{highlighted.id}" data-passage="(\d+)-(\d+)"', page)
    assert card and rendered[int(card.group(1)) : int(card.group(2))] == "48,5"
    assert re.search(rf'id="c{outdated.id}">', page)  # no passage to highlight
    assert "“11,2%/năm”" in page and "“48,5”" in page  # quotes as the reader saw them


def test_no_javascript_comment_form_still_takes_a_passage(client, auth, figures):
    auth.login("stc.reviewer")
    response = client.post(
        f"/sections/{figures.id}/comments",
        data={
            "body": "Ghi rõ nguồn số liệu.",
            "quote": "Thu ngân sách nhà nước",
            "base_version": "2",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "“Thu ngân sách nhà nước”" in page
