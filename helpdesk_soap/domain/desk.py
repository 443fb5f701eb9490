"""The staff desk's plain values: a technician's availability and notification choices
(source document 004), and the queue's filter."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class NotifyEvent(enum.StrEnum):
    """What a technician may be told about."""

    NEW_CALL = "NewCall"          # a new call was filed
    REPLY = "Reply"               # the customer replied on a call assigned to them
    SOLUTION = "SolutionAnswer"   # the customer accepted or rejected a solution on it


@dataclass(frozen=True, slots=True)
class TechnicianPrefs:
    """Defaults: available for requests, notified by e-mail, of nothing (opt in)."""

    available: bool = True
    channel: str = "email"
    events: frozenset[NotifyEvent] = field(default_factory=frozenset)

    def wants(self, event: NotifyEvent) -> bool:
        """Unavailable technicians get no notifications (source document 004)."""
        return self.available and event in self.events


@dataclass(frozen=True, slots=True)
class Technician:
    login_id: int
    name: str
    email: str | None
    prefs: TechnicianPrefs


@dataclass(frozen=True, slots=True)
class DeskFilter:
    """The queue's filter; every field optional."""

    status: str | None = None
    stage: str | None = None
    customer_number: str | None = None
    category: str | None = None
    priority: str | None = None
    #: Only calls assigned to the login asking.
    mine: bool = False
    #: Only calls of the customers the login asking is responsible for (all, where it is
    #: named for none).
    my_customers: bool = False
    #: Only calls nobody is assigned to.
    unassigned: bool = False
    #: Only calls with customer replies no staff member has opened yet.
    unread: bool = False
    #: In the subject or the caller's ExternalTicketId.
    text: str | None = None
