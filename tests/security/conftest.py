"""Fixtures for the security checklist: apps with protections switched on as in production."""

import pytest

from feedback import create_app
from feedback.config import TestConfig


def make_app(database_url: str, **overrides):
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=database_url, **overrides)
    return create_app(config)


@pytest.fixture
def csrf_app(app, database_url):
    """The same database, with CSRF protection on (tests switch it off elsewhere)."""
    return make_app(database_url, WTF_CSRF_ENABLED=True)


@pytest.fixture
def limited_app(app, database_url):
    return make_app(
        database_url,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        FEEDBACK_LOGIN_LIMIT="5 per minute",
        FEEDBACK_LOGIN_IP_LIMIT="20 per minute",
    )


@pytest.fixture
def production_app(app, database_url):
    return make_app(
        database_url,
        FEEDBACK_ENV="production",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_NAME="__Host-session",
    )
