"""Issue 11: a corpus of hostile input against every form, every API route and every
exporter. Nothing may answer 5xx; what is refused is a 4xx, what is stored is exported.

The routes and fields are not listed by hand: API operations and their body fields come
from the OpenAPI description, page forms from the pages themselves (every GET page of the
url_map is fetched as each role and every POST form on it is parsed), so a new route or
field is covered the day it is added; a POST route no page shows gets generic fields.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode

import docx
import pytest

from feedback.auth import services as accounts
from feedback.consolidation import services as editions
from feedback.extensions import db
from feedback.figures import checks as figure_checks
from feedback.figures import queries as figure_queries
from feedback.figures import services as figure_services
from feedback.models_base import utcnow
from feedback.reports import services as report_services
from feedback.review import consultation, decisions, markup_import
from feedback.review import services as review_services

from ..review_helpers import open_round, section

# The corpus -----------------------------------------------------------------------------

HOSTILE_MARKDOWN = [
    '[l](m "`__alert(1)** alert(1)\\_',  # leaks Python-Markdown's \x02...\x03 placeholders
    '![i](j "alert(1)" onerror="alert(2)\\\\',
    '[x](javascript:alert(1) "t\\" onmouseover=\\"alert(1)")',
    "![a](http://x \"'\" onerror='alert(1)'\") <img src=x onerror=alert(1)>",
    "<script>alert(1)</script><b onclick=alert(1)>đậm</b><!-- c",
    "*" * 9_999 + "a" + "*" * 9_999,  # emphasis nested 10 000 deep (fits a comment)
    "[" * 9_999 + "a" + "]" * 9_999,  # links nested as deep: minutes for Python-Markdown
    ">" * 1_000 + " trích dẫn sâu",
    '| a |\n|---|\n| `|` [x](y "z") |',
]
HOSTILE_TEXT = [
    "a\x00b",  # NUL: PostgreSQL refuses it
    "\ud800 lẻ",  # a lone surrogate
    "\x01\x02\x03\x1b[31m\x7f",
    "\u202eđảo chiều\u202c",
    "\u200b\u200c\u200d\u2060\ufeff",  # invisible only
    "\u0301\u0300",  # combining marks alone
    "%FF%FE",  # text, not an encoding
    '=HYPERLINK("http://evil","x")',
    "Ý kiến " * 5_000,  # longer than a comment may be
    *HOSTILE_MARKDOWN,
]
HOSTILE_NUMBERS = [2**31, 2**63, 10**30, -1, 0, 1.5, "1", None, True]
HOSTILE_BODIES = [
    b"[" * 100_000,
    b'{"a": ' * 50 + b"1" + b"}" * 50,
    b"[]",
    b"null",
    b"\xff\xfe{}",
    b'{"body": "\\ud800"}',
    b"x" * 3_000_000,  # over the request size limit
]
HOSTILE_QUERY = "page=99999999999999999999&section=-1&from=1e400&to=%FF&round=%00&limit=0&cursor=x"


def _assert_no_server_error(response, what) -> None:
    assert response.status_code < 500, (what, response.status_code, response.data[:300])


# The world the corpus is thrown at --------------------------------------------------------


@pytest.fixture
def world(people, report):
    """A report in an open round with submitted and draft feedback of Sở Tài chính, a reply,
    an answered comment, an accepted suggestion and an edition."""
    round_ = open_round(people, report)
    target = section(report, 2)
    comment = review_services.add_comment(people.reviewer, target, body="Rà soát số liệu.")
    accepted = review_services.add_suggestion(
        people.reviewer, target, base_version=1, text=target.current.text.replace("11,2", "11,5")
    )
    suggestion = review_services.add_suggestion(
        people.reviewer, section(report, 3), base_version=1, text="Đề xuất viết lại đoạn này."
    )
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    review_services.add_reply(people.drafter, comment, body="Đã ghi nhận.")
    db.session.commit()
    decisions.accept_suggestion(people.drafter, accepted)
    figure = _figure_tables(people, target)
    draft = review_services.add_comment(people.reviewer, target, body="Bản nháp.")
    draft_suggestion = review_services.add_suggestion(
        people.reviewer, section(report, 1), base_version=1, text="Bản nháp đề xuất."
    )
    edition = editions.issue_edition(people.drafter, report, note="Dự thảo lần 1")
    # A marked-up Word copy imported by the department (its removal is a form too).
    document = docx.Document()
    document.add_paragraph("Bản sửa của Sở Tài chính.")
    copy = io.BytesIO()
    document.save(copy)
    markup_import.import_markup(people.reviewer, round_, copy.getvalue(), "ban-sua.docx")
    # The account the admin's user form is tried on (its password and role change).
    guinea_pig = accounts.create_user(
        people.admin,
        username="thu.nghiem",
        name="Tài khoản thử",
        role="drafter",
        password="Mat-khau-99",
    )
    # API tokens, so that the account page and the admin's user page show their forms.
    accounts.issue_token(people.reviewer)
    accounts.issue_token(guinea_pig)
    db.session.commit()
    return {
        "rid": report.id,
        "sid": target.id,
        "comment_id": comment.id,
        "suggestion_id": suggestion.id,
        "round_id": round_.id,
        "n": edition.number,
        "uid": guinea_pig.id,
        "did": people.department.id,
        "draft_comment": draft.id,
        "draft_suggestion": draft_suggestion.id,
        "indicator_id": figure.id,
        "index": 0,
    }


FIGURE_TABLES = """

