"""The search index: folded text of sections, comments, suggestions and replies, with a
substring index on each engine (pg_trgm GIN on PostgreSQL, FTS5 trigram on SQLite).

Revision ID: c4d5e6f7a8b9
Revises: b7e1d2c3a4f5
Create Date: 2026-11-30 16:00:00

The entries themselves are made by `flask search reindex` (the Makefile's migrate
target runs it; deployments run it once after this upgrade), then kept up to date by
every write.
"""

import sqlalchemy as sa
from alembic import op

revision = "c4d5e6f7a8b9"
down_revision = "b7e1d2c3a4f5"
branch_labels = None
depends_on = None

FTS = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "folded, content='search_entry', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN "
    "INSERT INTO search_fts(rowid, folded) VALUES (new.id, new.folded); END",
    "CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, folded) VALUES ('delete', old.id, old.folded); END",
    "CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, folded) VALUES ('delete', old.id, old.folded); "
    "INSERT INTO search_fts(rowid, folded) VALUES (new.id, new.folded); END",
]


def _sqlite_has_trigram(bind) -> bool:
    try:
        bind.exec_driver_sql("CREATE VIRTUAL TABLE temp.probe_fts USING fts5(x, tokenize='trigram')")
        bind.exec_driver_sql("DROP TABLE temp.probe_fts")
        return True
    except Exception:  # noqa: BLE001 - an SQLite without FTS5 trigram: search scans instead
        return False


def upgrade():
    op.create_table(
        "search_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=True),
        sa.Column("folded", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "type IN ('section', 'comment', 'suggestion', 'reply')",
            name=op.f("ck_search_entry_type_known"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name=op.f("fk_search_entry_report_id_report")
        ),
        sa.ForeignKeyConstraint(
            ["section_id"], ["section.id"], name=op.f("fk_search_entry_section_id_section")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entry")),
        sa.UniqueConstraint("type", "object_id", name=op.f("uq_search_entry_type_object_id")),
    )
    op.create_index("ix_search_entry_report", "search_entry", ["report_id"], unique=False)
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX ix_search_entry_folded_trgm ON search_entry "
            "USING gin (folded gin_trgm_ops)"
        )
    elif bind.dialect.name == "sqlite" and _sqlite_has_trigram(bind):
        for statement in FTS:
            op.execute(statement)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in ("search_entry_ai", "search_entry_ad", "search_entry_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_search_entry_folded_trgm")
    op.drop_index("ix_search_entry_report", table_name="search_entry")
    op.drop_table("search_entry")
