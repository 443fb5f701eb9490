"""Listener management for customer systems (the /helpdesk service) and staff (the CLI).

A login manages only its own listeners; a listener receives the events of the calls
of the login's customer and of the calls it filed, never of its own changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..domain.errors import InvalidArgument, UnknownReference
from ..domain.events import ALL_EVENTS, Format, parse_events
from ..domain.model import Principal
from ..push import signing, urls
from .calls import utcnow
from .unit_of_work import UnitOfWork

MAX_LISTENERS = 20


@dataclass(frozen=True, slots=True)
class Registered:
    listener: object
    #: Shown once: the key of the listener's signatures.
    secret: str


def _format(value: str | None) -> str:
    try:
        return Format((value or "JSON").upper()).value
    except ValueError:
        raise InvalidArgument("Format must be JSON or SOAP.", field="Format") from None


def _events(names) -> tuple:
    try:
        events = parse_events(names) if names else ALL_EVENTS
    except ValueError as exc:
        raise InvalidArgument(str(exc), field="Events") from None
    return events


def register(uow: UnitOfWork, principal: Principal, url: str, events, fmt: str | None,
             allow_networks, now: datetime | None = None) -> Registered:
    urls.resolve(url, allow_networks)
    events, fmt = _events(events), _format(fmt)
    uow.begin_write()
    if len(uow.push.listeners(principal.login_id)) >= MAX_LISTENERS:
        raise InvalidArgument(f"A login may have at most {MAX_LISTENERS} listeners.",
                              field="CallbackUrl", limit=MAX_LISTENERS)
    secret = signing.new_secret()
    listener = uow.push.add_listener(principal.login_id, principal.customer_id, url.strip(), fmt,
                                     events, secret, now or utcnow())
    uow.commit()
    return Registered(listener, secret)


def mine(uow: UnitOfWork, principal: Principal) -> list:
    return uow.push.listeners(principal.login_id)


def _own(uow: UnitOfWork, principal: Principal | None, listener_id: int):
    row = uow.push.listener_row(listener_id)
    if row is None or (principal is not None and row.login_id != principal.login_id):
        raise UnknownReference(f"No listener {listener_id}.", field="ListenerId")
    return row


def update(uow: UnitOfWork, principal: Principal, listener_id: int, *, url: str | None = None,
           events=None, fmt: str | None = None, active: bool | None = None,
           allow_networks=()) -> object:
    if url is not None:
        urls.resolve(url, allow_networks)
    uow.begin_write()
    row = _own(uow, principal, listener_id)
    listener = uow.push.update_listener(
        row, url=url.strip() if url else None,
        events=",".join(e.value for e in _events(events)) if events else None,
        format=_format(fmt) if fmt else None, active=active)
    uow.commit()
    return listener


def remove(uow: UnitOfWork, principal: Principal | None, listener_id: int) -> None:
    uow.begin_write()
    _own(uow, principal, listener_id)
    uow.push.remove_listener(listener_id)
    uow.commit()


def redeliver(uow: UnitOfWork, principal: Principal | None, listener_id: int | None = None,
              now: datetime | None = None) -> int:
    """Put parked deliveries back in line: of one listener, of all the login's (principal),
    or of every listener (staff, principal None). The number put back."""
    uow.begin_write()
    if listener_id is not None:
        ids = [_own(uow, principal, listener_id).id]
    elif principal is not None:
        ids = [l.id for l in uow.push.listeners(principal.login_id)]
    else:
        ids = None
    count = uow.push.redeliver(ids, now or utcnow()) if ids is None or ids else 0
    uow.commit()
    return count


def status(uow: UnitOfWork, principal: Principal | None = None) -> list:
    """Listeners with their delivery counts (the login's, or every one for staff)."""
    return uow.push.listeners(principal.login_id if principal is not None else None)


def parked(uow: UnitOfWork, principal: Principal | None = None, limit: int = 100) -> list:
    ids = [l.id for l in status(uow, principal)] if principal is not None else None
    return uow.push.parked(ids, limit) if ids is None or ids else []


def failing(uow: UnitOfWork, failing_after: int) -> list:
    """The health signal: listeners that keep failing or have parked deliveries."""
    return [l for l in uow.push.listeners()
            if l.active and (l.consecutive_failures >= failing_after or l.parked)]
