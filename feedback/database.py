"""Database engine set-up, SQLite write transactions, and the write lock used by decisions.

SQLite needs three things to behave like a real server here: foreign keys on,
WAL with a busy timeout, and -- for read-then-write transactions that must not
interleave -- ``BEGIN IMMEDIATE``. SQLAlchemy silently drops ``FOR UPDATE`` on
SQLite, so :func:`lock_for_update` takes the database write lock there instead.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TypeVar

from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from .extensions import db

_begin_immediate: ContextVar[bool] = ContextVar("_begin_immediate", default=False)

T = TypeVar("T")


def configure_engine(engine: Engine) -> None:
    """Install SQLite pragmas and transaction control on ``engine`` (no-op elsewhere)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        immediate = _begin_immediate.get()
        _begin_immediate.set(False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
        connection.info["immediate"] = immediate


def begin_writes_immediately(immediate: bool = True) -> None:
    """Make the next transaction on SQLite a ``BEGIN IMMEDIATE`` one (no-op elsewhere).

    Called at the start of every state-changing request. A deferred SQLite transaction
    that reads and then writes cannot wait for the write lock: if another connection
    committed since its first read, SQLite answers "database is locked" at once, without
    using the busy timeout (its snapshot is stale). Taking the write lock at BEGIN makes
    concurrent writers queue for up to the busy timeout instead. Readers are unaffected
    (WAL)."""
    _begin_immediate.set(immediate)


@event.listens_for(Session, "after_flush")
def _remember_write(session, _flush_context):
    session.info["wrote"] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_write(session, transaction):
    if transaction.parent is None:
        session.info.pop("wrote", None)


def lock_for_update(model: type[T], ident: int) -> T | None:
    """Load ``model`` row ``ident`` holding a write lock until the transaction ends.

    PostgreSQL: ``SELECT ... FOR UPDATE``. SQLite: the transaction is restarted
    with ``BEGIN IMMEDIATE`` so that no other writer can commit between our read
    and our write. Call it before the use case writes anything.
    """
    session = db.session
    if session.get_bind().dialect.name == "sqlite":
        connection = session.connection()
        if not connection.info.get("immediate"):
            if session.new or session.dirty or session.deleted or session.info.get("wrote"):
                # Restarting the transaction would silently drop those writes.
                raise RuntimeError("lock_for_update() must come before any write")
            session.rollback()
            _begin_immediate.set(True)
            session.connection()
        return session.get(model, ident, populate_existing=True)
    stmt = select(model).where(model.id == ident).with_for_update()  # type: ignore[attr-defined]
    return session.execute(stmt, execution_options={"populate_existing": True}).scalar_one_or_none()


# Schema objects a migration makes that the models do not describe: the engine-specific
# search indexes (an FTS5 table and its shadow tables on SQLite, a trigram GIN index on
# PostgreSQL). Alembic's model-to-database comparison leaves them alone.
UNMODELLED_SCHEMA = ("search_fts", "ix_search_entry_folded_trgm")


def include_name(name, type_, parent_names) -> bool:
    """Alembic's ``include_name`` hook: everything but UNMODELLED_SCHEMA."""
    return not (name or "").startswith(UNMODELLED_SCHEMA)
