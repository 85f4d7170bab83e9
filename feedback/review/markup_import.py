"""A department's marked-up Word copy as its drafts (issue 14, item 4).

``plan_markup`` reads the file and says what would be made, storing nothing: one draft
suggestion per section and Word author, against the section version the copy was made
from (its provenance, else the version the round opened on, which is the edition the
department was sent), a draft comment per Word comment on its passage, with its replies,
the formatting-only changes (listed, not imported) and what cannot be placed.
``import_markup`` makes them, all in one import the uploader can remove in one step
(``remove_import``); the same file twice in a round for a department is refused (409).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from .. import markup, permissions, textdiff, wordfiles
from ..audit.services import record
from ..diffview import tracked_html
from ..errors import Duplicate, InvalidInput, InvalidTransition
from ..extensions import db
from ..reports import queries as report_queries
from ..reports.models import Section, SectionVersion
from ..richtext.blocks import canonical
from ..richtext.offsets import text_map
from . import rounds, services, wordcopy, wordparts
from .models import Comment, MarkupImport, Round, RoundSection, Suggestion

REASONS = (
    "title_block",
    "heading",
    "spans_sections",
    "image",
    "conflict",
    "reply_unplaced",
    "no_passage",
)


@dataclass
class PlannedSuggestion:
    section: Section
    base: SectionVersion
    word_author: str
    text: str
    diff_html: str
    conflicts_now: bool  # does not merge cleanly with the section's current text


@dataclass
class PlannedComment:
    section: Section
    base: SectionVersion
    comment: wordcopy.WordComment
    anchored: bool  # its passage was found in the section's text
    shown: str = ""  # the passage as the reader sees it (no Markdown)


@dataclass
class MarkupPlan:
    round: Round
    filename: str
    sha256: str
    with_provenance: bool
    suggestions: list[PlannedSuggestion] = field(default_factory=list)
    comments: list[PlannedComment] = field(default_factory=list)
    unplaced: list[wordcopy.Unplaced] = field(default_factory=list)
    formatting: list[tuple[str, str]] = field(default_factory=list)


def _require(actor, round_: Round) -> None:
    permissions.require(
        permissions.can_import_markup(
            actor, round_, invited=rounds.invited_department_ids(round_.id)
        ),
        _("Only a lead or reviewer of an invited department can import, while the round is open."),
    )


def _duplicate(round_: Round, department_id: int, digest: str) -> MarkupImport | None:
    return db.session.scalar(
        select(MarkupImport).where(
            MarkupImport.round_id == round_.id,
            MarkupImport.department_id == department_id,
            MarkupImport.sha256 == digest,
        )
    )


def _bases(round_: Round, provenance: dict | None) -> dict[int, int]:
    """The section versions the copy was made from: from its provenance, else those
    the round opened on (the edition the department was sent)."""
    if provenance is not None and provenance.get("report") == round_.report_id:
        found = {}
        for sid, version in provenance["sections"].items():
            if str(sid).isdigit() and isinstance(version, int):
                found[int(sid)] = version
        return found
    rows = db.session.execute(
        select(RoundSection.section_id, RoundSection.version).where(
            RoundSection.round_id == round_.id
        )
    ).all()
    return dict(rows)


def _headings(entries, bases: dict[int, int]) -> dict[str, int]:
    """Each section's heading as an exported copy shows it ("I.1. Heading") and bare."""
    found: dict[str, int] = {}
    for entry in entries:
        heading = entry.section.current.heading
        version = bases.get(entry.section.id)
        if version is not None and version != entry.section.current.number:
            old = report_queries.find_version(entry.section.id, version)
            heading = old.heading if old is not None else heading
        for text in (f"{entry.number}. {heading}", f"{entry.number} {heading}", heading):
            found.setdefault(wordcopy.normal(text), entry.section.id)
    return found


def _read(data: bytes, headings: dict[str, int]) -> wordcopy.Copy:
    try:
        return wordcopy.read_copy(data, headings, canonical)
    except wordcopy.CopyUnreadable:
        raise InvalidInput(
            _("The Word document could not be read; open it in Word and save it again."),
            details={"field": "file"},
        ) from None


