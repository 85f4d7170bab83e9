"""Every page route against every role: allowed, or refused (403/404) -- and never a 500.

The matrix must list every route the app has; a new route without a row fails
``test_matrix_covers_every_page_route``.
"""

import io

import docx
import pytest

from feedback.auth import sessions
from feedback.consolidation import services as edition_services
from feedback.extensions import db
from feedback.figures import queries as queries_figures
from feedback.figures import services as figures
from feedback.reports import queries
from feedback.review import consultation, markup_import, services

from ..review_helpers import open_round

ALL = {"admin", "drafter", "chair", "lead", "reviewer"}
DRAFTER = {"drafter"}
ADMIN = {"admin"}
AUDIT = {"admin", "drafter", "chair"}
DEPARTMENT = {"lead", "reviewer"}
PARTICIPANTS = {"drafter", "chair", "lead", "reviewer"}

# (method, url template, roles allowed). Placeholders: rid, sid, uid, did.
MATRIX = [
    ("GET", "/", ALL),
    ("GET", "/start", ALL),
    ("GET", "/account/password", ALL),
    ("GET", "/account/notifications", ALL),
    ("GET", "/account", ALL),
    ("POST", "/account/logout-everywhere", ALL),
    # Only the owner ends a session or revokes a token there (the reviewer owns these).
    ("POST", "/account/sessions/{own_session}/end", {"reviewer"}),
    ("POST", "/account/tokens/{own_token}/revoke", {"reviewer"}),
    ("GET", "/reports/new", DRAFTER),
    ("GET", "/reports/{rid}", ALL),
    ("GET", "/reports/{rid}/settings", DRAFTER),
    ("GET", "/reports/{rid}/reimport", DRAFTER),
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
    ("POST", "/admin/users/{uid}/revoke-tokens", ADMIN),
    ("GET", "/audit", AUDIT),
    ("GET", "/notifications", ALL),
    ("POST", "/notifications/read", ALL),
    ("GET", "/reports/{rid}/rounds", ALL),
    ("GET", "/reports/{rid}/search", ALL),
    ("GET", "/reports/{rid}/rounds/new", DRAFTER),
    ("GET", "/rounds/{round}", ALL),
    ("GET", "/rounds/{round}/respond", DEPARTMENT),
    ("GET", "/rounds/{round}/markup", DEPARTMENT),
    ("POST", "/rounds/{round}/markup", DEPARTMENT),
    # The uploader (the reviewer) or the department's lead removes an import.
    ("POST", "/markup-imports/{markup_import}/remove", DEPARTMENT),
    ("POST", "/rounds/{round}/close", DRAFTER),
    ("POST", "/sections/{sid}/comments", PARTICIPANTS),
    ("POST", "/reports/{rid}/comments", PARTICIPANTS),
    ("GET", "/comments/{draft_comment}/edit", DEPARTMENT),
    ("POST", "/comments/{draft_comment}/delete", DEPARTMENT),
    ("POST", "/replies/{draft_reply}/delete", DEPARTMENT),
    # Only the lead sends a draft reply on its own (the department has already answered).
    ("POST", "/replies/{draft_reply}/publish", {"lead"}),
    ("POST", "/comments/{submitted_comment}/withdraw", DEPARTMENT),
    ("POST", "/comments/{submitted_comment}/replies", PARTICIPANTS),
    ("GET", "/sections/{sid}/suggest", DEPARTMENT),
    ("POST", "/sections/{sid}/tracked-changes", DRAFTER | DEPARTMENT),
    ("GET", "/suggestions/{submitted_suggestion}", ALL),
    ("GET", "/suggestions/{draft_suggestion}", DEPARTMENT),
    ("GET", "/suggestions/{draft_suggestion}/edit", DEPARTMENT),
    ("POST", "/suggestions/{draft_suggestion}/delete", DEPARTMENT),
    ("POST", "/suggestions/{submitted_suggestion}/withdraw", DEPARTMENT),
    ("GET", "/reports/{rid}/review", {"drafter", "chair"}),
    ("POST", "/suggestions/{submitted_suggestion}/accept", DRAFTER),
    ("POST", "/suggestions/{submitted_suggestion}/reject", DRAFTER),
    ("POST", "/suggestions/{submitted_suggestion}/reopen", DRAFTER),
    ("GET", "/suggestions/{submitted_suggestion}/merge", DRAFTER),
    ("POST", "/sections/{sid}/accept-suggestions", DRAFTER),
    ("POST", "/comments/{submitted_comment}/resolve", {"drafter", "chair"}),
    ("POST", "/comments/{submitted_comment}/reopen", DRAFTER),
    ("GET", "/reports/{rid}/dashboard", {"drafter", "chair"}),
    ("GET", "/reports/{rid}/editions", ALL),
    ("POST", "/reports/{rid}/editions", DRAFTER),
    ("GET", "/reports/{rid}/archive.zip", AUDIT),
    ("GET", "/reports/{rid}/editions/{edition}", ALL),
    ("GET", "/reports/{rid}/editions/{edition}/compare", ALL),
    ("GET", "/reports/{rid}/editions/{edition}/export.docx", ALL),
    ("GET", "/reports/{rid}/editions/{edition}/approve", {"chair"}),
    ("POST", "/reports/{rid}/editions/{edition}/approve", {"chair"}),
    ("POST", "/reports/{rid}/editions/{edition}/submit", {"chair"}),
    ("GET", "/reports/{rid}/dispositions", {"drafter", "chair"}),
    ("GET", "/reports/{rid}/dispositions.csv", {"drafter", "chair"}),
    # The figures (issue 15): the indicator is department A's (STC's).
    ("GET", "/reports/{rid}/figures/mine", DEPARTMENT),
    ("POST", "/indicators/{indicator}/confirm", DEPARTMENT),
    ("POST", "/indicators/{indicator}/correct", DEPARTMENT),
    ("POST", "/indicators/{indicator}/propose", DEPARTMENT),
    ("POST", "/reports/{rid}/figures/new", DEPARTMENT),
    ("GET", "/reports/{rid}/figures", {"drafter", "chair"}),
    ("GET", "/reports/{rid}/figures.csv", {"drafter", "chair"}),
    ("GET", "/indicators/{indicator}", ALL),
    ("POST", "/indicators/{indicator}/assign", DRAFTER),
    ("GET", "/sections/{sid}/tables/0", DRAFTER),
    ("POST", "/sections/{sid}/tables/0", DRAFTER),
    ("GET", "/admin/indicator-keywords", ADMIN),
    ("POST", "/admin/indicator-keywords", ADMIN),
]

