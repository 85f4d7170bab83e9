"""Stored renderings of Markdown: the HTML of every section version, comment, reply and
rationale, computed when it is written and keyed by the renderer's version; and the
consolidation table's downloads, kept per report, round, language and format until the
feedback they show changes.

Revision ID: e5a7c3b9d1f2
Revises: e5a7c3b1d9f2
Create Date: 2026-12-03 19:00:00

Existing texts get their renderings from `flask renders rebuild` (the Makefile's migrate
target runs it after the upgrade; deployments run it too). Until then pages render them
as before.
"""

import sqlalchemy as sa
from alembic import op

revision = "e5a7c3b9d1f2"
down_revision = "e5a7c3b1d9f2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rendered_markdown",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("renderer", sa.Integer(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_rendered_markdown")),
    )
    op.create_table(
        "disposition_download",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("round_key", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("fmt", sa.String(length=8), nullable=False),
        sa.Column("stamp", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=False),
        sa.Column("disposition", sa.String(length=500), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name=op.f("fk_disposition_download_report_id_report")
        ),
        sa.PrimaryKeyConstraint(
            "report_id", "round_key", "language", "fmt", name=op.f("pk_disposition_download")
        ),
    )


def downgrade():
    op.drop_table("disposition_download")
    op.drop_table("rendered_markdown")
