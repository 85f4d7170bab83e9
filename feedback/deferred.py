"""Work a write leaves for the end of its transaction, done just before it commits.

A use case says what changed (``defer("section_changed", section.id)``); a domain above
it registers, in ``create_app``, what follows from that (``on("section_changed", ...)``):
reports never imports review, yet the previews of a section's pending suggestions are
rebuilt in the same transaction as the version that made them stale -- whether the
commit comes from a request, the command line or a test. A rollback drops the work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import event
from sqlalchemy.orm import Session

Handler = Callable[[set], None]
_HANDLERS: dict[str, list[Handler]] = {}
_KEY = "feedback.deferred"


def defer(session: Session, kind: str, key) -> None:
    """Remember that ``key`` of ``kind`` changed in this transaction."""
    session.info.setdefault(_KEY, {}).setdefault(kind, set()).add(key)


def on(kind: str, handler: Handler) -> None:
    """Call ``handler(keys)`` before a commit in which ``kind`` things changed."""
    if handler not in _HANDLERS.setdefault(kind, []):
        _HANDLERS[kind].append(handler)


def run_now(session: Session, kind: str) -> None:
    """Do the work deferred of ``kind`` now (a read in the same transaction needs it)."""
    keys = session.info.get(_KEY, {}).pop(kind, None)
    if keys:
        for handler in _HANDLERS.get(kind, ()):
            handler(set(keys))


def _run(session: Session) -> None:
    pending = session.info.pop(_KEY, None)
    while pending:
        for kind, keys in pending.items():
            for handler in _HANDLERS.get(kind, ()):
                handler(set(keys))
        pending = session.info.pop(_KEY, None)  # what the handlers themselves deferred


def _drop(session: Session, *_args) -> None:
    session.info.pop(_KEY, None)


def install(sessions: Iterable[type[Session]] = (Session,)) -> None:
    for cls in sessions:
        if not event.contains(cls, "before_commit", _run):
            event.listen(cls, "before_commit", _run)
            event.listen(cls, "after_rollback", _drop)
