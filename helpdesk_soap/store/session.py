"""A unit of work's hold on the store: one pooled connection, one transaction at a time.

The repositories run nearly every statement as a Core statement on the connection
(prepared.py). An ORM ``Session`` around it cost about 45 µs a request (made, begun,
closed) for the few repositories that add ORM rows, so the ORM session here is made
only when one of those asks for it, on the same connection and transaction, and lives
until that transaction ends. What the repositories ask of an ORM session (``add``,
``flush``, ``get``, ``execute``...) goes to it unchanged.
"""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker


class IdleConnections:
    """Connections the last units of work left open, for the next ones (SQLite).

    Checking a connection out of SQLAlchemy's pool and back (a ``Connection`` made, the
    pool's queue and lock, the reset on return) cost ~30 µs of a request that takes ~200.
    A unit of work that ends hands its connection here, its transaction ended, and the next
    one takes it as it is. Up to ``keep`` wait here; the rest go back to the pool. Only for
    SQLite: a PostgreSQL connection is pinged at every checkout (make_engine), which a kept
    one would skip. ``close`` before the engine is disposed.
    """

    def __init__(self, engine, keep: int = 2):
        self._engine, self.keep = engine, keep
        self._idle: list[Connection] = []

    def take(self) -> Connection:
        try:
            return self._idle.pop()  # atomic under the GIL: no lock needed
        except IndexError:
            return self._engine.connect()

    def give(self, connection: Connection) -> None:
        if len(self._idle) >= self.keep:
            connection.close()
            return
        try:
            if connection.in_transaction():
                connection.rollback()
        except BaseException:
            connection.close()
            raise
        self._idle.append(connection)

    def close(self) -> None:
        while self._idle:
            self._idle.pop().close()


def idle_connections(engine) -> IdleConnections | None:
    """Where units of work on this engine keep their connections between them, if anywhere."""
    return IdleConnections(engine) if engine.dialect.name == "sqlite" else None


class StoreSession:
    def __init__(self, factory: sessionmaker[Session], idle: IdleConnections | None = None):
        self._factory = factory
        self._engine = factory.kw["bind"]
        self._idle = idle
        #: Read committed gives each statement a snapshot of its own, in a transaction or
        #: not: a read-only transaction there only costs two round trips (BEGIN, ROLLBACK).
        self._reads_autocommit = self._engine.dialect.name == "postgresql"
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
            elif self._reads_autocommit:
                try:
                    if not connection.invalidated:
                        end_autocommit(connection)  # the pool's next user expects transactions
                except Exception:  # a broken connection: the pool must not hand it out again
                    connection.invalidate()
                finally:
                    connection.close()
            elif self._idle is not None:
                self._idle.give(connection)
            else:
                connection.close()

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
