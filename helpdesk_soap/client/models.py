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
class AttachmentInfo:
    attachment_id: int
    file_name: str
    content_type: str
    size: int
    sha256: str
    visibility: str
    author: str
    created_at: datetime


@dataclass(frozen=True)
class Attachment:
    info: AttachmentInfo
    #: Checked against ``info.sha256`` by the client.
    content: bytes


@dataclass(frozen=True)
class CallRow:
    """One line of ListCalls or GetChangedCalls."""

    call_id: int
    external_ticket_id: str | None
    subject: str
    status: Status
    priority: str
    category: str
    created_at: datetime
    changed_at: datetime
    public_activities: int
    minutes_spent: int


@dataclass(frozen=True)
class CallOverview:
    calls: tuple[CallRow, ...]
    next_cursor: str | None
    total_minutes_spent: int


@dataclass(frozen=True)
class Changes:
    calls: tuple[CallRow, ...]
    #: Keep it and send it as ``since`` next time.
    watermark: int
    more_available: bool


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
    attachments: tuple[AttachmentInfo, ...] = field(default_factory=tuple)
    affected_domain: str | None = None
    browser: str | None = None
    hosting: str | None = None
    responsible_user: str | None = None


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
    #: The login's own customer (None for staff and admins).
    customer_id: str | None = None
