"""Issue 11, input and HTTP findings: one test per finding (the README's security table).

Each would fail without its fix: numbers too large for an INTEGER column, JSON nested
100 000 deep, deadlines with no UTC moment, invisible-only text, a missing object's raw
code as its message, a doubled charset, absolute links from the Host header, and a slim
system without time-zone data.
"""

import inspect
import io
import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from sqlalchemy import func, select

from feedback.api import schemas
from feedback.extensions import db
from feedback.models_base import utcnow
from feedback.review import consultation, decisions
from feedback.review import services as review_services
from feedback.review.models import Comment, Round, Suggestion
from feedback.validation import INT_MAX

from ..review_helpers import open_round, section

TOO_LARGE = (2**31, 2**63, 10**30)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def feedback(people, report):
    """A submitted comment and a submitted suggestion of Sở Tài chính, in an open round."""
    round_ = open_round(people, report)
    comment = review_services.add_comment(
        people.reviewer, section(report, 2), body="Đề nghị rà soát số liệu dịch vụ."
    )
    suggestion = review_services.add_suggestion(
        people.reviewer,
        section(report, 2),
        base_version=1,
        text=section(report, 2).current.text.replace("11,2", "11,5"),
    )
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    return round_, comment, suggestion


# -- 1. Integers too large for the database ----------------------------------------------


def _integer_schemas(schema: dict, path: str):
    """(field path, JSON schema) of every integer anywhere in a model's JSON schema."""
    if schema.get("type") == "integer":
        yield path, schema
    for key in ("anyOf", "allOf", "oneOf"):
        for option in schema.get(key, []):
            yield from _integer_schemas(option, path)
    if "items" in schema:
        yield from _integer_schemas(schema["items"], path + "[]")
    for name, child in schema.get("properties", {}).items():
        yield from _integer_schemas(child, f"{path}.{name}")


def test_every_integer_of_every_api_body_is_bounded_by_the_database():
    """The class, not the examples: a new integer field without the bounded type fails."""
    models = [
        m
        for m in vars(schemas).values()
        if inspect.isclass(m) and issubclass(m, schemas.Body) and m is not schemas.Body
    ]
    found = 0
    for model in models:
        for path, schema in _integer_schemas(model.model_json_schema(), model.__name__):
            found += 1
            assert schema.get("maximum") == INT_MAX and schema.get("minimum", -1) >= 0, path
    assert found >= 12


def test_every_integer_of_every_page_form_is_bounded_by_the_database():
    """No page form parses a number with a plain int(): IntegerField and coerce=int let
    2^31 through to the database driver (500 on PostgreSQL)."""
    from wtforms import DecimalField, IntegerField, SelectFieldBase
    from wtforms.fields.core import UnboundField

    from feedback import formtools
    from feedback.auth import forms as auth_forms
    from feedback.consolidation import forms as edition_forms
    from feedback.reports import forms as report_forms
    from feedback.review import forms as review_forms

    checked = 0
    for module in (auth_forms, edition_forms, report_forms, review_forms):
        for form in vars(module).values():
            if not (inspect.isclass(form) and hasattr(form, "_unbound_fields")):
                continue
            fields = [(n, f) for n, f in vars(form).items() if isinstance(f, UnboundField)]
            for name, field in fields:
                assert not issubclass(field.field_class, IntegerField | DecimalField), name
                if issubclass(field.field_class, SelectFieldBase):
                    assert field.kwargs.get("coerce") is not int, (form.__name__, name)
                if issubclass(field.field_class, formtools.WholeNumberField):
                    checked += 1
    assert checked >= 8


