"""Creating notifications (and their e-mails) and rendering their text in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from ..auth.models import Department, MailFrequency, Role, User
from ..extensions import db
from ..i18n import datetime_filter
from ..labels import label
from ..models_base import utcnow
from . import mail
from .models import Notification


def notify(
    users: Iterable[User],
    kind: str,
    *,
    link: str = "",
    report_id: int | None = None,
    mail_to: Iterable[User] | None = None,
    mailboxes: Iterable[Department] = (),
    **params,
) -> None:
    """Notify ``users`` in the app, and by e-mail as each chose (every notice, a daily
    digest, or none) when they have an address. ``mail_to`` narrows who among them is
    mailed; each department of ``mailboxes`` gets the mail at its official mailbox. Every
    kind of notification has its mail: the same sentence, in the reader's language. The
    mails are outbox rows of this transaction: a change rolled back mails nothing."""
    mailed = None if mail_to is None else {u.id for u in mail_to if u is not None}
    for user in users:
        if not user.active:
            continue
        notification = Notification(
            user_id=user.id, kind=kind, params=params, link=link, report_id=report_id
        )
        db.session.add(notification)
        if mailed is None or user.id in mailed:
            _mail_user(user, notification)
    for department in mailboxes:
        _mail_mailbox(department, Notification(kind=kind, params=params, link=link))


def _mail_user(user: User, notification: Notification) -> None:
    if not user.email or user.mail_frequency == MailFrequency.NONE.value:
        return
    if user.mail_frequency == MailFrequency.DAILY.value:
        notification.awaiting_digest = True
        return
    with mail.in_language(mail.language_of(user)):
        sentence = message(notification)
        subject = mail.subject_line(sentence)
        body = mail.render(
            "notification.txt",
            name=user.name,
            sentence=sentence,
            link=external_url(notification),
            preferences=mail.preferences_url(),
        )
    mail.enqueue(
        to_address=user.email,
        to_name=user.name,
        subject=subject,
        body=body,
        kind=notification.kind,
        user_id=user.id,
        notification=notification,
    )


def _mail_mailbox(department: Department, notification: Notification) -> None:
    """The department's official mailbox (văn thư) reads Vietnamese, the official language."""
    if not department.mailbox:
        return
    with mail.in_language(current_app.config["BABEL_DEFAULT_LOCALE"]):
        sentence = message(notification)
        subject = mail.subject_line(sentence)
        body = mail.render(
            "mailbox.txt",
            department=department.name,
            sentence=sentence,
            link=external_url(notification),
        )
    mail.enqueue(
        to_address=department.mailbox,
        to_name=department.name,
        subject=subject,
        body=body,
        kind=notification.kind,
        department_id=department.id,
    )


def department_users(department_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.department_id == department_id, User.active.is_(True))
        )
    )


def department_leads(department_id: int) -> list[User]:
    return [u for u in department_users(department_id) if u.role == Role.LEAD.value]


def drafters() -> list[User]:
    return _active_with_role(Role.DRAFTER)


def chairs() -> list[User]:
    return _active_with_role(Role.CHAIR)


def administrators() -> list[User]:
    return _active_with_role(Role.ADMIN)


def _active_with_role(role: Role) -> list[User]:
    return list(
        db.session.scalars(select(User).where(User.role == role.value, User.active.is_(True)))
    )


DEADLINE_KINDS = ("deadline_warning", "deadline_day")


def _deadline_message(kind: str, p: dict) -> str:
    if kind == "deadline_day":
        return _(
            "Today is the deadline of round %(number)s on “%(report)s” (%(deadline)s), and %(department)s has not sent its response yet.",
            **p,
        )
    return _(
        "Round %(number)s on “%(report)s” closes at %(deadline)s, in %(hours)s hours, and %(department)s has not sent its response yet.",
        **p,
    )


