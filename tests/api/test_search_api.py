"""GET /api/v1/reports/{rid}/search and the search page."""

from feedback.extensions import db
from feedback.reports import services as report_services
from feedback.review import consultation, services

from ..review_helpers import open_round, section

TEXT = "Theo số liệu mới, vốn đầu tư đường cao tốc Vân Đồn – Móng Cái đạt 11.000 tỷ đồng."


def _world(people, report):
    target = section(report, 2)
    report_services.save_section(people.drafter, target, text=TEXT, base_version=1)
    round_ = open_round(people, report)
    comment = services.add_comment(people.reviewer, target, body="Rà soát lại **số liệu** vốn.")
    consultation.submit_response(people.lead, round_)
    services.add_comment(people.other_reviewer, target, body="Nháp: số liệu đường tỉnh.")
    db.session.commit()
    return target, comment


def test_search_contract(api, people, report):
    target, comment = _world(people, report)
    body = api.as_(people.chair).get(f"/reports/{report.id}/search?q=so+lieu&limit=1").json
    assert set(body) >= {"items", "next_cursor"}
    item = body["items"][0]
    assert set(item) >= {"type", "id", "section_id", "snippet", "match"}
    start, end = item["match"]
    assert item["snippet"][start:end] == "số liệu" and "**" not in item["snippet"]
    second = (
        api.as_(people.chair)
        .get(f"/reports/{report.id}/search?q=so+lieu&limit=1&cursor={body['next_cursor']}")
        .json
    )
    assert "items" in second, second
    seen = {(i["type"], i["id"]) for i in body["items"] + second["items"]}
    assert seen == {("section", target.id), ("comment", comment.id)}  # not the SCT draft


def test_search_filters_and_bad_parameters(api, people, report):
    _target, comment = _world(people, report)
    client = api.as_(people.drafter)
    only = client.get(f"/reports/{report.id}/search?q=so+lieu&type=comment&department=STC").json
    assert [(i["type"], i["id"]) for i in only["items"]] == [("comment", comment.id)]
    assert client.get(f"/reports/{report.id}/search?q=x&limit=0").status_code == 400
    assert client.get(f"/reports/{report.id}/search?q=x&cursor=-1").status_code == 400
    assert client.get(f"/reports/{report.id}/search?q=").json["items"] == []


def test_search_page_shows_text_not_markdown(client, auth, people, report):
    _world(people, report)
    auth.login("stc.reviewer")
    page = client.get(f"/reports/{report.id}/search?q=duong+cao+toc").get_data(as_text=True)
    assert "<mark>đường cao tốc</mark>" in page
    page = client.get(f"/reports/{report.id}/search?q=so+lieu").get_data(as_text=True)
    assert "<mark>số liệu</mark>" in page and "**" not in page and "Nháp" not in page