| STT | Chỉ tiêu | Mục tiêu | Thực hiện | Đánh giá |
|---:|---|---|---|---|
| 1 | Thu ngân sách (nghìn tỷ đồng) | 40 | 48,5 | Vượt |

| STT | Chỉ tiêu | Mục tiêu 2025 |
|---:|---|---|
| 1 | Thu ngân sách (nghìn tỷ đồng) | 60 |
"""


def _figure_tables(people, target):
    """A results table and a next period's table (issue 15), so that the figures' forms
    (confirm, correct, propose, assign, map, adopt) show on the pages."""
    report_services.save_section(
        people.drafter,
        target,
        text=target.current.text + FIGURE_TABLES,
        base_version=target.current_version,
    )
    db.session.flush()
    figures = figure_queries.indicator_views(target.report_id, people.drafter)
    for view in figures:
        figure_services.update_indicator(
            people.drafter, view.indicator, department_code=people.department.code
        )
    proposal = next(v.indicator for v in figures if v.indicator.table.is_targets)
    figure_checks.propose(people.reviewer, proposal, target="65", rationale="Khả thi.")
    return figures[0].indicator


# The API, from its OpenAPI description ------------------------------------------------------

# Run last: these change the state the others need (an open round, undecided feedback).
_LAST = ("/close", "/approve", "/submit", "/withdraw", "/response", "/reject", "/accept")


def _operations(spec):
    ops = [
        (path, method, op)
        for path, methods in spec["paths"].items()
        for method, op in methods.items()
        if method in ("post", "put", "patch", "delete")
    ]
    return sorted(ops, key=lambda o: (o[1] == "delete" or o[0].endswith(_LAST), o[0]))


def _url(path: str, ids: dict, method: str) -> str:
    def fill(match):
        name = match.group(1)
        if name == "comment_id" and method in ("patch", "delete"):
            return str(ids["draft_comment"])
        if name == "suggestion_id" and method in ("patch", "delete"):
            return str(ids["draft_suggestion"])
        return str(ids.get(name, 1))

    return "/api/v1" + re.sub(r"\{(\w+)\}", fill, path)


_DEFAULTS = {
    "deadline": lambda: (utcnow() + timedelta(days=5)).isoformat(),
    "departments": lambda: ["STC"],
    "disposition": lambda: "noted",
    "role": lambda: "reviewer",
    "kind": lambda: "general",
    "base_version": lambda: 1,
}


def _base_body(schema: dict) -> dict:
    body = {}
    for name in schema.get("required", []):
        kind = schema["properties"][name].get("type")
        if name in _DEFAULTS:
            body[name] = _DEFAULTS[name]()
        else:
            body[name] = {"integer": 1, "boolean": False, "array": []}.get(kind, "Nội dung.")
    return body


# Each field alone gets these; the rest of the corpus goes into all text fields at once.
_EACH_FIELD = [*HOSTILE_TEXT[:5], HOSTILE_TEXT[8], HOSTILE_MARKDOWN[0]]
_TOGETHER = [value for value in HOSTILE_TEXT if value not in _EACH_FIELD]
_EACH_NUMBER = [2**31, 10**30, -1, 1.5, True]


def _requests_for(schema: dict, base: dict):
    """(body, field) pairs: each field alone with its kind's values, then all text
    fields together with the rest of the text corpus."""
    texts = []
    for name, prop in schema.get("properties", {}).items():
        kinds = {p.get("type") for p in prop.get("anyOf", [prop])}
        if "string" in kinds:
            texts.append(name)
            values = _EACH_FIELD
        elif "integer" in kinds:
            values = _EACH_NUMBER
        elif "array" in kinds:
            values = [[2**31], [10**30], ["a\x00"], [[1]]]
        else:
            values = ["true", None]
        yield from (({**base, name: value}, name) for value in values)
    if texts:
        yield from (({**base, **dict.fromkeys(texts, value)}, "all") for value in _TOGETHER)


def _client_for(senders, method, url, body):
    """The first role the operation does not simply forbid."""
    for client in senders:
        response = getattr(client, method)(url.removeprefix("/api/v1"), json=body)
        _assert_no_server_error(response, (method, url))
        if response.status_code != 403:
            return client
    return client


def test_hostile_input_in_every_api_body_field(client, api, people, world):
    spec = client.get("/api/v1/openapi.json").json
    schemas = spec["components"]["schemas"]
    senders = [
        api.as_(getattr(people, r)) for r in ("drafter", "reviewer", "lead", "admin", "chair")
    ]
    sent = 0
    for path, method, op in _operations(spec):
        url = _url(path, world, method)
        ref = op.get("requestBody", {}).get("content", {}).get("application/json", {})
        schema = schemas.get(ref.get("schema", {}).get("$ref", "/").rsplit("/", 1)[1], {})
        base = _base_body(schema)
        sender = _client_for(senders, method, url, base)
        for body, name in _requests_for(schema, base):
            response = getattr(sender, method)(url.removeprefix("/api/v1"), json=body)
            _assert_no_server_error(response, (method, path, name, repr(body.get(name))[:60]))
            sent += 1
        for raw in HOSTILE_BODIES:
            response = sender.client.open(
                url,
                method=method.upper(),
                data=raw,
                headers={
                    "Authorization": f"Bearer {sender.token}",
                    "Content-Type": "application/json",
                },
            )
            _assert_no_server_error(response, (method, path, raw[:30]))
            sent += 1
    assert sent > 500


def test_hostile_query_strings_on_every_get_route(app, client, auth, api, people, world):
    drafter = api.as_(people.drafter)
    spec = client.get("/api/v1/openapi.json").json
    for path, methods in spec["paths"].items():
        if "get" in methods:
            url = _url(path, world, "get").removeprefix("/api/v1")
            for query in (HOSTILE_QUERY, "action=a%00b&q=%ED%A0%80"):
                _assert_no_server_error(drafter.get(f"{url}?{query}"), url)
    auth.login("drafter")
    for url in _page_urls(app, {**world, "fmt": "docx"}, admin=False):
        _assert_no_server_error(client.get(f"{url}?{HOSTILE_QUERY}"), url)


# Page forms, from the pages ------------------------------------------------------------------

_SKIP_PAGES = ("static", "healthz", "readyz", "auth.set_language", "auth.logout")


def _page_urls(app, ids: dict, admin: bool | None = None) -> list[str]:
    """Every GET page whose arguments the world provides (downloads aside); only the
    administration pages, or only the others, when ``admin`` says so."""
    urls = []
    for rule in app.url_map.iter_rules():
        if (
            "GET" not in rule.methods
            or rule.endpoint.startswith("api.")
            or rule.endpoint in _SKIP_PAGES
            or rule.arguments - set(ids)
            or (admin is not None and rule.endpoint.startswith("admin.") != admin)
        ):
            continue
        urls.append(re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule.rule))
    return urls


class _Forms(HTMLParser):
    """The POST forms of a page: (action, [(name, kind, default value)])."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url, self.forms, self._form, self._select = page_url, [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = (a.get("action") or self.page_url, [])
            self.forms.append(self._form)
        elif self._form is not None and a.get("name"):
            if tag in ("input", "textarea"):
                kind = "textarea" if tag == "textarea" else (a.get("type") or "text")
                self._form[1].append((a["name"], kind, a.get("value") or ""))
            elif tag == "select":
                self._select = [a["name"], "select", None]
                self._form[1].append(self._select)
        if tag == "option" and self._select is not None and self._select[2] is None:
            self._select[2] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


