"""Keeping the search index in step: whatever a transaction writes to a section,
comment, suggestion or reply is (re)indexed just before it commits (feedback.deferred),
so a search never finds what was rolled back and always finds what was committed."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .. import deferred, textdiff
from ..extensions import db
from ..folding import fold
from ..markup import plain_text
from ..reports.models import Section, SectionVersion
from ..review.models import Comment, Reply, Suggestion
from .models import EntryType, SearchEntry

KIND = "search"
_WATCHED = (SectionVersion, Section, Comment, Suggestion, Reply)


def _key(obj) -> tuple[str, int] | None:
    if isinstance(obj, SectionVersion):
        return EntryType.SECTION.value, obj.section_id
    if isinstance(obj, Section):
        return EntryType.SECTION.value, obj.id
    for model, kind in ((Comment, EntryType.COMMENT), (Suggestion, EntryType.SUGGESTION)):
        if isinstance(obj, model):
            return kind.value, obj.id
    if isinstance(obj, Reply):
        return EntryType.REPLY.value, obj.id
    return None


def collect(session: Session, _context) -> None:
    """After a flush: note what changed (SQLAlchemy ``after_flush``)."""
    for obj in (*session.new, *session.dirty, *session.deleted):
        key = _key(obj) if isinstance(obj, _WATCHED) else None
        if key is not None and key[1] is not None:
            deferred.defer(session, KIND, key)


def _suggestion_text(suggestion: Suggestion) -> str:
    """Its rationale and the words it inserts (the rest is the section's own text)."""
    base = db.session.scalar(
        select(SectionVersion.text).where(
            SectionVersion.section_id == suggestion.section_id,
            SectionVersion.number == suggestion.base_version,
        )
    )
    inserted = [t for k, t in textdiff.diff_words(base or "", suggestion.text) if k == "insert"]
    return "\n".join([plain_text(suggestion.rationale or ""), *inserted])


def _entry_values(kind: str, object_id: int) -> dict | None:
    """report_id, section_id and text of the thing, or None when it is gone."""
    if kind == EntryType.SECTION:
        section = db.session.get(Section, object_id)
        if section is None:
            return None
        current = section.current
        text = f"{current.heading}\n{plain_text(current.text)}"
        return {"report_id": section.report_id, "section_id": section.id, "text": text}
    model = {"comment": Comment, "suggestion": Suggestion, "reply": Reply}[kind]
    obj = db.session.get(model, object_id)
    if obj is None:
        return None
    if isinstance(obj, Reply):
        comment = obj.comment
        text = plain_text(obj.body)
        return {"report_id": comment.report_id, "section_id": comment.section_id, "text": text}
    text = plain_text(obj.body) if isinstance(obj, Comment) else _suggestion_text(obj)
    return {"report_id": obj.report_id, "section_id": obj.section_id, "text": text}


def reindex(keys: set[tuple[str, int]]) -> None:
    """Bring the entries of these (type, id) up to date (deferred handler)."""
    for kind, object_id in sorted(keys):
        values = _entry_values(kind, object_id)
        entry = db.session.scalar(
            select(SearchEntry).where(SearchEntry.type == kind, SearchEntry.object_id == object_id)
        )
        if values is None:
            if entry is not None:
                db.session.delete(entry)
            continue
        folded = fold(values.pop("text"))
        if entry is None:
            db.session.add(SearchEntry(type=kind, object_id=object_id, folded=folded, **values))
        elif entry.folded != folded or entry.section_id != values["section_id"]:
            entry.folded, entry.section_id = folded, values["section_id"]


def reindex_all() -> int:
    """Rebuild the whole index (``flask search reindex``): the number of entries."""
    db.session.execute(delete(SearchEntry))
    keys = {(EntryType.SECTION.value, i) for i in db.session.scalars(select(Section.id))}
    for model, kind in (
        (Comment, EntryType.COMMENT),
        (Suggestion, EntryType.SUGGESTION),
        (Reply, EntryType.REPLY),
    ):
        keys |= {(kind.value, i) for i in db.session.scalars(select(model.id))}
    reindex(keys)
    return len(keys)
