"""Login sessions as rows, API tokens that expire, passwords the person must change,
last login.

Revision ID: 7a3e5c1d9b42
Revises: 6e1302522adb
Create Date: 2026-11-30 14:00:00

The per-user ``session_token`` goes: each login is now a ``login_session`` row, so
everyone is logged out once by this migration. Existing API tokens get the default
lifetime, 90 days from when they were issued.
"""

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "7a3e5c1d9b42"
down_revision = "6e1302522adb"
branch_labels = None
depends_on = None

TOKEN_DAYS = 90


def _foreign_keys(on: bool):
    """SQLite's batch mode copies user_account into a new table and drops the old one,
    which the other tables' foreign keys refer to: SQLite's own recipe switches foreign
    keys off for the copy (outside a transaction) and checks them afterwards."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    # The pragma is ignored inside a transaction, and this app's engine begins one for
    # every connection (even in autocommit mode): end it, switch, and begin again.
    raw = bind.connection.dbapi_connection
    raw.execute("COMMIT")
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    raw.execute("BEGIN")
    if on:
        problems = raw.execute("PRAGMA foreign_key_check").fetchall()
        assert not problems, problems


def upgrade():
    _foreign_keys(False)
    op.create_table(
        "login_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_login_session_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_session")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_login_session_secret_hash")),
    )
    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_session_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_user_account_session_token"), type_="unique")
        batch_op.drop_column("session_token")
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch_op.add_column(sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=16), server_default="login", nullable=False)
        )
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("expiry_notified_at", sa.DateTime(timezone=True), nullable=True)
        )
    _expire_existing_tokens()
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.alter_column("source", server_default=None)
        batch_op.alter_column(
            "expires_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_api_token_source_known"), "source IN ('login', 'cli')"
        )
    _foreign_keys(True)


def _expire_existing_tokens():
    connection = op.get_bind()
    token = sa.table(
        "api_token",
        sa.column("id", sa.Integer()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("expires_at", sa.DateTime(timezone=True)),
    )
    for ident, created_at in connection.execute(sa.select(token.c.id, token.c.created_at)).all():
        connection.execute(
            token.update()
            .where(token.c.id == ident)
            .values(expires_at=created_at + timedelta(days=TOKEN_DAYS))
        )


def downgrade():
    _foreign_keys(False)
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_api_token_source_known"), type_="check")
        batch_op.drop_column("expiry_notified_at")
        batch_op.drop_column("expires_at")
        batch_op.drop_column("source")

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("last_login_at")
        batch_op.drop_column("must_change_password")
        batch_op.add_column(sa.Column("session_token", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    user = sa.table("user_account", sa.column("id", sa.Integer()), sa.column("session_token"))
    import secrets

    for (ident,) in connection.execute(sa.select(user.c.id)).all():
        connection.execute(
            user.update().where(user.c.id == ident).values(session_token=secrets.token_urlsafe(32))
        )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column("session_token", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_user_account_session_token"), ["session_token"]
        )

    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_session_user_id"))
    op.drop_table("login_session")
    _foreign_keys(True)
