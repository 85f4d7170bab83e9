"""Domain errors raised by services and mapped to pages and API responses in one place."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of the errors a service raises when a request cannot be carried out.

    ``message`` is a sentence a person understands (already translated by the
    service through lazy_gettext or gettext); ``code`` is the machine code of the
    API error envelope.
    """

    status = 400
    code = "bad_request"

    def __init__(self, message: str | None = None, *, details: dict[str, Any] | None = None):
        super().__init__(message or self.code)
        self.message = message or self.code
        self.details = details or {}


class MalformedInput(DomainError):
    """Input no person meant to send: a NUL byte, a lone surrogate, the wrong type."""

    status = 400
    code = "malformed"


class InvalidInput(DomainError):
    """Well-formed but invalid: an empty reason, a suggestion equal to its base."""

    status = 422
    code = "invalid"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class PasswordChangeRequired(PermissionDenied):
    """The administrator chose this person's password; they must choose their own first."""

    code = "password_change_required"


class NotFound(DomainError):
    """No such object, or one the user may not know exists."""

    status = 404
    code = "not_found"


class InvalidTransition(DomainError):
    """The object is in a state that does not allow this action (closed round, decided suggestion)."""

    status = 409
    code = "invalid_state"


class StaleVersion(DomainError):
    """A save was based on a section version that is no longer current."""

    status = 409
    code = "stale_version"


class MergeConflict(DomainError):
    """A suggestion does not apply cleanly to the section's current text."""

    status = 409
    code = "merge_conflict"


class TooLarge(DomainError):
    status = 413
    code = "too_large"
