"""The unit-of-work port the services depend on; ``store`` implements it."""

from __future__ import annotations

from typing import Callable, Protocol, TypeVar

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
    #: A call's entries and attachments together, as GetCallData and the portal show them.
    contents: ports.CallContents
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

    def begin_write(self) -> None:
        """Declare that this unit of work will write (lets SQLite take its write lock up front)."""

    def commit(self) -> None: ...
    def rollback(self) -> None: ...