@pytest.mark.parametrize("number", TOO_LARGE)
def test_numbers_too_large_for_the_database_are_422_in_the_api(
    api, people, report, feedback, number
):
    _round, comment, suggestion = feedback
    target = section(report, 2)
    drafter = api.as_(people.drafter)
    reviewer = api.as_(people.reviewer)
    cases = [
        (
            drafter,
            f"/comments/{comment.id}/resolve",
            "also",
            {"disposition": "noted", "also": [number]},
        ),
        (
            drafter,
            f"/comments/{comment.id}/resolve",
            "absorbed_version",
            {"disposition": "absorbed", "absorbed_version": number},
        ),
        (
            drafter,
            f"/sections/{target.id}/accept-suggestions",
            "ids",
            {"ids": [suggestion.id, number]},
        ),
        (
            drafter,
            f"/reports/{report.id}/sections",
            "parent_id",
            {"heading": "Mục", "parent_id": number},
        ),
        (
            drafter,
            f"/reports/{report.id}/sections",
            "after_id",
            {"heading": "Mục", "after_id": number},
        ),
        (
            drafter,
            f"/sections/{target.id}/restore",
            "version",
            {"version": number, "base_version": 1},
        ),
        (
            drafter,
            f"/sections/{target.id}/restore",
            "base_version",
            {"version": 1, "base_version": number},
        ),
        (
            drafter,
            f"/suggestions/{suggestion.id}/accept",
            "expected_version",
            {"text": "Văn bản.", "expected_version": number},
        ),
        (
            reviewer,
            f"/sections/{target.id}/comments",
            "base_version",
            {"body": "Ý kiến.", "base_version": number},
        ),
        (
            reviewer,
            f"/sections/{target.id}/comments",
            "quote_start",
            {"body": "Ý kiến.", "quote_start": number},
        ),
        (
            reviewer,
            f"/sections/{target.id}/suggestions",
            "base_version",
            {"base_version": number, "text": "Mới."},
        ),
    ]
    comments, suggestions = _count(Comment), _count(Suggestion)
    for client, url, field, body in cases:
        response = client.post(url, json=body)
        assert response.status_code == 422, (url, body, response.status_code)
        error = response.json["error"]
        assert error["code"] == "invalid" and error["details"]["field"] == field, (url, error)
        assert field in error["message"] and str(INT_MAX) in error["message"]
    put = drafter.put(f"/sections/{target.id}", json={"text": "Mới.", "base_version": number})
    assert put.status_code == 422 and "base_version" in put.json["error"]["message"]
    assert (_count(Comment), _count(Suggestion)) == (comments, suggestions)


def test_numbers_too_large_for_the_database_are_422_in_page_forms(
    client, auth, people, report, feedback
):
    _round, comment, suggestion = feedback
    target = section(report, 2)
    huge = str(2**31)
    auth.login("drafter")
    drafter_posts = [
        (f"/comments/{comment.id}/resolve", {"disposition": "noted", "also": huge}),
        (f"/comments/{comment.id}/resolve", {"disposition": "absorbed", "absorbed_version": huge}),
        (f"/sections/{target.id}/accept-suggestions", {"ids": [str(suggestion.id), huge]}),
        (f"/sections/{target.id}/restore", {"number": huge, "base_version": "1"}),
        (f"/sections/{target.id}/edit", {"heading": "Kinh tế", "text": "x", "base_version": huge}),
        (f"/suggestions/{suggestion.id}/accept", {"text": "x", "expected_version": huge}),
    ]
    for url, data in drafter_posts:
        response = client.post(url, data=data)
        assert response.status_code == 422, (url, response.status_code)
        assert str(INT_MAX) in response.get_data(as_text=True), url
    assert (
        client.post(
            f"/reports/{report.id}/sections/new",
            data={"heading": "Mục mới", "parent": huge, "after": "0"},
        ).status_code
        == 422
    )
    auth.logout()
    auth.login("stc.reviewer")
    for data in ({"base_version": huge}, {"quote_start": "9" * 30}):
        response = client.post(
            f"/sections/{target.id}/comments", data={"body": "Ý kiến.", "kind": "general", **data}
        )
        assert response.status_code == 422 and str(INT_MAX) in response.get_data(as_text=True)
    suggest = client.post(
        f"/sections/{target.id}/suggest", data={"text": "Mới.", "base_version": huge, "save": "y"}
    )
    assert suggest.status_code == 422
    auth.logout()
    auth.login("admin")
    user = client.post(
        "/admin/users",
        data={"username": "moi", "name": "Người mới", "role": "drafter", "department": huge},
    )
    assert user.status_code == 422
    assert _count(Comment) == 1 and _count(Suggestion) == 1


# -- 2. Deeply nested JSON ---------------------------------------------------------------


