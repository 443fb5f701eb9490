"""The unit-of-work port the services depend on; ``store`` implements it."""

from __future__ import annotations

from typing import Any, Callable, Protocol, TypeVar

from ..domain.errors import Conflict
from . import ports

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
    """One request's access to the store: its repositories (ports.py), and its transaction."""

    calls: ports.Calls
    customers: ports.Customers
    statuses: ports.Statuses
    logins: ports.Logins
    settings: ports.SettingsStore
    sessions: ports.Sessions
    organisations: ports.Organisations
    portals: ports.Portals
    assignments: ports.Assignments
    mail: ports.Mail
    tokens: ports.Tokens
    attachments: ports.Attachments
    time_records: ports.TimeRecords
    request_types: ports.RequestTypesStore
    #: The communication log: switches and recorded envelopes.
    commlog: ports.Commlog
    #: Push listeners, events and deliveries.
    push: ports.Push
    #: The staff desk's queue and technicians.
    desk: ports.Desk
    #: The admin pages' queries.
    admin: ports.Admin
    #: The attachment file store; None where no attachments are handled.
    files: ports.Files | None

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
