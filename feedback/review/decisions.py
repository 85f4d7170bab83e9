"""The drafting team's decisions: accept, accept with edits, reject, rebase, answer comments.

A decision is one transaction: the section row is locked (``FOR UPDATE`` on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), the item is checked to be still
undecided and the section at the version the decider saw, and the new section
version, the status change, the decision history row and the audit event are
written together -- or nothing is.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

from .. import deferred, permissions, textdiff
from ..audit.services import record
from ..database import lock_for_update
from ..errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied, StaleVersion
from ..extensions import db
from ..labels import label
from ..models_base import utcnow
from ..notifications import services as notifications
from ..reports.models import Section, SectionVersion, VersionKind, VersionReason
from ..reports.queries import find_version, get_version
from ..reports.services import SECTION_PREVIEWS, clean_section_text, new_version
from ..validation import clean_text
from .models import (
    Comment,
    CommentStatus,
    Decision,
    DecisionAction,
    Disposition,
    Suggestion,
    SuggestionStatus,
)


@dataclass(frozen=True)
class AcceptOutcome:
    suggestion: Suggestion
    version: SectionVersion | None  # the section version the suggestion became (None on conflict)
    conflict: textdiff.Conflict | None = None


def _note(value, field: str, *, required: bool = False) -> str:
    return clean_text(
        value or "",
        field,
        max_chars=current_app.config["FEEDBACK_MAX_BODY_CHARS"],
        required=required,
    )


def _lock(suggestion: Suggestion) -> tuple[Suggestion, Section]:
    """Lock the suggestion's section, then re-read the suggestion inside the lock."""
    suggestion_id, section_id = suggestion.id, suggestion.section_id
    section = lock_for_update(Section, section_id)
    suggestion = db.session.get(Suggestion, suggestion_id, populate_existing=True)
    return suggestion, section


def _require_pending(suggestion: Suggestion) -> None:
    if not suggestion.is_outstanding:
        if suggestion.decided_by is not None:
            raise InvalidTransition(
                _(
                    "Suggestion #%(id)d was already %(status)s by %(who)s.",
                    id=suggestion.id,
                    status=label("suggestion_status", suggestion.status),
                    who=suggestion.decided_by.name,
                ),
                details={"status": suggestion.status},
            )
        raise InvalidTransition(
            _(
                "Suggestion #%(id)d is %(status)s; only submitted suggestions can be decided.",
                id=suggestion.id,
                status=label("suggestion_status", suggestion.status),
            ),
            details={"status": suggestion.status},
        )


def _history(
    actor, item, action: DecisionAction, note: str = "", version: int | None = None
) -> None:
    db.session.add(
        Decision(
            report_id=item.report_id,
            comment_id=item.id if isinstance(item, Comment) else None,
            suggestion_id=item.id if isinstance(item, Suggestion) else None,
            action=action.value,
            note=note,
            section_version=version,
            actor_id=actor.id,
        )
    )


def _comment_link(comment: Comment) -> str:
    """Where a notice about a comment leads: the comment in its context."""
    where = f"section:{comment.section_id}" if comment.section_id else f"report:{comment.report_id}"
    return f"{where}#c{comment.id}"


def _notify_department(actor, item, decision: str) -> None:
    """Tell the item's department (the author and the lead by e-mail). Stored as codes,
    so each reader reads it in their own language; credited to the chair when the chair
    answered."""
    if item.department_id:
        is_suggestion = isinstance(item, Suggestion)
        notifications.notify(
            notifications.department_users(item.department_id),
            "decision",
            mail_to=[item.author, *notifications.department_leads(item.department_id)],
            link=f"suggestion:{item.id}" if is_suggestion else _comment_link(item),
            report_id=item.report_id,
            item_type="suggestion" if is_suggestion else "comment",
            item_id=item.id,
            decision=str(decision),
            by="chair" if permissions.is_chair(actor) else "drafting_team",
        )


