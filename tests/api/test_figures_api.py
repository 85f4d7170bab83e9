"""The issue's "done when", through the API, on the demo: every department sees its own
indicators, Cục Thống kê corrects one figure, "11/14" becomes an inconsistency until the
drafting team fixes the sentence, two departments propose different targets for one
next-period indicator and one is adopted, the chair's counts equal the statuses."""

from __future__ import annotations

from collections import Counter

import pytest

from feedback.figures import queries

from ..figure_helpers import load_demo, open_round, user

GROWTH = "Tốc độ tăng trưởng GRDP bình quân (%/năm)"


@pytest.fixture
def demo(app, api):
    report = load_demo()
    names = ["tosoanthao", "chutich", "quantri", "ctk.canbo", "ctk.lanhdao"]
    names += ["stc.canbo", "stc.lanhdao", "sxd.canbo"]
    clients = {n: api.as_(user(n)) for n in names}
    return report, clients, open_round(report).id


def _items(client, rid):
    response = client.get(f"/reports/{rid}/indicators")
    assert response.status_code == 200, response.json
    return response.json["items"]


def _by_name(items, name, kind="results"):
    return next(i for i in items if i["name"] == name and i["table_kind"] == kind)


def test_the_indicator_list_names_the_issue_fields_and_no_false_flag(demo):
    report, c, _round = demo
    items = _items(c["chutich"], report.id)
    assert len(items) == 14 + 5
    assert set(items[0]) >= {
        "id",
        "section_id",
        "row",
        "name",
        "unit",
        "target",
        "actual",
        "assessment",
        "computed_assessment",
        "direction",
        "department",
        "status",
        "source",
    }
    growth = _by_name(items, GROWTH)
    assert (growth["target"], growth["actual"]) == ("9 – 10", "10,7")
    assert (growth["assessment"], growth["computed_assessment"]) == ("exceeded", "exceeded")
    assert growth["direction"] == "higher" and growth["unit"] == "%/năm"
    assert growth["department"] == {"code": "CTK", "name": "Cục Thống kê tỉnh"}
    poverty = _by_name(items, "Tỷ lệ hộ nghèo theo chuẩn đa chiều (%)")
    assert poverty["computed_assessment"] == "met"  # "dưới 1": lower is better
    structure = items[1]
    assert structure["computed_assessment"] == "unknown"  # "51 – 43 – 6"
    assert not any(i["flagged"] for i in items)

    body = c["tosoanthao"].get(f"/reports/{report.id}/consistency").json
    assert body["counts"] == {"met": 1, "exceeded": 10, "not_met": 3, "unknown": 0, "total": 14}
    assert body["mismatches"] == []
    outstanding = c["tosoanthao"].get(f"/reports/{report.id}/outstanding").json
    assert outstanding["inconsistencies"] == [] and outstanding["counts"]["inconsistencies"] == 0
    assert c["ctk.canbo"].get(f"/reports/{report.id}/consistency").status_code == 403


