"""Comments keep the quoted passage as the reader saw it (no Markdown), beside the quote
in the stored text that anchors it.

Revision ID: 3f9a6c1d2e84
Revises: 5d267a6bf2e9
Create Date: 2026-12-01 09:00:00

A plain ADD COLUMN (nullable): existing comments show their stored quote, as before.
"""

import sqlalchemy as sa
from alembic import op

revision = "3f9a6c1d2e84"
down_revision = "5d267a6bf2e9"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quote_shown", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_column("quote_shown")
