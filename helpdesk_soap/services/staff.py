"""Staff actions on calls: the staff service and the CLI drive them.

Every change is recorded in the call's history with who made it and when,
so staff can reconstruct a call's life from it. Public entries, status
changes and proposed solutions also notify the customer's contact address
by mail (through the outbox, in the same transaction). Changes to assignments are
internal entries; status, result and solution changes follow the rules in
the domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..domain.errors import InvalidArgument, UnknownReference
from ..domain.events import EventType, status_events
from ..domain.filters import CallFilter
from ..domain.model import (AssignmentState, Call, ContactType, Entry, EntryKind, Principal, Role,
                            Status, Visibility)
from ..domain.settings import Settings
from ..domain.text import xml_safe
from .auth import require_role
from .calls import _status, utcnow
from . import push
from .notify import notify_customer
from .unit_of_work import UnitOfWork

MAX_PAGE = 200
#: ListCalls' page when the caller names none.
DEFAULT_PAGE = 50


@dataclass(frozen=True, slots=True)
class CallPage:
    rows: list
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class StaffCallView:
    call: Call
    status: Status
    customer_number: str
    entries: list[Entry]
    assignments: list
    attachments: list
    time_records: list
    #: A customer replied (or attached a file) since a staff member last opened the call.
    unread: bool


def _load(uow: UnitOfWork, call_id: int) -> Call:
    uow.begin_write()
    call = uow.calls.get(call_id)
    if call is None:
        raise UnknownReference(f"Call {call_id} does not exist.", field="CallId")
    return call


def _save(uow: UnitOfWork, call: Call, events=(), now: datetime | None = None) -> Call:
    """Save and commit, with the push events of the change (staff logins have no listeners,
    so nobody is left out as the change's author)."""
    push.save(uow, call, events, None, now or utcnow())
    uow.commit()
    return call


def list_calls(uow: UnitOfWork, where: CallFilter, cursor: str | None = None,
               limit: int | None = None) -> CallPage:
    limit = DEFAULT_PAGE if limit is None else limit
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidArgument(f"PageSize must be between 1 and {MAX_PAGE}.", field="PageSize")
    rows, next_cursor = uow.calls.search(where, cursor, limit)
    return CallPage(rows, next_cursor)


def get_call(uow: UnitOfWork, principal: Principal, call_id: int) -> StaffCallView:
    """The whole call, internal entries included.

    Opening it marks the caller's assignment seen and the customer's replies read; the view
    still reports them as unread this once, so the opener sees what is new.
    """
    call = uow.calls.get(call_id)
    if call is None:
        raise UnknownReference(f"Call {call_id} does not exist.", field="CallId")
    assignments = uow.assignments.for_call(call_id)
    unread = uow.calls.staff_unread(call_id)
    if unread or any(a.login_id == principal.login_id and not a.seen for a in assignments):
        uow.begin_write()
        # The call's row first, as every writer takes it, then the assignment.
        uow.calls.set_staff_unread(call_id, False)
        uow.assignments.mark_seen(call_id, principal.login_id)
        uow.commit()
        assignments = uow.assignments.for_call(call_id)
    return StaffCallView(call, _status(uow, call.status_code), uow.customers.get(call.customer_id).number,
                         uow.calls.entries(call_id), assignments, uow.attachments.for_call(call_id),
                         uow.time_records.for_call(call_id), unread)


MAX_MINUTES = 24 * 60


def record_time(uow: UnitOfWork, call_id: int, minutes: int, note: str | None, *,
                technician: str | None = None, author: str, now: datetime | None = None) -> Call:
    """Record time a technician (the author, unless named) spent on a call; customers see
    the sum as time spent."""
    technician = technician or author
    if not 1 <= minutes <= MAX_MINUTES:
        raise InvalidArgument(f"Minutes must be between 1 and {MAX_MINUTES}.", field="Minutes",
                              limit=MAX_MINUTES)
    now = now or utcnow()
    note = xml_safe(note or "").strip()
    call = _load(uow, call_id)
    uow.time_records.add(call_id, _technician(uow, technician), minutes, note, author, now)
    call.record(Entry(EntryKind.HISTORY, f"{technician} spent {minutes} min." + (f" {note}" if note else ""),
                      author, now, visibility=Visibility.INTERNAL))
    return _save(uow, call)


def add_entry(uow: UnitOfWork, call_id: int, kind: EntryKind, text: str, *, author: str,
              visibility: Visibility = Visibility.PUBLIC, contact_type: ContactType | None = None,
              path: str | None = None, now: datetime | None = None) -> Call:
    if not text.strip():
        raise InvalidArgument("An entry needs text.", field="Text")
    now = now or utcnow()
    call = _load(uow, call_id)
    if kind is EntryKind.CONTACT and contact_type is None:
        contact_type = ContactType.NOTE
    call.record(Entry(kind, text, author, now, visibility=visibility,
                      contact_type=contact_type if kind is EntryKind.CONTACT else None,
                      path=path))
    events = []
    if visibility is Visibility.PUBLIC:
        notify_customer(uow, call, f"{author} added to your call:\n\n{text}", now)
        events.append(EventType.PUBLIC_ENTRY_ADDED)
    return _save(uow, call, events, now)


def set_status(uow: UnitOfWork, call_id: int, status_code: str, *, author: str,
               now: datetime | None = None) -> Call:
    now = now or utcnow()
    call = _load(uow, call_id)
    status = uow.statuses.get(status_code)
    if status is None:
        raise UnknownReference(f"Status {status_code!r} does not exist.", field="Status")
    old = _status(uow, call.status_code)
    events = []
    if call.set_status(status, author=author, now=now):
        notify_customer(uow, call, f"The status of your call is now: {status.name}.", now)
        events = status_events(old, status, call.result)
    return _save(uow, call, events, now)


def set_result(uow: UnitOfWork, call_id: int, text: str, *, author: str,
               now: datetime | None = None) -> Call:
    now = now or utcnow()
    call = _load(uow, call_id)
    call.set_result(text, author=author, now=now)
    visible = bool(call.result) and _status(uow, call.status_code).result_visible
    return _save(uow, call, [EventType.RESULT_VISIBLE] if visible else [], now)


def set_visibility(uow: UnitOfWork, call_id: int, internal: bool, *, author: str,
                   now: datetime | None = None) -> Call:
    """Internal (staff only) or public (source document 003's status bar)."""
    now = now or utcnow()
    call = _load(uow, call_id)
    call.set_internal(internal, author=author, now=now)
    return _save(uow, call)


def propose_solution(uow: UnitOfWork, call_id: int, text: str, *, author: str,
                     now: datetime | None = None) -> Call:
    now = now or utcnow()
    call = _load(uow, call_id)
    settings: Settings = uow.settings.get()
    old = _status(uow, call.status_code)
    proposed = _status(uow, settings.solution_proposed_status)
    call.propose_solution(text, proposed, author=author, now=now)
    events = [EventType.SOLUTION_PROPOSED]
    if proposed.code != old.code:
        events += status_events(old, proposed, call.result)
    notify_customer(uow, call, f"A solution is proposed for your call:\n\n{call.solution}\n\n"
                               "Please accept or reject it.", now)
    return _save(uow, call, events, now)


def _technician(uow: UnitOfWork, name: str) -> int:
    record = uow.logins.by_name(name)
    if record is None or not record.principal.role.is_staff:
        raise UnknownReference(f"No technician {name!r}.", field="Technician")
    return record.principal.login_id


def assign(uow: UnitOfWork, call_id: int, technician: str, state: AssignmentState, *, author: str,
           now: datetime | None = None) -> Call:
    """Mark a technician as requested, assigned or available for a call. New assignments are unseen."""
    now = now or utcnow()
    call = _load(uow, call_id)
    login_id = _technician(uow, technician)
    if state is not AssignmentState.ASSIGNED and not uow.desk.prefs(login_id).available:
        # Source document 004: an unavailable technician is not offered new calls.
        raise InvalidArgument(f"{technician} is unavailable for requests.", field="Technician")
    if state is not AssignmentState.ASSIGNED and login_id not in uow.desk.responsible(
            call.customer_id):  # nor calls of customers others are responsible for
        raise InvalidArgument(f"{technician} is not responsible for this customer.",
                              field="Technician")
    uow.assignments.put(call_id, login_id, state, now)
    call.record(Entry(EntryKind.HISTORY, f"Technician {technician}: {state.value}.", author, now,
                      visibility=Visibility.INTERNAL))
    return _save(uow, call)


def unassign(uow: UnitOfWork, call_id: int, technician: str, *, author: str,
             now: datetime | None = None) -> Call:
    now = now or utcnow()
    call = _load(uow, call_id)
    if not uow.assignments.remove(call_id, _technician(uow, technician)):
        raise UnknownReference(f"{technician!r} is not on call {call_id}.", field="Technician")
    call.record(Entry(EntryKind.HISTORY, f"Technician {technician}: removed.", author, now,
                      visibility=Visibility.INTERNAL))
    return _save(uow, call)


def require_admin(principal: Principal) -> None:
    require_role(principal, Role.ADMIN)
