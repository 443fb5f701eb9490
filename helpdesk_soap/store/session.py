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


class StoreSession:
    def __init__(self, factory: sessionmaker[Session]):
        self._factory = factory
        self._engine = factory.kw["bind"]
        self._connection: Connection | None = None
        self._orm: Session | None = None
        #: What the unit of work notes for its whole life (e.g. the reference version seen).
        self.info: dict = {}

    def connection(self) -> Connection:
        """The connection, in a transaction (begun here if none is)."""
        connection = self._connection
        if connection is None:
            connection = self._connection = self._engine.connect()
        if not connection.in_transaction():
            connection.begin()
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
        """Roll back whatever was not committed and give the connection back to the pool."""
        connection, self._connection = self._connection, None
        try:
            self._end_orm()
        finally:
            if connection is not None:
                connection.close()

    def _end_orm(self) -> None:
        orm, self._orm = self._orm, None
        if orm is not None:
            orm.close()  # "rollback_only": leaves the transaction to the connection
