"""Language and time zone: Vietnamese and Asia/Ho_Chi_Minh by default, English on request."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime
from flask_login import current_user


def select_locale() -> str:
    """Pages: the language the user chose, else Vietnamese. API: Accept-Language, else Vietnamese."""
    languages = current_app.config["FEEDBACK_LANGUAGES"]
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    if request.blueprint == "api":
        return request.accept_languages.best_match(languages, default)
    user_locale = getattr(current_user, "locale", None) if current_user else None
    for candidate in (session.get("lang"), user_locale):
        if candidate in languages:
            return candidate
    return default


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def datetime_filter(value: datetime | None) -> str:
    """dd/mm/yyyy HH:mm in the report's time zone."""
    return format_datetime(value, "dd/MM/yyyy HH:mm") if value else ""


def date_filter(value) -> str:
    return format_date(value, "dd/MM/yyyy") if value else ""


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_to_utc(value: datetime) -> datetime:
    """A wall-clock time typed in the report's time zone, as an aware UTC datetime."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=local_zone())
    return value.astimezone(UTC)


def utc_to_local(value: datetime) -> datetime:
    return value.astimezone(local_zone())