_ROLES = {"stc.reviewer": False, "stc.lead": False, "drafter": False, "chair": False, "admin": True}


def _discover_forms(app, client, auth, ids):
    """{(rule, field names): (role, action, fields)} over every page, as every role."""
    found = {}
    for role, admin in _ROLES.items():
        auth.login(role)
        for url in _page_urls(app, ids, admin):
            response = client.get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            parser = _Forms(url)
            parser.feed(response.get_data(as_text=True))
            for action, fields in parser.forms:
                action = action.split("#")[0]
                # The same form on every section (move, delete) is tried once.
                key = (_rule_of(app, action), tuple(sorted(f[0] for f in fields)))
                found.setdefault(key, (role, action, [tuple(f) for f in fields]))
        auth.logout()
    return found


_TYPED = ("text", "textarea", "search", "date", "datetime-local")
_TOKENS = ("csrf_token", "form_token")
_NUMBERS = [str(2**31), "9" * 40, "-1", "abc"]
# Run last: these change the state the others need (an open round, undecided feedback).
_PAGE_LAST = (*_LAST, "/respond", "/delete", "/move/<direction>", "/accept-suggestions")


def _post_form(client, action, data):
    body = urlencode(data, doseq=True, encoding="utf-8", errors="surrogatepass")
    return client.post(action, data=body, content_type="application/x-www-form-urlencoded")


