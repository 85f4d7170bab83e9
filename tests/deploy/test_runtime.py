"""What a reverse proxy and an operator rely on at run time: /readyz, the request id
(header, error page, logs) and one JSON object per log line."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest

from feedback import create_app
from feedback.config import TestConfig
from feedback.extensions import db
from feedback.observability import HEADER
from tests.conftest import IsolatedClient
from tests.factories import PASSWORD


def _config(app, **extra):
    return {
        **{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "FEEDBACK_UPLOAD_STASH": app.config["FEEDBACK_UPLOAD_STASH"],
        **extra,
    }


@pytest.fixture
def json_app(app):
    """A second app on the same database, logging JSON into a buffer; one route that fails."""
    other = create_app(_config(app, FEEDBACK_LOG_FORMAT="json"))
    other.test_client_class = IsolatedClient

    @other.get("/_boom")
    def boom():
        raise RuntimeError("kaputt")

    logger = logging.getLogger("feedback")
    handler = next(h for h in logger.handlers if h.get_name() == "feedback-json")
    buffer = io.StringIO()
    handler.setStream(buffer)
    other.log_buffer = buffer
    yield other
    logger.removeHandler(handler)
    logger.propagate = True
    logger.setLevel(logging.NOTSET)
    with other.app_context():
        db.engine.dispose()


def _lines(buffer: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


# /healthz and /readyz -----------------------------------------------------------


def test_healthz_stays_a_bare_liveness_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"


def test_readyz_is_ready_when_the_database_answers_at_this_schema(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json() == {
        "status": "ready",
        "checks": {"database": "ok", "redis": "not configured"},
    }


def test_readyz_is_503_with_reasons_when_redis_is_configured_but_gone(app):
    # Port 9 (discard) on loopback: nothing answers there.
    other = create_app(_config(app, FEEDBACK_REDIS_URL="redis://127.0.0.1:9/0"))
    response = other.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"] == {"database": "ok", "redis": "failed"}
    assert any(reason.startswith("redis unreachable") for reason in body["reasons"])
    with other.app_context():
        db.engine.dispose()


def test_readyz_is_503_when_the_database_is_not_migrated(app, tmp_path):
    other = create_app(_config(app, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/empty.db"))
    response = other.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["checks"]["database"] == "failed"
    assert "not migrated" in body["reasons"][0]
    with other.app_context():
        db.engine.dispose()


def test_readyz_checks_a_real_redis_when_one_answers(app):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis answers on 127.0.0.1:6379")
    other = create_app(_config(app, FEEDBACK_REDIS_URL=url))
    response = other.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "redis": "ok"}
    with other.app_context():
        db.engine.dispose()


# The request id -------------------------------------------------------------------


def test_every_answer_carries_a_fresh_request_id(client):
    first = client.get("/login").headers[HEADER]
    second = client.get("/login").headers[HEADER]
    assert len(first) == 32 and first != second


def test_the_proxys_request_id_is_kept_and_a_strange_one_replaced(client):
    sane = "4f1c2a9be0d34e6b8c1d2e3f4a5b6c7d"
    assert client.get("/login", headers={HEADER: sane}).headers[HEADER] == sane
    for strange in ("x" * 200, "id với dấu", "a b", "<script>"):
        returned = client.get("/login", headers={HEADER: strange}).headers[HEADER]
        assert returned != strange and len(returned) == 32


def test_an_error_page_shows_the_request_id_to_quote(client, auth, people):
    auth.login(people.reviewer)
    response = client.get("/reports/999999", headers={HEADER: "abc-123-request"})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "abc-123-request" in page
    assert "Khi báo lỗi, xin ghi lại mã này: abc-123-request" in page


def test_a_500_page_shows_the_id_the_log_line_carries(json_app):
    response = json_app.test_client().get("/_boom", headers={HEADER: "req-500-xyz"})
    assert response.status_code == 500
    assert "req-500-xyz" in response.get_data(as_text=True)
    lines = _lines(json_app.log_buffer)
    (error,) = [line for line in lines if line["level"] == "error"]  # once, as JSON only
    assert error["request_id"] == "req-500-xyz"
    assert "RuntimeError: kaputt" in error["exception"]
    request = next(line for line in lines if line["logger"] == "feedback.requests")
    assert request["status"] == 500 and request["request_id"] == "req-500-xyz"


def test_api_answers_carry_the_request_id_too(client):
    response = client.get("/api/v1/reports", headers={HEADER: "api-req-1"})
    assert response.status_code == 401
    assert response.headers[HEADER] == "api-req-1"


# JSON logs --------------------------------------------------------------------------


def test_json_logs_one_object_per_request_with_user_route_status_duration(json_app, people):
    client = json_app.test_client()
    client.post("/login", data={"username": people.reviewer.username, "password": PASSWORD})
    response = client.get("/", headers={HEADER: "req-json-1"})
    assert response.status_code == 200
    lines = _lines(json_app.log_buffer)
    line = next(entry for entry in lines if entry.get("request_id") == "req-json-1")
    assert line["logger"] == "feedback.requests"
    assert line["user"] == people.reviewer.id
    assert line["route"] == "/"
    assert line["method"] == "GET" and line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    # Every line is a JSON object of its own; nobody's text breaks a line.
    raw = json_app.log_buffer.getvalue().splitlines()
    assert len(raw) == len(lines)


def test_json_log_lines_of_an_api_request_name_the_tokens_owner(json_app, people):
    from feedback.auth.services import issue_token

    token = issue_token(people.drafter)
    db.session.commit()
    client = json_app.test_client()
    response = client.get("/api/v1/reports", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    line = next(e for e in _lines(json_app.log_buffer) if e["logger"] == "feedback.requests")
    assert line["user"] == people.drafter.id
    assert line["route"] == "/api/v1/reports"
    assert line["request_id"] == response.headers[HEADER]


def test_the_throttle_counts_in_the_shared_redis_when_one_is_configured():
    """FEEDBACK_REDIS_URL alone puts Flask-Limiter's counts there; an explicit
    RATELIMIT_STORAGE_URI still wins; neither: per process (memory)."""
    import os
    import subprocess
    import sys

    def storage(**env):
        clean = {
            k: v
            for k, v in os.environ.items()
            if k not in ("FEEDBACK_REDIS_URL", "RATELIMIT_STORAGE_URI")
        }
        code = "from feedback.config import Config; print(Config.RATELIMIT_STORAGE_URI)"
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=Path(__file__).resolve().parents[2],
            env={**clean, **env},
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    assert storage(FEEDBACK_REDIS_URL="redis://10.0.0.5:6379/2") == "redis://10.0.0.5:6379/2"
    assert (
        storage(
            FEEDBACK_REDIS_URL="redis://10.0.0.5:6379/2",
            RATELIMIT_STORAGE_URI="redis://10.0.0.6:6379/0",
        )
        == "redis://10.0.0.6:6379/0"
    )
    assert storage() == "memory://"


_DEAD_REDIS_LOGINS = """
import sys
from feedback import create_app
from feedback.config import TestConfig
config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
config.update(
    SQLALCHEMY_DATABASE_URI=sys.argv[1], RATELIMIT_ENABLED=True,
    RATELIMIT_STORAGE_URI="redis://127.0.0.1:9/0", FEEDBACK_REDIS_URL="redis://127.0.0.1:9/0",
    FEEDBACK_LOGIN_LIMIT="2 per minute", FEEDBACK_LOGIN_IP_LIMIT="100 per minute",
)
client = create_app(config).test_client()
print(" ".join(
    str(client.post("/login", data={"username": "chair", "password": "sai"},
                    environ_base={"REMOTE_ADDR": "10.0.0.68"}).status_code)
    for _ in range(3)
))
"""


def test_logins_keep_working_and_throttled_when_redis_is_down(database_url, people):
    """In its own process (the limiter is one object per process): Redis gone, each
    process counts in memory; a wrong password is still a 401 and the third a 429, not a 500."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _DEAD_REDIS_LOGINS, database_url],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.split()[-3:] == ["401", "401", "429"]
