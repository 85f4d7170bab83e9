"""A department member's reply is a draft of the department until its lead sends it.

Revision ID: 9c2b7d4e1a60
Revises: 3f9a6c1d2e84
Create Date: 2026-12-01 09:00:00

Replies written before were published at once: they stay published (submitted at the
time they were written), and a department member's reply is marked with their
department, so that it shows who spoke.
"""

import sqlalchemy as sa
from alembic import op

revision = "9c2b7d4e1a60"
down_revision = "3f9a6c1d2e84"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("reply", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="submitted")
        )
        batch_op.add_column(sa.Column("submission_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE reply SET submitted_at = created_at, department_id = ("
        "SELECT department_id FROM user_account WHERE user_account.id = reply.author_id)"
    )
    with op.batch_alter_table("reply", schema=None) as batch_op:
        batch_op.alter_column("status", server_default=None, existing_type=sa.String(length=16))
        batch_op.create_foreign_key(
            batch_op.f("fk_reply_department_id_department"), "department", ["department_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_reply_submission_id_submission"), "submission", ["submission_id"], ["id"]
        )
        batch_op.create_check_constraint("status_known", "status IN ('draft', 'submitted')")
        batch_op.create_check_constraint(
            "submission_has_time", "status = 'draft' OR submitted_at IS NOT NULL"
        )
        batch_op.create_check_constraint(
            "only_departments_draft", "department_id IS NOT NULL OR status <> 'draft'"
        )


def downgrade():
    # The old schema publishes every reply: a draft would leak out of its department.
    op.execute("DELETE FROM reply WHERE status = 'draft'")
    with op.batch_alter_table("reply", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_reply_only_departments_draft"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_reply_submission_has_time"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_reply_status_known"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_reply_submission_id_submission"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_reply_department_id_department"), type_="foreignkey")
        batch_op.drop_column("submitted_at")
        batch_op.drop_column("submission_id")
        batch_op.drop_column("status")
        batch_op.drop_column("department_id")
