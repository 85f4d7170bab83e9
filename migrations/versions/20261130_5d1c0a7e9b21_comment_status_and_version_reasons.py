"""Comment.state is called status, as Suggestion.status and the API already say; a
section version's reason is a code with parameters, translated when shown.

Revision ID: 5d1c0a7e9b21
Revises: abd4ac3e03dc
Create Date: 2026-11-30 13:10:00

The reasons stored so far are translated sentences (Vietnamese or English, whichever
language the author used). The known ones become codes; anything else is kept word for
word as a ``custom`` reason.
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "5d1c0a7e9b21"
down_revision = "abd4ac3e03dc"
branch_labels = None
depends_on = None

STATUSES = "status IN ('draft', 'submitted', 'withdrawn')"
REASON_CODES = (
    "reason_code IN ('imported', 'created', 'edited', 'renamed', 'accepted', "
    "'accepted_with_edits', 'restored', 'custom')"
)

# (pattern, code, names of the captured parameters), in both languages; first match wins.
PATTERNS = [
    (r"Chấp nhận có chỉnh sửa đề xuất sửa đổi #(\d+) của (.+)", "accepted_with_edits", ("id", "department")),
    (r"Accepted suggestion #(\d+) from (.+), with edits", "accepted_with_edits", ("id", "department")),
    (r"Chấp nhận đề xuất sửa đổi #(\d+) của (.+)", "accepted", ("id", "department")),
    (r"Accepted suggestion #(\d+) from (.+)", "accepted", ("id", "department")),
    (r"Khôi phục phiên bản (\d+)", "restored", ("version",)),
    (r"Restored version (\d+)", "restored", ("version",)),
    (r"Nhập từ Markdown|Imported from Markdown", "imported", ()),
    (r"Thêm mục mới|Section added", "created", ()),
    (r"Chỉnh sửa nội dung|Edited", "edited", ()),
    (r"Đổi tên|Renamed", "renamed", ()),
]
# An empty reason says what the version's kind says.
BY_KIND = {
    "import": "imported",
    "create": "created",
    "edit": "edited",
    "rename": "renamed",
    "restore": "restored",
    "accept": "accepted",
}


def reason_code(reason: str, kind: str) -> tuple[str, dict]:
    reason = (reason or "").strip()
    if not reason:
        return BY_KIND.get(kind, "edited"), {}
    for pattern, code, names in PATTERNS:
        match = re.fullmatch(pattern, reason)
        if match:
            params = dict(zip(names, match.groups()))
            for key in ("id", "version"):
                if key in params:
                    params[key] = int(params[key])
            if code == "imported":
                params["source"] = "markdown"
            return code, params
    return "custom", {"text": reason}


def reason_text(code: str, params: dict) -> str:
    """For the downgrade: the Vietnamese sentence the old column held."""
    if code == "custom":
        return params.get("text", "")
    if code in ("accepted", "accepted_with_edits"):
        middle = " có chỉnh sửa" if code == "accepted_with_edits" else ""
        return f"Chấp nhận{middle} đề xuất sửa đổi #{params.get('id')} của {params.get('department')}"
    if code == "restored":
        return f"Khôi phục phiên bản {params.get('version')}"
    return {
        "imported": "Nhập từ Markdown",
        "created": "Thêm mục mới",
        "edited": "Chỉnh sửa nội dung",
        "renamed": "Đổi tên",
    }.get(code, "")


versions = sa.table(
    "section_version",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("reason", sa.String),
    sa.column("reason_code", sa.String),
    sa.column("reason_params", sa.JSON),
)


def upgrade():
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_index("ix_comment_report_state")
        batch_op.drop_constraint(op.f("ck_comment_state_known"), type_="check")
        batch_op.drop_constraint(op.f("ck_comment_submission_has_time"), type_="check")
        batch_op.drop_constraint(op.f("ck_comment_only_departments_draft"), type_="check")
        batch_op.alter_column("state", new_column_name="status", existing_type=sa.String(16))
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.create_check_constraint("status_known", STATUSES)
        batch_op.create_check_constraint(
            "submission_has_time", "status = 'draft' OR submitted_at IS NOT NULL"
        )
        batch_op.create_check_constraint(
            "only_departments_draft", "department_id IS NOT NULL OR status <> 'draft'"
        )
        batch_op.create_index("ix_comment_report_status", ["report_id", "status"], unique=False)

    with op.batch_alter_table("section_version", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reason_code", sa.String(32), nullable=False, server_default="edited")
        )
        batch_op.add_column(sa.Column("reason_params", sa.JSON(), nullable=True))
    connection = op.get_bind()
    for row in connection.execute(sa.select(versions.c.id, versions.c.kind, versions.c.reason)):
        code, params = reason_code(row.reason, row.kind)
        connection.execute(
            versions.update()
            .where(versions.c.id == row.id)
            .values(reason_code=code, reason_params=params)
        )
    with op.batch_alter_table("section_version", schema=None) as batch_op:
        batch_op.alter_column("reason_code", server_default=None, existing_type=sa.String(32))
        batch_op.alter_column("reason_params", nullable=False, existing_type=sa.JSON())
        batch_op.create_check_constraint("reason_code_known", REASON_CODES)
        batch_op.drop_column("reason")


def downgrade():
    with op.batch_alter_table("section_version", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reason", sa.String(500), nullable=False, server_default="")
        )
    connection = op.get_bind()
    for row in connection.execute(
        sa.select(versions.c.id, versions.c.reason_code, versions.c.reason_params)
    ):
        connection.execute(
            versions.update()
            .where(versions.c.id == row.id)
            .values(reason=reason_text(row.reason_code, row.reason_params or {})[:500])
        )
    with op.batch_alter_table("section_version", schema=None) as batch_op:
        batch_op.alter_column("reason", server_default=None, existing_type=sa.String(500))
        batch_op.drop_constraint(op.f("ck_section_version_reason_code_known"), type_="check")
        batch_op.drop_column("reason_params")
        batch_op.drop_column("reason_code")

    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_index("ix_comment_report_status")
        batch_op.drop_constraint(op.f("ck_comment_status_known"), type_="check")
        batch_op.drop_constraint(op.f("ck_comment_submission_has_time"), type_="check")
        batch_op.drop_constraint(op.f("ck_comment_only_departments_draft"), type_="check")
        batch_op.alter_column("status", new_column_name="state", existing_type=sa.String(16))
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "state_known", "state IN ('draft', 'submitted', 'withdrawn')"
        )
        batch_op.create_check_constraint(
            "submission_has_time", "state = 'draft' OR submitted_at IS NOT NULL"
        )
        batch_op.create_check_constraint(
            "only_departments_draft", "department_id IS NOT NULL OR state <> 'draft'"
        )
        batch_op.create_index("ix_comment_report_state", ["report_id", "state"], unique=False)
