"""Audit events about a department's draft are private to it (admin only in the trail).

Revision ID: 8a3f2c4d6e10
Revises: 5d1c0a7e9b21
Create Date: 2026-11-30 14:00:00

Existing events about drafts are marked too: comments and suggestions created as
drafts, and every edit or deletion (only drafts are edited or deleted). A deleted
draft's text is removed from its event: it was never meant to leave the department.
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "8a3f2c4d6e10"
down_revision = "5d1c0a7e9b21"
branch_labels = None
depends_on = None

events = sa.table(
    "audit_event",
    sa.column("id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.Integer),
    sa.column("details", sa.JSON),
    sa.column("department_id", sa.Integer),
)
DRAFT_ACTIONS = ("created", "edited", "deleted")


def _author_department(connection, user_id):
    return connection.execute(
        sa.text("SELECT department_id FROM user_account WHERE id = :id"), {"id": user_id}
    ).scalar()


def upgrade():
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_event_department_id_department"),
            "department",
            ["department_id"],
            ["id"],
        )
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT id, action, object_type, object_id, actor_id, details FROM audit_event "
            "WHERE object_type IN ('comment', 'suggestion')"
        )
    ).all()
    for row in rows:
        _kind, _dot, verb = row.action.partition(".")
        details = row.details or {}
        if isinstance(details, str):  # SQLite hands JSON back as text through raw SQL
            details = json.loads(details)
        if verb not in DRAFT_ACTIONS:
            continue
        if verb == "created" and details.get("state", details.get("status")) != "draft":
            continue
        department = _author_department(connection, row.actor_id)
        if department is None:
            continue
        details.pop("body", None)
        details.pop("text_length", None)
        connection.execute(
            events.update()
            .where(events.c.id == row.id)
            .values(department_id=department, details=details)
        )


def downgrade():
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_audit_event_department_id_department"), type_="foreignkey"
        )
        batch_op.drop_column("department_id")
