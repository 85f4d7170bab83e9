"""Writing e-mails: the recipient's language, links from FEEDBACK_BASE_URL, plain-text
templates, and the outbox row that carries the finished mail to the worker.

A mail is written when the change it reports happens, in that change's transaction, so
it says what was true then and a rolled-back change leaves no mail behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ..extensions import db
from .models import MailStatus, Notification, OutgoingMail

SUBJECT_CHARS = 180


def language_of(user) -> str:
    """The language a user reads the app in; Vietnamese unless they chose another."""
    languages = current_app.config["FEEDBACK_LANGUAGES"]
    locale = getattr(user, "locale", None)
    return locale if locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


@contextmanager
def in_language(locale: str) -> Iterator[None]:
    """Translate (strings, dates) in ``locale`` inside the block, whoever is asking."""
    with force_locale(locale):
        yield


def absolute_url(endpoint: str, **values) -> str | None:
    """The full address of a page, from FEEDBACK_BASE_URL; None when it is not set (the
    mail then says where to look in words). Works without a request, in the worker."""
    base = current_app.config.get("FEEDBACK_BASE_URL") or ""
    if not base:
        return None
    anchor = values.pop("_anchor", None)
    parts = urlsplit(base.rstrip("/"))
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https"
    )
    address = adapter.build(endpoint, values, force_external=True)
    return f"{address}#{anchor}" if anchor else address


def subject_line(sentence: str) -> str:
    """A subject from a notification's sentence, cut at a word if it is long."""
    text = " ".join(sentence.split())
    if len(text) > SUBJECT_CHARS:
        text = text[: SUBJECT_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return _("[Draft report feedback] %(text)s", text=text)


def render(template: str, **context) -> str:
    """A plain-text mail template (templates/mail/), without the page context."""
    return current_app.jinja_env.get_template(f"mail/{template}").render(**context).strip() + "\n"


def preferences_url() -> str | None:
    return absolute_url("notifications.mail_preferences")


def enqueue(
    *,
    to_address: str,
    to_name: str,
    subject: str,
    body: str,
    kind: str,
    user_id: int | None = None,
    department_id: int | None = None,
    notification: Notification | None = None,
    dedupe_key: str | None = None,
) -> OutgoingMail:
    """Put a finished mail in the outbox (sent by the worker, due at once)."""
    row = OutgoingMail(
        to_address=to_address,
        to_name=to_name[:200],
        subject=subject[:300],
        body=body,
        kind=kind,
        user_id=user_id,
        department_id=department_id,
        notification=notification,
        dedupe_key=dedupe_key,
        status=MailStatus.PENDING.value,
        attempts=0,
    )
    db.session.add(row)
    return row
