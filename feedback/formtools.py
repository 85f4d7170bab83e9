"""Small helpers shared by the forms and form handlers of every domain."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import flash
from wtforms import SelectChoice

from .errors import DomainError
from .extensions import db


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def run_and_flash(run: Callable[[], object], success: str) -> bool:
    """Run a use case for a page's POST: commit and flash ``success``; on a refusal the user
    can act on, roll back and flash its message instead. Forbidden and not-found propagate
    (the error pages answer them). True when it went through."""
    try:
        run()
    except DomainError as error:
        if error.status in (403, 404):
            raise
        db.session.rollback()
        flash(error.message, "error")
        return False
    db.session.commit()
    flash(success, "success")
    return True
