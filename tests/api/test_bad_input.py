"""Bad input gets a clear 4xx and changes nothing; never a 500."""

import pytest

from feedback.extensions import db
from feedback.reports.models import SectionVersion


@pytest.fixture
def drafter_api(api, people):
    return api.as_(people.drafter)


@pytest.fixture
def sid(drafter_api, report):
    return drafter_api.get(f"/reports/{report.id}").json["sections"][0]["id"]


def _versions():
    return db.session.query(SectionVersion).count()


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b'"text"', "application/json", 400),
        (b"\xff\xfe{}", "application/json", 400),
        (b'{"text": 5, "base_version": 1}', "application/json", 400),
        (b'{"text": "x", "base_version": "one"}', "application/json", 400),
        (b'{"text": "x", "base_version": true}', "application/json", 400),
        (b'{"text": "x"}', "application/json", 400),
        (b'{"text": "a\\u0000b", "base_version": 1}', "application/json", 400),
        (b'{"text": "\\udcff", "base_version": 1}', "application/json", 400),
        (b'{"text": "x\\u202eabc", "base_version": 1}', "application/json", 400),
    ],
)
def test_malformed_section_updates(drafter_api, sid, body, content_type, status):
    before = _versions()
    response = drafter_api.client.put(
        f"/api/v1/sections/{sid}",
        data=body,
        headers={"Authorization": f"Bearer {drafter_api.token}", "Content-Type": content_type},
    )
    assert response.status_code == status
    assert response.json["error"]["message"]
    assert _versions() == before


def test_five_megabyte_body_is_413(drafter_api, sid):
    before = _versions()
    response = drafter_api.put(
        f"/sections/{sid}", json={"text": "a" * 5_000_000, "base_version": 1}
    )
    assert response.status_code == 413
    assert response.json["error"]["code"] == "too_large"
    assert _versions() == before


def test_unknown_route_and_method_use_the_envelope(drafter_api, sid):
    assert drafter_api.get("/nothing-here").json["error"]["code"] == "not_found"
    response = drafter_api.client.post(
        f"/api/v1/sections/{sid}/versions", headers={"Authorization": f"Bearer {drafter_api.token}"}
    )
    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"


def test_bad_query_parameters(drafter_api, sid):
    assert drafter_api.get(f"/sections/{sid}/diff?from=abc").status_code == 400
    assert drafter_api.get(f"/sections/{sid}/diff?from=-1").status_code == 400
    assert drafter_api.get(f"/sections/{sid}/diff?from=1&to=99").status_code == 404


def test_forged_fields_are_ignored(drafter_api, sid, people):
    response = drafter_api.put(
        f"/sections/{sid}",
        json={"text": "Nội dung.", "base_version": 1, "author_id": people.chair.id, "version": 99},
    )
    assert response.status_code == 200
    assert response.json["version"] == 2
    assert response.json["updated_by"]["username"] == "drafter"


def test_empty_title_is_422(drafter_api):
    response = drafter_api.post(
        "/reports", json={"title": "   ", "markdown": "Không có tiêu đề nào."}
    )
    assert response.status_code == 422
