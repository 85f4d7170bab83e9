"""API: rounds, department responses, comments, suggestions, replies, notifications."""

from __future__ import annotations

from flask import g, jsonify

from .. import permissions
from ..extensions import db
from ..notifications import services as notification_services
from ..reports import queries as report_queries
from ..review import anchors, consultation, rounds, services, visibility
from ..review.models import Comment, Suggestion
from . import serializers
from .blueprint import bp
from .schemas import (
    CommentCreate,
    CommentUpdate,
    ReplyCreate,
    ReportCommentCreate,
    ResponseSubmit,
    RoundCreate,
    SuggestionCreate,
    SuggestionUpdate,
)
from .util import parse, query_int


def current_round_field(report, data: dict, user) -> None:
    """The report's open round in its JSON (registered in create_app)."""
    round_ = rounds.find_open_round(report.id)
    data["current_round"] = serializers.round_(round_) if round_ else None


def _round_payload(round_) -> dict:
    responses = rounds.responses(round_)
    if not permissions.can_see_round_status(g.actor, round_):
        responses = [r for r in responses if r.department.id == g.actor.department_id]
    return serializers.round_(round_, responses, viewer=g.actor)


# Rounds ---------------------------------------------------------------------------------


@bp.post("/reports/<int:rid>/rounds")
def open_round(rid: int):
    report = report_queries.get_report(rid)
    permissions.require(permissions.can_manage_rounds(g.actor, report))
    body = parse(RoundCreate)
    round_ = consultation.open_round(
        g.actor,
        report,
        deadline=body.deadline,
        department_codes=body.departments,
        title=body.title,
        note=body.note,
        deemed_agree=body.deemed_agree,
    )
    return jsonify(_round_payload(round_)), 201


@bp.get("/reports/<int:rid>/rounds")
def list_rounds(rid: int):
    permissions.require(permissions.can_read_reports(g.actor))
    report = report_queries.get_report(rid)
    return jsonify([serializers.round_(r) for r in rounds.rounds(report)])


@bp.get("/rounds/<int:round_id>")
def get_round(round_id: int):
    permissions.require(permissions.can_read_reports(g.actor))
    return jsonify(_round_payload(rounds.get_round(round_id)))


@bp.post("/rounds/<int:round_id>/close")
def close_round(round_id: int):
    round_ = rounds.get_round(round_id)
    consultation.close_round(g.actor, round_)
    return jsonify(_round_payload(round_))


@bp.post("/rounds/<int:round_id>/response")
def submit_response(round_id: int):
    round_ = rounds.get_round(round_id)
    body = parse(ResponseSubmit)
    submission = consultation.submit_response(
        g.actor,
        round_,
        no_comments=body.no_comments,
        dispatch_number=body.dispatch_number,
        dispatch_date=body.dispatch_date,
    )
    payload = _round_payload(round_)
    payload["submission"] = {
        "id": submission.id,
        "submitted_at": serializers.iso(submission.submitted_at),
        "late": submission.late,
        "no_comments": submission.no_comments,
        "comments": submission.comment_count,
        "suggestions": submission.suggestion_count,
        "dispatch_number": submission.dispatch_number,
        "dispatch_date": submission.dispatch_date.isoformat() if submission.dispatch_date else None,
    }
    return jsonify(payload), 201


# Comments -------------------------------------------------------------------------------


def _comment_json(comment: Comment) -> dict:
    anchor = None
    if comment.section_id and comment.quote:
        section = comment.section
        anchor = anchors.anchor_status(comment, section.current.text, section.current_version)
    return serializers.comment(comment, anchor, viewer=g.actor)


def _suggestion_json(suggestion: Suggestion) -> dict:
    html = services.suggestion_diff_html(suggestion)
    data = serializers.suggestion(suggestion, html)
    data["diff_pending"] = html is None  # rendered when written; being prepared meanwhile
    return data


@bp.post("/sections/<int:sid>/comments")
def add_comment(sid: int):
    permissions.require(permissions.can_read_reports(g.actor))
    section = report_queries.get_section(sid)
    body = parse(CommentCreate)
    comment = services.add_comment(
        g.actor,
        section,
        body=body.body,
        kind=body.kind,
        quote=body.quote,
        base_version=body.base_version,
        quote_start=body.quote_start,
    )
    return jsonify(_comment_json(comment)), 201


@bp.post("/reports/<int:rid>/comments")
def add_report_comment(rid: int):
    permissions.require(permissions.can_read_reports(g.actor))
    report = report_queries.get_report(rid)
    body = parse(ReportCommentCreate)
    comment = services.add_report_comment(g.actor, report, body=body.body, kind=body.kind)
    return jsonify(_comment_json(comment)), 201


