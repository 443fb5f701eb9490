"""Staff actions on a call. The CLI drives them today; the staff service will too.

Every change is recorded in the call's history with its author and time.
"""

from __future__ import annotations

from datetime import datetime

from ..domain.errors import UnknownReference
from ..domain.model import Call, ContactType, Entry, EntryKind, Visibility
from ..domain.settings import Settings
from .calls import _status, utcnow
from .unit_of_work import UnitOfWork


def _load(uow: UnitOfWork, call_id: int) -> Call:
    uow.begin_write()
    call = uow.calls.get(call_id)
    if call is None:
        raise UnknownReference(f"Call {call_id} does not exist.", field="CallId")
    return call


def _save(uow: UnitOfWork, call: Call) -> Call:
    uow.calls.save(call)
    uow.commit()
    return call


def add_entry(uow: UnitOfWork, call_id: int, kind: EntryKind, text: str, *, author: str,
              visibility: Visibility = Visibility.PUBLIC, contact_type: ContactType | None = None,
              path: str | None = None, now: datetime | None = None) -> Call:
    call = _load(uow, call_id)
    if kind is EntryKind.CONTACT and contact_type is None:
        contact_type = ContactType.NOTE
    call.record(Entry(kind, text, author, now or utcnow(), visibility=visibility,
                      contact_type=contact_type if kind is EntryKind.CONTACT else None,
                      path=path))
    return _save(uow, call)


def set_status(uow: UnitOfWork, call_id: int, status_code: str, *, author: str,
               now: datetime | None = None) -> Call:
    call = _load(uow, call_id)
    status = uow.statuses.get(status_code)
    if status is None:
        raise UnknownReference(f"Status {status_code!r} does not exist.", field="Status")
    call.set_status(status, author=author, now=now or utcnow())
    return _save(uow, call)


def set_result(uow: UnitOfWork, call_id: int, text: str, *, author: str,
               now: datetime | None = None) -> Call:
    call = _load(uow, call_id)
    call.set_result(text, author=author, now=now or utcnow())
    return _save(uow, call)


def propose_solution(uow: UnitOfWork, call_id: int, text: str, *, author: str,
                     now: datetime | None = None) -> Call:
    call = _load(uow, call_id)
    settings: Settings = uow.settings.get()
    call.propose_solution(text, _status(uow, settings.solution_proposed_status),
                          author=author, now=now or utcnow())
    return _save(uow, call)
