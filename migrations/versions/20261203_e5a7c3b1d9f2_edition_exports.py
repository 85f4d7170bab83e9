"""An edition's exports stored in the database, so every server serves the same bytes.

Revision ID: e5a7c3b1d9f2
Revises: 5b70d2d0f610
Create Date: 2026-12-03 12:00:00

Editions issued before get theirs on first request, or all at once from
``flask renders rebuild``: the migration builds no document.
"""

import sqlalchemy as sa
from alembic import op

revision = "e5a7c3b1d9f2"
down_revision = "5b70d2d0f610"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "edition_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("since_number", sa.Integer(), nullable=False),
        sa.Column("fmt", sa.String(length=8), nullable=False),
        sa.Column("draft", sa.Boolean(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("layout", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["edition.id"], name=op.f("fk_edition_export_edition_id_edition")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edition_export")),
        sa.UniqueConstraint(
            "edition_id",
            "since_number",
            "fmt",
            "draft",
            "locale",
            "layout",
            name="uq_edition_export_key",
        ),
    )
    op.create_index(
        op.f("ix_edition_export_edition_id"), "edition_export", ["edition_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_edition_export_edition_id"), table_name="edition_export")
    op.drop_table("edition_export")
