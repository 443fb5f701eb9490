"""The staff desk's use cases (issue 26): the queue, the call view, and the changes made
from it. Every change goes through the functions of services/staff.py that the /staff
service uses; this module adds what only a person at a desk needs: the queue's filters,
the fleet of technicians, and the optimistic check of a form's call version.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.desk import DeskFilter, Technician, TechnicianPrefs
from ..domain.errors import CallChanged, CallNotFound, InvalidArgument, UnknownReference
from ..domain.model import (AssignmentState, Category, ContactType, EntryKind, Principal,
                            Priority, Role, Stage, Visibility)
from . import staff
from .auth import require_role
from .unit_of_work import UnitOfWork

PAGE_SIZE = 25


def require_staff(principal: Principal) -> None:
    """Staff and admins only; anyone else learns nothing (AccessDenied reads as not found)."""
    require_role(principal, Role.STAFF, Role.ADMIN)


@dataclass(frozen=True, slots=True)
class QueuePage:
    rows: list
    next_cursor: str | None


def queue(uow: UnitOfWork, principal: Principal, where: DeskFilter, cursor: str | None = None,
          limit: int = PAGE_SIZE) -> QueuePage:
    """The calls staff may see (all of them), newest change first, filtered."""
    require_staff(principal)
    if not 1 <= limit <= staff.MAX_PAGE:
        raise InvalidArgument(f"PageSize must be between 1 and {staff.MAX_PAGE}.", field="PageSize")
    for value, kind, name in ((where.category, Category, "Category"),
                              (where.priority, Priority, "Priority"),
                              (where.stage, Stage, "Stage")):
        if value and value not in kind.__members__.values():
            raise InvalidArgument(f"Unknown {name.lower()} {value!r}.", field=name)
    if where.text is not None and len(where.text) > 200:
        raise InvalidArgument("Search at most 200 characters.", field="Search", limit=200)
    rows, next_cursor = uow.desk.queue(where, principal.login_id, cursor, limit)
    return QueuePage(rows, next_cursor)


@dataclass(frozen=True, slots=True)
class DeskCall:
    """One call as the desk shows it."""

    view: staff.StaffCallView
    public_entries: list
    internal_entries: list
    #: AssignmentRecords by state: Assigned, Requested, Available.
    fleet: dict
    #: Technicians who may be offered the call: available for requests, responsible for
    #: its customer, not yet on it.
    candidates: list[Technician]
    #: Every active technician (assigning is possible even to an unavailable one).
    technicians: list[Technician]
    statuses: list


def open_call(uow: UnitOfWork, principal: Principal, call_id: int) -> DeskCall:
    """The whole call; opening it marks the opener seen and the customer's replies read
    (staff.get_call)."""
    require_staff(principal)
    try:
        view = staff.get_call(uow, principal, call_id)
    except UnknownReference:
        raise CallNotFound() from None
    entries = view.entries
    fleet = {state: [a for a in view.assignments if a.state is state] for state in AssignmentState}
    on_call = {a.login_id for a in view.assignments}
    technicians = uow.desk.technicians()
    responsible = uow.desk.responsible(view.call.customer_id)
    candidates = [t for t in technicians if t.prefs.available and t.login_id not in on_call
                  and t.login_id in responsible]
    return DeskCall(view, [e for e in entries if e.visibility is Visibility.PUBLIC],
                    [e for e in entries if e.visibility is Visibility.INTERNAL], fleet,
                    candidates, technicians, uow.statuses.list())


def _fresh(uow: UnitOfWork, call_id: int, version: int | None) -> None:
    """The optimistic check: the form was made from ``version`` of the call. In the writing
    transaction, so the check and the save see the same row."""
    uow.begin_write()
    call = uow.calls.get(call_id)
    if call is None:
        raise CallNotFound()
    if version is not None and call.version != version:
        raise CallChanged()


def _change(uow: UnitOfWork, principal: Principal, call_id: int, version: int | None, change,
            *args, **kwargs):
    """One desk change to a call: staff only, the form's ``version`` checked (None: no
    check), made by the staff service's ``change`` in the technician's name."""
    require_staff(principal)
    _fresh(uow, call_id, version)
    return change(uow, call_id, *args, author=principal.login_name, **kwargs)


def add_entry(uow: UnitOfWork, principal: Principal, call_id: int, text: str, *,
              kind: EntryKind, visibility: Visibility, contact_type: ContactType | None = None):
    """Entries only add: two technicians writing at once both keep theirs, no version check."""
    return _change(uow, principal, call_id, None, staff.add_entry, kind, text,
                   visibility=visibility, contact_type=contact_type)


def set_status(uow: UnitOfWork, principal: Principal, call_id: int, version: int | None,
               status_code: str):
    return _change(uow, principal, call_id, version, staff.set_status, status_code)


def set_result(uow: UnitOfWork, principal: Principal, call_id: int, version: int | None,
               text: str):
    return _change(uow, principal, call_id, version, staff.set_result, text)


def set_visibility(uow: UnitOfWork, principal: Principal, call_id: int, version: int | None,
                   internal: bool):
    """The status bar's visibility: internal (staff only) or public."""
    return _change(uow, principal, call_id, version, staff.set_visibility, internal)


def propose_solution(uow: UnitOfWork, principal: Principal, call_id: int, version: int | None,
                     text: str):
    return _change(uow, principal, call_id, version, staff.propose_solution, text)


def assign(uow: UnitOfWork, principal: Principal, call_id: int, technician: str,
           state: AssignmentState):
    return _change(uow, principal, call_id, None, staff.assign, technician, state)


def unassign(uow: UnitOfWork, principal: Principal, call_id: int, technician: str):
    return _change(uow, principal, call_id, None, staff.unassign, technician)


def record_time(uow: UnitOfWork, principal: Principal, call_id: int, minutes: int, note: str):
    return _change(uow, principal, call_id, None, staff.record_time, minutes, note,
                   technician=principal.login_name)


# -- availability and notifications (source document 004) --------------------------------

def my_prefs(uow: UnitOfWork, principal: Principal) -> TechnicianPrefs:
    require_staff(principal)
    return uow.desk.prefs(principal.login_id)


def set_prefs(uow: UnitOfWork, principal: Principal, prefs: TechnicianPrefs) -> TechnicianPrefs:
    """A technician's own availability, channel and events."""
    from .staff_notify import CHANNELS

    require_staff(principal)
    if prefs.channel not in CHANNELS:
        raise InvalidArgument(f"Unknown notification channel {prefs.channel!r}.", field="Channel")
    uow.begin_write()
    uow.desk.put_prefs(principal.login_id, prefs)
    uow.commit()
    return prefs
