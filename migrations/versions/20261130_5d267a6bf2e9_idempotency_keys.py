"""Idempotency keys: an API POST's Idempotency-Key and a page form's one-time token,
with the answer the first request got, kept 24 hours per user.

Revision ID: 5d267a6bf2e9
Revises: 7a3e5c1d9b42
Create Date: 2026-11-30 13:39:36
"""

import sqlalchemy as sa
from alembic import op

revision = "5d267a6bf2e9"
down_revision = "7a3e5c1d9b42"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "idempotency_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("location", sa.String(length=2000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_idempotency_key_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_key")),
        sa.UniqueConstraint("user_id", "key_hash", name="uq_idempotency_key_user_key"),
    )
    with op.batch_alter_table("idempotency_key", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idempotency_key_created_at"), ["created_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("idempotency_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_key_created_at"))
    op.drop_table("idempotency_key")
