"""The chair's pages: dashboard, outstanding items, editions, approval, exports."""

from feedback.extensions import db
from feedback.reports import services as report_services
from feedback.review import consultation, decisions, services

from ..review_helpers import open_round, section


def test_chair_dashboard_follows_an_item_and_answers_an_escalation(client, auth, people, report):
    round_ = open_round(people, report)
    comment = services.add_comment(people.reviewer, section(report), body="Chỉ tiêu 2025 quá cao.")
    suggestion = services.add_suggestion(
        people.reviewer,
        section(report, 2),
        base_version=1,
        text=section(report, 2).current.text + "\n\nThêm.",
    )
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    decisions.resolve_comment(
        people.drafter, comment, disposition="escalated", response="Xin ý kiến."
    )
    db.session.commit()
    auth.login("chair")
    page = client.get(f"/reports/{report.id}/dashboard")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<svg" in html and 'class="bar' in html
    assert (
        f"/suggestions/{suggestion.id}" in html
    )  # the outstanding item links to where it is decided
    assert "Sở Công Thương" in html  # a department that has not answered
    assert client.get(f"/suggestions/{suggestion.id}").status_code == 200
    response = client.post(
        f"/comments/{comment.id}/resolve",
        data={
            "disposition": "absorbed",
            "response": "Đồng ý điều chỉnh.",
            "next": f"/reports/{report.id}/dashboard",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert comment.disposition == "absorbed" and comment.decided_by_id == people.chair.id


def test_issue_compare_approve_submit_and_download(client, auth, people, report):
    auth.login("drafter")
    assert client.post(f"/reports/{report.id}/editions", data={"note": "Lần 1"}).status_code == 302
    target = section(report)
    report_services.save_section(
        people.drafter, target, text="Đánh giá chung đã sửa.", base_version=1
    )
    db.session.commit()
    client.post(f"/reports/{report.id}/editions", data={"note": "Lần 2"})
    auth.logout()
    auth.login("chair")
    compare = client.get(f"/reports/{report.id}/editions/2/compare").get_data(as_text=True)
    assert "<ins>" in compare and "<del>" in compare
    page = client.get(f"/reports/{report.id}/editions/2").get_data(as_text=True)
    assert "/editions/2/approve" in page
    client.post(f"/reports/{report.id}/editions/2/approve")
    client.post(f"/reports/{report.id}/editions/2/submit")
    page = client.get(f"/reports/{report.id}/editions/2").get_data(as_text=True)
    assert "/approve" not in page and "/submit" not in page
    download = client.get(f"/reports/{report.id}/editions/2/export.docx?changes_since=1")
    assert download.status_code == 200 and download.data[:2] == b"PK"
    assert (
        download.headers["Content-Disposition"]
        == 'attachment; filename="du-thao-lan-2-thay-doi-tu-lan-1.docx"'
    )


def test_drafter_cannot_approve_from_the_page(client, auth, people, report):
    auth.login("drafter")
    client.post(f"/reports/{report.id}/editions", data={"note": ""})
    assert client.post(f"/reports/{report.id}/editions/1/approve").status_code == 403


def test_dispositions_page(client, auth, people, report):
    round_ = open_round(people, report)
    services.add_comment(people.reviewer, section(report), body="Cần rà soát.")
    consultation.submit_response(people.lead, round_, dispatch_number="12/STC")
    db.session.commit()
    auth.login("drafter")
    html = client.get(f"/reports/{report.id}/dispositions").get_data(as_text=True)
    assert "Cần rà soát." in html and "12/STC" in html


def test_dashboard_lists_the_first_items_of_a_busy_section_and_counts_the_rest(
    client, auth, people, report, api
):
    from feedback.dashboard.queries import ITEMS_PER_SECTION

    round_ = open_round(people, report)
    busy = section(report, 2)
    extra = ITEMS_PER_SECTION + 3
    comments = [
        services.add_comment(people.reviewer, busy, body=f"Ý kiến số {i} về chỉ tiêu GRDP.")
        for i in range(extra)
    ]
    suggestion = services.add_suggestion(
        people.reviewer, busy, base_version=1, text=busy.current.text + "\n\nBổ sung."
    )
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    auth.login("chair")
    html = client.get(f"/reports/{report.id}/dashboard").get_data(as_text=True)
    # The suggestion comes first (decide before answering), then the oldest comments.
    assert f"/suggestions/{suggestion.id}" in html
    listed = [c for c in comments if f'#c{c.id}"' in html]
    assert listed == comments[: ITEMS_PER_SECTION - 1]
    more = extra + 1 - ITEMS_PER_SECTION
    assert f"và {more} mục khác trong danh sách xử lý" in html
    assert f"/reports/{report.id}/review?section={busy.id}" in html
    # The tiles count everything, as the API's outstanding list does.
    counts = api.as_(people.chair).get(f"/reports/{report.id}/outstanding").get_json()["counts"]
    assert counts["comments"] == extra and counts["suggestions"] == 1
    assert f'<span class="big">{extra}</span>' in html