def _throw_corpus_at_form(client, action, fields, what):
    """Each typed field alone gets _EACH_FIELD, each numeric one _NUMBERS, all typed
    fields together the rest of the corpus; passwords (scrypt is slow on purpose) only a
    NUL and a length; then a raw invalid UTF-8 body. Returns how many were sent."""
    base = {n: v or "Nội dung." for n, kind, v in fields if n not in _TOKENS and kind != "password"}
    numbers = [n for n, _kind, value in fields if value.isdigit() and n not in _TOKENS]
    typed = [n for n, kind, _v in fields if kind in _TYPED and n not in numbers]
    typed += [n for n, kind, _v in fields if kind == "hidden" and n not in (*_TOKENS, *numbers)]
    passwords = [n for n, kind, _v in fields if kind == "password"]
    sent = [({**base, name: value}, name) for name in typed for value in _EACH_FIELD]
    sent += [({**base, name: value}, name) for name in numbers for value in _NUMBERS]
    sent += [({**base, name: value}, name) for name in passwords for value in ("\x00", "x" * 300)]
    if typed:
        sent += [({**base, **dict.fromkeys(typed, value)}, "all") for value in _TOGETHER]
    for data, name in sent:
        response = _post_form(client, action, data)
        _assert_no_server_error(response, (*what, name, repr(data.get(name))[:60]))
    raw = b"body=%FF%FE&text=%ED%A0%80"
    response = client.post(action, data=raw, content_type="application/x-www-form-urlencoded")
    _assert_no_server_error(response, (*what, raw))
    return len(sent) + 1


def test_hostile_input_in_every_field_of_every_page_form(app, client, auth, people, world):
    forms = _discover_forms(app, client, auth, world)
    posted_rules, sent, logged_in = set(), 0, None

    def order(item):
        (rule, _names), (role, _action, _fields) = item
        return rule.endswith(_PAGE_LAST), role, rule

    for (rule, _names), (role, action, fields) in sorted(forms.items(), key=order):
        if rule in ("", "/logout", "/login", "/language/<code>"):
            continue
        if role != logged_in:
            auth.logout()
            auth.login(role)
            logged_in = role
        sent += _throw_corpus_at_form(client, action, fields, (role, action))
        posted_rules.add(rule)
    auth.logout()
    sent += _post_to_forms_no_page_shows(app, client, auth, world, posted_rules)
    assert sent > 400


def _rule_of(app, action: str) -> str:
    adapter = app.url_map.bind("localhost")
    try:
        return adapter.match(action, method="POST", return_rule=True)[0].rule
    except Exception:  # noqa: BLE001 - not a POST route
        return ""


_GENERIC_FIELDS = ("body", "text", "note", "reason", "heading", "title", "response", "name")
_ARGUMENTS = {"direction": "up", "code": "en"}