def test_deeply_nested_json_is_400_not_a_recursion_error(client, api, people, report):
    reviewer = api.as_(people.reviewer)
    headers = {
        "Authorization": f"Bearer {reviewer.token}",
        "Content-Type": "application/json",
        "Accept-Language": "en",
    }
    for body in (b"[" * 100_000, b'{"body": ' + b"[" * 40 + b"]" * 40 + b"}"):
        for url in (f"/api/v1/reports/{report.id}/comments", "/api/v1/tokens"):
            response = client.post(url, data=body, headers=headers)
            assert response.status_code == 400, url
            assert "nested too deeply" in response.json["error"]["message"]
    page = client.post("/login", data=b"[" * 100_000, content_type="application/json")
    assert page.status_code == 400
    assert _count(Comment) == 0


# -- 3. Deadlines with no UTC moment, or absurdly far -----------------------------------


def test_unusable_deadlines_are_422_with_a_message(client, auth, api, people, report):
    drafter = api.as_(people.drafter)
    url = f"/reports/{report.id}/rounds"
    for deadline in ("9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+07:00", "0001-01-01T03:00"):
        response = drafter.post(url, json={"deadline": deadline, "departments": ["STC"]})
        assert response.status_code == 422, deadline
        assert response.json["error"]["details"]["field"] == "deadline"
    far = f"{utcnow().year + 3}-01-01T17:00:00+07:00"
    response = drafter.post(url, json={"deadline": far, "departments": ["STC"]})
    assert response.status_code == 422 and response.json["error"]["details"]["field"] == "deadline"
    auth.login("drafter")
    for deadline in ("0001-01-01T00:00", "9999-12-31T23:59", f"{utcnow().year + 3}-01-01T17:00"):
        page = client.post(
            f"/reports/{report.id}/rounds/new", data={"deadline": deadline, "departments": ["STC"]}
        )
        assert page.status_code == 422, deadline
    assert _count(Round) == 0


# -- 4. Text with no visible character is empty -------------------------------------------

INVISIBLE = [
    "\u200b\u200c\u200d\u2060\ufeff",
    "\u0301\u0300\u0323",  # combining marks with nothing to combine with
    "\u3164\u115f \u00a0\u2800",  # Hangul fillers, no-break space, braille blank
    "\u00ad\u180e\u034f",
]


def test_invisible_only_text_is_empty_everywhere(client, auth, api, people, report):
    round_ = open_round(people, report)
    reviewer = api.as_(people.reviewer)
    drafter = api.as_(people.drafter)
    target = section(report, 2)
    for text in INVISIBLE:
        for client_, url, body in (
            (reviewer, f"/sections/{target.id}/comments", {"body": text}),
            (reviewer, f"/reports/{report.id}/comments", {"body": text}),
            (drafter, f"/reports/{report.id}/sections", {"heading": text}),
            (drafter, "/reports", {"title": text, "markdown": "Nội dung."}),
        ):
            response = client_.post(url, json=body)
            assert response.status_code == 422, (url, repr(text))
    auth.login("stc.reviewer")
    page = client.post(
        f"/sections/{target.id}/comments", data={"body": INVISIBLE[0], "kind": "general"}
    )
    assert page.status_code == 422
    assert _count(Comment) == 0 and round_.id


# -- 6. A missing object is a sentence, not a code ------------------------------------------


def test_a_missing_object_answers_with_a_sentence(client, auth, api, people, report):
    drafter = api.as_(people.drafter)
    for language, word in (("vi", "không"), ("en", "not")):
        response = drafter.get("/comments/424242", headers={"Accept-Language": language})
        assert response.status_code == 404
        message = response.json["error"]["message"]
        assert response.json["error"]["code"] == "not_found"
        assert message != "not_found" and word in message.lower(), message
    auth.login("drafter")
    page = client.get("/suggestions/424242")
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert "<h1>not_found</h1>" not in html and "không" in html.lower()


# -- 7. Every download names its charset once ----------------------------------------------


