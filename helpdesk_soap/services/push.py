"""Push events, written with the change they report (the transactional outbox).

Services save a call through ``save`` (or ``added`` right after adding one):
the events and their deliveries join the change's transaction, numbered with
the watermark the call got, so a change that commits has its events and a
rolled-back one has none. ``services.delivery`` sends them.
"""

from __future__ import annotations

from datetime import datetime

from ..domain.events import EventDraft, EventType, customer_state, recipients
from ..domain.model import Call
from .unit_of_work import UnitOfWork


def save(uow: UnitOfWork, call: Call, types, origin_login_id: int | None,
         now: datetime) -> None:
    """``uow.calls.save(call)``, and its events (none: just the save)."""
    entries = list(call.new_entries)
    uow.calls.save(call)
    written(uow, call, types, origin_login_id, now, entries)


def written(uow: UnitOfWork, call: Call, types, origin_login_id: int | None, now: datetime,
            entries=None) -> int:
    """Record ``types`` for ``call`` just saved or added (its change_seq is the change's);
    ``entries``: the entries the change added. The number of deliveries queued."""
    types = tuple(dict.fromkeys(EventType(t) for t in types))
    if not types or call.internal:  # an internal call reaches no customer's system
        return 0
    wanted = recipients(types, uow.push.audience(call.customer_id, call.created_by_login_id,
                                                 origin_login_id))
    if not wanted:  # nobody listens: no state to build
        return 0
    status = uow.statuses.get(call.status_code)
    customer = uow.customers.get(call.customer_id)
    state = customer_state(call, status, customer.number if customer else "",
                           list(entries if entries is not None else ()))
    draft = EventDraft(call.id, wanted, origin_login_id, state)
    return uow.push.write(draft, call.change_seq, now)
