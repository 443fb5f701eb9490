"""A unit of work's hold on the store: one pooled connection, one transaction at a time.

The repositories run nearly every statement as a Core statement on the connection
(prepared.py). An ORM ``Session`` around it cost about 45 µs a request (made, begun,
closed) for the few repositories that add ORM rows, so the ORM session here is made
only when one of those asks for it, on the same connection and transaction, and lives
until that transaction ends. What the repositories ask of an ORM session (``add``,
``flush``, ``get``, ``execute``...) goes to it unchanged.
"""

from __future__ import annotations

import select
import time
from typing import Callable

from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker


class IdleConnections:
    """Connections the last units of work left open, for the next ones.

    Checking a connection out of SQLAlchemy's pool and back (a ``Connection`` made, the
    pool's queue and lock, the reset on return) cost ~30 µs of a request that takes ~200,
    and on PostgreSQL the pool's ping is a round trip more. A unit of work that ends hands
    its connection here, its transaction ended, and the next one takes it as it is. Up to
    ``keep`` wait here; the rest go back to the pool.

    ``alive`` (PostgreSQL) looks at a kept connection before it is taken, without a round
    trip: a server that ended the connection (restart, shutdown, pg_terminate_backend) has
    closed its end, and a dead one goes back to the pool, whose checkout pings. A
    connection kept idle longer than ``max_idle`` seconds, or older than ``recycle``
    seconds, goes back to the pool too, which pings or replaces it (a firewall's idle
    timeout, the pool's recycling). ``close`` before the engine is disposed.
    """

    def __init__(self, engine, keep: int = 2, alive: Callable[[Connection], bool] | None = None,
                 max_idle: float | None = None, recycle: float | None = None):
        self._engine, self.keep = engine, keep
        self._alive, self._max_idle, self._recycle = alive, max_idle, recycle
        #: (connection, when it was left here)
        self._idle: list[tuple[Connection, float]] = []

    def take(self) -> Connection:
        while True:
            try:
                connection, left = self._idle.pop()  # atomic under the GIL: no lock needed
            except IndexError:
                connection = self._engine.connect()
                connection.info.setdefault(_BORN, time.monotonic())
                return connection
            if self._usable(connection, left):
                return connection
            release(connection)

    def _usable(self, connection: Connection, left: float) -> bool:
        now = time.monotonic()
        if self._max_idle is not None and now - left > self._max_idle:
            return False
        if self._recycle is not None and now - connection.info.get(_BORN, now) > self._recycle:
            return False
        if self._alive is not None and not self._alive(connection):
            connection.invalidate()
            return False
        return True

    def give(self, connection: Connection) -> None:
        if len(self._idle) >= self.keep or connection.invalidated:
            release(connection)
            return
        try:
            if connection.in_transaction():
                connection.rollback()
        except BaseException:
            connection.close()
            raise
        self._idle.append((connection, time.monotonic()))

    def close(self) -> None:
        while self._idle:
            release(self._idle.pop()[0])


#: ``Connection.info`` key (it lives as long as the driver's connection): when it was made.
_BORN = "helpdesk_born"
#: How long a PostgreSQL connection may wait here before the pool pings it again.
MAX_IDLE_SECONDS = 30.0


def idle_connections(engine, recycle: float | None = None) -> IdleConnections:
    """Where units of work on this engine keep their connections between them."""
    if engine.dialect.name == "postgresql":
        return IdleConnections(engine, alive=_server_still_there, max_idle=MAX_IDLE_SECONDS,
                               recycle=recycle)
    return IdleConnections(engine)


def _server_still_there(connection: Connection) -> bool:
    """An idle PostgreSQL connection has nothing to read: a server that ended it sent its
    last words (or the end of the stream). A poll of the socket, ~2 µs, no round trip."""
    driver = connection.connection.driver_connection
    if driver.closed or getattr(driver, "broken", False):
        return False
    poll = select.poll()  # not select(): a descriptor may be above FD_SETSIZE
    poll.register(driver.fileno(), select.POLLIN)
    return not poll.poll(0)


