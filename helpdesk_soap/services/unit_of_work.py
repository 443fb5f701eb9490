"""The unit-of-work port the services depend on; ``store`` implements it."""

from __future__ import annotations

from typing import Any, Callable, Protocol, TypeVar

from ..domain.errors import Conflict

T = TypeVar("T")

__all__ = ["Conflict", "UnitOfWork", "retry_on_conflict"]


def retry_on_conflict(uow: UnitOfWork, change: Callable[[], T], attempts: int = 3) -> T:
    """Run ``change`` (which begins a write, reads, saves and commits) again after losing a
    race to another writer of the same call: it then re-reads and decides on fresh data."""
    for attempt in range(1, attempts + 1):
        try:
            return change()
        except Conflict:
            uow.rollback()
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


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
    #: ``get() -> RequestTypes`` (domain/request_types.py); ``save(category, rules)``.
    request_types: Any
    #: The communication log: switches and recorded envelopes (store/commlog_repository.py).
    commlog: Any
    #: Push listeners, events and deliveries (store/push_repository.py).
    push: Any
    #: The staff desk's queue and technicians (store/desk_repository.py).
    desk: Any
    #: The admin pages' queries (store/admin_repository.py).
    admin: Any
    #: The attachment file store: ``put(bytes) -> sha256`` and ``get(sha256) -> bytes``.
    files: Any

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, *exc: object) -> None: ...

    def call_content(self, call: Any, visibility: Any, read: Callable[[], tuple]) -> tuple:
        """``(entries, attachments, derived)``: what ``read()`` returns (the call's entries
        and attachments of this visibility), or the same as the store may keep them for
        the call's current version. ``derived`` is a dict that lives as long as that copy:
        what is computed from the entries and attachments alone may be kept there."""

    def expect_call(self, call_id: int) -> None:
        """A hint: the use case's first read is this call, right after authentication.
        A store may read it with authentication's own query (one round trip, not two)."""

    def begin_write(self) -> None:
        """Declare that this unit of work will write (lets SQLite take its write lock up front)."""

    def commit(self) -> None: ...
    def rollback(self) -> None: ...
