"""A report keeps the numbering scheme of the document it was imported from.

Revision ID: 5e8a1c7d2b94
Revises: 6b8e0f3a2c47
Create Date: 2026-12-01 12:00:00

Existing reports get none: they keep printing the path ("I.1").
"""

import sqlalchemy as sa
from alembic import op

revision = "5e8a1c7d2b94"
down_revision = "6b8e0f3a2c47"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD/DROP COLUMN: a batch rebuild of "report" would trip the foreign keys
    # of every table that points at it on SQLite.
    op.add_column("report", sa.Column("numbering_scheme", sa.JSON(), nullable=True))


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE report DROP COLUMN numbering_scheme")
    else:
        op.drop_column("report", "numbering_scheme")
