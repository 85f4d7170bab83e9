"""The administrative format of a report's documents (Decree 30/2020/NĐ-CP), and each
edition's frozen copy of it.

Revision ID: 6b8e0f3a2c47
Revises: 9c4e2a7b1d30
Create Date: 2026-12-01 16:00:00

Existing reports get the document type "BÁO CÁO" and the rest empty; existing editions
get a copy of their report's values (an edition issued before the settings existed was
issued under these).
"""

import sqlalchemy as sa
from alembic import op

revision = "6b8e0f3a2c47"
down_revision = "9c4e2a7b1d30"
branch_labels = None
depends_on = None

COLUMNS = (
    ("superior_body", sa.String(200)),
    ("issuing_body", sa.String(200)),
    ("document_number", sa.String(60)),
    ("place", sa.String(100)),
    ("document_type", sa.String(100)),
    ("signature_block", sa.Text()),
    ("recipients", sa.Text()),
)


def upgrade():
    # Plain ADD COLUMN (SQLite has it for a NOT NULL column with a default): a batch
    # rebuild would drop and recreate "report", which every other table references.
    for table in ("report", "edition"):
        for name, kind in COLUMNS:
            op.add_column(table, sa.Column(name, kind, nullable=False, server_default=""))
    op.execute(sa.text("UPDATE report SET document_type = :kind").bindparams(kind="BÁO CÁO"))
    copy = ", ".join(
        f"{name} = (SELECT report.{name} FROM report WHERE report.id = edition.report_id)"
        for name, _ in COLUMNS
    )
    op.execute(sa.text(f"UPDATE edition SET {copy}"))


def downgrade():
    # DROP COLUMN is native in SQLite since 3.35; no rebuild, as in upgrade.
    for table in ("edition", "report"):
        for name, _ in reversed(COLUMNS):
            op.drop_column(table, name)
