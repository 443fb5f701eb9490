"""The store's fast path: everything that reaches under SQLAlchemy, behind one switch.

The rest of the store calls only the functions here; with the switch off (configuration
``HELPDESK_STORE_FAST=0``, Config.store_fast) each does what plain SQLAlchemy does:

* ``execute``: a repository's prebuilt statement on the driver's cursor (prepared.py),
  or ``Connection.execute``;
* ``idle_connections``: connections kept between units of work in front of SQLAlchemy's
  pool (pool.py), or none (every unit of work checks one out of the pool);
* ``reads_in_autocommit``, ``begin_reads``, ``end_reads``: PostgreSQL's reads before a
  write in autocommit, or in the transaction SQLAlchemy begins;
* ``begin_immediate``: a SQLite writer's BEGIN IMMEDIATE on the driver, in place of the
  read transaction's, or a rollback and a BEGIN IMMEDIATE through SQLAlchemy (a
  ``begin`` listener, as SQLAlchemy's documentation does it for pysqlite);
* ``folds``: whether one statement does the work of several (a call's write with its
  entries and change number, folded.py).

Which way an engine goes is decided when it is made (``install``, from store/engine.py).
"""

from __future__ import annotations

import os

from sqlalchemy import Connection, Engine, event

from . import pool, prepared
from .pool import IdleConnections

#: The environment variable that switches the fast path off ("0") for engines made without
#: a Config (tests, tools); Config.from_env reads it too.
ENV = "HELPDESK_STORE_FAST"
_FLAG = "helpdesk_fast"
#: ``Connection.info`` key: the BEGIN the next transaction starts with (switch off, SQLite).
_BEGIN = "helpdesk_begin"

__all__ = ["ENV", "IdleConnections", "begin_immediate", "begin_reads", "default", "enabled",
           "end_reads", "execute", "folds", "idle_connections", "install", "reads_in_autocommit",
           "release"]


def default() -> bool:
    """Whether the fast path is on where nothing says otherwise (``HELPDESK_STORE_FAST``)."""
    return os.environ.get(ENV, "1").strip().lower() not in ("0", "false", "no", "off")


def install(engine: Engine, on: bool) -> None:
    """Set the engine's way, once, as it is made. SQLite's transactions begin with a plain
    BEGIN issued by us (pysqlite's own would begin them later, or never): on the fast
    path the dialect issues it, because any connection event listener makes SQLAlchemy
    dispatch events around every statement; off it, a ``begin`` listener does."""
    setattr(engine.dialect, _FLAG, on)
    if engine.dialect.name != "sqlite":
        return
    if on:
        engine.dialect.do_begin = _begin
    else:
        event.listen(engine, "begin", _begin_listened)


def enabled(bind: Engine | Connection) -> bool:
    on = getattr(bind.dialect, _FLAG, None)
    return default() if on is None else on


def folds(engine: Engine) -> bool:
    """Whether to fold several statements into one: where each is a round trip to a server
    (PostgreSQL), not a call into a library in this process (SQLite)."""
    return enabled(engine) and engine.dialect.name != "sqlite"


def execute(connection: Connection, statement, params):
    """Run a repository's statement (a module-level Core statement) in the connection's
    transaction. Rows read by position or unpacking, as both ways give them."""
    if enabled(connection):
        return prepared.execute(connection, statement, params)
    return connection.execute(statement, params)


def idle_connections(engine: Engine, recycle: float | None = None) -> IdleConnections | None:
    """Where units of work on this engine keep their connections between them, or None."""
    return pool.idle_connections(engine, recycle) if enabled(engine) else None


def reads_in_autocommit(engine: Engine) -> bool:
    """PostgreSQL, fast path: read committed gives each statement a snapshot of its own, so
    until a unit of work writes (end_reads) each statement may run on its own, without the
    BEGIN and ROLLBACK round trips around them."""
    return enabled(engine) and engine.dialect.name == "postgresql"


def begin_reads(connection: Connection) -> None:
    """A transaction was just begun for a unit of work's reads: run them in autocommit
    (where reads_in_autocommit)."""
    connection.connection.driver_connection.autocommit = True


def end_reads(connection: Connection) -> None:
    """The unit of work writes from here on (PostgreSQL): its next statement begins the
    transaction."""
    if enabled(connection):
        pool.end_autocommit(connection)


def release(connection: Connection) -> None:
    """Give a connection back to SQLAlchemy's pool."""
    if enabled(connection):
        pool.release(connection)
    else:
        connection.close()


def begin_immediate(connection: Connection) -> None:
    """SQLite: replace the connection's transaction (with the read snapshot it took) by one
    that holds the write lock. Off the fast path, an ORM session on the old transaction
    must have been closed first (store/session.py does)."""
    if enabled(connection):
        if not connection.in_transaction():
            connection.begin()
        driver = connection.connection.driver_connection
        driver.execute("ROLLBACK")
        driver.execute("BEGIN IMMEDIATE")
        return
    if connection.in_transaction():
        connection.rollback()
    connection.info[_BEGIN] = "BEGIN IMMEDIATE"
    try:
        connection.begin()
    finally:
        connection.info.pop(_BEGIN, None)


def _begin(dbapi_connection) -> None:
    dbapi_connection.execute("BEGIN")


def _begin_listened(connection: Connection) -> None:
    connection.exec_driver_sql(connection.info.get(_BEGIN, "BEGIN"))
