"""The OpenAPI 3 description of the API, served at GET /api/v1/openapi.json.

Request bodies come from the pydantic models the handlers validate with, so the
description cannot drift from what the server accepts; a test checks that every
API route is described here and nothing else is.
"""

from __future__ import annotations

from flask import jsonify
from pydantic import BaseModel

from ..validation import INT_MAX
from . import openapi_figures, openapi_records, schemas
from .blueprint import bp

ERROR = {"$ref": "#/components/schemas/Error"}
OBJECT = {"type": "object", "additionalProperties": True}
LIST = {"type": "array", "items": OBJECT}
TOKEN = {
    "type": "object",
    "required": ["token", "expires_at", "user"],
    "properties": {
        "token": {"type": "string"},
        "expires_at": {"type": "string", "format": "date-time"},
        "user": OBJECT,
    },
}


def _op(
    summary: str,
    body: type[BaseModel] | None = None,
    ok: int = 200,
    returns=OBJECT,
    *,
    errors=(400, 401, 403, 404),
    params=(),
    public: bool = False,
    media="application/json",
):
    responses = {str(ok): {"description": "OK"}}
    if ok != 204:
        responses[str(ok)]["content"] = {media: {"schema": returns}}
    for status in errors:
        responses[str(status)] = {
            "description": "Error",
            "content": {"application/json": {"schema": ERROR}},
        }
    op = {"summary": summary, "responses": responses}
    if body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{body.__name__}"}}
            },
        }
    if params:
        op["parameters"] = list(params)
    if public:
        op["security"] = []
    return op


FLAG = {"type": "string", "enum": ["true", "1", "false", "0"]}


def _upload(description: str, **fields) -> dict:
    """A multipart request body: the uploaded ``file`` and the form ``fields`` beside it."""
    file = {"type": "string", "format": "binary", "description": description}
    schema = {"type": "object", "required": ["file"], "properties": {"file": file, **fields}}
    return {"required": True, "content": {"multipart/form-data": {"schema": schema}}}


MARKUP_UPLOAD = _upload(
    "the .docx",
    dry_run=FLAG,
    unplaced_as_comments={
        **FLAG,
        "description": "turn every unplaced item into a report-level draft comment",
    },
)
UNPLACED = {
    "type": "object",
    "required": ["kind", "text", "reason"],
    "properties": {
        "kind": {"type": "string", "enum": ["insertion", "deletion", "change", "comment"]},
        "text": {"type": "string"},
        "reason": {"type": "string"},
        "author": {"type": "string", "description": "the name written in Word"},
    },
}
MARKUP_RESULT = {
    "type": "object",
    "required": ["suggestions", "comments", "unplaced"],
    "properties": {
        "import_id": {"type": "integer"},
        "suggestions": {"type": "array", "items": {"type": "integer"}},
        "comments": {"type": "array", "items": {"type": "integer"}},
        "unplaced": {"type": "array", "items": UNPLACED},
        "unplaced_comments": {"type": "array", "items": {"type": "integer"}},
        "formatting": LIST,
        "with_provenance": {"type": "boolean"},
    },
}


def _path_param(name: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": INT_MAX},
    }


IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Makes a retried POST safe: the first request with a key is carried out and its "
        "response (status and body) kept for 24 hours for your account; the same key "
        "again gets that response back with the header `Idempotent-Replayed: true`, "
        "without doing anything twice. The same key with a different method, path or "
        "body is refused with 422. A request that failed (4xx other than a recorded "
        "conflict, or 5xx) keeps nothing, so it can be retried with the same key."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}


def _query(name: str, kind: str = "integer") -> dict:
    return {"name": name, "in": "query", "required": False, "schema": {"type": kind}}