def test_done_when_a_department_corrects_and_the_text_follows(demo):
    report, c, round_id = demo
    mine = [i for i in _items(c["ctk.canbo"], report.id) if i["department"]["code"] == "CTK"]
    assert {i["name"] for i in mine} >= {GROWTH, "GRDP bình quân đầu người (USD)"}
    growth, per_capita = _by_name(mine, GROWTH), _by_name(mine, "GRDP bình quân đầu người (USD)")

    refused = c["stc.canbo"].post(f"/indicators/{growth['id']}/confirm", json={"source": "STC"})
    assert refused.status_code == 403
    confirmed = c["ctk.canbo"].post(
        f"/indicators/{per_capita['id']}/confirm",
        json={"source": "Cục Thống kê, số liệu ước đến 30/11"},
    )
    assert confirmed.status_code == 200
    assert (confirmed.json["status"], confirmed.json["draft"]) == ("confirmed", True)
    assert _by_name(_items(c["chutich"], report.id), per_capita["name"])["status"] == "unchecked"

    corrected = c["ctk.canbo"].post(
        f"/indicators/{growth['id']}/correct",
        json={"actual": "8,9", "source": "Cục Thống kê", "note": "Theo số liệu chính thức."},
    )
    assert corrected.status_code == 201, corrected.json
    suggestion = corrected.json
    assert suggestion["status"] == "draft"
    assert "| 9 – 10 | 8,9 | Không đạt |" in suggestion["text"]
    sent = c["ctk.lanhdao"].post(f"/rounds/{round_id}/response", json={})
    assert sent.status_code == 201, sent.json

    accepted = c["tosoanthao"].post(f"/suggestions/{suggestion['id']}/accept", json={})
    assert accepted.status_code == 200, accepted.json
    items = _items(c["chutich"], report.id)
    assert _by_name(items, GROWTH)["status"] == "decided"
    assert _by_name(items, per_capita["name"])["status"] == "confirmed"
    assert _by_name(items, per_capita["name"])["source"] == "Cục Thống kê, số liệu ước đến 30/11"

    outstanding = c["chutich"].get(f"/reports/{report.id}/outstanding").json
    quotes = [m["quote"] for m in outstanding["inconsistencies"]]
    assert any("11/14" in q for q in quotes)
    assert outstanding["counts"]["inconsistencies"] == len(quotes)
    first = next(m for m in outstanding["inconsistencies"] if "11/14" in m["quote"])
    assert first["table_section_ids"] == [growth["section_id"]]

    for m in c["tosoanthao"].get(f"/reports/{report.id}/consistency").json["mismatches"]:
        section = c["tosoanthao"].get(f"/sections/{m['section_id']}").json
        fixed = section["text"]
        fixed = fixed.replace("11/14", "10/14").replace("3/14", "4/14")
        fixed = fixed.replace("ước đạt 10,7%/năm", "ước đạt 8,9%/năm")
        if fixed != section["text"]:
            saved = c["tosoanthao"].put(
                f"/sections/{m['section_id']}",
                json={"text": fixed, "base_version": section["version"]},
            )
            assert saved.status_code == 200, saved.json
    after = c["chutich"].get(f"/reports/{report.id}/outstanding").json
    assert after["inconsistencies"] == [] and after["counts"]["inconsistencies"] == 0


def test_done_when_two_departments_propose_and_one_is_adopted(demo):
    report, c, round_id = demo
    goal = _by_name(_items(c["tosoanthao"], report.id), "GRDP bình quân đầu người", "targets")
    first = c["ctk.canbo"].post(
        f"/indicators/{goal['id']}/proposals",
        json={"target": "trên 9.500", "rationale": "Theo dự báo tăng trưởng giai đoạn tới."},
    )
    second = c["stc.canbo"].post(
        f"/indicators/{goal['id']}/proposals",
        json={"target": "trên 11.000", "rationale": "Theo khả năng cân đối ngân sách."},
    )
    assert (first.status_code, second.status_code) == (201, 201)
    for lead in ("ctk.lanhdao", "stc.lanhdao"):
        assert c[lead].post(f"/rounds/{round_id}/response", json={}).status_code == 201

    history = c["tosoanthao"].get(f"/indicators/{goal['id']}").json["history"]
    assert [(h["department"]["code"], h["value"]) for h in history] == [
        ("CTK", "trên 9.500"),
        ("STC", "trên 11.000"),
    ]
    adopted = c["tosoanthao"].post(f"/suggestions/{second.json['id']}/accept", json={})
    assert adopted.status_code == 200, adopted.json
    decided = c["chutich"].get(f"/indicators/{goal['id']}").json["history"]
    assert [h["suggestion"]["status"] for h in decided] == ["rejected", "accepted"]
    assert decided[1]["suggestion"]["decided_by"]["name"] == user("tosoanthao").name
    other = c["tosoanthao"].get(f"/suggestions/{first.json['id']}").json
    assert other["status"] == "rejected" and other["conflict_version"] is None
    assert other["decision_note"]
    goal_now = _by_name(_items(c["chutich"], report.id), goal["name"], "targets")
    assert goal_now["target"] == "trên 11.000" and goal_now["id"] == goal["id"]

    new = c["sxd.canbo"].post(
        f"/reports/{report.id}/indicators",
        json={
            "section_id": goal["section_id"],
            "name": "Tỷ lệ đô thị hóa khu vực ven biển",
            "unit": "%",
            "target": "75",
            "rationale": "Chỉ tiêu mới của ngành xây dựng.",
        },
    )
    assert new.status_code == 201, new.json
    assert "| Tỷ lệ đô thị hóa khu vực ven biển | % | 75 |" in new.json["text"]
    wrong = c["sxd.canbo"].post(
        f"/reports/{report.id}/indicators",
        json={"section_id": 1, "name": "X", "unit": "", "target": "1", "rationale": "r"},
    )
    assert wrong.status_code == 422


