"""API: POST /reports/{rid}/reimport -- a revised draft into an existing report: only
changed sections get a version, new ones are added, missing ones deleted (restorable),
and a section saved since the file's base version is a conflict, never overwritten."""

from __future__ import annotations

import io
import json

from tests import docx_builder as b


def _draft(
    *,
    economy: str,
    with_society: bool = True,
    extra: bool = False,
    marks=None,
    economy_heading: str = "1. Kinh tế",
) -> bytes:
    marks = marks or {}

    def heading(text: str, key: str) -> str:
        mark = b.bookmark(marks[key], len(key)) if key in marks else ""
        return f"<w:p><w:pPr/>{mark}{b.run(text, bold=True)}</w:p>"

    body = (
        heading("I. ĐÁNH GIÁ KẾT QUẢ", "I")
        + b.para(text="Tốc độ tăng trưởng GRDP bình quân đạt 10,7%/năm.")
        + heading(economy_heading, "I.1")
        + b.para(text=economy)
    )
    if with_society:
        body += heading("2. Xã hội", "I.2") + b.para(text="Giảm nghèo bền vững, hộ nghèo còn 0,5%.")
    if extra:
        body += heading("3. Môi trường", "I.3") + b.para(text="Tỷ lệ che phủ rừng đạt 55%.")
    body += heading("II. PHƯƠNG HƯỚNG", "II") + b.para(text="Phát triển nhanh và bền vững.")
    return b.build(body)


ECONOMY = "Dịch vụ tăng 11,2%/năm; công nghiệp chế biến thay thế khai khoáng."


def _post(client, url, data: bytes, name="du-thao-sua.docx", **fields):
    form = {"file": (io.BytesIO(data), name), **fields}
    return client.post(url, data=form, content_type="multipart/form-data")


def _report(drafter) -> dict:
    response = _post(drafter, "/reports/import", _draft(economy=ECONOMY), "du-thao.docx")
    assert response.status_code == 201
    return response.json


def test_plan_then_apply_changes_only_what_changed(api, people):
    drafter = api.as_(people.drafter)
    report = _report(drafter)
    ids = {s["number"]: s["id"] for s in report["sections"]}
    revised = _draft(economy="Dịch vụ tăng 11,5%/năm.", with_society=False, extra=True)
    url = f"/reports/{report['id']}/reimport"
    plan = _post(drafter, url, revised, dry_run="true").json
    assert plan["changed"] == [ids["I.1"]] and plan["removed"] == [ids["I.2"]]
    assert plan["new_sections"] == [{"heading": "Môi trường", "level": 2}]
    assert plan["unchanged"] == 2 and plan["conflicts"] == [] and plan["based_on"] == "current"
    assert drafter.get(f"/sections/{ids['I.1']}").json["version"] == 1  # dry run: nothing
    done = _post(drafter, url, revised)
    assert done.status_code == 200
    assert done.json["changed"] == [ids["I.1"]] and len(done.json["added"]) == 1
    economy = drafter.get(f"/sections/{ids['I.1']}").json
    assert economy["version"] == 2 and economy["text"] == "Dịch vụ tăng 11,5%/năm."
    versions = drafter.get(f"/sections/{ids['I.1']}/versions").json
    assert versions[0]["reason_code"] == "imported" and "du-thao-sua.docx" in versions[0]["reason"]
    assert drafter.get(f"/sections/{ids['I']}").json["version"] == 1  # unchanged: no version
    outline = drafter.get(f"/reports/{report['id']}").json["sections"]
    assert [(s["number"], s["heading"]) for s in outline] == [
        ("I", "ĐÁNH GIÁ KẾT QUẢ"),
        ("I.1", "Kinh tế"),
        ("I.2", "Môi trường"),
        ("II", "PHƯƠNG HƯỚNG"),
    ]
    assert drafter.get(f"/sections/{ids['I.2']}").json["deleted"] is True  # restorable


def test_a_section_saved_since_the_export_is_a_conflict(api, people):
    drafter = api.as_(people.drafter)
    report = _report(drafter)
    ids = {s["number"]: s["id"] for s in report["sections"]}
    saved = drafter.put(
        f"/sections/{ids['I.1']}",
        json={"text": "Bản sửa của tổ soạn thảo.", "base_version": 1},
    )
    assert saved.status_code == 200
    marks = {key: f"fb_s{sid}_v1" for key, sid in ids.items()}
    exported = _draft(economy="Dịch vụ tăng 12%/năm.", marks=marks)
    provenance = {
        "report": report["id"],
        "edition": 1,
        "sections": {str(s): 1 for s in ids.values()},
    }
    exported = b.with_provenance(exported, json.dumps(provenance))
    done = _post(drafter, f"/reports/{report['id']}/reimport", exported)
    assert done.status_code == 200
    assert done.json["conflicts"] == [ids["I.1"]] and done.json["changed"] == []
    assert done.json["based_on"] == "provenance" and done.json["edition"] == 1
    kept = drafter.get(f"/sections/{ids['I.1']}").json
    assert kept["version"] == 2 and kept["text"] == "Bản sửa của tổ soạn thảo."


def test_bookmarks_match_a_renamed_section(api, people):
    drafter = api.as_(people.drafter)
    report = _report(drafter)
    ids = {s["number"]: s["id"] for s in report["sections"]}
    marks = {key: f"fb_s{sid}_v1" for key, sid in ids.items()}
    renamed = _draft(economy=ECONOMY, marks=marks, economy_heading="1. Phát triển kinh tế")
    done = _post(drafter, f"/reports/{report['id']}/reimport", renamed).json
    assert done["changed"] == [ids["I.1"]] and done["added"] == [] and done["removed"] == []
    assert drafter.get(f"/sections/{ids['I.1']}").json["heading"] == "Phát triển kinh tế"


def test_refusals_and_permissions(api, people):
    drafter = api.as_(people.drafter)
    report = _report(drafter)
    url = f"/reports/{report['id']}/reimport"
    assert _post(drafter, url, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504).status_code == 422
    assert _post(api.as_(people.reviewer), url, _draft(economy="x")).status_code == 403


def test_a_file_without_provenance_is_compared_with_the_latest_edition(api, people):
    drafter = api.as_(people.drafter)
    report = _report(drafter)
    ids = {s["number"]: s["id"] for s in report["sections"]}
    issued = drafter.post(f"/reports/{report['id']}/editions", json={"note": "Dự thảo lần 1"})
    assert issued.status_code == 201
    drafter.put(
        f"/sections/{ids['I.1']}", json={"text": "Sửa sau khi phát hành.", "base_version": 1}
    )
    plain = _draft(economy="Bản Word sửa tay.", with_society=True)
    plan = _post(drafter, f"/reports/{report['id']}/reimport", plain, dry_run="1").json
    assert plan["based_on"] == "edition" and plan["edition"] == issued.json["number"]
    assert plan["conflicts"] == [ids["I.1"]] and plan["changed"] == []
