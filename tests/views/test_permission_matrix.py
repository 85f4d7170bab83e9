"""Every page route against every role: allowed, or refused (403/404) -- and never a 500.

The matrix must list every route the app has; a new route without a row fails
``test_matrix_covers_every_page_route``.
"""

import pytest

from feedback.reports import queries

ALL = {"admin", "drafter", "chair", "lead", "reviewer"}
DRAFTER = {"drafter"}
ADMIN = {"admin"}
AUDIT = {"admin", "drafter", "chair"}

# (method, url template, roles allowed). Placeholders: rid, sid, uid, did.
MATRIX = [
    ("GET", "/", ALL),
    ("GET", "/account/password", ALL),
    ("GET", "/reports/new", DRAFTER),
    ("GET", "/reports/{rid}", ALL),
    ("GET", "/reports/{rid}/settings", DRAFTER),
    ("GET", "/reports/{rid}/sections/new", DRAFTER),
    ("GET", "/sections/{sid}", ALL),
    ("GET", "/sections/{sid}/edit", DRAFTER),
    ("GET", "/sections/{sid}/history", ALL),
    ("GET", "/sections/{sid}/versions/1", ALL),
    ("GET", "/sections/{sid}/diff", ALL),
    ("POST", "/sections/{sid}/move/down", DRAFTER),
    ("POST", "/sections/{sid}/restore", DRAFTER),
    ("POST", "/sections/{sid}/undelete", DRAFTER),
    ("POST", "/sections/{sid}/delete", DRAFTER),
    ("GET", "/admin/departments", ADMIN),
    ("GET", "/admin/departments/{did}", ADMIN),
    ("GET", "/admin/users", ADMIN),
    ("GET", "/admin/users/{uid}", ADMIN),
    ("GET", "/audit", AUDIT),
]

# Routes that are not role-gated pages: static files, login, logout, language, the API.
NOT_IN_MATRIX = {"static", "auth.login", "auth.logout", "auth.set_language"}


def test_matrix_covers_every_page_route(app):
    rules = {
        rule.rule for rule in app.url_map.iter_rules()
        if rule.endpoint not in NOT_IN_MATRIX and not rule.endpoint.startswith("api.")
    }
    templates = {
        url.replace("{rid}", "<int:rid>").replace("{sid}", "<int:sid>").replace("{uid}", "<int:uid>")
        .replace("{did}", "<int:did>").replace("/versions/1", "/versions/<int:n>")
        .replace("/move/down", "/move/<direction>")
        for _, url, _ in MATRIX
    }
    assert rules <= templates, f"routes missing from the permission matrix: {sorted(rules - templates)}"


@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize(("method", "url", "allowed"), MATRIX, ids=[f"{m} {u}" for m, u, _ in MATRIX])
def test_role_against_route(client, auth, people, report, role, method, url, allowed):
    section = queries.outline(report)[1].section
    url = url.format(rid=report.id, sid=section.id, uid=people.reviewer.id, did=people.department.id)
    auth.login(getattr(people, role))
    data = {"number": 1, "base_version": 1} if url.endswith("/restore") else {}
    response = client.open(url, method=method, data=data)
    if role in allowed:
        assert response.status_code < 400 or response.status_code in (409, 422), response.status_code
    else:
        assert response.status_code in (403, 404), response.status_code


@pytest.mark.parametrize(("method", "url", "allowed"), MATRIX, ids=[f"{m} {u}" for m, u, _ in MATRIX])
def test_anonymous_is_sent_to_login(client, people, report, method, url, allowed):
    section = queries.outline(report)[1].section
    url = url.format(rid=report.id, sid=section.id, uid=people.reviewer.id, did=people.department.id)
    response = client.open(url, method=method)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