def release(connection: Connection) -> None:
    """Give a connection back to the pool as its next user expects it: out of autocommit
    (PostgreSQL, StoreSession._reads_autocommit); a broken one is invalidated."""
    try:
        if connection.dialect.name == "postgresql" and not connection.invalidated:
            end_autocommit(connection)
    except Exception:
        connection.invalidate()
    finally:
        connection.close()


class StoreSession:
    def __init__(self, factory: sessionmaker[Session], idle: IdleConnections | None = None):
        self._factory = factory
        self._engine = factory.kw["bind"]
        self._idle = idle
        #: Read committed gives each statement a snapshot of its own, in a transaction or
        #: not: a read-only transaction there only costs two round trips (BEGIN, ROLLBACK).
        self._reads_autocommit = self._engine.dialect.name == "postgresql"
        #: Whether each statement is a round trip to a server (PostgreSQL), or a call into a
        #: library in this process (SQLite): worth folding two queries into one, or not.
        self.round_trips = self._engine.dialect.name != "sqlite"
        self._connection: Connection | None = None
        self._orm: Session | None = None
        #: What the unit of work notes for its whole life (e.g. the reference version seen).
        self.info: dict = {}

    def connection(self) -> Connection:
        """The connection, in a transaction (begun here if none is)."""
        connection = self._connection
        if connection is None:
            connection = self._connection = (self._idle.take() if self._idle is not None
                                             else self._engine.connect())
        if not connection.in_transaction():
            connection.begin()
            if self._reads_autocommit:
                # PostgreSQL: until the unit of work writes (begin_writing), each statement
                # runs on its own, with no BEGIN and ROLLBACK around them.
                connection.connection.driver_connection.autocommit = True
        return connection

    @property
    def orm(self) -> Session:
        """An ORM session on this transaction: it flushes into it, and never ends it."""
        if self._orm is None:
            self._orm = self._factory(bind=self.connection(), join_transaction_mode="rollback_only")
        return self._orm

    def add(self, instance) -> None:
        self.orm.add(instance)

    def flush(self) -> None:
        self.orm.flush()

    def get(self, entity, ident):
        return self.orm.get(entity, ident)

    def merge(self, instance):
        return self.orm.merge(instance)

    def execute(self, statement, params=None):
        return self.orm.execute(statement, params)

    def scalar(self, statement, params=None):
        return self.orm.scalar(statement, params)

    def scalars(self, statement, params=None):
        return self.orm.scalars(statement, params)

    def expire_all(self) -> None:
        if self._orm is not None:
            self._orm.expire_all()

    def commit(self) -> None:
        """Flush what the ORM holds, and commit (an IntegrityError comes from either)."""
        try:
            if self._orm is not None:
                self._orm.flush()
            if self._connection is not None and self._connection.in_transaction():
                self._connection.commit()
        finally:
            self._end_orm()

    def rollback(self) -> None:
        self._end_orm()
        if self._connection is not None and self._connection.in_transaction():
            self._connection.rollback()

    def close(self) -> None:
        """Roll back whatever was not committed and give the connection back (to the idle
        connections, or the pool)."""
        connection, self._connection = self._connection, None
        try:
            self._end_orm()
        finally:
            if connection is None:
                pass
            elif self._idle is not None:
                self._idle.give(connection)
            else:
                release(connection)

    def _end_orm(self) -> None:
        orm, self._orm = self._orm, None
        if orm is not None:
            orm.close()  # "rollback_only": leaves the transaction to the connection


def end_autocommit(connection: Connection) -> None:
    """Take the driver out of autocommit (StoreSession._reads_autocommit): its next
    statement begins a transaction. In autocommit, it is never inside one."""
    driver = connection.connection.driver_connection
    if driver.autocommit:
        driver.autocommit = False
