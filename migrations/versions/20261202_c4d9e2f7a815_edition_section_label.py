"""An edition keeps the number each heading printed ("1." under "I.", "a)").

Revision ID: c4d9e2f7a815
Revises: b7e3f1a9c250
Create Date: 2026-12-02 12:00:00

Editions issued before get none: they keep printing the path ("I.1."), as they did.
"""

import sqlalchemy as sa
from alembic import op

revision = "c4d9e2f7a815"
down_revision = "b7e3f1a9c250"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("edition_section", sa.Column("label", sa.String(length=40), nullable=True))


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE edition_section DROP COLUMN label")
    else:
        op.drop_column("edition_section", "label")
