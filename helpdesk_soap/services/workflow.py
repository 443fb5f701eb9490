"""The customer's ticket workflow beyond the three core operations (source documents 001-003):
the call overview, change polling, replies, request types and statuses (attachments are in
``attachments``).

Every function sees only what the principal may see: calls of its customer
(or organisation) and calls it created; public entries and attachments only.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from ..domain.errors import CallClosed, InvalidArgument
from ..domain.events import EventType
from ..domain.filters import OverviewFilter
from ..domain.model import Call, Entry, EntryKind, Principal, Status
from ..domain.request_types import RequestTypes
from ..domain.text import xml_safe
from . import staff_notify
from .calls import _status, utcnow, visible_call
from . import push
from .unit_of_work import UnitOfWork, retry_on_conflict

#: Largest page of ListCalls and GetChangedCalls.
MAX_PAGE = 100
DEFAULT_PAGE = 50
MAX_NOTE = 65536


@dataclass(frozen=True, slots=True)
class Overview:
    rows: list
    next_cursor: str | None
    #: Minutes spent over every call the filter matches, not just this page.
    total_minutes: int


@dataclass(frozen=True, slots=True)
class Changes:
    rows: list
    #: Send this as Since next time.
    watermark: int
    #: More changes are waiting: ask again at once with the new watermark.
    more: bool


def _page_size(page_size: int | None) -> int:
    size = DEFAULT_PAGE if page_size is None else page_size
    if not 1 <= size <= MAX_PAGE:
        raise InvalidArgument(f"PageSize must be between 1 and {MAX_PAGE}.", field="PageSize",
                              limit=MAX_PAGE)
    return size


def _encode_cursor(call_id: int) -> str:
    return base64.urlsafe_b64encode(f"calls<{call_id}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, value = raw.partition("<")
        if prefix != "calls":
            raise ValueError(raw)
        return int(value)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidArgument("The cursor is not one this service returned.", field="Cursor") from exc


def list_calls(uow: UnitOfWork, principal: Principal, where: OverviewFilter,
               cursor: str | None = None, page_size: int | None = None) -> Overview:
    """The principal's calls, newest first, a page at a time (keyset: as cheap on the last page
    as on the first), with the time spent on each and in total."""
    size = _page_size(page_size)
    after = _decode_cursor(cursor) if cursor else None
    rows, more, total = uow.calls.overview(principal, where.validated(), after, size)
    return Overview(rows, _encode_cursor(rows[-1].call_id) if more else None, total)


def changed_calls(uow: UnitOfWork, principal: Principal, since: int,
                  page_size: int | None = None) -> Changes:
    """The principal's calls whose customer-visible state changed after watermark ``since``.

    The watermark is the store's change sequence, handed out in commit order, so a change
    that commits while a poll runs is either in this answer or numbered above the new
    watermark: nothing is lost, whatever the clocks say.
    """
    if since < 0:
        raise InvalidArgument("Since must be 0 (everything) or a watermark this service returned.",
                              field="Since")
    rows, more = uow.calls.changed_since(principal, since, _page_size(page_size))
    return Changes(rows, rows[-1].change_seq if rows else since, more)


@dataclass(frozen=True, slots=True)
class NoteAdded:
    entry: Entry
    status: Status


def add_note(uow: UnitOfWork, principal: Principal, call_id: int, text: str,
             now: datetime | None = None) -> NoteAdded:
    """The customer replies to a call: a public history entry, unread for staff until opened."""
    text = xml_safe(text or "").strip()
    if not text:
        raise InvalidArgument("A note needs text.", field="Text")
    if len(text) > MAX_NOTE:
        raise InvalidArgument(f"A note may have at most {MAX_NOTE} characters.", field="Text",
                              limit=MAX_NOTE)
    now = now or utcnow()

    def reply() -> NoteAdded:
        uow.begin_write()
        call, status = open_call(uow, principal, call_id)
        entry = Entry(EntryKind.HISTORY, text, principal.login_name, now)
        call.record(entry)
        push.save(uow, call, [EventType.PUBLIC_ENTRY_ADDED], principal.login_id, now)
        uow.calls.set_staff_unread(call.id, True)
        uow.assignments.mark_all_unseen(call.id)
        staff_notify.customer_replied(uow, call, text, now)  # issue 26
        uow.commit()
        return NoteAdded(entry, status)

    return retry_on_conflict(uow, reply)


def open_call(uow: UnitOfWork, principal: Principal, call_id: int) -> tuple[Call, Status]:
    """A call the principal sees and may still add to, with its status."""
    call = visible_call(uow, principal, call_id)
    status = _status(uow, call.status_code)
    if status.is_final:
        raise CallClosed(field="CallId")
    return call, status


# -- reference data ---------------------------------------------------------------------

def request_types(uow: UnitOfWork) -> RequestTypes:
    """Each category's fields as CreateCall enforces them now (admins configure them:
    services/request_types.py); read from the worker's cache, like the settings."""
    return uow.request_types.get()


def statuses(uow: UnitOfWork) -> list[Status]:
    return uow.statuses.list()