def _notify_chairs(comment: Comment) -> None:
    """An escalated comment waits for the chair: every chair is told (and mailed), with a
    link to the comment in its context, where it can be answered."""
    notifications.notify(
        notifications.chairs(),
        "escalated",
        link=_comment_link(comment),
        report_id=comment.report_id,
        comment=comment.id,
        department=comment.department.name if comment.department else None,
        report=comment.report.title,
    )


@dataclass(frozen=True)
class Preview:
    """What accepting a suggestion now would make of the section."""

    text: str | None  # the would-be section text (None on conflict)
    rebased: bool  # the section moved on since the suggestion's base
    conflict: textdiff.Conflict | None = None


def preview(suggestion: Suggestion) -> Preview:
    """The result of accepting now, computed without changing anything."""
    current = suggestion.section.current
    if suggestion.base_version == current.number:
        return Preview(suggestion.text, rebased=False)
    base = get_version(suggestion.section, suggestion.base_version)
    result = textdiff.rebase(base.text, suggestion.text, current.text)
    if isinstance(result, textdiff.Conflict):
        return Preview(None, rebased=True, conflict=result)
    return Preview(result.text, rebased=True)


def _check_still_current(current: SectionVersion, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != current.number:
        raise StaleVersion(
            _(
                "The section changed meanwhile (now version %(n)d); look at it again before accepting.",
                n=current.number,
            ),
            details={"current_version": current.number, "expected_version": expected_version},
        )


def _edited_text(text, expected_version: int | None) -> str | None:
    """The drafter's own text for accept-with-edits, cleaned; None for a plain accept."""
    if text is None:
        return None
    if expected_version is None:
        raise InvalidInput(
            _(
                "Accepting with your own text needs the section version that text was written on "
                "(expected_version)."
            ),
            details={"field": "expected_version"},
        )
    return clean_section_text(text)


def _record_conflict(actor, suggestion: Suggestion, current, conflict) -> AcceptOutcome:
    """Nothing changes in the text; the suggestion is marked as waiting for a hand merge."""
    suggestion.conflict_version = current.number
    _history(actor, suggestion, DecisionAction.CONFLICT, version=current.number)
    record(
        actor,
        "suggestion.conflict",
        suggestion,
        current_version=current.number,
        clashes=len(conflict.clashes),
    )
    return AcceptOutcome(suggestion, None, conflict)


def _accepted_version(actor, suggestion, section, current, new_text, with_edits) -> SectionVersion:
    if new_text == current.text:
        return current  # the text already says this: nothing to add
    reason = VersionReason.ACCEPTED_WITH_EDITS if with_edits else VersionReason.ACCEPTED
    return new_version(
        actor,
        section,
        heading=current.heading,
        text=new_text,
        kind=VersionKind.ACCEPT,
        reason=reason,
        reason_params={"id": suggestion.id, "department": suggestion.department.name},
    )


def _mark_accepted(actor, suggestion, version, new_text, note, with_edits) -> None:
    actor_id, now = actor.id, utcnow()  # read before writing: a lazy load would autoflush
    suggestion.status = SuggestionStatus.ACCEPTED.value
    suggestion.decided_by_id, suggestion.decided_at = actor_id, now
    suggestion.decision_note = note or None
    suggestion.accepted_with_edits = with_edits
    suggestion.applied_text = new_text
    suggestion.result_version = version.number
    suggestion.conflict_version = None
    action = DecisionAction.ACCEPTED_WITH_EDITS if with_edits else DecisionAction.ACCEPTED
    _history(actor, suggestion, action, note, version.number)


def accept_suggestion(
    actor, suggestion: Suggestion, *, text=None, note=None, expected_version: int | None = None
) -> AcceptOutcome:
    """Accept a suggestion: a new section version carrying it.

    - ``text`` given: the drafter's text becomes the version -- "accepted with edits",
      unless it is exactly what accepting the suggestion as it stands would give, which
      is a plain accept. ``expected_version`` (the version that text was written on) is
      then required, and a section that moved past it is a 409.
    - otherwise the suggestion is applied to the current text: as is when the section
      has not changed since its base, rebased when the change merges cleanly, and not
      at all when it conflicts -- the outcome then carries the conflict, the suggestion
      is marked as needing a hand merge, and the section is untouched.
    """
    permissions.require(
        permissions.can_decide(actor), _("Only the drafting team decides on suggestions.")
    )
    note = _note(note, _("Note"))
    edited = _edited_text(text, expected_version)
    suggestion, section = _lock(suggestion)
    if section is None or suggestion is None:
        raise NotFound()
    _require_pending(suggestion)
    if section.is_deleted:
        raise InvalidTransition(_("The section of this suggestion has been deleted."))
    current = section.current
    _check_still_current(current, expected_version)
    proposal = preview(suggestion)
    if edited is not None and edited != proposal.text:
        new_text, with_edits = edited, True
    elif proposal.conflict is not None:
        return _record_conflict(actor, suggestion, current, proposal.conflict)
    else:
        new_text, with_edits = proposal.text, False
    version = _accepted_version(actor, suggestion, section, current, new_text, with_edits)
    _mark_accepted(actor, suggestion, version, new_text, note, with_edits)
    _notify_department(actor, suggestion, SuggestionStatus.ACCEPTED.value)
    record(
        actor,
        "suggestion.accepted",
        suggestion,
        version=version.number,
        with_edits=with_edits,
        rebased=suggestion.base_version != current.number,
    )
    return AcceptOutcome(suggestion, version, None)


def reject_suggestion(actor, suggestion: Suggestion, *, reason) -> Suggestion:
    permissions.require(
        permissions.can_decide(actor), _("Only the drafting team decides on suggestions.")
    )
    reason = _note(reason, _("Reason"))
    if not reason.strip():
        raise InvalidInput(
            _("Give a reason for the rejection; the department will read it."),
            details={"field": "reason"},
        )
    suggestion, _section = _lock(suggestion)
    _require_pending(suggestion)
    actor_id = actor.id  # read before writing: a lazy load would autoflush half a change
    suggestion.status = SuggestionStatus.REJECTED.value
    suggestion.decided_by_id, suggestion.decided_at = actor_id, utcnow()
    suggestion.decision_note = reason
    suggestion.conflict_version = None
    _history(actor, suggestion, DecisionAction.REJECTED, reason)
    _notify_department(actor, suggestion, SuggestionStatus.REJECTED.value)
    record(actor, "suggestion.rejected", suggestion, reason=reason)
    return suggestion


def reopen_suggestion(actor, suggestion: Suggestion, *, note=None) -> Suggestion:
    """A rejected suggestion goes back to the queue (an accepted one is undone by restoring a version)."""
    permissions.require(permissions.can_decide(actor))
    suggestion, _section = _lock(suggestion)
    if not permissions.can_reopen(actor, suggestion):
        raise InvalidTransition(
            _(
                "Only a rejected suggestion can be reopened; undo an accepted one by restoring a version."
            )
        )
    suggestion.status = SuggestionStatus.PENDING.value
    suggestion.decided_by_id = suggestion.decided_at = None
    _history(actor, suggestion, DecisionAction.REOPENED, _note(note, _("Note")))
    record(actor, "suggestion.reopened", suggestion)
    deferred.defer(db.session, SECTION_PREVIEWS, suggestion.section_id)
    return suggestion


@dataclass(frozen=True)
class BulkOutcome:
    accepted: list[AcceptOutcome]
    conflict: AcceptOutcome | None


def accept_in_order(actor, section: Section, suggestions: list[Suggestion]) -> BulkOutcome:
    """Accept several suggestions of one section in the given order; stop at the first conflict."""
    permissions.require(permissions.can_decide(actor))
    if not suggestions:
        raise InvalidInput(_("Select at least one suggestion."))
    if any(s.section_id != section.id for s in suggestions):
        raise InvalidInput(_("All the suggestions must be on this section."))
    accepted = []
    for suggestion in suggestions:
        outcome = accept_suggestion(actor, suggestion)
        if outcome.conflict is not None:
            return BulkOutcome(accepted, outcome)
        accepted.append(outcome)
    return BulkOutcome(accepted, None)


# Comments ----------------------------------------------------------------------------------


def _locked_comment(comment: Comment) -> Comment:
    locked = lock_for_update(Comment, comment.id)
    if locked is None:
        raise NotFound()
    return locked


def _disposition(value, response) -> tuple[Disposition, str]:
    try:
        disposition = Disposition(value)
    except ValueError:
        raise InvalidInput(
            _("Unknown disposition %(d)s.", d=value), details={"field": "disposition"}
        ) from None
    response = _note(response, _("Response"))
    if disposition.needs_response and not response.strip():
        raise InvalidInput(
            _("This answer needs a response to the department."), details={"field": "response"}
        )
    return disposition, response


def _check_can_resolve(actor, comment: Comment, disposition: Disposition) -> None:
    if comment.status != CommentStatus.SUBMITTED:
        raise InvalidTransition(
            _("Only submitted comments are answered."), details={"status": comment.status}
        )
    if not permissions.can_resolve_comment(actor, comment):
        if comment.awaits_chair and permissions.is_drafter(actor):
            raise InvalidTransition(
                _("This comment is escalated to the chair and waits for the chair's answer.")
            )
        if comment.is_answered and permissions.is_drafter(actor):
            raise InvalidTransition(
                _(
                    "This comment is already answered (%(d)s); reopen it to change the answer.",
                    d=label("disposition", comment.disposition),
                ),
                details={"disposition": comment.disposition},
            )
        raise PermissionDenied(_("You may not answer this comment."))
    if disposition is Disposition.ESCALATED and permissions.is_chair(actor):
        raise InvalidInput(_("The chair answers an escalated comment with a final disposition."))


def _check_absorbed_version(comment: Comment, absorbed_version: int | None) -> None:
    if absorbed_version is None:
        return
    if comment.section_id is None or find_version(comment.section_id, absorbed_version) is None:
        raise InvalidInput(
            _("Version %(n)s is not a version of this section.", n=absorbed_version),
            details={"field": "absorbed_version"},
        )


def resolve_comment(
    actor, comment: Comment, *, disposition, response=None, absorbed_version: int | None = None
) -> Comment:
    """Answer a comment with a disposition (the consolidation table's statuses).

    Partly absorbed and explained need a response. Escalated comments wait for the
    chair, who answers them with the same call.
    """
    disposition, response = _disposition(disposition, response)
    comment = _locked_comment(comment)
    _check_can_resolve(actor, comment, disposition)
    _check_absorbed_version(comment, absorbed_version)
    actor_id = actor.id  # read before writing: a lazy load would autoflush half a change
    comment.disposition = disposition.value
    comment.response = response or None
    comment.decided_by_id, comment.decided_at = actor_id, utcnow()
    comment.absorbed_version = absorbed_version
    _history(actor, comment, DecisionAction(disposition.value), response, absorbed_version)
    _notify_department(actor, comment, disposition.value)
    if disposition is Disposition.ESCALATED:
        _notify_chairs(comment)
    record(
        actor,
        "comment.resolved",
        comment,
        disposition=disposition.value,
        by_chair=permissions.is_chair(actor),
    )
    return comment


def resolve_comments(actor, comments: list[Comment], **answer) -> list[Comment]:
    """One answer for several comments on the same passage; each keeps its own row.
    They must all be comments of one report: anything else changes nothing (422)."""
    if len({c.report_id for c in comments}) > 1:
        raise InvalidInput(
            _("Comments answered together must be on the same report."),
            details={"field": "also"},
        )
    return [resolve_comment(actor, c, **answer) for c in comments]


def reopen_comment(actor, comment: Comment, *, note=None) -> Comment:
    comment = _locked_comment(comment)
    if not permissions.can_reopen(actor, comment):
        raise InvalidTransition(_("Only an answered comment can be reopened."))
    comment.disposition = None
    comment.response = None
    comment.decided_by_id = comment.decided_at = None
    comment.absorbed_version = None
    _history(actor, comment, DecisionAction.REOPENED, _note(note, _("Note")))
    record(actor, "comment.reopened", comment)
    return comment
