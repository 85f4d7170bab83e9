"""Finding text in a report: folded words, visibility respected, in document order."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import and_, literal, select, text, union_all

from ..extensions import db
from ..folding import fold_with_map, words, words_in_order
from ..markup import plain_text
from ..reports import queries as report_queries
from ..reports.models import Report, Section
from ..review import visibility
from ..review.models import Comment, Reply, Suggestion
from .models import EntryType, SearchEntry

SNIPPET = 160  # characters of context shown around the first match
_NUMBER = re.compile(r"^\s*((?:[IVXLCDM]+|\d+)(?:\.\d+)*)\.?\s*$", re.IGNORECASE)
_TYPE_ORDER = {"section": 0, "comment": 1, "suggestion": 2, "reply": 3}


@dataclass(frozen=True)
class Filters:
    type: str | None = None  # section, comment, suggestion or reply
    department_id: int | None = None
    kind: str | None = None  # a comment's kind
    status: str | None = None  # a comment's or suggestion's status


@dataclass(frozen=True)
class Hit:
    type: str
    id: int
    section_id: int | None
    snippet: str
    match: tuple[int, int]
    comment_id: int | None = None  # where a reply is shown


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    total: int
    next_cursor: str | None


def _like(pattern_words: list[str]):
    """Every word somewhere in the folded text, through each engine's index."""
    escaped = [
        w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in pattern_words
    ]
    if db.session.get_bind().dialect.name == "sqlite" and _has_fts():
        clauses = [
            SearchEntry.id.in_(
                select(text("rowid"))
                .select_from(text("search_fts"))
                .where(
                    text(f"search_fts.folded LIKE :w{i} ESCAPE '\\'").bindparams(
                        **{f"w{i}": f"%{w}%"}
                    )
                )
            )
            for i, w in enumerate(escaped)
        ]
    else:
        clauses = [SearchEntry.folded.like(f"%{w}%", escape="\\") for w in escaped]
    return and_(*clauses)


def _has_fts() -> bool:
    return bool(
        db.session.scalar(
            text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='search_fts'")
        )
    )


def _statements(user, report: Report, filters: Filters, match):
    base = (SearchEntry.report_id == report.id, match)
    sections = (
        select(literal("section").label("type"), SearchEntry.object_id, SearchEntry.section_id)
        .join(Section, Section.id == SearchEntry.object_id)
        .where(*base, SearchEntry.type == EntryType.SECTION, Section.deleted_at.is_(None))
    )
    comments = visibility.visible_comments(user, report).join(
        SearchEntry,
        and_(SearchEntry.type == EntryType.COMMENT, SearchEntry.object_id == Comment.id),
    )
    suggestions = visibility.visible_suggestions(user, report).join(
        SearchEntry,
        and_(SearchEntry.type == EntryType.SUGGESTION, SearchEntry.object_id == Suggestion.id),
    )
    replies = (
        visibility.visible_comments(user, report)
        .join(Reply, Reply.comment_id == Comment.id)
        .where(visibility.reply_visible(user))
        .join(
            SearchEntry,
            and_(SearchEntry.type == EntryType.REPLY, SearchEntry.object_id == Reply.id),
        )
    )
    if filters.department_id is not None:
        sections = sections.where(False)
        comments = comments.where(Comment.department_id == filters.department_id)
        suggestions = suggestions.where(Suggestion.department_id == filters.department_id)
        replies = replies.where(Comment.department_id == filters.department_id)
    if filters.kind:
        sections, suggestions = sections.where(False), suggestions.where(False)
        comments = comments.where(Comment.kind == filters.kind)
        replies = replies.where(Comment.kind == filters.kind)
    if filters.status:
        sections, replies = sections.where(False), replies.where(False)
        comments = comments.where(Comment.status == filters.status)
        suggestions = suggestions.where(Suggestion.status == filters.status)
    return {
        "section": sections,
        "comment": comments.where(*base).with_only_columns(
            literal("comment").label("type"), Comment.id, Comment.section_id
        ),
        "suggestion": suggestions.where(*base).with_only_columns(
            literal("suggestion").label("type"), Suggestion.id, Suggestion.section_id
        ),
        "reply": replies.where(*base).with_only_columns(
            literal("reply").label("type"), Reply.id, Comment.section_id
        ),
    }