def message(notification: Notification) -> str:
    """The notification's sentence, translated now (the reader's language may differ from the sender's)."""
    p = dict(notification.params)
    for key in ("deadline", "expires_at"):
        if p.get(key):
            p[key] = datetime_filter(datetime.fromisoformat(p[key]))
    kind = notification.kind
    if kind in DEADLINE_KINDS:
        return _deadline_message(kind, p)
    if kind == "round_opened":
        return _(
            "Round %(number)s on “%(report)s” is open for your department until %(deadline)s.", **p
        )
    if kind == "response_submitted":
        if p.get("no_comments"):
            return _("%(department)s answered “no comments” on “%(report)s”.", **p)
        return _(
            "%(department)s submitted %(comments)s comments and %(suggestions)s suggestions on “%(report)s”.",
            **p,
        )
    if kind == "decision":
        return _decision_message(p)
    if kind == "escalated":
        return _escalated_message(p)
    if kind == "reply":
        return _("%(author)s replied to a comment of your department.", **p)
    return _account_message(kind, p)


def _decision_message(p: dict) -> str:
    """A decision on a department's feedback, in the reader's language: stored as codes
    (item type and id, decision, who decided), translated when shown."""
    if "item_type" not in p:  # notices stored before codes: their words as written then
        return _("The drafting team decided on your department's %(item)s: %(decision)s.", **p)
    kind = p["item_type"]
    item = (
        _("suggestion #%(id)d", id=p["item_id"])
        if kind == "suggestion"
        else _("comment #%(id)d", id=p["item_id"])
    )
    labels = "suggestion_status" if kind == "suggestion" else "disposition"
    decision = label(labels, p["decision"])
    if p.get("by") == "chair":
        return _(
            "The chair answered your department's %(item)s: %(decision)s.",
            item=item,
            decision=decision,
        )
    return _(
        "The drafting team decided on your department's %(item)s: %(decision)s.",
        item=item,
        decision=decision,
    )


def _escalated_message(p: dict) -> str:
    if p.get("department"):
        return _(
            "The drafting team asks for your answer on comment #%(id)d of %(department)s on “%(report)s”.",
            id=p["comment"],
            department=p["department"],
            report=p["report"],
        )
    return _(
        "The drafting team asks for your answer on comment #%(id)d on “%(report)s”.",
        id=p["comment"],
        report=p["report"],
    )


def _account_message(kind: str, p: dict) -> str:
    if kind == "chair_granted":
        if p.get("by"):
            return _(
                "%(by)s gave %(name)s (%(username)s) the chair role: this account can approve "
                "editions.",
                **p,
            )
        return _(
            "%(name)s (%(username)s) was given the chair role on the command line: this "
            "account can approve editions.",
            **p,
        )
    if kind == "token_expiring":
        return _(
            "The API token of %(username)s (an integration) expires on %(expires_at)s; issue "
            "a new one with “flask users token %(username)s --expires-in DAYS”.",
            **p,
        )
    return kind


def unread_count(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


def recent(user: User, limit: int = 50) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id.desc())
            .limit(limit)
        )
    )


def mark_all_read(user: User) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


_TARGETS = {
    "report": ("reports.report", "rid"),
    "section": ("reports.section", "sid"),
    "round": ("review.round_status", "round_id"),
    "suggestion": ("review.suggestion", "suggestion_id"),
    "user": ("admin.edit_user", "uid"),
}


def _target(notification: Notification) -> tuple[str, dict] | None:
    """(endpoint, arguments) of a link stored as "kind:id" or "kind:id#anchor" (services
    never need a request to build URLs)."""
    link, _hash, anchor = (notification.link or "").partition("#")
    kind, _sep, ident = link.partition(":")
    if kind not in _TARGETS or not ident.isdigit():
        return None
    endpoint, arg = _TARGETS[kind]
    arguments = {arg: int(ident)}
    if anchor.isalnum():
        arguments["_anchor"] = anchor
        if kind == "section" and anchor[:1] == "c" and anchor[1:].isdigit():
            arguments["c"] = int(anchor[1:])  # opens the part of a long list that shows it
    return endpoint, arguments


def url(notification: Notification) -> str | None:
    """The page a notification leads to (the place on it, for a comment)."""
    target = _target(notification)
    return url_for(target[0], **target[1]) if target else None


def external_url(notification: Notification) -> str | None:
    """The full address of the page a notification leads to, for e-mails (None without
    FEEDBACK_BASE_URL)."""
    target = _target(notification)
    if target is None:
        return mail.absolute_url("notifications.index")
    return mail.absolute_url(target[0], **target[1])