@bp.get("/comments/<int:comment_id>")
def get_comment(comment_id: int):
    return jsonify(_comment_json(visibility.get_comment(comment_id, g.actor)))


@bp.patch("/comments/<int:comment_id>")
def update_comment(comment_id: int):
    comment = visibility.get_comment(comment_id, g.actor)
    body = parse(CommentUpdate)
    services.update_comment(g.actor, comment, body=body.body, kind=body.kind)
    return jsonify(_comment_json(comment))


@bp.delete("/comments/<int:comment_id>")
def delete_comment(comment_id: int):
    services.delete_comment(g.actor, visibility.get_comment(comment_id, g.actor))
    return "", 204


@bp.post("/comments/<int:comment_id>/withdraw")
def withdraw_comment(comment_id: int):
    comment = visibility.get_comment(comment_id, g.actor)
    services.withdraw_comment(g.actor, comment)
    return jsonify(_comment_json(comment))


@bp.post("/comments/<int:comment_id>/replies")
def add_reply(comment_id: int):
    comment = visibility.get_comment(comment_id, g.actor)
    body = parse(ReplyCreate)
    reply = services.add_reply(g.actor, comment, body=body.body)
    return jsonify(serializers.reply(reply)), 201


# Suggestions ----------------------------------------------------------------------------


@bp.post("/sections/<int:sid>/suggestions")
def add_suggestion(sid: int):
    permissions.require(permissions.can_read_reports(g.actor))
    section = report_queries.get_section(sid)
    body = parse(SuggestionCreate)
    suggestion = services.add_suggestion(
        g.actor, section, base_version=body.base_version, text=body.text, rationale=body.rationale
    )
    return jsonify(_suggestion_json(suggestion)), 201


@bp.get("/suggestions/<int:suggestion_id>")
def get_suggestion(suggestion_id: int):
    return jsonify(_suggestion_json(visibility.get_suggestion(suggestion_id, g.actor)))


@bp.patch("/suggestions/<int:suggestion_id>")
def update_suggestion(suggestion_id: int):
    suggestion = visibility.get_suggestion(suggestion_id, g.actor)
    body = parse(SuggestionUpdate)
    services.update_suggestion(g.actor, suggestion, text=body.text, rationale=body.rationale)
    return jsonify(_suggestion_json(suggestion))


@bp.delete("/suggestions/<int:suggestion_id>")
def delete_suggestion(suggestion_id: int):
    services.delete_suggestion(g.actor, visibility.get_suggestion(suggestion_id, g.actor))
    return "", 204


@bp.post("/suggestions/<int:suggestion_id>/withdraw")
def withdraw_suggestion(suggestion_id: int):
    suggestion = visibility.get_suggestion(suggestion_id, g.actor)
    services.withdraw_suggestion(g.actor, suggestion)
    return jsonify(_suggestion_json(suggestion))


# Feedback lists ---------------------------------------------------------------------------


@bp.get("/sections/<int:sid>/feedback")
def section_feedback(sid: int):
    permissions.require(permissions.can_read_reports(g.actor))
    section = report_queries.get_section(sid)
    comments, suggestions = visibility.section_feedback(g.actor, section)
    return jsonify(
        {
            "comments": [_comment_json(c) for c in comments],
            "suggestions": [_suggestion_json(s) for s in suggestions],
        }
    )


def _page(stmt, model, serialize):
    limit = query_int("limit", 50, minimum=1, maximum=500)
    cursor = query_int("cursor", None, minimum=0)
    if cursor is not None:
        stmt = stmt.where(model.id > cursor)
    rows = db.session.scalars(stmt.order_by(model.id).limit(limit + 1)).all()
    items = rows[:limit]
    return jsonify(
        {
            "items": [serialize(x) for x in items],
            "next_cursor": str(items[-1].id) if len(rows) > limit else None,
        }
    )


@bp.get("/reports/<int:rid>/comments")
def list_comments(rid: int):
    permissions.require(permissions.can_read_reports(g.actor))
    report = report_queries.get_report(rid)
    return _page(visibility.visible_comments(g.actor, report), Comment, _comment_json)


@bp.get("/reports/<int:rid>/suggestions")
def list_suggestions(rid: int):
    permissions.require(permissions.can_read_reports(g.actor))
    report = report_queries.get_report(rid)
    return _page(visibility.visible_suggestions(g.actor, report), Suggestion, _suggestion_json)


# Notifications ----------------------------------------------------------------------------


@bp.get("/notifications")
def notifications():
    items = notification_services.recent(g.actor)
    return jsonify([serializers.notification(n, notification_services.message(n)) for n in items])