def test_every_download_names_its_charset_once(client, auth, api, people, report, feedback):
    client.application  # noqa: B018 - the app fixture is in use
    drafter = api.as_(people.drafter)
    assert drafter.post(f"/reports/{report.id}/editions", json={}).status_code == 201
    downloads = [
        f"/reports/{report.id}/dispositions.csv",
        f"/reports/{report.id}/dispositions.docx",
        *(f"/reports/{report.id}/editions/1/export.{fmt}" for fmt in ("md", "docx", "html")),
    ]
    auth.login("drafter")
    for url in downloads:
        for response in (client.get(url), drafter.get(url)):
            assert response.status_code == 200, url
            content_type = response.headers["Content-Type"]
            assert content_type.lower().count("charset") <= 1, (url, content_type)
    csv_type = client.get(downloads[0]).headers["Content-Type"]
    assert csv_type == "text/csv; charset=utf-8"


# -- 9. Absolute links come from FEEDBACK_BASE_URL, never from the Host header -------------


@pytest.fixture
def accepted(people, report, feedback):
    _round, _comment, suggestion = feedback
    decisions.accept_suggestion(people.drafter, suggestion)
    db.session.commit()
    return suggestion


def _links(client, token, rid: int, host: str):
    headers = {"Authorization": f"Bearer {token}", "Host": host}
    table = client.get(f"/api/v1/reports/{rid}/dispositions", headers=headers)
    csv_text = client.get(f"/api/v1/reports/{rid}/dispositions.csv", headers=headers)
    word = client.get(f"/api/v1/reports/{rid}/dispositions.docx", headers=headers)
    document = docx.Document(io.BytesIO(word.data))
    targets = [r.target_ref for r in document.part.rels.values() if r.is_external]
    text = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    return table.json["rows"], csv_text.data.decode("utf-8"), targets, text


def test_links_are_never_built_from_the_host_header(app, api, people, report, accepted):
    token = api.as_(people.drafter).token
    client = app.test_client()
    rows, csv_text, targets, text = _links(client, token, report.id, "evil.example")
    link = next(r["link"] for r in rows if r["type"] == "suggestion")
    assert link.startswith("/sections/") and "evil" not in link
    assert "evil.example" not in csv_text and f",{link}" in csv_text
    assert targets == [] and "evil.example" not in text and "/sections/" not in text

    app.config["FEEDBACK_BASE_URL"] = "https://gopy.quangninh.gov.vn"
    try:
        rows, csv_text, targets, text = _links(client, token, report.id, "evil.example")
    finally:
        app.config["FEEDBACK_BASE_URL"] = ""
    link = next(r["link"] for r in rows if r["type"] == "suggestion")
    assert link.startswith("https://gopy.quangninh.gov.vn/sections/")
    assert "evil.example" not in csv_text and targets == [link]
    # The .docx shows a short link text, never the address itself.
    assert "xem thay đổi" in text and "gopy.quangninh.gov.vn" not in text


def test_a_base_url_that_is_not_an_address_stops_the_app():
    from feedback.config import base_url

    assert base_url(" https://gopy.quangninh.gov.vn/ ") == "https://gopy.quangninh.gov.vn"
    assert base_url(None) == ""
    for wrong in ("gopy.quangninh.gov.vn", "javascript:alert(1)", "https://"):
        with pytest.raises(RuntimeError):
            base_url(wrong)


# -- 10. Time zones without the system's tz database ---------------------------------------


def test_vietnam_time_works_without_the_systems_time_zone_data(tmp_path):
    """A slim image has no /usr/share/zoneinfo; the tzdata package must stand in."""
    project = Path(__file__).resolve().parents[2]
    declared = (project / "pyproject.toml").read_text()
    assert re.search(r'"tzdata[>=]=[\d.]+', declared), "tzdata is not a dependency"
    locked = (project / "requirements.lock").read_text()
    assert re.search(r"^tzdata==[\d.]+ \\$", locked, re.MULTILINE), "tzdata is not locked"
    code = (
        "import zoneinfo, datetime\n"
        "zone = zoneinfo.ZoneInfo('Asia/Ho_Chi_Minh')\n"
        "print(datetime.datetime(2019, 12, 12, 17, tzinfo=zone).utcoffset())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONTZPATH": str(tmp_path)},  # an empty directory: no system tz data
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "7:00:00"
