"""The data generation: one row whose token changes with every write a page can show, so
whole pages can be served again until then (feedback.pagecache).

Revision ID: a7d3f1c9e2b4
Revises: e5a7c3b9d1f2
Create Date: 2026-11-30 22:40:00
"""

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "a7d3f1c9e2b4"
down_revision = "e5a7c3b9d1f2"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "data_generation",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_generation")),
    )
    op.bulk_insert(
        table, [{"id": 1, "token": secrets.token_hex(16), "changed_at": datetime.now(UTC)}]
    )


def downgrade():
    op.drop_table("data_generation")