def _numbered_section(report: Report, query: str, outline) -> int | None:
    """A section named by its number ("II.3"), as the outline numbers it."""
    found = _NUMBER.match(query)
    if not found:
        return None
    wanted = found.group(1).upper()
    return next((e.section.id for e in outline if e.number.upper() == wanted), None)


def _texts(
    hits: list[tuple[str, int, int | None]],
) -> dict[tuple[str, int], tuple[str, int | None]]:
    """The original text of each hit (and, for a reply, its comment)."""
    out: dict[tuple[str, int], tuple[str, int | None]] = {}
    by_type: dict[str, list[int]] = {}
    for kind, object_id, _section in hits:
        by_type.setdefault(kind, []).append(object_id)
    for section in db.session.scalars(
        select(Section).where(Section.id.in_(by_type.get("section", [])))
    ):
        current = section.current
        out["section", section.id] = (f"{current.heading}\n{plain_text(current.text)}", None)
    for comment in db.session.scalars(
        select(Comment).where(Comment.id.in_(by_type.get("comment", [])))
    ):
        out["comment", comment.id] = (plain_text(comment.body), None)
    for s in db.session.scalars(
        select(Suggestion).where(Suggestion.id.in_(by_type.get("suggestion", [])))
    ):
        out["suggestion", s.id] = (f"{plain_text(s.rationale)}\n{plain_text(s.text)}", None)
    for reply in db.session.scalars(select(Reply).where(Reply.id.in_(by_type.get("reply", [])))):
        out["reply", reply.id] = (plain_text(reply.body), reply.comment_id)
    return out


def snippet(original: str, query: str) -> tuple[str, tuple[int, int]]:
    """A window of ``original`` around the query (the whole phrase where it occurs, else
    its first word found), and where that is in the window."""
    folded, where = fold_with_map(original)
    phrase = " ".join(words_in_order(query))
    candidates = [phrase, *words(query)] if phrase else []
    positions = [(folded.find(w), w) for w in candidates[:1]]
    if not positions or positions[0][0] < 0:
        positions = [(folded.find(w), w) for w in candidates[1:]]
    positions = [(p, w) for p, w in positions if p >= 0]
    if not positions:
        return original[:SNIPPET], (0, 0)
    start_folded, word = min(positions)
    start = where[start_folded]
    end = where[start_folded + len(word) - 1] + 1
    left = max(0, start - SNIPPET // 3)
    right = min(len(original), max(end, left + SNIPPET))
    prefix = "…" if left else ""
    window = prefix + " ".join(original[left:right].split("\n"))
    shift = len(prefix) - left
    return window + ("…" if right < len(original) else ""), (start + shift, end + shift)


def search(
    user,
    report: Report,
    query: str,
    filters: Filters = Filters(),
    *,
    limit: int = 20,
    cursor: int = 0,
) -> Results:
    """Hits in document order (the report as a whole first, then section by section;
    in a section: the section itself, comments, suggestions, replies), ``limit`` from
    position ``cursor``."""
    outline = report_queries.outline(report, with_text=False)
    order = {e.section.id: i for i, e in enumerate(outline)}
    query_words = words(query)
    rows: list[tuple[str, int, int | None]] = []
    numbered = _numbered_section(report, query, outline)
    if numbered is not None and filters.type in (None, "section"):
        rows.append(("section", numbered, numbered))
    if query_words:
        statements = _statements(user, report, filters, _like(query_words))
        chosen = [s for t, s in statements.items() if filters.type in (None, t)]
        for kind, object_id, section_id in db.session.execute(union_all(*chosen)):
            if (kind, object_id) != ("section", numbered):
                rows.append((kind, object_id, section_id))
    rows.sort(
        key=lambda r: (-1 if r[2] is None else order.get(r[2], len(order)), _TYPE_ORDER[r[0]], r[1])
    )
    page = rows[cursor : cursor + limit]
    texts = _texts(page)
    hits = []
    for kind, object_id, section_id in page:
        original, comment_id = texts[kind, object_id]
        shown, match = snippet(original, query)
        hits.append(Hit(kind, object_id, section_id, shown, match, comment_id))
    more = cursor + limit < len(rows)
    return Results(hits, len(rows), str(cursor + limit) if more else None)