def test_the_chairs_counts_equal_the_statuses_the_api_returns(demo):
    report, c, round_id = demo
    items = [i for i in _items(c["ctk.canbo"], report.id) if i["table_kind"] == "results"]
    for item in items:
        if item["department"]["code"] == "CTK":
            c["ctk.canbo"].post(f"/indicators/{item['id']}/confirm", json={"source": "CTK"})
    c["ctk.lanhdao"].post(f"/rounds/{round_id}/response", json={})
    statuses = Counter(
        i["status"] for i in _items(c["chutich"], report.id) if i["table_kind"] == "results"
    )
    summary = queries.summary(report, user("chutich"))
    assert statuses == summary.counts
    assert statuses["confirmed"] == 4 and summary.checked == 4


def test_drafter_maps_tables_assigns_and_the_admin_keeps_the_keyword_map(demo):
    report, c, _round = demo
    tables = c["chutich"].get(f"/reports/{report.id}/indicator-tables").json["items"]
    assert [t["kind"] for t in tables] == ["results", "targets"]
    results = tables[0]
    assert results["columns"] == {
        "number": 0,
        "name": 1,
        "unit": None,
        "target": 2,
        "actual": 3,
        "assessment": 4,
    }
    path = f"/sections/{results['section_id']}/tables/0"
    assert c["ctk.lanhdao"].put(path, json={"kind": "targets"}).status_code == 403
    bad = c["tosoanthao"].put(path, json={"columns": {"name": 9, "actual": 3}})
    assert bad.status_code == 422
    assert (
        c["tosoanthao"].put(f"/sections/{results['section_id']}/tables/7", json={}).status_code
        == 404
    )
    mapped = c["tosoanthao"].put(path, json={"columns": {"name": 1, "target": 2, "actual": 3}})
    assert mapped.status_code == 200 and mapped.json["mapped"] is True

    item = _items(c["tosoanthao"], report.id)[0]
    changed = c["tosoanthao"].put(
        f"/indicators/{item['id']}", json={"department_code": "STC", "direction": "lower"}
    )
    assert changed.status_code == 200
    assert changed.json["department"]["code"] == "STC" and changed.json["direction"] == "lower"
    assert c["stc.lanhdao"].put(f"/indicators/{item['id']}", json={}).status_code == 403
    bad_direction = c["tosoanthao"].put(f"/indicators/{item['id']}", json={"direction": "up"})
    assert bad_direction.status_code == 422

    keywords = c["stc.canbo"].get("/indicator-keywords").json["keywords"]
    assert {"keyword": "ngân sách", "department": {"code": "STC", "name": "Sở Tài chính"}} in (
        keywords
    )
    refused = c["tosoanthao"].put("/indicator-keywords", json={"keywords": []})
    assert refused.status_code == 403
    replaced = c["quantri"].put(
        "/indicator-keywords",
        json={"keywords": [{"keyword": "GRDP", "department_code": "STC"}]},
    )
    assert replaced.status_code == 200
    assert [k["keyword"] for k in replaced.json["keywords"]] == ["GRDP"]
    unknown = c["quantri"].put(
        "/indicator-keywords", json={"keywords": [{"keyword": "x", "department_code": "NONE"}]}
    )
    assert unknown.status_code == 422


