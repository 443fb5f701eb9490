"""The unit-of-work port the services depend on; ``store`` implements it."""

from __future__ import annotations

from typing import Any, Protocol


class Conflict(Exception):
    """A concurrent writer won: a unique key was taken or a row changed under us.

    Services catch it and re-read; it never reaches a caller.
    """


class UnitOfWork(Protocol):
    calls: Any
    customers: Any
    statuses: Any
    logins: Any
    settings: Any
    sessions: Any
    organisations: Any
    portals: Any
    assignments: Any
    mail: Any
    tokens: Any
    attachments: Any
    time_records: Any
    #: The attachment file store: ``put(bytes) -> sha256`` and ``get(sha256) -> bytes``.
    files: Any

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, *exc: object) -> None: ...

    def begin_write(self) -> None:
        """Declare that this unit of work will write (lets SQLite take its write lock up front)."""

    def commit(self) -> None: ...
    def rollback(self) -> None: ...
