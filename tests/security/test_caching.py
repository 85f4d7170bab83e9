"""Issue 11: what a browser or proxy may keep. One rule behind a login: no-store, except
what never changes (a section version, an edition and its exports), which is private,
revalidated with an ETag and answered 304 when the browser already has it."""

import pytest

from feedback.extensions import db
from feedback.reports import services as report_services

from ..review_helpers import open_round, section


@pytest.fixture
def edition(people, report):
    from feedback.consolidation import services

    open_round(people, report)
    edition = services.issue_edition(people.drafter, report, note="Dự thảo lần 1")
    db.session.commit()
    return edition


def _immutable(response):
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-cache"
    return response.headers["ETag"]


def test_downloads_and_pages_behind_a_login_are_not_stored(client, auth, api, people, report):
    drafter = api.as_(people.drafter)
    auth.login("drafter")
    urls = [
        "/",
        f"/reports/{report.id}",
        f"/sections/{section(report).id}",
        f"/reports/{report.id}/dispositions",
        f"/reports/{report.id}/dispositions.csv",
        f"/reports/{report.id}/dispositions.docx",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
    for url in (f"/reports/{report.id}", f"/reports/{report.id}/dispositions.csv", "/me"):
        assert drafter.get(url).headers["Cache-Control"] == "no-store", url
    created = drafter.post(f"/reports/{report.id}/comments", json={"body": "Ý kiến chung."})
    assert created.headers["Cache-Control"] == "no-store"
    # A redirect after a form, and the login page itself, are not kept either.
    assert client.post("/logout").headers["Cache-Control"] == "no-store"


def test_edition_exports_revalidate_with_an_etag(client, auth, api, people, report, edition):
    auth.login("chair")
    drafter = api.as_(people.drafter)
    for fmt in ("docx", "md", "html"):
        url = f"/reports/{report.id}/editions/{edition.number}/export.{fmt}"
        for get in (client.get, lambda u: drafter.get(u.removeprefix("/api/v1"))):
            tag = _immutable(get(url))
            again = client.get(url, headers={"If-None-Match": tag})
            assert again.status_code == 304 and not again.data, url
            assert again.headers["ETag"] == tag
    api_url = f"/api/v1/reports/{report.id}/editions/{edition.number}/export.docx"
    tag = _immutable(
        drafter.client.get(api_url, headers={"Authorization": f"Bearer {drafter.token}"})
    )
    replay = drafter.client.get(
        api_url, headers={"Authorization": f"Bearer {drafter.token}", "If-None-Match": tag}
    )
    assert replay.status_code == 304
    # The same edition in the other language is another document: another tag.
    english = drafter.get(api_url.removeprefix("/api/v1"), headers={"Accept-Language": "en"})
    assert _immutable(english) != tag


def test_an_approved_edition_is_a_new_document(client, auth, people, report, edition):
    from feedback.consolidation import services

    auth.login("chair")
    url = f"/reports/{report.id}/editions/{edition.number}/export.docx"
    tag = _immutable(client.get(url))
    services.approve_edition(people.chair, edition)
    db.session.commit()
    after = client.get(url, headers={"If-None-Match": tag})
    assert after.status_code == 200 and after.headers["ETag"] != tag


def test_a_section_version_and_an_edition_revalidate_in_the_api(api, people, report, edition):
    drafter = api.as_(people.drafter)
    target = section(report)
    report_services.save_section(
        people.drafter, target, text=target.current.text + " Thêm.", base_version=1
    )
    db.session.commit()
    for url in (f"/sections/{target.id}/versions/1", f"/reports/{report.id}/editions/1"):
        tag = _immutable(drafter.get(url))
        assert drafter.get(url, headers={"If-None-Match": tag}).status_code == 304
        assert drafter.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    # What can still change is not cached: the section's current state.
    assert drafter.get(f"/sections/{target.id}").headers["Cache-Control"] == "no-store"


def test_static_files_have_fingerprinted_names_kept_a_year(client, auth, people, report):
    import re

    auth.login("drafter")
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    css = re.search(r'href="(/static/app\.([0-9a-f]{12})\.css)"', page)
    assert css, "pages link the stylesheet by its fingerprinted name"
    kept = client.get(css.group(1))
    assert kept.status_code == 200 and b"body" in kept.data
    assert kept.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # The plain name still answers, revalidated; an outdated fingerprint too, not kept.
    for url in ("/static/app.css", "/static/app.000000000000.css"):
        plain = client.get(url)
        assert plain.status_code == 200 and plain.data == kept.data, url
        assert "max-age=31536000" not in plain.headers.get("Cache-Control", ""), url
    assert client.get("/static/nothing.0123456789ab.css").status_code == 404
