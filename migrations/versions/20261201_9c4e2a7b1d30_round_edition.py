"""A round records the numbered draft (edition) it opened on.

Revision ID: 9c4e2a7b1d30
Revises: 9c2b7d4e1a60
Create Date: 2026-12-01 09:00:00

Existing rounds get the latest edition issued before they opened whose sections and
versions are exactly those the round recorded; a round opened on text that was never
issued keeps none (nothing is claimed that was not so).
"""

import sqlalchemy as sa
from alembic import op

revision = "9c4e2a7b1d30"
down_revision = "9c2b7d4e1a60"
branch_labels = None
depends_on = None


def _versions(connection, sql: str, key: int) -> dict[int, int]:
    return dict(connection.execute(sa.text(sql), {"id": key}).all())


def _backfill(connection) -> None:
    rounds = connection.execute(sa.text("SELECT id, report_id, opened_at FROM round")).all()
    for round_id, report_id, opened_at in rounds:
        opened_on = _versions(
            connection,
            "SELECT section_id, version FROM round_section WHERE round_id = :id",
            round_id,
        )
        editions = connection.execute(
            sa.text(
                "SELECT id, number FROM edition WHERE report_id = :report "
                "AND created_at <= :opened ORDER BY number DESC"
            ),
            {"report": report_id, "opened": opened_at},
        ).all()
        for edition_id, number in editions:
            snapshot = _versions(
                connection,
                "SELECT section_id, version FROM edition_section WHERE edition_id = :id",
                edition_id,
            )
            if snapshot == opened_on:
                connection.execute(
                    sa.text("UPDATE round SET edition_number = :n WHERE id = :id"),
                    {"n": number, "id": round_id},
                )
            break  # only the latest edition before the round can be what it opened on


def upgrade():
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.add_column(sa.Column("edition_number", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_round_edition_edition",
            "edition",
            ["report_id", "edition_number"],
            ["report_id", "number"],
        )
    _backfill(op.get_bind())


def downgrade():
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_constraint("fk_round_edition_edition", type_="foreignkey")
        batch_op.drop_column("edition_number")
