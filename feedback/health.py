"""Readiness: may the load balancer send this instance requests now?

``/healthz`` (in web.py) says only that the process answers. ``/readyz`` also asks the
database (one ``SELECT 1`` and the schema's Alembic revision against the code's) and,
when one is configured, Redis: an instance whose database is down or not yet migrated,
or whose shared throttle store is gone, answers 503 with its reasons as JSON and the
balancer sends its traffic to the other instances.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, jsonify
from sqlalchemy import text

from .extensions import db

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
TIMEOUT_SECONDS = 2


def redis_url(config) -> str:
    """The Redis the instances share (FEEDBACK_REDIS_URL, else the throttle's store when
    it is a Redis); "" when there is none."""
    url = config.get("FEEDBACK_REDIS_URL") or ""
    storage = config.get("RATELIMIT_STORAGE_URI") or ""
    if not url and storage.startswith(("redis://", "rediss://")):
        url = storage
    return url


@lru_cache(maxsize=1)
def code_heads() -> frozenset[str]:
    """The migration heads this code expects (read once from migrations/)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def check_database() -> str | None:
    """None when the database answers and its schema is this code's; a reason otherwise."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except Exception as error:  # noqa: BLE001 - any failure means "not ready", said in words
        return f"database unreachable or not migrated ({type(error).__name__})"
    found = frozenset(row[0] for row in rows)
    if found != code_heads():
        return "database schema is not at this release's migration (run: flask db upgrade)"
    return None


def check_redis(url: str) -> str | None:
    """None when Redis answers PING within the timeout; a reason otherwise."""
    import redis

    try:
        client = redis.Redis.from_url(
            url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
        )
        try:
            client.ping()
        finally:
            client.close()
    except Exception as error:  # noqa: BLE001
        return f"redis unreachable ({type(error).__name__})"
    return None


def readiness() -> tuple[dict[str, str], list[str]]:
    """Each check's outcome ("ok", "failed" or "not configured") and the reasons."""
    checks: dict[str, str] = {}
    reasons: list[str] = []
    problem = check_database()
    checks["database"] = "failed" if problem else "ok"
    if problem:
        reasons.append(problem)
    url = redis_url(current_app.config)
    if url:
        problem = check_redis(url)
        checks["redis"] = "failed" if problem else "ok"
        if problem:
            reasons.append(problem)
    else:
        checks["redis"] = "not configured"
    return checks, reasons


def init_app(app: Flask) -> None:
    @app.get("/readyz")
    def readyz():
        """Readiness for the load balancer: 200 when the database (and Redis, when
        configured) answer; 503 with the reasons otherwise. Never cached."""
        checks, reasons = readiness()
        body = {"status": "unavailable" if reasons else "ready", "checks": checks}
        if reasons:
            body["reasons"] = reasons
        response = jsonify(body)
        response.status_code = 503 if reasons else 200
        response.headers["Cache-Control"] = "no-store"
        return response
