"""Consultation use cases: rounds, comments, suggestions, replies, department responses.

Every function takes the acting user, checks permission through ``permissions``,
changes state, flushes and records an audit event; the caller commits.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _

from .. import markup, permissions, textdiff
from ..audit.services import record
from ..diffview import tracked_html
from ..errors import InvalidInput
from ..extensions import db
from ..models_base import utcnow
from ..notifications import services as notifications
from ..reports import queries as report_queries
from ..reports.models import Report, Section, SectionVersion
from ..reports.services import clean_section_text
from ..richtext.blocks import canonical
from ..richtext.offsets import text_map
from ..validation import clean_text
from . import previews, rounds
from .models import (
    Comment,
    CommentKind,
    CommentStatus,
    Reply,
    ReplyStatus,
    Suggestion,
    SuggestionStatus,
)

MAX_QUOTE = 2000


def _body(value, field: str) -> str:
    return clean_text(value, field, max_chars=current_app.config["FEEDBACK_MAX_BODY_CHARS"])


# Comments -------------------------------------------------------------------------


def _kind(kind) -> str:
    try:
        return CommentKind(kind or CommentKind.GENERAL.value).value
    except ValueError:
        raise InvalidInput(
            _("Unknown kind of comment %(kind)s.", kind=kind), details={"field": "kind"}
        ) from None


def _version_of(section: Section, number) -> SectionVersion:
    """The version a comment or suggestion is made on (the current one when not given)."""
    if number is None:
        return section.current
    if not isinstance(number, int) or isinstance(number, bool):
        raise InvalidInput(
            _("The base version must be a version number."), details={"field": "base_version"}
        )
    version = report_queries.find_version(section.id, number)
    if version is None:
        raise InvalidInput(
            _("Version %(n)s is not a version of this section.", n=number),
            details={"field": "base_version"},
        )
    return version


def _locate_quote(text: str, quote: str, hint: int | None) -> textdiff.Anchor:
    """Find the quoted passage in the version's Markdown; a selection made on the
    rendered page may differ in markup, so a close match is accepted too."""
    start = textdiff.find_quote(text, quote, hint)
    if start is None:
        match = textdiff.reanchor(
            textdiff.Anchor(quote=quote, prefix="", suffix="", start=hint or 0), text
        )
        if match.status == "not_found":
            return None
        start, end = match.start, match.end
    else:
        end = start + len(quote)
    return textdiff.make_anchor(text, start, end)


def _collapsed(text: str) -> str:
    return " ".join(text.split())


def _locate_passage(text: str, passage, seen: str | None) -> textdiff.Anchor | None:
    """A passage selected on the rendered page, as (start, end) in what the page showed,
    anchored in the version's Markdown through the offset map. ``seen`` is the selected
    text: when the page showed something else there, the passage is not this one."""
    shown = text_map(text, markup.render)
    start, end = passage
    if not 0 <= start < end <= len(shown.rendered):
        return None
    if seen is not None and _collapsed(shown.rendered[start:end]) != _collapsed(seen):
        return None
    span = shown.to_source(start, end)
    return textdiff.make_anchor(text, *span) if span is not None else None


def _anchor(comment: Comment, version: SectionVersion, quote, quote_start, passage) -> None:
    """Tie the comment to a passage of the version: one selected on the page
    (``passage``), or a quote found in the stored text (near ``quote_start``)."""
    seen = clean_text(quote, _("Quote"), max_chars=MAX_QUOTE) if quote else None
    if passage is not None:
        anchor = _locate_passage(version.text, passage, seen)
    elif seen and seen.strip():
        hint = quote_start if isinstance(quote_start, int) else None
        anchor = _locate_quote(version.text, seen, hint)
    else:
        return
    if anchor is None:
        raise InvalidInput(
            _("The quoted passage is not in version %(n)d of this section.", n=version.number),
            details={"field": "quote"},
        )
    if len(anchor.quote) > MAX_QUOTE:
        raise InvalidInput(
            _(
                "The passage is too long to comment on; select at most %(n)d characters.",
                n=MAX_QUOTE,
            ),
            details={"field": "quote"},
        )
    comment.quote, comment.quote_prefix = anchor.quote, anchor.prefix
    comment.quote_suffix, comment.quote_start = anchor.suffix, anchor.start
    end = anchor.start + len(anchor.quote)
    comment.quote_shown = text_map(version.text, markup.render).shown(anchor.start, end) or None


def _initial_state(actor) -> tuple[str, datetime | None, int | None]:
    """Department feedback starts as a draft; the drafting team's and chair's is published at once."""
    if permissions.in_department(actor):
        return CommentStatus.DRAFT.value, None, actor.department_id
    return CommentStatus.SUBMITTED.value, utcnow(), None


def add_comment(
    actor,
    section: Section,
    *,
    body,
    kind=None,
    quote=None,
    base_version=None,
    quote_start=None,
    passage: tuple[int, int] | None = None,
) -> Comment:
    """Comment on a section, optionally on a passage of one of its versions: a quote of
    its text (near ``quote_start``), or ``passage``, (start, end) of a selection in the
    text the page showed, with ``quote`` what was selected."""
    if section.is_deleted:
        raise InvalidInput(_("This section has been deleted."))
    permissions.require(
        permissions.can_comment(
            actor, section.report, section, invited=rounds.invited_to_open_round(section.report_id)
        ),
        _("Your department is not invited to an open consultation round on this report."),
    )
    body = _body(body, _("Comment"))
    version = _version_of(section, base_version)
    comment = Comment(
        report_id=section.report_id,
        section_id=section.id,
        author_id=actor.id,
        kind=_kind(kind),
        body=body,
        base_version=version.number,
    )
    _anchor(comment, version, quote, quote_start, passage)
    comment.status, comment.submitted_at, comment.department_id = _initial_state(actor)
    db.session.add(comment)
    record(actor, "comment.created", comment, section=section.id, status=comment.status)
    return comment


def add_report_comment(actor, report: Report, *, body, kind=None) -> Comment:
    """Comment on the report as a whole (structure, layout): the 'general' group."""
    permissions.require(
        permissions.can_comment(actor, report, invited=rounds.invited_to_open_round(report.id)),
        _("Your department is not invited to an open consultation round on this report."),
    )
    comment = Comment(
        report_id=report.id,
        section_id=None,
        author_id=actor.id,
        kind=_kind(kind or CommentKind.STRUCTURE.value),
        body=_body(body, _("Comment")),
    )
    comment.status, comment.submitted_at, comment.department_id = _initial_state(actor)
    db.session.add(comment)
    record(actor, "comment.created", comment, section=None, status=comment.status)
    return comment


def update_comment(actor, comment: Comment, *, body=None, kind=None) -> Comment:
    permissions.require(
        permissions.can_edit_feedback(actor, comment),
        _("Only a draft of your department can be edited."),
    )
    if body is not None:
        comment.body = _body(body, _("Comment"))
    if kind is not None:
        comment.kind = _kind(kind)
    record(actor, "comment.edited", comment)
    return comment


def delete_comment(actor, comment: Comment) -> None:
    """Delete a draft (it was never seen outside the department)."""
    permissions.require(
        permissions.can_edit_feedback(actor, comment),
        _("Only a draft of your department can be deleted."),
    )
    record(actor, "comment.deleted", comment)
    db.session.delete(comment)


def delete_reply(actor, reply: Reply) -> None:
    """Delete a draft reply (it was never seen outside the department)."""
    permissions.require(
        permissions.can_edit_feedback(actor, reply),
        _("Only a draft of your department can be deleted."),
    )
    record(actor, "reply.deleted", reply, object_type="reply", comment=reply.comment_id)
    db.session.delete(reply)


def withdraw_comment(actor, comment: Comment) -> Comment:
    permissions.require(
        permissions.can_withdraw(actor, comment),
        _("Only submitted, undecided feedback of your department can be withdrawn."),
    )
    comment.status = CommentStatus.WITHDRAWN.value
    comment.withdrawn_at = utcnow()
    record(actor, "comment.withdrawn", comment)
    return comment


def add_reply(actor, comment: Comment, *, body) -> Reply:
    """A reply on a comment. A department member's is a draft of the department, sent by
    its lead (with the response, or on its own); the drafting team's and the chair's are
    published at once."""
    permissions.require(permissions.can_reply(actor, comment))
    reply = Reply(comment=comment, author_id=actor.id, body=_body(body, _("Reply")))
    if permissions.in_department(actor):
        reply.status, reply.department_id = ReplyStatus.DRAFT.value, actor.department_id
    else:
        reply.status, reply.submitted_at = ReplyStatus.SUBMITTED.value, utcnow()
    db.session.add(reply)
    if not reply.is_draft:
        notify_reply(actor, reply)
    record(
        actor,
        "reply.created",
        reply,
        object_type="reply",
        report_id=comment.report_id,
        comment=comment.id,
    )
    return reply


def notify_reply(actor, reply: Reply) -> None:
    """A published reply is news to the department whose comment it answers."""
    comment = reply.comment
    if comment.department_id and comment.department_id != reply.department_id:
        notifications.notify(
            notifications.department_users(comment.department_id),
            "reply",
            link=_feedback_link(comment),
            report_id=comment.report_id,
            author=actor.name,
        )


def _feedback_link(item) -> str:
    """Where a notification about ``item`` leads (resolved to a URL when shown)."""
    return f"section:{item.section_id}" if item.section_id else f"report:{item.report_id}"


# Suggestions ----------------------------------------------------------------------


def _suggestion_text(text, base: SectionVersion) -> str:
    text = clean_section_text(text, _("Proposed text"))
    if text == canonical(base.text):
        raise InvalidInput(
            _(
                "The proposed text is the same as version %(n)d; change something first.",
                n=base.number,
            ),
            details={"field": "text"},
        )
    return text


def preview_suggestion(base: SectionVersion, text) -> str:
    """The tracked changes a proposed text makes to its base version, before it is saved:
    held to the same size limit as a saved suggestion (413 past it)."""
    return tracked_html(base.text, clean_section_text(text, _("Proposed text")))


def preview_changes(section: Section, base_version, text) -> str:
    """The tracked changes ``text`` makes to version ``base_version`` of the section (the
    current one when not given), as the in-place editor shows them while someone types."""
    return preview_suggestion(_version_of(section, base_version), text)


def suggestion_diff_html(suggestion: Suggestion) -> str | None:
    """The suggestion's tracked changes against the version it was made on, as rendered
    when it was written; None while not rendered yet."""
    return previews.diff_html(suggestion)


def add_suggestion(actor, section: Section, *, base_version, text, rationale="") -> Suggestion:
    if section.is_deleted:
        raise InvalidInput(_("This section has been deleted."))
    permissions.require(
        permissions.can_suggest(
            actor, section, invited=rounds.invited_to_open_round(section.report_id)
        ),
        _("Your department is not invited to an open consultation round on this report."),
    )
    if base_version is None:
        raise InvalidInput(_("The base version is missing."), details={"field": "base_version"})
    base = _version_of(section, base_version)
    suggestion = Suggestion(
        report_id=section.report_id,
        section_id=section.id,
        department_id=actor.department_id,
        author_id=actor.id,
        base_version=base.number,
        text=_suggestion_text(text, base),
        rationale=clean_text(
            rationale or "",
            _("Rationale"),
            max_chars=current_app.config["FEEDBACK_MAX_BODY_CHARS"],
            required=False,
        ),
        status=SuggestionStatus.DRAFT.value,
    )
    db.session.add(suggestion)
    record(actor, "suggestion.created", suggestion, section=section.id, base_version=base.number)
    previews.store_diff(suggestion)
    return suggestion


def update_suggestion(actor, suggestion: Suggestion, *, text=None, rationale=None) -> Suggestion:
    permissions.require(
        permissions.can_edit_feedback(actor, suggestion),
        _("Only a draft of your department can be edited."),
    )
    if text is not None:
        base = _version_of(suggestion.section, suggestion.base_version)
        suggestion.text = _suggestion_text(text, base)
    if rationale is not None:
        suggestion.rationale = clean_text(
            rationale,
            _("Rationale"),
            max_chars=current_app.config["FEEDBACK_MAX_BODY_CHARS"],
            required=False,
        )
    record(actor, "suggestion.edited", suggestion)
    previews.store_diff(suggestion)
    return suggestion


def delete_suggestion(actor, suggestion: Suggestion) -> None:
    permissions.require(
        permissions.can_edit_feedback(actor, suggestion),
        _("Only a draft of your department can be deleted."),
    )
    record(actor, "suggestion.deleted", suggestion)
    db.session.delete(suggestion)


def withdraw_suggestion(actor, suggestion: Suggestion) -> Suggestion:
    permissions.require(
        permissions.can_withdraw(actor, suggestion),
        _("Only submitted, undecided feedback of your department can be withdrawn."),
    )
    suggestion.status = SuggestionStatus.WITHDRAWN.value
    suggestion.withdrawn_at = utcnow()
    record(actor, "suggestion.withdrawn", suggestion)
    return suggestion
