"""The daily digest: once a day, at FEEDBACK_MAIL_HOUR local time, one mail to each user
who chose it, listing the notifications they have not read since the previous digest.

"Once a day" is a database fact: a sender takes a user's day with a conditional UPDATE of
``digest_sent_on`` (only one of two senders running at once changes the row), and the
mail carries a unique ``dedupe_key`` besides.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from ..auth.models import MailFrequency, User
from ..extensions import db
from ..i18n import datetime_filter, utc_to_local
from . import mail
from .models import Notification
from .services import external_url, message


def make_digests(now: datetime) -> int:
    """Write today's digests that are due; returns how many mails were put in the outbox.
    The caller commits."""
    local = utc_to_local(now)
    if local.hour < current_app.config["FEEDBACK_MAIL_HOUR"]:
        return 0
    waiting = db.session.scalars(
        select(Notification.user_id).where(Notification.awaiting_digest.is_(True)).distinct()
    ).all()
    return sum(_digest_for(user_id, local.date()) for user_id in sorted(waiting))


def _take_day(user_id: int, day: date) -> bool:
    """Claim ``day``'s digest of the user; False when it was made already (by us or by
    another sender at this very moment)."""
    result = db.session.execute(
        update(User)
        .where(
            User.id == user_id,
            or_(User.digest_sent_on.is_(None), User.digest_sent_on < day),
        )
        .values(digest_sent_on=day)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _digest_for(user_id: int, day: date) -> int:
    if not _take_day(user_id, day):
        return 0  # today's digest is made; what came since waits for tomorrow's
    items = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user_id, Notification.awaiting_digest.is_(True))
        .order_by(Notification.id)
    ).all()
    for item in items:
        item.awaiting_digest = False
    user = db.session.get(User, user_id)
    unread = [n for n in items if n.read_at is None]  # read in the app: no need to mail
    if not unread or not user.active or not user.email:
        return 0
    if user.mail_frequency == MailFrequency.NONE.value:
        return 0
    _enqueue(user, unread, day)
    return 1


def _enqueue(user: User, items: list[Notification], day: date) -> None:
    with mail.in_language(mail.language_of(user)):
        lines = [
            {
                "at": datetime_filter(n.created_at),
                "sentence": message(n),
                "link": external_url(n),
            }
            for n in items
        ]
        subject = _(
            "[Draft report feedback] Digest of %(date)s: %(count)d notifications",
            date=day.strftime("%d/%m/%Y"),
            count=len(items),
        )
        body = mail.render(
            "digest.txt",
            name=user.name,
            items=lines,
            link=mail.absolute_url("notifications.index"),
            preferences=mail.preferences_url(),
        )
    mail.enqueue(
        to_address=user.email,
        to_name=user.name,
        subject=subject,
        body=body,
        kind="digest",
        user_id=user.id,
        dedupe_key=f"digest:{user.id}:{day.isoformat()}",
    )
