"""E-mail notifications: users' addresses and preferences, departments' mailboxes, the
outbox the worker sends, and deadline reminders made once per round, department and kind.

Revision ID: 6e1302522adb
Revises: c4d5e6f7a8b9
Create Date: 2026-11-30 13:23:37

Existing users get e-mail "immediate" (they have no address yet, so nothing is sent until
an administrator gives them one). Columns are added to user_account and department in
place, never by a batch rebuild: on SQLite that rebuild drops the table while other
tables' rows point at it.
"""

import sqlalchemy as sa
from alembic import op

revision = "6e1302522adb"
down_revision = "c4d5e6f7a8b9"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("awaiting_digest", sa.Boolean(), nullable=False, server_default="0")
        )
        batch_op.create_index("ix_notification_digest", ["awaiting_digest", "user_id"])
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.alter_column("awaiting_digest", server_default=None)

    op.create_table(
        "deadline_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('warning', 'deadline_day')", name=op.f("ck_deadline_reminder_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_deadline_reminder_department_id_department"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["round.id"], name=op.f("fk_deadline_reminder_round_id_round")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_reminder")),
        sa.UniqueConstraint("round_id", "department_id", "kind", name="uq_deadline_reminder_once"),
    )
    op.create_table(
        "outgoing_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("to_name", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("notification_id", sa.Integer(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=120), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status <> 'sent' OR sent_at IS NOT NULL", name=op.f("ck_outgoing_mail_sent_has_time")
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed')",
            name=op.f("ck_outgoing_mail_status_known"),
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_outgoing_mail_attempts_not_negative")),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_outgoing_mail_department_id_department"),
        ),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notification.id"],
            name=op.f("fk_outgoing_mail_notification_id_notification"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_outgoing_mail_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outgoing_mail")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outgoing_mail_dedupe_key")),
    )
    with op.batch_alter_table("outgoing_mail", schema=None) as batch_op:
        batch_op.create_index("ix_outgoing_mail_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_outgoing_mail_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mailbox", sa.String(length=254), nullable=True))

    # Plain ADD COLUMNs: rebuilding user_account on SQLite would fail on the rows that
    # point at it. The default stays, so accounts made outside the app get one too.
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(
            sa.Column(
                "mail_frequency",
                sa.String(length=16),
                sa.CheckConstraint(
                    "mail_frequency IN ('immediate', 'daily', 'none')",
                    name=op.f("ck_user_account_mail_frequency_known"),
                ),
                nullable=False,
                server_default="immediate",
            )
        )
        batch_op.add_column(sa.Column("digest_sent_on", sa.Date(), nullable=True))

def _foreign_keys(on: bool):
    """SQLite: foreign keys off around a rebuild of a table others refer to (SQLite's own
    recipe); the pragma is ignored inside a transaction, so end it, switch, begin again."""
    raw = op.get_bind().connection.dbapi_connection
    raw.execute("COMMIT")
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    raw.execute("BEGIN")
    if on:
        problems = raw.execute("PRAGMA foreign_key_check").fetchall()
        assert not problems, problems


def downgrade():
    with op.batch_alter_table("outgoing_mail", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outgoing_mail_user_id"))
        batch_op.drop_index("ix_outgoing_mail_due")

    op.drop_table("outgoing_mail")
    op.drop_table("deadline_reminder")

    if op.get_bind().dialect.name == "sqlite":
        # A later migration rebuilt user_account with mail_frequency's CHECK inside it,
        # which SQLite's in-place DROP COLUMN refuses: rebuild it again, with foreign keys
        # off for the copy (the other tables point at user_account) and checked after.
        _foreign_keys(False)
        with op.batch_alter_table("user_account", schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f("ck_user_account_mail_frequency_known"), type_="check"
            )
            batch_op.drop_column("digest_sent_on")
            batch_op.drop_column("mail_frequency")
            batch_op.drop_column("email")
        _foreign_keys(True)
    else:
        op.drop_constraint(
            op.f("ck_user_account_mail_frequency_known"), "user_account", type_="check"
        )
        op.drop_column("user_account", "digest_sent_on")
        op.drop_column("user_account", "mail_frequency")
        op.drop_column("user_account", "email")

    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_digest")
        batch_op.drop_column("awaiting_digest")

    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE department DROP COLUMN mailbox")
    else:
        op.drop_column("department", "mailbox")

