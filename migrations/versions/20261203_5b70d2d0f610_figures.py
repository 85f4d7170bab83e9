"""The report's figures (issue 15): indicator tables, indicators, the departments'
checks (confirm, correct, propose) and the keyword map that assigns indicators.

Revision ID: 5b70d2d0f610
Revises: c4d9e2f7a815
Create Date: 2026-12-03 09:00:00

Existing reports get their indicator tables when a section next gets a version.
"""

import sqlalchemy as sa
from alembic import op

revision = "5b70d2d0f610"
down_revision = "c4d9e2f7a815"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "department_keyword",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("keyword", sa.String(length=200), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_department_keyword_department_id_department"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department_keyword")),
        sa.UniqueConstraint("keyword", name=op.f("uq_department_keyword_keyword")),
    )
    op.create_table(
        "indicator_table",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("table_index", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("mapped_by_id", sa.Integer(), nullable=True),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('results', 'targets')", name=op.f("ck_indicator_table_kind_known")
        ),
        sa.CheckConstraint("table_index >= 0", name=op.f("ck_indicator_table_index_positive")),
        sa.ForeignKeyConstraint(
            ["mapped_by_id"],
            ["user_account.id"],
            name=op.f("fk_indicator_table_mapped_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name=op.f("fk_indicator_table_report_id_report")
        ),
        sa.ForeignKeyConstraint(
            ["section_id"], ["section.id"], name=op.f("fk_indicator_table_section_id_section")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_table")),
        sa.UniqueConstraint(
            "section_id", "table_index", name=op.f("uq_indicator_table_section_id_table_index")
        ),
    )
    with op.batch_alter_table("indicator_table", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_indicator_table_report_id"), ["report_id"], unique=False
        )

    op.create_table(
        "indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("actual", sa.Text(), nullable=False),
        sa.Column("assessment", sa.Text(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("department_set", sa.Boolean(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "direction IS NULL OR direction IN ('higher', 'lower')",
            name=op.f("ck_indicator_direction_known"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_indicator_department_id_department")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name=op.f("fk_indicator_report_id_report")
        ),
        sa.ForeignKeyConstraint(
            ["table_id"], ["indicator_table.id"], name=op.f("fk_indicator_table_id_indicator_table")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator")),
    )
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.create_index(
            "ix_indicator_department", ["department_id", "report_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_indicator_report_id"), ["report_id"], unique=False)
        batch_op.create_index("ix_indicator_table_row", ["table_id", "row"], unique=False)

    op.create_table(
        "indicator_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("suggestion_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "indicator_id IS NOT NULL OR kind = 'propose'",
            name=op.f("ck_indicator_check_only_proposals_add_rows"),
        ),
        sa.CheckConstraint(
            "kind = 'confirm' OR suggestion_id IS NOT NULL",
            name=op.f("ck_indicator_check_change_has_suggestion"),
        ),
        sa.CheckConstraint(
            "kind IN ('confirm', 'correct', 'propose')", name=op.f("ck_indicator_check_kind_known")
        ),
        sa.CheckConstraint(
            "status = 'draft' OR submitted_at IS NOT NULL",
            name=op.f("ck_indicator_check_submission_has_time"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted')", name=op.f("ck_indicator_check_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_indicator_check_author_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_indicator_check_department_id_department"),
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
            name=op.f("fk_indicator_check_indicator_id_indicator"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name=op.f("fk_indicator_check_report_id_report")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["round.id"], name=op.f("fk_indicator_check_round_id_round")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
            name=op.f("fk_indicator_check_submission_id_submission"),
        ),
        sa.ForeignKeyConstraint(
            ["suggestion_id"],
            ["suggestion.id"],
            name=op.f("fk_indicator_check_suggestion_id_suggestion"),
        ),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["indicator_table.id"],
            name=op.f("fk_indicator_check_table_id_indicator_table"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_check")),
        sa.UniqueConstraint("suggestion_id", name=op.f("uq_indicator_check_suggestion_id")),
    )
    with op.batch_alter_table("indicator_check", schema=None) as batch_op:
        batch_op.create_index(
            "ix_indicator_check_department", ["department_id", "report_id"], unique=False
        )
        batch_op.create_index("ix_indicator_check_indicator", ["indicator_id"], unique=False)


def downgrade():
    with op.batch_alter_table("indicator_check", schema=None) as batch_op:
        batch_op.drop_index("ix_indicator_check_indicator")
        batch_op.drop_index("ix_indicator_check_department")

    op.drop_table("indicator_check")
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.drop_index("ix_indicator_table_row")
        batch_op.drop_index(batch_op.f("ix_indicator_report_id"))
        batch_op.drop_index("ix_indicator_department")

    op.drop_table("indicator")
    with op.batch_alter_table("indicator_table", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicator_table_report_id"))

    op.drop_table("indicator_table")
    op.drop_table("department_keyword")
