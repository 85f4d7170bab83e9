"""Fixtures: one app per session on a migrated database (SQLite, or PostgreSQL via
TEST_DATABASE_URL), tables emptied after every test, users per role, logged-in clients."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from feedback import create_app
from feedback.config import TestConfig
from feedback.extensions import db

from . import factories


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session", autouse=True)
def _judge_each_password_once():
    """zxcvbn takes a few milliseconds a password and the suite creates thousands of
    users with the same few passwords: each (password, username, name) is judged once.
    Hashing needs no such help: TestConfig gives argon2id cheap parameters."""
    import functools

    import feedback.auth.passwords as passwords

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "strength", functools.lru_cache(maxsize=None)(passwords.strength))
        yield


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return _database_url(tmp_path_factory)


class IsolatedClient(FlaskClient):
    """Run each request in its own app context, as a real server does.

    Tests keep an app context open to call services; without this, requests
    would reuse it and share ``g`` (the logged-in user) and the database session.
    The test's session is committed first, as if the test were another client.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            # What the test wrote becomes visible to the request, its read snapshot
            # ends (SQLite WAL), and its objects reload afterwards.
            db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(
        {
            **{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
            "SQLALCHEMY_DATABASE_URI": database_url,
            # Uploads waiting for their confirmation, out of the working tree.
            "FEEDBACK_UPLOAD_STASH": str(tmp_path_factory.mktemp("import-stash")),
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(text(f"DELETE FROM {table}"))
    db.session.commit()


DB_FIXTURES = {"app", "client", "people", "report", "api", "auth", "db_session"}


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Give database tests an app context and empty every table after them."""
    if not DB_FIXTURES & set(request.fixturenames):
        yield
        return
    app = request.getfixturevalue("app")
    ctx = app.app_context()
    ctx.push()
    try:
        yield
    finally:
        db.session.rollback()
        db.session.remove()
        _empty_tables()
        db.session.remove()
        ctx.pop()


@pytest.fixture
def client(app):
    return app.test_client()


@dataclass
class People:
    admin: object
    drafter: object
    chair: object
    lead: object
    reviewer: object
    other_lead: object
    other_reviewer: object

    @property
    def department(self):
        return self.lead.department

    @property
    def other_department(self):
        return self.other_lead.department


@pytest.fixture
def people(app) -> People:
    dept_a = factories.department("STC", "Sở Tài chính")
    dept_b = factories.department("SCT", "Sở Công Thương")
    result = People(
        admin=factories.user("admin", username="admin"),
        drafter=factories.user("drafter", username="drafter", name="Phạm Thu Hà"),
        chair=factories.user("chair", username="chair", name="Trần Văn Minh"),
        lead=factories.user("lead", dept_a, username="stc.lead", name="Nguyễn Thị Lan"),
        reviewer=factories.user("reviewer", dept_a, username="stc.reviewer", name="Đinh Văn An"),
        other_lead=factories.user("lead", dept_b, username="sct.lead", name="Vũ Đức Thành"),
        other_reviewer=factories.user(
            "reviewer", dept_b, username="sct.reviewer", name="Tạ Thị Bích"
        ),
    )
    db.session.commit()
    return result


@pytest.fixture
def report(people):
    r = factories.report(people.drafter)
    db.session.commit()
    return r


class Auth:
    """Log a test client in and out through the real login page."""

    def __init__(self, client):
        self.client = client

    def login(self, user_or_name, password: str = factories.PASSWORD):
        username = getattr(user_or_name, "username", user_or_name)
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client) -> Auth:
    return Auth(client)


class Api:
    """A JSON API client that carries a bearer token."""

    def __init__(self, client, token: str | None = None):
        self.client = client
        self.token = token

    def as_(self, user) -> Api:
        from feedback.auth.services import issue_token

        token = issue_token(user)
        db.session.commit()
        return Api(self.client, token)

    def _headers(self, headers):
        out = dict(headers or {})
        if self.token:
            out.setdefault("Authorization", f"Bearer {self.token}")
        return out

    def get(self, url, **kw):
        return self.client.get(
            "/api/v1" + url, headers=self._headers(kw.pop("headers", None)), **kw
        )

    def post(self, url, json=None, **kw):
        return self.client.post(
            "/api/v1" + url, json=json, headers=self._headers(kw.pop("headers", None)), **kw
        )

    def put(self, url, json=None, **kw):
        return self.client.put(
            "/api/v1" + url, json=json, headers=self._headers(kw.pop("headers", None)), **kw
        )

    def patch(self, url, json=None, **kw):
        return self.client.patch(
            "/api/v1" + url, json=json, headers=self._headers(kw.pop("headers", None)), **kw
        )

    def delete(self, url, **kw):
        return self.client.delete(
            "/api/v1" + url, headers=self._headers(kw.pop("headers", None)), **kw
        )


@pytest.fixture
def api(client) -> Api:
    return Api(client)
