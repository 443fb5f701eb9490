"""Plain results: no zeep objects leak out of the client."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Status:
    code: str
    name: str
    stage: str
    is_final: bool


@dataclass(frozen=True)
class Warning:
    code: str
    message: str


@dataclass(frozen=True)
class CallCreated:
    call_id: int
    external_ticket_id: str | None
    created: bool
    customer_known: bool
    status: Status
    warnings: tuple[Warning, ...] = ()


@dataclass(frozen=True)
class HistoryEntry:
    entry_id: int
    created_at: datetime
    author: str
    text: str


@dataclass(frozen=True)
class ContactEntry:
    entry_id: int
    created_at: datetime
    author: str
    contact_type: str
    text: str
    url: str | None


@dataclass(frozen=True)
class CallData:
    call_id: int
    external_ticket_id: str | None
    customer_id: str
    reported_customer_id: str
    subject: str
    description: str
    priority: str
    category: str
    status: Status
    solution_state: str
    created_at: datetime
    changed_at: datetime
    result: str | None = None
    solution: str | None = None
    service_level: str | None = None
    components: tuple[str, ...] = ()
    history: tuple[HistoryEntry, ...] = field(default_factory=tuple)
    contacts: tuple[ContactEntry, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SolutionAnswer:
    call_id: int
    solution_state: str
    changed: bool
    status: Status


@dataclass(frozen=True)
class Session:
    token: str
    expires_at: datetime
    idle_timeout_minutes: int
    role: str
