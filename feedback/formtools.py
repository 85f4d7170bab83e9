"""Small helpers shared by the forms and form handlers of every domain."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import flash
from wtforms import SelectChoice

from .transaction import attempt


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def run_and_flash(run: Callable[[], object], success: str) -> bool:
    """Run a use case for a page's POST and flash ``success``, or the refusal's own
    message (the change is then rolled back; see ``transaction.attempt``). The request
    commits at its end. True when it went through."""
    _result, error = attempt(run)
    if error is not None:
        flash(error.message, "error")
        return False
    flash(success, "success")
    return True
