"""The drafting team's pages, walked through the issue's scenario: three departments,
two suggestions on different paragraphs and one overlapping."""

from sqlalchemy import select

from feedback.extensions import db
from feedback.reports import queries as report_queries
from feedback.reports import services as report_services
from feedback.review import consultation, services
from feedback.review.models import Suggestion

from .. import factories
from ..review_helpers import open_round, section

PARAGRAPHS = [
    "Tốc độ tăng trưởng GRDP bình quân ước đạt 10,7%/năm.",
    "Cơ cấu kinh tế chuyển dịch theo hướng tích cực.",
    "Thu ngân sách nhà nước đạt 48,5 nghìn tỷ đồng.",
]
TEXT = "\n\n".join(PARAGRAPHS)


def test_three_departments_two_merge_one_is_merged_by_hand(client, auth, people, report):
    sxd = factories.department("SXD", "Sở Xây dựng")
    sxd_reviewer = factories.user("reviewer", sxd, username="sxd.reviewer")
    sxd_lead = factories.user("lead", sxd, username="sxd.lead")
    db.session.commit()
    target = section(report, 2)
    report_services.save_section(people.drafter, target, text=TEXT, base_version=1)
    round_ = open_round(people, report, codes=["STC", "SCT", "SXD"])
    a = services.add_suggestion(
        people.reviewer, target, base_version=2, text=TEXT.replace("10,7%", "10,8%")
    )
    b = services.add_suggestion(
        people.other_reviewer, target, base_version=2, text=TEXT.replace("48,5", "48,6")
    )
    c = services.add_suggestion(
        sxd_reviewer, target, base_version=2, text=TEXT.replace("ước đạt 10,7%", "đạt khoảng 11%")
    )
    for lead in (people.lead, people.other_lead, sxd_lead):
        consultation.submit_response(lead, round_)
    db.session.commit()

    auth.login("drafter")
    queue = client.get(f"/reports/{report.id}/review").get_data(as_text=True)
    assert f"#{a.id}" in queue and f"#{b.id}" in queue and f"#{c.id}" in queue

    page = client.get(f"/suggestions/{a.id}").get_data(as_text=True)
    assert "<del>" in page and "<ins>" in page and "Accept" in page or "Chấp nhận" in page
    assert (
        client.post(
            f"/suggestions/{a.id}/accept",
            data={
                "text": TEXT.replace("10,7%", "10,8%"),
                "expected_version": "2",
                "note": "",
            },
        ).status_code
        == 302
    )

    # b was made on version 2; the section is at 3 now: the page previews the rebased result.
    page = client.get(f"/suggestions/{b.id}").get_data(as_text=True)
    preview_text = TEXT.replace("10,7%", "10,8%").replace("48,5", "48,6")
    assert "version 3" in page or "phiên bản 3" in page
    client.post(
        f"/suggestions/{b.id}/accept",
        data={"text": preview_text, "original": preview_text, "expected_version": "3", "note": ""},
    )
    assert target.current.text == preview_text

    # c overlaps a's change: the page sends the drafter to the merge page.
    page = client.get(f"/suggestions/{c.id}").get_data(as_text=True)
    assert f"/suggestions/{c.id}/merge" in page
    merge = client.get(f"/suggestions/{c.id}/merge")
    assert merge.status_code == 200
    html = merge.get_data(as_text=True)
    assert 'class="clash"' in html or "clash" in html
    merged = preview_text.replace("ước đạt 10,8%", "đạt khoảng 10,8 – 11%")
    response = client.post(
        f"/suggestions/{c.id}/accept",
        data={
            "text": merged,
            "original": "",
            "expected_version": "4",
            "note": "Kết hợp hai ý kiến",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    statuses = {
        s.id: (s.status, s.accepted_with_edits) for s in db.session.scalars(select(Suggestion))
    }
    assert statuses == {
        a.id: ("accepted", False),
        b.id: ("accepted", False),
        c.id: ("accepted", True),
    }
    history = [(v.number, v.kind) for v in report_queries.versions(target)]
    assert history == [(5, "accept"), (4, "accept"), (3, "accept"), (2, "edit"), (1, "import")]
    history_page = client.get(f"/sections/{target.id}/history").get_data(as_text=True)
    assert f"#{c.id}" in history_page and "Sở Xây dựng" in history_page

    # The department sees the decision with the drafting team's note.
    auth.logout()
    auth.login("sxd.reviewer")
    page = client.get(f"/suggestions/{c.id}").get_data(as_text=True)
    assert "Kết hợp hai ý kiến" in page


def test_reject_without_reason_keeps_the_suggestion_pending(client, auth, people, report):
    round_ = open_round(people, report)
    target = section(report, 2)
    s = services.add_suggestion(
        people.reviewer, target, base_version=1, text=target.current.text + " Thêm."
    )
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    auth.login("drafter")
    client.post(f"/suggestions/{s.id}/reject", data={"reason": ""})
    assert db.session.get(Suggestion, s.id).status == "pending"
    client.post(f"/suggestions/{s.id}/reject", data={"reason": "Không phù hợp bố cục."})
    assert db.session.get(Suggestion, s.id).status == "rejected"


def test_resolve_comment_from_the_section_page(client, auth, people, report):
    round_ = open_round(people, report)
    comment = services.add_comment(people.reviewer, section(report), body="Cần nêu rõ nguồn.")
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    auth.login("drafter")
    page = client.get(f"/sections/{section(report).id}").get_data(as_text=True)
    assert f"/comments/{comment.id}/resolve" in page
    client.post(
        f"/comments/{comment.id}/resolve", data={"disposition": "explained", "response": ""}
    )
    assert comment.disposition is None
    client.post(
        f"/comments/{comment.id}/resolve",
        data={"disposition": "explained", "response": "Nguồn đã nêu ở phụ lục."},
    )
    db.session.expire_all()
    assert comment.disposition == "explained"
    auth.logout()
    auth.login("stc.reviewer")
    assert "Nguồn đã nêu ở phụ lục." in client.get(f"/sections/{section(report).id}").get_data(
        as_text=True
    )


def test_review_queue_pages_by_whole_sections(app, client, auth, people, report):
    """A provincial report has thousands of open items: the queue shows whole sections,
    about FEEDBACK_QUEUE_PAGE_ITEMS items a page, and a chosen section on one page."""
    round_ = open_round(people, report)
    first, second = section(report, 1), section(report, 2)
    for target, n in ((first, 3), (second, 3)):
        for i in range(n):
            services.add_comment(
                people.reviewer, target, body=f"Ý kiến {target.id}-{i} về số liệu."
            )
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    auth.login("drafter")
    app.config["FEEDBACK_QUEUE_PAGE_ITEMS"] = 4
    try:
        one = client.get(f"/reports/{report.id}/review").get_data(as_text=True)
        two = client.get(f"/reports/{report.id}/review?page=2").get_data(as_text=True)
        chosen = client.get(f"/reports/{report.id}/review?section={second.id}").get_data(
            as_text=True
        )
    finally:
        app.config["FEEDBACK_QUEUE_PAGE_ITEMS"] = 200
    assert f"Ý kiến {first.id}-0" in one and f"Ý kiến {second.id}-0" not in one
    assert f"Ý kiến {second.id}-2" in two and f"Ý kiến {first.id}-0" not in two
    assert 'rel="next"' in one and 'rel="prev"' in two
    assert f"Ý kiến {second.id}-2" in chosen and 'rel="next"' not in chosen


def _submitted_world(people, report):
    target = section(report, 2)
    report_services.save_section(people.drafter, target, text=TEXT, base_version=1)
    round_ = open_round(people, report)
    suggestion = services.add_suggestion(
        people.reviewer, target, base_version=2, text=TEXT.replace("10,7%", "10,8%")
    )
    comment = services.add_comment(people.reviewer, target, body="Nêu rõ nguồn số liệu.")
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    return target, suggestion, comment


def _flashed(client, response) -> str:
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_services_refusals_reach_the_page_word_for_word(client, auth, api, people, report):
    """The page shows the use case's own sentence, the same one the API returns."""
    target, suggestion, comment = _submitted_world(people, report)
    drafter_api = api.as_(people.drafter)
    api_reject = drafter_api.post(f"/suggestions/{suggestion.id}/reject", json={"reason": " "})
    api_resolve = drafter_api.post(
        f"/comments/{comment.id}/resolve", json={"disposition": "explained", "response": ""}
    )
    assert api_reject.status_code == api_resolve.status_code == 422

    auth.login("drafter")
    page = _flashed(client, client.post(f"/suggestions/{suggestion.id}/reject", data={}))
    assert api_reject.json["error"]["message"] in page
    page = _flashed(
        client,
        client.post(f"/comments/{comment.id}/resolve", data={"disposition": "explained"}),
    )
    assert api_resolve.json["error"]["message"] in page
    assert db.session.get(Suggestion, suggestion.id).status == "pending"


def test_version_reasons_are_shown_in_the_readers_language(client, auth, people, report):
    """The reason is stored as a code: a Vietnamese drafter's accept reads in English to
    an English reader, and in Vietnamese to a Vietnamese one."""
    target, suggestion, _comment = _submitted_world(people, report)
    auth.login("drafter")
    client.post(
        f"/suggestions/{suggestion.id}/accept",
        data={"text": TEXT.replace("10,7%", "10,8%"), "expected_version": "2"},
    )
    vietnamese = client.get(f"/sections/{target.id}/history").get_data(as_text=True)
    assert f"Chấp nhận đề xuất sửa đổi #{suggestion.id} của Sở Tài chính" in vietnamese
    client.post("/language/en", data={"next": "/"})
    english = client.get(f"/sections/{target.id}/history").get_data(as_text=True)
    assert f"Accepted suggestion #{suggestion.id} from Sở Tài chính" in english
    assert "Chấp nhận đề xuất" not in english
