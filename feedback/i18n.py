"""Language and time zone: Vietnamese and Asia/Ho_Chi_Minh by default, English on request."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app, g, has_app_context, has_request_context, request, session
from flask_babel import format_date, get_locale, get_translations
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
    """dd/mm/yyyy HH:mm in the report's time zone (a naive value is UTC). Digits only, the
    same in every language, so no locale lookup: a page of cards shows hundreds."""
    if not value:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(local_zone()).strftime("%d/%m/%Y %H:%M")


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


def _memo() -> dict:
    """This request's translations so far, for its current locale (``force_locale``, as
    mails use, switches to another memo); outside an app context, nothing is kept."""
    if not has_app_context():
        return {}
    # Flask-Babel keeps the request's locale on g._flask_babel; force_locale replaces it.
    locale = getattr(g.get("_flask_babel"), "babel_locale", None) or get_locale()
    memo = g.get("_translation_memo")
    if memo is None or memo[0] is not locale:
        memo = (locale, {})
        g._translation_memo = memo
    return memo[1]


def page_gettext(string: str) -> str:
    """gettext for templates, looked up once per request and string: a page of a
    hundred cards asks for the same few words hundreds of times, and each Flask-Babel
    lookup walks its context (about 25 µs)."""
    memo = _memo()
    found = memo.get(string)
    if found is None:
        found = memo[string] = get_translations().ugettext(string)
    return found


def page_ngettext(singular: str, plural: str, n: int) -> str:
    memo = _memo()
    key = (singular, plural, n)
    found = memo.get(key)
    if found is None:
        found = memo[key] = get_translations().ungettext(singular, plural, n)
    return found


def memoised(kind: str, value: str, build) -> str:
    """``build()`` once per request, locale and (kind, value): labels of enumerations."""
    memo = _memo()
    key = (kind, value)
    found = memo.get(key)
    if found is None:
        found = memo[key] = build()
    return found


def install_template_gettext(app) -> None:
    """Templates' ``_`` and ``ngettext`` through the per-request memo (after Babel's init,
    which installed its own)."""
    app.jinja_env.install_gettext_callables(page_gettext, page_ngettext, newstyle=True)
