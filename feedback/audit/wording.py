"""The audit trail in words: each action, and each detail's name and value, translated.

The stored events keep their machine codes (``round.opened``, ``{"deadline": "...Z"}``),
which the API returns as they are; the page says what happened in a sentence a
department's secretary can read, with times in Asia/Ho_Chi_Minh. An action without a
label here is shown by its code (tests/views/test_audit_page.py checks every action the
code records has one).
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..i18n import datetime_filter
from ..labels import label

# What the person did, to be read after their name ("Nguyễn Văn A · opened a round").
ACTIONS = {
    "report.imported": _l("imported the report"),
    "report.updated": _l("changed the report's settings"),
    "report.restored": _l("restored the report from an archive"),
    "section.created": _l("added a section"),
    "section.edited": _l("edited a section"),
    "section.renamed": _l("renamed a section"),
    "section.moved": _l("moved a section"),
    "section.deleted": _l("deleted a section"),
    "section.restored": _l("restored an earlier version of a section"),
    "section.restored_from_deletion": _l("brought back a deleted section"),
    "round.opened": _l("opened a consultation round"),
    "round.closed": _l("closed a consultation round"),
    "response.submitted": _l("submitted the department's response"),
    "comment.created": _l("wrote a comment"),
    "comment.edited": _l("edited a comment"),
    "comment.deleted": _l("deleted a draft comment"),
    "comment.withdrawn": _l("withdrew a comment"),
    "comment.resolved": _l("answered a comment"),
    "comment.reopened": _l("reopened a comment"),
    "reply.created": _l("replied to a comment"),
    "reply.published": _l("sent a department's draft reply"),
    "reply.deleted": _l("deleted a draft reply"),
    "suggestion.created": _l("proposed a revision"),
    "suggestion.edited": _l("edited a suggested revision"),
    "suggestion.deleted": _l("deleted a draft suggestion"),
    "suggestion.withdrawn": _l("withdrew a suggested revision"),
    "suggestion.accepted": _l("accepted a suggested revision"),
    "suggestion.rejected": _l("rejected a suggested revision"),
    "suggestion.reopened": _l("reopened a suggested revision"),
    "markup.imported": _l("imported a marked-up Word copy as drafts"),
    "markup.removed": _l("removed what a marked-up Word copy created"),
    "suggestion.conflict": _l("found a conflict; the revision waits for a hand merge"),
    "edition.issued": _l("issued a draft"),
    "edition.approved": _l("approved a draft"),
    "edition.submitted": _l("marked a draft as submitted to the Committee"),
    "indicator.confirmed": _l("confirmed a figure"),
    "indicator.corrected": _l("corrected a figure"),
    "indicator.proposed": _l("proposed a next period's target"),
    "indicator.updated": _l("changed an indicator's department or direction"),
    "indicator.keywords_changed": _l("changed the keyword map of indicators"),
    "indicator_table.mapped": _l("mapped the columns of an indicator table"),
    "department.created": _l("created a department"),
    "department.renamed": _l("renamed a department"),
    "department.mailbox_changed": _l("changed a department's official mailbox"),
    "user.created": _l("created an account"),
    "user.updated": _l("changed an account"),
    "user.chair_granted": _l("gave the chair role"),
    "user.login": _l("logged in"),
    "user.login_failed": _l("failed login"),
    "user.logout": _l("logged out"),
    "user.logout_everywhere": _l("logged out everywhere"),
    "user.password_changed": _l("changed their password"),
    "user.password_reset": _l("reset a password"),
    "user.mail_frequency": _l("changed the e-mail preference"),
    "token.issued": _l("issued an API token"),
    "token.revoked": _l("revoked an API token"),
    "token.revoked_all": _l("revoked all API tokens of an account"),
}

# The names of the details events carry.
DETAILS = {
    "active": _l("active"),
    "address": _l("address"),
    "after": _l("new name"),
    "base_version": _l("proposed on version"),
    "before": _l("former name"),
    "by_chair": _l("answered by the chair"),
    "clashes": _l("clashing passages"),
    "code": _l("code"),
    "comment": _l("comment"),
    "comments": _l("comments"),
    "count": _l("number"),
    "current_version": _l("current version"),
    "deadline": _l("deadline"),
    "deemed_agree": _l("no reply counts as agreement"),
    "department": _l("department"),
    "departments": _l("departments"),
    "departments_see_each_other": _l("departments see each other's feedback"),
    "direction": _l("direction"),
    "disposition": _l("answer"),
    "dispatch_number": _l("official dispatch"),
    "edition": _l("draft no."),
    "email": _l("e-mail"),
    "expires_at": _l("expires"),
    "frequency": _l("e-mail"),
    "heading": _l("heading"),
    "kind": _l("kind"),
    "late": _l("late"),
    "archive_made_at": _l("archive made at"),
    "archive_sha256": _l("SHA-256 of the archive"),
    "source_report": _l("report number where the archive was made"),
    "mailbox": _l("official mailbox"),
    "name": _l("name"),
    "no_comments": _l("no comments"),
    "no_reply": _l("no reply"),
    "number": _l("number"),
    "reason": _l("reason"),
    "rebased": _l("carried onto the current version"),
    "restored": _l("version restored"),
    "role": _l("role"),
    "round": _l("round"),
    "section": _l("section"),
    "sections": _l("sections"),
    "session": _l("session"),
    "status": _l("status"),
    "suggestions": _l("suggestions"),
    "title": _l("title"),
    "user": _l("account"),
    "username": _l("username"),
    "version": _l("version"),
    "via": _l("through"),
    "with_edits": _l("with edits"),
}

VIA = {
    "page": _l("the web page"),
    "api": _l("the API"),
    "cli": _l("the command line"),
    "login": _l("an API login"),
}

DIRECTIONS = {"up": _l("up"), "down": _l("down")}


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def detail_name(key: str) -> str:
    return str(DETAILS.get(key, key.replace("_", " ")))


def _moment(value: str) -> str | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return datetime_filter(moment) if moment.tzinfo is not None else None


_BY_KEY = {
    "disposition": lambda v: label("disposition", v),
    "role": lambda v: label("role", v),
    "frequency": lambda v: label("mail_frequency", v),
    "status": lambda v: label("comment_state", v),
    "via": lambda v: str(VIA.get(v, v)),
    "direction": lambda v: str(DIRECTIONS.get(v, v)),
}


def detail_value(key: str, value) -> str:
    """A detail's value as text: labels for codes, local times, lists joined, yes/no."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ngettext("%(num)d section", "%(num)d sections", len(value))
    if isinstance(value, str) and key in _BY_KEY:
        return _BY_KEY[key](value)
    if isinstance(value, str):
        return _moment(value) or value
    return str(value)


def details(event_details: dict | None) -> list[tuple[str, str, str]]:
    """(key, name, value) of each detail, in a stable order."""
    return [
        (key, detail_name(key), detail_value(key, value))
        for key, value in sorted((event_details or {}).items())
    ]
