"""Push events: what a customer's ticket system is told about its calls.

An event names one customer-visible change of a call, numbered with the
call's change watermark (the sequence GetChangedCalls returns), and carries
the call's customer-visible state after the change: nothing internal (no
internal entries, no technicians, the Result only where the status shows it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from .model import Call, Entry, Status, Visibility, visible_result


class EventType(str, Enum):
    CALL_CREATED = "CallCreated"
    PUBLIC_ENTRY_ADDED = "PublicEntryAdded"
    STATUS_CHANGED = "StatusChanged"
    SOLUTION_PROPOSED = "SolutionProposed"
    RESULT_VISIBLE = "ResultVisible"
    CALL_CLOSED = "CallClosed"


ALL_EVENTS = tuple(EventType)


class Format(str, Enum):
    JSON = "JSON"
    SOAP = "SOAP"


def parse_events(names) -> tuple[EventType, ...]:
    """Event names as sent by a caller, in a stable order; ValueError names the unknown one."""
    wanted = set()
    for name in names:
        try:
            wanted.add(EventType(name))
        except ValueError:
            raise ValueError(f"unknown event type {name!r}; known: "
                             + ", ".join(e.value for e in ALL_EVENTS)) from None
    return tuple(e for e in ALL_EVENTS if e in wanted)


def status_events(old: Status | None, new: Status, result: str | None) -> list[EventType]:
    """The events a status change brings: StatusChanged, and CallClosed or ResultVisible where
    the new status is final or first shows a result."""
    events = [EventType.STATUS_CHANGED]
    if new.is_final and not (old is not None and old.is_final):
        events.append(EventType.CALL_CLOSED)
    if result and new.result_visible and not (old is not None and old.result_visible):
        events.append(EventType.RESULT_VISIBLE)
    return events


#: Who may hear of a call's changes: (listener id, the names of the event types it wants)
#: for each active listener the change reaches (the store's PushRepository.audience).
Audience = tuple[tuple[int, frozenset[str]], ...]


def recipients(types, audience: Audience) -> tuple[tuple[EventType, tuple[int, ...]], ...]:
    """Each of ``types`` with the listeners of ``audience`` that want it, in order; a type
    that no listener wants is left out."""
    found = []
    for event_type in types:
        wanting = tuple(lid for lid, events in audience if event_type.value in events)
        if wanting:
            found.append((event_type, wanting))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class EventDraft:
    """An event as a service decides it, before the store numbers and fans it out."""

    call_id: int
    #: Each event type with the listeners it goes to (``recipients``).
    recipients: tuple[tuple[EventType, tuple[int, ...]], ...]
    #: The login that made the change: its own listeners are not told (no echo loops).
    origin_login_id: int | None
    state: dict


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def customer_state(call: Call, status: Status, customer_number: str,
                   new_entries: list[Entry]) -> dict:
    """The call as its customer sees it after the change, with the public entries it added."""
    return {
        "CallId": call.id, "ExternalTicketId": call.external_ticket_id,
        "CustomerId": customer_number, "Subject": call.subject,
        "Priority": str(call.priority.value), "Category": str(call.category.value),
        "Status": {"Code": status.code, "Name": status.name, "Stage": str(status.stage.value),
                   "IsFinal": bool(status.is_final)},
        "Result": visible_result(call, status),
        "Solution": call.solution, "SolutionState": str(call.solution_state.value),
        "ChangedAt": _iso(call.changed_at),
        "NewEntries": [{"Kind": str(e.kind.value), "Author": e.author, "Text": e.text,
                        "CreatedAt": _iso(e.created_at)}
                       for e in new_entries if e.visibility is Visibility.PUBLIC],
    }
