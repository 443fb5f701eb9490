"""Connections kept between units of work, in front of SQLAlchemy's pool (the fast path)."""

from __future__ import annotations

import select
import time
from typing import Callable

from sqlalchemy import Connection


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


def end_autocommit(connection: Connection) -> None:
    """Take the driver out of autocommit (StoreSession._reads_autocommit): its next
    statement begins a transaction. In autocommit, it is never inside one."""
    driver = connection.connection.driver_connection
    if driver.autocommit:
        driver.autocommit = False
