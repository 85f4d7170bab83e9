"""A department's marked-up Word copy imported as drafts: the import, and on each comment,
reply and suggestion it made the name written in Word.

Revision ID: b7e3f1a9c250
Revises: 5e8a1c7d2b94
Create Date: 2026-12-02 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b7e3f1a9c250"
down_revision = "5e8a1c7d2b94"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "markup_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"]),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["round.id"]),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "department_id", "sha256", name="uq_markup_import_file"),
    )
    for table in ("comment", "suggestion"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("markup_import_id", sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("word_author", sa.String(length=200), nullable=True))
            batch_op.create_index(f"ix_{table}_markup_import_id", ["markup_import_id"])
            batch_op.create_foreign_key(
                f"fk_{table}_markup_import_id_markup_import",
                "markup_import",
                ["markup_import_id"],
                ["id"],
            )
    with op.batch_alter_table("reply", schema=None) as batch_op:
        batch_op.add_column(sa.Column("word_author", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("reply", schema=None) as batch_op:
        batch_op.drop_column("word_author")
    for table in ("suggestion", "comment"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                f"fk_{table}_markup_import_id_markup_import", type_="foreignkey"
            )
            batch_op.drop_index(f"ix_{table}_markup_import_id")
            batch_op.drop_column("word_author")
            batch_op.drop_column("markup_import_id")
    op.drop_table("markup_import")
