"""Stored renderings: the HTML of tracked changes, and pending suggestions' previews.

Revision ID: b7e1d2c3a4f5
Revises: 8a3f2c4d6e10
Create Date: 2026-11-30 15:00:00

Existing suggestions get their renderings from `flask renders rebuild` (the Makefile's
migrate target runs it after the upgrade; deployments run it too).
"""

import sqlalchemy as sa
from alembic import op

revision = "b7e1d2c3a4f5"
down_revision = "8a3f2c4d6e10"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rendered_diff",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("renderer", sa.Integer(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_rendered_diff")),
    )
    op.create_table(
        "suggestion_preview",
        sa.Column("suggestion_id", sa.Integer(), nullable=False),
        sa.Column("section_version", sa.Integer(), nullable=False),
        sa.Column("merged_text", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["suggestion_id"],
            ["suggestion.id"],
            name=op.f("fk_suggestion_preview_suggestion_id_suggestion"),
        ),
        sa.PrimaryKeyConstraint(
            "suggestion_id", "section_version", name=op.f("pk_suggestion_preview")
        ),
    )


def downgrade():
    op.drop_table("suggestion_preview")
    op.drop_table("rendered_diff")