def _post_to_forms_no_page_shows(app, client, auth, ids, posted_rules) -> int:
    """A POST route no page offered to any role (no deleted section to undelete, no
    decision to reopen) still gets the corpus, in the usual field names."""
    auth.login("drafter")
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods
        and not rule.endpoint.startswith("api.")
        and rule.endpoint not in ("auth.login", "auth.logout")
    ]
    missed = [rule for rule in rules if rule.rule not in posted_rules]
    for rule in missed:
        url = re.sub(
            r"<(?:\w+:)?(\w+)>",
            lambda m: _ARGUMENTS.get(m.group(1)) or str(ids.get(m.group(1), 1)),
            rule.rule,
        )
        for value in HOSTILE_TEXT:
            response = _post_form(client, url, dict.fromkeys(_GENERIC_FIELDS, value))
            _assert_no_server_error(response, (url, repr(value)[:60]))
    # Most forms are found on the pages themselves.
    assert len(missed) < len(rules) / 4, [r.rule for r in missed]
    return len(missed) * len(HOSTILE_TEXT)


# Every exporter, with hostile Markdown stored everywhere it can be ------------------------------


def _exports(rid: int, editions_count: int, round_id: int) -> list[str]:
    urls = [f"/reports/{rid}/dispositions{ext}" for ext in ("", ".csv", ".docx")]
    urls += [f"/reports/{rid}/dispositions.csv?round={round_id}"]
    for n in range(1, editions_count + 1):
        for fmt in ("docx", "md", "html"):
            urls.append(f"/reports/{rid}/editions/{n}/export.{fmt}")
            if n > 1:
                urls.append(f"/reports/{rid}/editions/{n}/export.{fmt}?changes_since={n - 1}")
    return urls


def test_every_exporter_survives_hostile_markdown(client, auth, api, people, report):
    """A comment whose link title leaks a control character used to make the disposition
    .docx a 500 for good, and the same text in a section every edition's .docx."""
    round_ = open_round(people, report)
    accounts.update_department(
        people.admin, people.department, "Sở Tài chính " + HOSTILE_MARKDOWN[0]
    )
    report_services.update_report(people.drafter, report, title="Báo cáo " + HOSTILE_MARKDOWN[0])
    db.session.commit()
    editions.issue_edition(people.drafter, report, note=HOSTILE_MARKDOWN[1])
    db.session.commit()
    target = section(report, 2)
    hostile = "\n\n".join(HOSTILE_MARKDOWN)
    report_services.save_section(people.drafter, target, text=hostile, base_version=1)
    db.session.commit()
    comments = [
        review_services.add_comment(people.reviewer, target, body=md) for md in HOSTILE_MARKDOWN
    ]
    suggestion = review_services.add_suggestion(
        people.reviewer,
        section(report, 3),
        base_version=1,
        text=hostile,
        rationale=hostile[:20_000],
    )
    rejected = review_services.add_suggestion(
        people.reviewer, section(report, 1), base_version=1, text=HOSTILE_MARKDOWN[0]
    )
    consultation.submit_response(people.lead, round_, dispatch_number=HOSTILE_MARKDOWN[0][:90])
    db.session.commit()
    for index, comment in enumerate(comments):
        review_services.add_reply(people.drafter, comment, body=HOSTILE_MARKDOWN[index])
        db.session.commit()
        decisions.resolve_comment(
            people.drafter, comment, disposition="explained", response=HOSTILE_MARKDOWN[-1 - index]
        )
        db.session.commit()
    decisions.accept_suggestion(people.drafter, suggestion, note=HOSTILE_MARKDOWN[0])
    db.session.commit()
    decisions.reject_suggestion(people.drafter, rejected, reason=HOSTILE_MARKDOWN[1])
    editions.issue_edition(people.drafter, report, note=hostile[:20_000])
    db.session.commit()

    drafter = api.as_(people.drafter)
    auth.login("drafter")
    for url in _exports(report.id, 2, round_.id):
        for response in (client.get(url), drafter.get(url)):
            assert response.status_code == 200, url
            if ".docx" in url:
                docx.Document(io.BytesIO(response.data))  # well-formed XML throughout
            else:
                assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", response.data), url
    for url in (
        f"/sections/{target.id}",
        f"/reports/{report.id}/review",
        f"/suggestions/{suggestion.id}",
    ):
        page = client.get(url)
        assert page.status_code == 200 and "\x03" not in page.get_data(as_text=True), url
