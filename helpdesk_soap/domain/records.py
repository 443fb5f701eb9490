"""The read models the store's repositories return for the services: plain rows of a
query, not aggregates (those are in model.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .attachments import Attachment
from .model import AssignmentState, Entry, EntryKind, Principal, Status


@dataclass(frozen=True)
class CallContent:
    """A call's entries (in time order) and attachments of one visibility, as of one version
    of the call; with the entries split by kind, as GetCallData and the portal show them."""

    entries: tuple[Entry, ...]
    attachments: tuple[Attachment, ...]
    history: tuple[Entry, ...] = field(init=False, repr=False, compare=False)
    contacts: tuple[Entry, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "history",
                           tuple(e for e in self.entries if e.kind is EntryKind.HISTORY))
        object.__setattr__(self, "contacts",
                           tuple(e for e in self.entries if e.kind is EntryKind.CONTACT))


@dataclass(frozen=True, slots=True)
class CallSummary:
    call_id: int
    external_ticket_id: str | None
    customer_number: str
    subject: str
    status_code: str
    stage: str
    priority: str
    category: str
    created_at: datetime
    updated_at: datetime
    solution_state: str
    staff_unread: bool


@dataclass(frozen=True, slots=True)
class CustomerCallRow:
    """One line of the customer's call overview."""

    call_id: int
    external_ticket_id: str | None
    subject: str
    status: Status
    priority: str
    category: str
    created_at: datetime
    changed_at: datetime
    change_seq: int
    public_activities: int
    minutes_spent: int


@dataclass(frozen=True, slots=True)
class LoginRecord:
    principal: Principal
    password_hash: str
    active: bool
    locked_until: datetime | None
    email: str | None = None
    #: Whether the login's customer's portal, or its organisation's, is switched off, as
    #: read with the login (None: a login of no customer).
    portal_off: bool | None = None


@dataclass(frozen=True, slots=True)
class AssignmentRecord:
    login_id: int
    technician: str
    state: AssignmentState
    seen: bool
    changed_at: datetime