def plan_markup(actor, round_: Round, data: bytes, filename: str = "") -> MarkupPlan:
    """What importing ``data`` would make; nothing is stored."""
    _require(actor, round_)
    wordfiles.check_docx(data, wordfiles.upload_limits())
    digest = hashlib.sha256(data).hexdigest()
    if _duplicate(round_, actor.department_id, digest) is not None:
        raise Duplicate(
            _("Your department has already imported this file in this round."),
            details={"field": "file"},
        )
    provenance = wordparts.provenance(data)
    if provenance is not None and provenance.get("report") != round_.report_id:
        raise InvalidInput(
            _("This Word file was exported from another report."), details={"field": "file"}
        )
    bases = _bases(round_, provenance)
    entries = report_queries.outline(round_.report)
    copy = _read(data, _headings(entries, bases))
    sections = {e.section.id: e.section for e in entries}
    plan = MarkupPlan(
        round=round_,
        filename=_clean_filename(filename),
        sha256=digest,
        with_provenance=provenance is not None,
        unplaced=list(copy.unplaced),
        formatting=copy.formatting,
    )
    for part in copy.sections:
        section = sections.get(part.sid)
        base = _base_version(section, part, bases)
        if base is None:
            continue
        for author, new in part.new.items():
            _plan_suggestion(plan, section, base, part.old, author, new)
    for comment in copy.comments:
        section = sections.get(comment.section)
        base = _base_version(section, None, bases)
        if base is not None:
            anchor = _passage(base, comment.quote)
            shown = ""
            if anchor is not None:
                end = anchor.start + len(anchor.quote)
                shown = text_map(base.text, markup.render).shown(anchor.start, end) or ""
            plan.comments.append(PlannedComment(section, base, comment, anchor is not None, shown))
    return plan


def _clean_filename(name) -> str:
    """The uploaded file's name as shown: NFC, no control or invisible characters."""
    name = unicodedata.normalize("NFC", name if isinstance(name, str) else "")
    return "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()[:300]


def _base_version(section, part, bases: dict[int, int]) -> SectionVersion | None:
    if section is None:
        return None
    number = (part.version if part is not None else None) or bases.get(section.id)
    if number is None:
        return section.current
    return report_queries.find_version(section.id, number) or section.current


def _plan_suggestion(plan: MarkupPlan, section, base, old: str, author: str, new: str) -> None:
    """The author's new text carried onto the stored text of the base version (the copy
    may differ from it in form: a bold header row, a table's alignment)."""
    stored = base.text
    if old == stored:
        proposed = new
    else:
        merged = textdiff.rebase(old, new, stored)
        if isinstance(merged, textdiff.Conflict):
            plan.unplaced.append(
                wordcopy.Unplaced("change", _changed_words(old, new), "conflict", author)
            )
            return
        proposed = canonical(merged.text)
    if proposed == stored:
        return
    current = section.current
    conflicts_now = current.number != base.number and isinstance(
        textdiff.rebase(stored, proposed, current.text), textdiff.Conflict
    )
    plan.suggestions.append(
        PlannedSuggestion(
            section, base, author, proposed, tracked_html(stored, proposed), conflicts_now
        )
    )


def _changed_words(old: str, new: str) -> str:
    """The words an author changed, for a change that could not be placed."""
    ops = textdiff.diff_words(old, new)
    return " … ".join(text.strip() for kind, text in ops if kind != "equal" and text.strip())


def _passage(base: SectionVersion, quote: str):
    if not quote or len(quote) > services.MAX_QUOTE:
        return None
    return services._locate_quote(base.text, quote, None)


