"""The read models the store's repositories return for the services: plain rows of a
query, not aggregates (those are in model.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .model import AssignmentState, Principal, Status


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
