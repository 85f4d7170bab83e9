"""Domain errors raised by services and mapped to pages and API responses in one place."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    """Base of the errors a service raises when a request cannot be carried out.

    ``message`` is a sentence a person understands (already translated by the
    service through lazy_gettext or gettext); without one, each kind has its own
    sentence (``default_message``), translated when the error is raised. ``code`` is
    the machine code of the API error envelope, never shown as a message.
    """

    status = 400
    code = "bad_request"
    default_message = _l("The request could not be carried out.")

    def __init__(self, message: str | None = None, *, details: dict[str, Any] | None = None):
        self.message = str(message or self.default_message)
        super().__init__(self.message)
        self.details = details or {}


class MalformedInput(DomainError):
    """Input no person meant to send: a NUL byte, a lone surrogate, the wrong type."""

    status = 400
    code = "malformed"
    default_message = _l("The request is malformed and could not be read.")


class InvalidInput(DomainError):
    """Well-formed but invalid: an empty reason, a suggestion equal to its base."""

    status = 422
    code = "invalid"
    default_message = _l("What you sent is not valid.")


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"
    default_message = _l("You are not allowed to do this.")


class PasswordChangeRequired(PermissionDenied):
    """The administrator chose this person's password; they must choose their own first."""

    code = "password_change_required"


class NotFound(DomainError):
    """No such object, or one the user may not know exists."""

    status = 404
    code = "not_found"
    default_message = _l("This does not exist, or you may not see it.")


class InvalidTransition(DomainError):
    """The object is in a state that does not allow this action (closed round, decided suggestion)."""

    status = 409
    code = "invalid_state"
    default_message = _l("This cannot be done in the current state; reload the page to see it.")


class StaleVersion(DomainError):
    """A save was based on a section version that is no longer current."""

    status = 409
    code = "stale_version"
    default_message = _l("Someone changed the text in the meantime; reload it and try again.")


class MergeConflict(DomainError):
    """A suggestion does not apply cleanly to the section's current text."""

    status = 409
    code = "merge_conflict"
    default_message = _l("The suggestion does not apply cleanly to the section's current text.")


class Duplicate(DomainError):
    """The same thing a second time: a file already imported."""

    status = 409
    code = "duplicate"
    default_message = _l("This has already been done.")


class TooLarge(DomainError):
    status = 413
    code = "too_large"
    default_message = _l("What you sent is too large.")
