"""State two application servers must share: a draft uploaded for import waits in Redis
between its preview (on one server) and "Create the report" (maybe on the other)."""

from __future__ import annotations

import pytest

from feedback import create_app
from feedback.config import TestConfig
from feedback.errors import NotFound
from feedback.extensions import db
from feedback.reports import stash

REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def shared_redis():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("no Redis answers on 127.0.0.1:6379")
    client.flushdb()
    yield client
    client.flushdb()


def _server(app, tmp_path, name):
    """Another application server: same database and Redis, its own instance folder."""
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    other = create_app(
        {
            **config,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "FEEDBACK_REDIS_URL": REDIS_URL,
            "FEEDBACK_UPLOAD_STASH": "",
        }
    )
    other.instance_path = str(tmp_path / name)
    return other


def test_an_upload_previewed_on_one_server_is_created_on_the_other(app, tmp_path, shared_redis):
    first, second = _server(app, tmp_path, "a"), _server(app, tmp_path, "b")
    content = "# Báo cáo tình hình kinh tế – xã hội\n\nNội dung dự thảo.".encode()
    with first.app_context():
        token = stash.save(7, "báo cáo.md", content)
    with second.app_context():
        assert stash.load(token, 7) == ("báo cáo.md", content)
        with pytest.raises(NotFound):
            stash.load(token, 8)  # only its uploader
        stash.drop(token)
        with pytest.raises(NotFound):
            stash.load(token, 7)
    # Nothing was written to either server's disk, and Redis forgets it by itself.
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
    for other in (first, second):
        with other.app_context():
            db.engine.dispose()


def test_a_waiting_upload_expires_after_two_hours_by_itself(app, tmp_path, shared_redis):
    server = _server(app, tmp_path, "a")
    with server.app_context():
        token = stash.save(7, "dự thảo.docx", b"PK\x03\x04")
        db.engine.dispose()
    ttl = shared_redis.ttl(f"feedback:upload:{token}")
    assert stash.KEPT_FOR - 5 <= ttl <= stash.KEPT_FOR


def test_a_chosen_stash_folder_still_wins_over_redis(app, tmp_path, shared_redis):
    server = _server(app, tmp_path, "a")
    server.config["FEEDBACK_UPLOAD_STASH"] = str(tmp_path / "shared-folder")
    with server.app_context():
        token = stash.save(7, "dự thảo.md", b"# I. Tong quan")
        assert stash.load(token, 7) == ("dự thảo.md", b"# I. Tong quan")
        db.engine.dispose()
    assert (tmp_path / "shared-folder" / f"{token}.bin").exists()
    assert shared_redis.dbsize() == 0
