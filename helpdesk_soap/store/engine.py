"""Engines and session factories, built explicitly from a URL: nothing at import time."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 10_000


def make_engine(url: str, *, pool_size: int = 5, max_overflow: int = 5,
                pool_recycle: int = 1800, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> Engine:
    """An engine for the URL. Pools are per process: build it after gunicorn forks.

    PostgreSQL: each worker holds up to ``pool_size + max_overflow``
    connections; ``pool_pre_ping`` replaces connections the server dropped
    (restart, failover), and ``pool_recycle`` retires old ones before a
    firewall or pgbouncer does.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, busy_timeout_ms)
    return create_engine(parsed, pool_pre_ping=True, pool_recycle=pool_recycle,
                         pool_size=pool_size, max_overflow=max_overflow, pool_timeout=10)


def _sqlite_engine(url, busy_timeout_ms: int) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (see _on_begin).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A writer takes SQLite's write lock when its transaction begins. A deferred
        # transaction that reads first and writes later can fail with "database is
        # locked" at once, busy timeout or not, when another writer got in between.
        if conn.get_execution_options().get("helpdesk_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
