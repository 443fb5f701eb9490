"""A unit of work's hold on the store: one pooled connection, one transaction at a time.

The repositories run nearly every statement as a Core statement on the connection
(fast.execute). An ORM ``Session`` around it cost about 45 µs a request (made, begun,
closed) for the few repositories that add ORM rows, so the ORM session here is made
only when one of those asks for it, on the same connection and transaction, and lives
until that transaction ends. What the repositories ask of an ORM session (``add``,
``flush``, ``get``, ``execute``...) goes to it unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker

from . import fast
from .engine import begin_writing
from .fast import IdleConnections


@dataclass
class Seen:
    """What a unit of work read that its later reads take instead of asking the database
    again: the store's own bookkeeping, for the unit of work's whole life."""

    #: The reference and account versions as first read (repositories/reference.py).
    reference_version: int | None = None
    account_version: int | None = None
    #: Whether a customer's portal, or its organisation's, is switched off, as read with the
    #: login: (customer id, organisation id) -> off (PortalRepository.inactive_for).
    portal_off: dict[tuple[int, int | None], bool] = field(default_factory=dict)


class StoreSession:
    def __init__(self, factory: sessionmaker[Session], idle: IdleConnections | None = None):
        self._factory = factory
        self._engine = factory.kw["bind"]
        self._idle = idle
        self._fast = fast.enabled(self._engine)
        self._reads_autocommit = fast.reads_in_autocommit(self._engine)
        #: Whether to fold two statements into one (fast.folds): where each is a round trip
        #: to a server (PostgreSQL), on the fast path.
        self.round_trips = fast.folds(self._engine)
        self._connection: Connection | None = None
        self._orm: Session | None = None
        #: What the unit of work has read that its later reads take from (Seen).
        self.seen = Seen()

    def connection(self) -> Connection:
        """The connection, in a transaction (begun here if none is)."""
        connection = self._connection
        if connection is None:
            connection = self._connection = (self._idle.take() if self._idle is not None
                                             else self._engine.connect())
        if not connection.in_transaction():
            connection.begin()
            if self._reads_autocommit:
                fast.begin_reads(connection)  # until the unit of work writes (begin_writing)
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

    def begin_writing(self):
        """Make the transaction a writing one from here on (engine.begin_writing); return
        the writer lock to release once it ends, or None. Rows the ORM loaded before are
        read again: on the fast path they are expired; off it, SQLite's read transaction
        is replaced by a new one, so the ORM session on it is closed first."""
        if self._orm is not None:
            if self._fast or self._engine.dialect.name != "sqlite":
                self._orm.expire_all()
            else:
                self._end_orm()
        return begin_writing(self.connection())

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
                fast.release(connection)

    def _end_orm(self) -> None:
        orm, self._orm = self._orm, None
        if orm is not None:
            orm.close()  # "rollback_only": leaves the transaction to the connection