# (path, method) -> operation. Path parameters are added from the path itself.
OPERATIONS: dict[tuple[str, str], dict] = {
    ("/tokens", "post"): _op(
        "Exchange a username and password for a bearer token; it expires at `expires_at` "
        "(403 `password_change_required` while the administrator's password is unchanged)",
        schemas.TokenRequest,
        201,
        returns=TOKEN,
        errors=(400, 401, 403, 429),
        public=True,
    ),
    ("/tokens/current", "delete"): _op("Revoke the token of this request", ok=204, errors=(401,)),
    ("/me", "get"): _op("The authenticated user", errors=(401,)),
    ("/departments", "get"): _op("List departments", returns=LIST, errors=(401,)),
    ("/departments", "post"): _op(
        "Create a department (admin)",
        schemas.DepartmentCreate,
        201,
        errors=(400, 401, 403, 409, 422),
    ),
    ("/users", "get"): _op("List users (admin)", returns=LIST, errors=(401, 403)),
    ("/users", "post"): _op(
        "Create a user (admin); they choose their own password at first login",
        schemas.UserCreate,
        201,
        errors=(400, 401, 403, 409, 422),
    ),
    ("/users/{uid}/revoke-tokens", "post"): _op(
        'Revoke every API token of a user (admin): `{"user", "revoked"}`',
        errors=(401, 403, 404),
    ),
    ("/reports", "get"): _op("List reports", returns=LIST, errors=(401,)),
    ("/reports", "post"): _op(
        "Create a report from Markdown split at its headings (drafter)",
        schemas.ReportCreate,
        201,
        errors=(400, 401, 403, 413, 422),
    ),
    ("/reports/import", "post"): {
        **_op(
            "Create a report from an uploaded draft, .docx or .md, split at its headings "
            "(drafter); `dry_run` answers what was found and stores nothing: "
            '`{"sections":[{"number","printed_number","heading","level","chars","tables"}],'
            '"skipped":[{"kind","text"}],"converted":[{"encoding","text"}],'
            '"numbering_scheme","title"}`',
            ok=201,
            errors=(400, 401, 403, 413, 422),
        ),
        "requestBody": _upload(
            "the draft, .docx or .md", title={"type": "string", "maxLength": 500}, dry_run=FLAG
        ),
    },
    ("/reports/{rid}/reimport", "post"): {
        **_op(
            "Re-import a revised draft (.docx or .md) into the report (drafter): changed "
            "sections get a new version, new ones are added, missing ones deleted; a section "
            "saved since the file's base version is a conflict, never overwritten. "
            '`{"changed":[sid],"added":[sid],"removed":[sid],"unchanged":N,"conflicts":[sid],'
            '"new_sections":[{"heading","level"}],"based_on":"provenance"|"edition"|"current",'
            '"edition"}`; `dry_run` gives the plan and changes nothing',
            errors=(400, 401, 403, 404, 413, 422),
        ),
        "requestBody": _upload("the revised draft, .docx or .md", dry_run=FLAG),
    },
    ("/reports/{rid}", "get"): _op(
        "A report with its numbered sections and its document format settings"
    ),
    ("/reports/{rid}", "patch"): _op(
        "Change a report's title or settings, the administrative format of its documents"
        " included (drafter); a value out of bounds is a 422 naming the field",
        schemas.ReportUpdate,
        errors=(400, 401, 403, 404, 422),
    ),
    ("/reports/{rid}/sections", "post"): _op(
        "Add a section (drafter)", schemas.SectionCreate, 201, errors=(400, 401, 403, 404, 422)
    ),
    ("/sections/{sid}", "get"): _op("A section with its current version, text and HTML"),
    ("/sections/{sid}", "put"): _op(
        "Save a new version on top of base_version (drafter)",
        schemas.SectionUpdate,
        errors=(400, 401, 403, 404, 409, 413, 422),
    ),
    ("/sections/{sid}", "delete"): _op(
        "Delete a section and its subsections (soft; drafter)", ok=204, errors=(401, 403, 404)
    ),
    ("/sections/{sid}/restore", "post"): _op(
        "Make an old version current again, as a new version (drafter)",
        schemas.SectionRestore,
        errors=(400, 401, 403, 404, 409, 422),
    ),
    ("/sections/{sid}/versions", "get"): _op("A section's versions, newest first", returns=LIST),
    ("/sections/{sid}/versions/{n}", "get"): _op("One version with its text"),
    ("/sections/{sid}/diff", "get"): _op(
        "Word-level tracked diff between two versions", params=(_query("from"), _query("to"))
    ),
    ("/reports/{rid}/rounds", "post"): _op(
        "Open a consultation round (drafter) on a numbered draft: when the current text is "
        "not an edition yet, it is issued as the next one in the same step; the round's "
        "`edition` is that edition's number",
        schemas.RoundCreate,
        201,
        errors=(400, 401, 403, 404, 409, 422),
    ),
    ("/reports/{rid}/rounds", "get"): _op("The report's rounds, newest first", returns=LIST),
    ("/rounds/{round_id}", "get"): _op("A round with every invited department's response status"),
    ("/rounds/{round_id}/close", "post"): _op(
        "Close a round (drafter)", errors=(401, 403, 404, 409)
    ),
    ("/rounds/{round_id}/response", "post"): _op(
        "Submit the department's drafts as its official response, or 'no comments' (lead)",
        schemas.ResponseSubmit,
        201,
        errors=(400, 401, 403, 404, 409, 422),
    ),
    ("/rounds/{round_id}/markup", "post"): {
        **_op(
            "Import the department's marked-up Word copy (tracked changes and comments) as "
            "its drafts (lead or reviewer of an invited department, round open): one "
            "suggestion per section and Word author, a comment per Word comment with its "
            "replies; `unplaced` lists what could not be placed (reason: title_block, "
            "heading, spans_sections, image, conflict, reply_unplaced, no_passage). With `dry_run`, "
            "200 and what would be made, nothing stored. 409: this file was already "
            "imported by the department in this round",
            None,
            201,
            MARKUP_RESULT,
            errors=(400, 401, 403, 404, 409, 413, 422),
        ),
        "requestBody": MARKUP_UPLOAD,
    },
    ("/markup-imports/{import_id}", "delete"): _op(
        "Remove every draft one imported Word file made (its uploader or the department's "
        "lead); 409 once any of them was submitted",
        ok=204,
        errors=(401, 403, 404, 409),
    ),
    ("/sections/{sid}/comments", "post"): _op(
        "Comment on a section or a quoted passage",
        schemas.CommentCreate,
        201,
        errors=(400, 401, 403, 404, 413, 422),
    ),
    ("/reports/{rid}/comments", "post"): _op(
        "Comment on the report as a whole",
        schemas.ReportCommentCreate,
        201,
        errors=(400, 401, 403, 404, 413, 422),
    ),
    ("/reports/{rid}/comments", "get"): _op(
        "Comments you may see, paginated", params=(_query("limit"), _query("cursor"))
    ),
    ("/reports/{rid}/suggestions", "get"): _op(
        "Suggestions you may see, paginated", params=(_query("limit"), _query("cursor"))
    ),
    ("/comments/{comment_id}", "get"): _op("A comment you may see"),
    ("/comments/{comment_id}", "patch"): _op(
        "Edit a draft comment (its department)",
        schemas.CommentUpdate,
        errors=(400, 401, 403, 404, 422),
    ),
    ("/comments/{comment_id}", "delete"): _op("Delete a draft comment (its department)", ok=204),
    ("/comments/{comment_id}/withdraw", "post"): _op(
        "Withdraw a submitted, undecided comment", errors=(401, 403, 404)
    ),
    ("/comments/{comment_id}/replies", "post"): _op(
        "Reply to a comment", schemas.ReplyCreate, 201, errors=(400, 401, 403, 404, 422)
    ),
    ("/sections/{sid}/suggestions", "post"): _op(
        "Propose new text for a section (lead, reviewer)",
        schemas.SuggestionCreate,
        201,
        errors=(400, 401, 403, 404, 413, 422),
    ),
    ("/suggestions/{suggestion_id}", "get"): _op("A suggestion you may see, with its tracked diff"),
    ("/suggestions/{suggestion_id}", "patch"): _op(
        "Edit a draft suggestion (its department)",
        schemas.SuggestionUpdate,
        errors=(400, 401, 403, 404, 422),
    ),
    ("/suggestions/{suggestion_id}", "delete"): _op(
        "Delete a draft suggestion (its department)", ok=204
    ),
    ("/suggestions/{suggestion_id}/withdraw", "post"): _op(
        "Withdraw a submitted, undecided suggestion", errors=(401, 403, 404)
    ),
    ("/sections/{sid}/feedback", "get"): _op(
        "The comments and suggestions on a section that you may see"
    ),
    ("/suggestions/{suggestion_id}/accept", "post"): _op(
        "Accept (or, with text, accept with edits); rebased onto the current version when needed (drafter)",
        schemas.AcceptRequest,
        errors=(400, 401, 403, 404, 409, 413, 422),
    ),
    ("/suggestions/{suggestion_id}/reject", "post"): _op(
        "Reject with a reason (drafter)",
        schemas.RejectRequest,
        errors=(400, 401, 403, 404, 409, 422),
    ),
    ("/suggestions/{suggestion_id}/reopen", "post"): _op(
        "Put a rejected suggestion back in the queue (drafter)",
        schemas.ReopenRequest,
        errors=(400, 401, 403, 404, 409),
    ),
    ("/sections/{sid}/accept-suggestions", "post"): _op(
        "Accept several suggestions of a section in order; stops at the first conflict (drafter)",
        schemas.BulkAccept,
        errors=(400, 401, 403, 404, 409, 422),
    ),
    ("/comments/{comment_id}/resolve", "post"): _op(
        "Answer a comment with a disposition (drafter; the chair for an escalated one)",
        schemas.ResolveRequest,
        errors=(400, 401, 403, 404, 409, 422),
    ),
    ("/comments/{comment_id}/reopen", "post"): _op(
        "Reopen an answered comment (drafter)",
        schemas.ReopenRequest,
        errors=(400, 401, 403, 404, 409),
    ),
    ("/reports/{rid}/outstanding", "get"): _op(
        "Everything not yet decided, and departments that have not answered", errors=(401, 403, 404)
    ),
    ("/reports/{rid}/search", "get"): _op(
        "Search the report's sections, comments, suggestions and replies, with or without "
        "Vietnamese diacritics (visibility applies); in document order, paginated",
        params=(
            {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},
            _query("limit"),
            _query("cursor", "string"),
            _query("type", "string"),
            _query("department", "string"),
            _query("kind", "string"),
            _query("status", "string"),
        ),
    ),
    ("/reports/{rid}/editions", "get"): _op(
        "Consolidated drafts (editions), newest first", returns=LIST
    ),
    ("/reports/{rid}/editions", "post"): _op(
        "Issue a consolidated draft: every section's current version (drafter)",
        schemas.EditionCreate,
        201,
        errors=(400, 401, 403, 404, 422),
    ),
    ("/reports/{rid}/editions/{n}", "get"): _op("An edition with every section's text"),
    ("/reports/{rid}/editions/{n}/approve", "post"): _op(
        "Approve an edition (chair)", errors=(401, 403, 404, 409)
    ),
    ("/reports/{rid}/editions/{n}/submit", "post"): _op(
        "Mark an approved edition submitted to the Committee (chair)", errors=(401, 403, 404, 409)
    ),
    ("/reports/{rid}/editions/{n}/export.docx", "get"): _op(
        "The edition as Word; ?changes_since=M marks the changes since edition M as revisions",
        params=(_query("changes_since"),),
        returns={"type": "string", "format": "binary"},
        media="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("/reports/{rid}/editions/{n}/export.md", "get"): _op(
        "The edition as Markdown (CriticMarkup for changes)",
        params=(_query("changes_since"),),
        returns={"type": "string"},
        media="text/markdown",
    ),
    ("/reports/{rid}/editions/{n}/export.html", "get"): _op(
        "The edition as a print-friendly page",
        params=(_query("changes_since"),),
        returns={"type": "string"},
        media="text/html",
    ),
    ("/reports/{rid}/dispositions", "get"): _op(
        "The consolidation table (drafter, chair); ?round= for one round; "
        "preamble.figures counts the figures the departments confirmed",
        params=(_query("round"),),
        errors=(401, 403, 404),
    ),
    ("/reports/{rid}/dispositions.csv", "get"): _op(
        "The consolidation table as CSV (UTF-8 with BOM)",
        params=(_query("round"),),
        returns={"type": "string"},
        media="text/csv",
        errors=(401, 403, 404),
    ),
    ("/reports/{rid}/dispositions.docx", "get"): _op(
        "The consolidation table as a landscape Word table",
        params=(_query("round"),),
        returns={"type": "string", "format": "binary"},
        media="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        errors=(401, 403, 404),
    ),
    ("/notifications", "get"): _op("Your latest notifications", returns=LIST, errors=(401,)),
}

OPERATIONS.update(openapi_figures.operations(_op))
OPERATIONS.update(openapi_records.operations(_op, _query))


def build_spec() -> dict:
    components = {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "details": {"type": "object"},
                    },
                }
            },
        }
    }
    paths: dict[str, dict] = {}
    for (path, method), op in OPERATIONS.items():
        op = dict(op)
        names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
        given = {p["name"] for p in op.get("parameters", [])}
        if names:
            op["parameters"] = [_path_param(n) for n in names if n not in given] + op.get(
                "parameters", []
            )
        if method == "post" and op.get("security") != []:
            op["parameters"] = [*op.get("parameters", []), IDEMPOTENCY_KEY]
            op["responses"] = {
                **op["responses"],
                "422": {"description": "Error", "content": {"application/json": {"schema": ERROR}}},
            }
        paths.setdefault(path, {})[method] = op
        body = op.get("requestBody")
        if body and "application/json" in body["content"]:
            name = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
            model = getattr(schemas, name)
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(schema.pop("$defs", {}))
            components[name] = schema
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Draft report feedback API",
            "version": "1",
            "description": "Comments, suggested revisions, decisions and consolidated versions of draft reports.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


@bp.get("/openapi.json")
def openapi():
    return jsonify(build_spec())