PLACEHOLDERS = {
    "{rid}": "<int:rid>",
    "{sid}": "<int:sid>",
    "{uid}": "<int:uid>",
    "{did}": "<int:did>",
    "{own_session}": "<int:session_id>",
    "{own_token}": "<int:token_id>",
    "{round}": "<int:round_id>",
    "{markup_import}": "<int:import_id>",
    "{draft_comment}": "<int:comment_id>",
    "{submitted_comment}": "<int:comment_id>",
    "{draft_suggestion}": "<int:suggestion_id>",
    "{draft_reply}": "<int:reply_id>",
    "{submitted_suggestion}": "<int:suggestion_id>",
    "/versions/1": "/versions/<int:n>",
    "/move/down": "/move/<direction>",
    "{edition}": "<int:n>",
    "/export.docx": "/export.<fmt>",
    "/dispositions.csv": "/dispositions.<fmt>",
    "{indicator}": "<int:indicator_id>",
    "/tables/0": "/tables/<int:index>",
}


@pytest.fixture
def world(people, report):
    """An open round with feedback of department A (STC) in every state the routes need."""
    round_ = open_round(people, report)
    target = queries.outline(report)[1].section
    submitted_comment = services.add_comment(people.reviewer, target, body="Đã gửi.")
    submitted_suggestion = services.add_suggestion(
        people.reviewer, target, base_version=1, text="Văn bản đề xuất."
    )
    consultation.submit_response(people.lead, round_)
    draft_comment = services.add_comment(people.reviewer, target, body="Bản nháp.")
    draft_suggestion = services.add_suggestion(
        people.reviewer, target, base_version=1, text="Bản nháp đề xuất."
    )
    draft_reply = services.add_reply(people.reviewer, submitted_comment, body="Trả lời nháp.")
    edition = edition_services.issue_edition(people.drafter, report)
    sessions.start_session(people.reviewer, address="10.0.0.5", user_agent="Firefox")
    own_token, _secret = sessions.issue_token(people.reviewer)
    figures.map_table(
        people.drafter, target, table_index=0, columns={"number": 0, "name": 1, "actual": 2}
    )
    db.session.flush()
    figure = queries_figures.indicator_views(report.id, people.drafter)[0].indicator
    figures.update_indicator(people.drafter, figure, department_code=people.department.code)
    document, copy = docx.Document(), io.BytesIO()
    document.add_paragraph("Bản sửa của Sở Tài chính.")
    document.save(copy)
    batch, _plan, _made = markup_import.import_markup(
        people.reviewer, round_, copy.getvalue(), "ban-sua.docx"
    )
    db.session.commit()
    return {
        "rid": report.id,
        "sid": target.id,
        "uid": people.reviewer.id,
        "did": people.department.id,
        "round": round_.id,
        "draft_comment": draft_comment.id,
        "submitted_comment": submitted_comment.id,
        "draft_suggestion": draft_suggestion.id,
        "draft_reply": draft_reply.id,
        "submitted_suggestion": submitted_suggestion.id,
        "edition": edition.number,
        "own_session": sessions.sessions_of(people.reviewer)[0].id,
        "own_token": own_token.id,
        "markup_import": batch.id,
        "indicator": figure.id,
    }


# Routes that are not role-gated pages: static files, login, logout, language, the API.
NOT_IN_MATRIX = {"static", "auth.login", "auth.logout", "auth.set_language", "healthz", "readyz"}


def test_matrix_covers_every_page_route(app):
    rules = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in NOT_IN_MATRIX and not rule.endpoint.startswith("api.")
    }
    templates = set()
    for _, url, _ in MATRIX:
        for placeholder, converter in PLACEHOLDERS.items():
            url = url.replace(placeholder, converter)
        templates.add(url)
    assert rules <= templates, (
        f"routes missing from the permission matrix: {sorted(rules - templates)}"
    )


@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize(
    ("method", "url", "allowed"), MATRIX, ids=[f"{m} {u}" for m, u, _ in MATRIX]
)
def test_role_against_route(client, auth, people, world, role, method, url, allowed):
    url = url.format(**world)
    auth.login(getattr(people, role))
    data = {"number": 1, "base_version": 1} if url.endswith("/restore") else {}
    response = client.open(url, method=method, data=data)
    if role in allowed:
        # Reaching the action is what is tested here; an empty form may still be refused as invalid.
        assert response.status_code not in (401, 403, 404) and response.status_code < 500, (
            response.status_code
        )
    else:
        assert response.status_code in (403, 404), response.status_code


@pytest.mark.parametrize(
    ("method", "url", "allowed"), MATRIX, ids=[f"{m} {u}" for m, u, _ in MATRIX]
)
def test_anonymous_is_sent_to_login(client, people, world, method, url, allowed):
    url = url.format(**world)
    response = client.open(url, method=method)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
