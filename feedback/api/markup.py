"""API: a department's marked-up Word copy imported as its drafts, and removed again."""

from __future__ import annotations

from flask import g, jsonify, request
from flask_babel import gettext as _

from ..errors import InvalidInput, NotFound
from ..review import markup_import, rounds
from .blueprint import bp

_TRUE = ("1", "true", "yes", "on")


def _file() -> tuple[bytes, str]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidInput(_("Choose a Word file (.docx) to upload."), details={"field": "file"})
    return upload.read(), upload.filename


def unplaced_json(item) -> dict:
    return {"kind": item.kind, "text": item.text, "reason": item.reason, "author": item.author}


@bp.post("/rounds/<int:round_id>/markup")
def import_markup(round_id: int):
    round_ = rounds.get_round(round_id)
    data, filename = _file()
    if request.form.get("dry_run", "").lower() in _TRUE:
        plan = markup_import.plan_markup(g.actor, round_, data, filename)
        return jsonify(
            {
                "suggestions": [
                    {
                        "section_id": s.section.id,
                        "base_version": s.base.number,
                        "word_author": s.word_author,
                        "text": s.text,
                    }
                    for s in plan.suggestions
                ],
                "comments": [
                    {
                        "section_id": c.section.id,
                        "word_author": c.comment.author,
                        "body": c.comment.text,
                        "quote": c.comment.quote if c.anchored else None,
                        "replies": len(c.comment.replies),
                    }
                    for c in plan.comments
                ],
                "unplaced": [unplaced_json(u) for u in plan.unplaced],
                "formatting": [{"author": a, "text": t} for a, t in plan.formatting],
                "with_provenance": plan.with_provenance,
            }
        )
    as_comments = request.form.get("unplaced_as_comments", "").lower() in _TRUE
    batch, plan, made = markup_import.import_markup(
        g.actor, round_, data, filename, unplaced_as_comments=as_comments
    )
    created = markup_import.created_by(batch)
    return jsonify(
        {
            "import_id": batch.id,
            "suggestions": created["suggestions"],
            "comments": created["comments"],
            "unplaced": [unplaced_json(u) for u in plan.unplaced],
            "unplaced_comments": [c.id for c in made],
            "formatting": [{"author": a, "text": t} for a, t in plan.formatting],
            "with_provenance": plan.with_provenance,
        }
    ), 201


@bp.delete("/markup-imports/<int:import_id>")
def remove_markup_import(import_id: int):
    batch = markup_import.get_import(import_id)
    if batch is None:
        raise NotFound()
    markup_import.remove_import(g.actor, batch)
    return "", 204
