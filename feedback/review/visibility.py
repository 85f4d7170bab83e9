"""Which comments and suggestions a user may see: the SQL twin of
``permissions.can_see_feedback`` (``tests/services/test_visibility.py`` keeps them equal),
and the lists and lookups built on it."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, func, or_, select, true
from sqlalchemy.orm import defer, selectinload

from .. import permissions
from ..auth.models import Role
from ..errors import NotFound
from ..extensions import db
from ..reports.models import Report
from .models import Comment, CommentStatus, Reply, Suggestion


def _visible(model, user, report: Report) -> ColumnElement[bool]:
    """SQL twin of permissions.can_see_feedback."""
    role = Role(user.role)
    own = model.department_id == user.department_id if role.in_department else false()
    published = ~model.is_draft
    if role in (Role.DRAFTER, Role.CHAIR, Role.ADMIN):
        return or_(own, published)
    others = true() if report.departments_see_each_other else model.department_id.is_(None)
    return or_(own, and_(published, others))


def visible_comments(user, report: Report):
    return select(Comment).where(Comment.report_id == report.id, _visible(Comment, user, report))


def visible_suggestions(user, report: Report):
    return select(Suggestion).where(
        Suggestion.report_id == report.id, _visible(Suggestion, user, report)
    )


# What a comment card shows, loaded with the comments (a query each, not one per card).
COMMENT_CARD = (
    selectinload(Comment.replies),
    selectinload(Comment.author),
    selectinload(Comment.department),
    selectinload(Comment.decided_by),
    selectinload(Comment.decisions),
)


def section_feedback(
    user, section, *, with_text: bool = True
) -> tuple[list[Comment], list[Suggestion]]:
    """The comments and suggestions on ``section`` the user sees. ``with_text=False``
    leaves each suggestion's proposed text unread (a whole section each; a card shows
    only its rationale)."""
    suggestion_options = [selectinload(Suggestion.author), selectinload(Suggestion.department)]
    if not with_text:
        suggestion_options.append(defer(Suggestion.text))
    comments = db.session.scalars(
        visible_comments(user, section.report)
        .where(Comment.section_id == section.id)
        .options(*COMMENT_CARD)
        .order_by(Comment.id)
    ).all()
    suggestions = db.session.scalars(
        visible_suggestions(user, section.report)
        .where(Suggestion.section_id == section.id)
        .options(*suggestion_options)
        .order_by(Suggestion.id)
    ).all()
    return list(comments), list(suggestions)


def report_comments(user, report: Report) -> list[Comment]:
    """Comments on the report as a whole (structure, layout)."""
    return list(
        db.session.scalars(
            visible_comments(user, report)
            .where(Comment.section_id.is_(None))
            .options(*COMMENT_CARD)
            .order_by(Comment.id)
        )
    )


def passage_comments(user, report: Report) -> list[Comment]:
    """Comments on a passage of a section (not withdrawn), for the report's margins."""
    return list(
        db.session.scalars(
            visible_comments(user, report)
            .where(
                Comment.section_id.is_not(None),
                Comment.quote.is_not(None),
                Comment.status != CommentStatus.WITHDRAWN.value,
            )
            .options(selectinload(Comment.author), selectinload(Comment.department))
            .order_by(Comment.id)
        )
    )


def feedback_counts_by_section(user, report: Report) -> dict[int | None, int]:
    """Visible comments and suggestions per section (None: the report as a whole)."""
    counts: dict[int | None, int] = {}
    for stmt, model in (
        (visible_comments(user, report), Comment),
        (visible_suggestions(user, report), Suggestion),
    ):
        query = stmt.with_only_columns(model.section_id, func.count()).group_by(model.section_id)
        for section_id, n in db.session.execute(query):
            counts[section_id] = counts.get(section_id, 0) + n
    return counts


def reply_visible(user):
    """SQL twin of the reply half of permissions.can_see_reply (its comment aside)."""
    role = Role(user.role)
    own = Reply.department_id == user.department_id if role.in_department else false()
    return or_(~Reply.is_draft, own)


def visible_replies(user, report: Report):
    """Replies the user may see: on comments they see; drafts only of their department."""
    return (
        select(Reply)
        .join(Comment, Comment.id == Reply.comment_id)
        .where(
            Comment.report_id == report.id,
            _visible(Comment, user, report),
            reply_visible(user),
        )
    )


def department_reply_drafts(report: Report, department_id: int) -> list[Reply]:
    return list(
        db.session.scalars(
            select(Reply)
            .join(Comment, Comment.id == Reply.comment_id)
            .where(
                Comment.report_id == report.id,
                Reply.department_id == department_id,
                Reply.is_draft,
            )
            .order_by(Comment.section_id, Reply.id)
        )
    )


def department_drafts(report: Report, department_id: int) -> tuple[list[Comment], list[Suggestion]]:
    """A department's drafts on a report, in section order: what its lead submits."""
    comments, suggestions = (
        list(
            db.session.scalars(
                select(model)
                .where(
                    model.report_id == report.id,
                    model.department_id == department_id,
                    model.is_draft,
                )
                .order_by(model.section_id, model.id)
            )
        )
        for model in (Comment, Suggestion)
    )
    return comments, suggestions


def get_comment(comment_id: int, user) -> Comment:
    """A comment the user may see; 404 otherwise (a department never learns another's draft exists)."""
    comment = db.session.get(Comment, comment_id)
    if comment is None or not permissions.can_see_feedback(user, comment):
        raise NotFound()
    return comment


def get_reply(reply_id: int, user) -> Reply:
    reply = db.session.get(Reply, reply_id)
    if reply is None or not permissions.can_see_reply(user, reply):
        raise NotFound()
    return reply


def get_suggestion(suggestion_id: int, user) -> Suggestion:
    suggestion = db.session.get(Suggestion, suggestion_id)
    if suggestion is None or not permissions.can_see_feedback(user, suggestion):
        raise NotFound()
    return suggestion