def import_markup(
    actor,
    round_: Round,
    data: bytes,
    filename: str = "",
    *,
    unplaced_as_comments: Collection[int] | bool = (),
) -> tuple[MarkupImport, MarkupPlan, list]:
    """Make the department's drafts from the copy: (the import, the plan, the report-level
    comments made from unplaced items; ``unplaced_as_comments``: their indexes, or True
    for all of them)."""
    plan = plan_markup(actor, round_, data, filename)
    batch = MarkupImport(
        round_id=round_.id,
        report_id=round_.report_id,
        department_id=actor.department_id,
        uploaded_by_id=actor.id,
        filename=plan.filename,
        sha256=plan.sha256,
    )
    db.session.add(batch)
    db.session.flush()
    for item in plan.suggestions:
        suggestion = services.add_suggestion(
            actor,
            item.section,
            base_version=item.base.number,
            text=item.text,
            rationale=_("Marked up in Word (%(file)s).", file=plan.filename or "docx"),
        )
        suggestion.markup_import_id, suggestion.word_author = batch.id, item.word_author[:200]
    for item in plan.comments:
        _make_comment(actor, batch, item)
    chosen = _chosen(plan, unplaced_as_comments)
    made = []
    for item in chosen:
        comment = services.add_report_comment(actor, round_.report, body=_unplaced_body(item))
        comment.markup_import_id, comment.word_author = batch.id, item.author[:200] or None
        made.append(comment)
    record(
        actor,
        "markup.imported",
        batch,
        object_type="markup_import",
        report_id=round_.report_id,
        suggestions=len(plan.suggestions),
        comments=len(plan.comments),
        unplaced=len(plan.unplaced),
    )
    return batch, plan, made


def _chosen(plan: MarkupPlan, which) -> list[wordcopy.Unplaced]:
    if which is True:
        return list(plan.unplaced)
    indexes = {i for i in (which or ()) if isinstance(i, int)}
    return [item for index, item in enumerate(plan.unplaced) if index in indexes]


def _unplaced_body(item: wordcopy.Unplaced) -> str:
    labels = {
        "insertion": _("Inserted in the Word copy"),
        "deletion": _("Deleted in the Word copy"),
        "change": _("Changed in the Word copy"),
        "comment": _("Comment in the Word copy"),
    }
    return f"{labels.get(item.kind, labels['change'])}: {item.text}"


def _make_comment(actor, batch: MarkupImport, item: PlannedComment) -> Comment:
    word = item.comment
    comment = services.add_comment(
        actor,
        item.section,
        body=word.text or "…",
        quote=word.quote if item.anchored else None,
        base_version=item.base.number,
    )
    comment.markup_import_id, comment.word_author = batch.id, word.author[:200] or None
    for reply in word.replies:
        made = services.add_reply(actor, comment, body=reply.text or "…")
        made.word_author = reply.author[:200] or None
    return comment


def department_imports(round_: Round, department_id: int) -> list[MarkupImport]:
    return list(
        db.session.scalars(
            select(MarkupImport)
            .where(MarkupImport.round_id == round_.id, MarkupImport.department_id == department_id)
            .order_by(MarkupImport.id)
        )
    )


def get_import(import_id: int) -> MarkupImport | None:
    return db.session.get(MarkupImport, import_id)


def remove_import(actor, batch: MarkupImport) -> int:
    """Delete every draft one file made, in one step; refused once any was submitted
    (withdraw those instead). Returns how many comments and suggestions went."""
    permissions.require(
        permissions.can_remove_markup_import(actor, batch),
        _("Only whoever imported the file, or the department's lead, can remove it."),
    )
    items = list(
        db.session.scalars(select(Comment).where(Comment.markup_import_id == batch.id))
    ) + list(db.session.scalars(select(Suggestion).where(Suggestion.markup_import_id == batch.id)))
    if any(not item.is_draft for item in items):
        raise InvalidTransition(
            _("Part of what this file created has been submitted; withdraw those items instead.")
        )
    for item in items:
        if isinstance(item, Suggestion):
            services.delete_suggestion(actor, item)
        else:
            services.delete_comment(actor, item)
    record(
        actor,
        "markup.removed",
        batch,
        object_type="markup_import",
        report_id=batch.report_id,
        removed=len(items),
    )
    db.session.delete(batch)
    return len(items)


def created_by(batch: MarkupImport) -> dict[str, list[int]]:
    """The ids of the suggestions and section comments one import made."""
    comments = db.session.scalars(
        select(Comment.id)
        .where(Comment.markup_import_id == batch.id, Comment.section_id.is_not(None))
        .order_by(Comment.id)
    )
    suggestions = db.session.scalars(
        select(Suggestion.id).where(Suggestion.markup_import_id == batch.id).order_by(Suggestion.id)
    )
    return {"suggestions": list(suggestions), "comments": list(comments)}
