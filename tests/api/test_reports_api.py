"""API: reports, sections, versions, diffs."""

import unicodedata

from .. import factories


def test_create_and_read_report(api, people):
    drafter = api.as_(people.drafter)
    response = drafter.post(
        "/reports", json={"title": "Báo cáo thử", "markdown": factories.REPORT_MD}
    )
    assert response.status_code == 201
    report = response.json
    assert report["title"] == "Báo cáo thử"
    assert [(s["number"], s["level"]) for s in report["sections"]] == [
        ("I", 1),
        ("I.1", 2),
        ("I.2", 2),
        ("II", 1),
    ]
    first, child = report["sections"][:2]
    assert child["parent_id"] == first["id"] and first["parent_id"] is None
    assert child["version"] == 1 and "| 1 | Tăng trưởng GRDP | Vượt |" in child["text"]

    reader = api.as_(people.reviewer)
    assert reader.get(f"/reports/{report['id']}").json["sections"] == report["sections"]
    assert [r["id"] for r in reader.get("/reports").json] == [report["id"]]


def test_only_drafters_create_reports(api, people):
    for role in ("admin", "chair", "lead", "reviewer"):
        client = api.as_(getattr(people, role))
        assert (
            client.post("/reports", json={"title": "x", "markdown": "# a\n\nb"}).status_code == 403
        )


def test_section_update_with_stale_base_is_409(api, people, report):
    drafter = api.as_(people.drafter)
    sid = drafter.get(f"/reports/{report.id}").json["sections"][0]["id"]
    ok = drafter.put(
        f"/sections/{sid}", json={"text": "Văn bản mới.", "base_version": 1, "reason": "Cập nhật"}
    )
    assert ok.status_code == 200
    assert ok.json["version"] == 2 and ok.json["html"] == "<p>Văn bản mới.</p>"
    stale = drafter.put(f"/sections/{sid}", json={"text": "Bản khác.", "base_version": 1})
    assert stale.status_code == 409
    assert stale.json["error"]["code"] == "stale_version"
    assert stale.json["error"]["details"]["current_version"] == 2
    assert drafter.get(f"/sections/{sid}").json["text"] == "Văn bản mới."


def test_versions_and_diff(api, people, report):
    drafter = api.as_(people.drafter)
    section = drafter.get(f"/reports/{report.id}").json["sections"][2]
    sid = section["id"]
    new_text = (
        section["text"].replace("11,2%/năm", "11,5%/năm").replace("khai khoáng", "khai thác than")
    )
    drafter.put(f"/sections/{sid}", json={"text": new_text, "base_version": 1, "reason": "Số liệu"})
    versions = api.as_(people.reviewer).get(f"/sections/{sid}/versions").json
    assert [(v["version"], v["reason"]) for v in versions] == [
        (2, "Số liệu"),
        (1, versions[1]["reason"]),
    ]
    assert versions[0]["author"]["username"] == "drafter"
    one = drafter.get(f"/sections/{sid}/versions/1").json
    assert one["text"] == section["text"]
    diff = drafter.get(f"/sections/{sid}/diff?from=1&to=2").json
    assert (diff["from"], diff["to"]) == (1, 2)
    assert ["delete", "khoáng"] in diff["ops"] and ["insert", "thác than"] in diff["ops"]
    assert "<ins>" in diff["html"] and "<del>" in diff["html"]
    old = "".join(t for k, t in diff["ops"] if k != "insert")
    new = "".join(t for k, t in diff["ops"] if k != "delete")
    assert (old, new) == (section["text"], new_text)


def test_unknown_objects_are_404(api, people, report):
    reader = api.as_(people.reviewer)
    for url in (
        "/reports/9999",
        "/sections/9999",
        "/sections/9999/versions",
        "/sections/9999/diff",
    ):
        response = reader.get(url)
        assert response.status_code == 404, url
        assert response.json["error"]["code"] == "not_found"
    sid = reader.get(f"/reports/{report.id}").json["sections"][0]["id"]
    assert reader.get(f"/sections/{sid}/versions/7").status_code == 404


def test_nfd_text_is_stored_as_nfc(api, people, report):
    drafter = api.as_(people.drafter)
    sid = drafter.get(f"/reports/{report.id}").json["sections"][0]["id"]
    nfd = unicodedata.normalize("NFD", "Năng suất lao động xã hội tăng 8%/năm.")
    saved = drafter.put(f"/sections/{sid}", json={"text": nfd, "base_version": 1}).json
    assert saved["text"] == unicodedata.normalize("NFC", nfd)


def test_add_section_and_delete(api, people, report):
    drafter = api.as_(people.drafter)
    sections = drafter.get(f"/reports/{report.id}").json["sections"]
    parent = sections[0]["id"]
    created = drafter.post(
        f"/reports/{report.id}/sections",
        json={
            "heading": "Bối cảnh",
            "text": "Bối cảnh quốc tế.",
            "parent_id": parent,
            "after_id": sections[1]["id"],
        },
    )
    assert created.status_code == 201
    assert created.json["number"] == "I.2" and created.json["level"] == 2
    assert drafter.delete(f"/sections/{created.json['id']}").status_code == 204
    numbers = [s["number"] for s in drafter.get(f"/reports/{report.id}").json["sections"]]
    assert numbers == ["I", "I.1", "I.2", "II"]
    assert api.as_(people.reviewer).delete(f"/sections/{parent}").status_code == 403


def test_openapi_describes_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    described = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi":
            path = rule.rule.removeprefix("/api/v1")
            for arg in rule.arguments:
                path = path.replace(f"<int:{arg}>", f"{{{arg}}}").replace(f"<{arg}>", f"{{{arg}}}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((path, method.lower()))
    assert routes == described