def test_the_summary_counts_and_the_closed_round_notes(demo):
    report, c, round_id = demo
    growth = _by_name(_items(c["ctk.canbo"], report.id), GROWTH)
    c["ctk.canbo"].post(f"/indicators/{growth['id']}/confirm", json={"source": "CTK"})
    c["ctk.lanhdao"].post(f"/rounds/{round_id}/response", json={})
    summary = c["chutich"].get(f"/reports/{report.id}/indicator-summary").json
    assert (summary["total"], summary["checked"]) == (14, 1)
    assert summary["counts"] == {"unchecked": 13, "confirmed": 1, "corrected": 0, "decided": 0}
    assert summary["line"] == "1/14 chỉ tiêu đã được các sở, ngành xác nhận"
    ctk = next(d for d in summary["by_department"] if d["department"]["code"] == "CTK")
    assert ctk["counts"]["confirmed"] == 1 and ctk["counts"]["unchecked"] == 3
    assert c["ctk.canbo"].get(f"/reports/{report.id}/indicator-summary").status_code == 403

    assert c["tosoanthao"].post(f"/rounds/{round_id}/close").status_code == 200
    items = _items(c["chutich"], report.id)
    assert _by_name(items, GROWTH)["deemed_agree"] is False  # confirmed
    forest = _by_name(items, "Tỷ lệ che phủ rừng (%)")  # SNN never answered
    assert (forest["status"], forest["deemed_agree"]) == ("unchecked", True)
    closed = c["chutich"].get(f"/reports/{report.id}/indicator-summary").json
    assert forest["id"] in closed["deemed_agree"] and growth["id"] not in closed["deemed_agree"]


def test_indicators_of_a_department_not_invited_are_warned_about(demo, app):
    report, c, _round = demo
    c["quantri"].post("/departments", json={"code": "SKHDT", "name": "Sở Kế hoạch và Đầu tư"})
    item = _by_name(
        _items(c["tosoanthao"], report.id), "Tổng vốn đầu tư toàn xã hội (nghìn tỷ đồng, 5 năm)"
    )
    moved = c["tosoanthao"].put(f"/indicators/{item['id']}", json={"department_code": "SKHDT"})
    assert moved.status_code == 200, moved.json
    assert _by_name(_items(c["chutich"], report.id), item["name"])["department_not_invited"]
    summary = c["tosoanthao"].get(f"/reports/{report.id}/indicator-summary").json
    assert summary["not_invited"] == [item["id"]]


def test_bad_requests_are_refused_with_sentences(demo):
    report, c, _round = demo
    items = _items(c["tosoanthao"], report.id)
    growth, goal = _by_name(items, GROWTH), _by_name(items, "Tỷ lệ đô thị hóa", "targets")
    ctk = c["ctk.canbo"]
    cases = [
        (ctk.post(f"/indicators/{growth['id']}/confirm", json={}), 400),
        (ctk.post(f"/indicators/{growth['id']}/confirm", json={"source": ""}), 422),
        (ctk.post("/indicators/999999/confirm", json={"source": "CTK"}), 404),
        (
            ctk.post(f"/indicators/{growth['id']}/correct", json={"actual": "10,7", "source": "x"}),
            422,
        ),
        (
            ctk.post(
                f"/indicators/{growth['id']}/proposals", json={"target": "1", "rationale": "r"}
            ),
            422,
        ),
        (c["sxd.canbo"].post(f"/indicators/{goal['id']}/proposals", json={"target": "75"}), 400),
        (
            c["sxd.canbo"].post(
                f"/indicators/{goal['id']}/proposals", json={"target": "75", "rationale": " "}
            ),
            422,
        ),
        (
            c["tosoanthao"].put(f"/sections/{growth['section_id']}/tables/0", json={"kind": "x"}),
            422,
        ),
        (c["tosoanthao"].put(f"/indicators/{growth['id']}", json={"direction": 3}), 400),
    ]
    for response, status in cases:
        assert response.status_code == status, response.json
        assert response.json["error"]["message"]

    draft = ctk.post(f"/indicators/{growth['id']}/confirm", json={"source": "Cục Thống kê"})
    assert draft.status_code == 200
    seen = c["stc.canbo"].get(f"/indicators/{growth['id']}").json
    assert seen["history"] == [] and seen["status"] == "unchecked"
    own = ctk.get(f"/indicators/{growth['id']}").json
    assert [h["source"] for h in own["history"]] == ["Cục Thống kê"] and own["draft"] is True

    c["tosoanthao"].post(f"/rounds/{_round}/close")
    closed = ctk.post(f"/indicators/{growth['id']}/confirm", json={"source": "Cục Thống kê"})
    assert closed.status_code == 409 and closed.json["error"]["message"]
