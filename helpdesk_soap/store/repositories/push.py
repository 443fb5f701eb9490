"""The push tables: listeners, events with their deliveries, and the workers' claims.

A delivery is the next one of its (listener, call) pair when no earlier one of the
pair is pending or parked: so a call's events go out one at a time, in order,
while other pairs go on. Workers claim deliveries with a lease (``claimed_until``)
committed before they send; on PostgreSQL the claim skips rows another worker is
claiming (``FOR UPDATE SKIP LOCKED``), on SQLite the write lock serialises claims.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, delete, exists, func, or_, select, update
from sqlalchemy.orm import aliased

from ...domain.events import Audience, EventDraft, EventType, parse_events
from ..models import CustomerRow, ListenerRow, LoginRow, PushDeliveryRow, PushEventRow
from ..session import StoreSession
from .base import core as _core


@dataclass(frozen=True, slots=True)
class Listener:
    id: int
    login_id: int
    customer_id: int | None
    url: str
    format: str
    events: tuple[EventType, ...]
    active: bool
    created_at: datetime
    last_success_at: datetime | None = None
    last_failure_at: datetime | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    pending: int = 0
    parked: int = 0
    delivered: int = 0


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A claimed delivery with everything needed to send it."""

    delivery_id: int
    attempts: int
    listener_id: int
    url: str
    format: str
    secret: str
    event_uid: str
    event_type: str
    call_id: int
    change_seq: int
    state: dict
    created_at: datetime


#: The listeners a change of a call reaches (Call.visible_to): those of its customer's
#: logins, of the customers of its customer's organisation, and of the login that filed it;
#: never those of the login that made the change (no echo).
_ORGANISATION = (select(CustomerRow.organisation_id)
                 .where(CustomerRow.id == bindparam("customer_id")).scalar_subquery())
_AUDIENCE = (select(ListenerRow.id, ListenerRow.events)
             .join(LoginRow, LoginRow.id == ListenerRow.login_id)
             .where(ListenerRow.active.is_(True), LoginRow.active.is_(True),
                    or_(ListenerRow.customer_id == bindparam("customer_id"),
                        ListenerRow.customer_id.in_(select(CustomerRow.id).where(
                            CustomerRow.organisation_id == _ORGANISATION)),
                        ListenerRow.login_id == bindparam("created_by")),
                    ListenerRow.login_id != bindparam("origin")))


def _listener(row: ListenerRow, counts: dict | None = None) -> Listener:
    counts = counts or {}
    return Listener(row.id, row.login_id, row.customer_id, row.url, row.format,
                    parse_events(row.events.split(",") if row.events else ()), row.active,
                    row.created_at, row.last_success_at, row.last_failure_at, row.last_error,
                    row.consecutive_failures, counts.get("pending", 0), counts.get("parked", 0),
                    counts.get("delivered", 0))


class PushRepository:
    def __init__(self, session: StoreSession):
        self.session = session

    # -- listeners ---------------------------------------------------------------------

    def add_listener(self, login_id: int, customer_id: int | None, url: str, fmt: str,
                     events: tuple[EventType, ...], secret: str, now: datetime) -> Listener:
        row = ListenerRow(login_id=login_id, customer_id=customer_id, url=url, format=fmt,
                          events=",".join(e.value for e in events), secret=secret, active=True,
                          created_at=now, consecutive_failures=0)
        self.session.add(row)
        self.session.flush()
        return _listener(row)

    def listener_row(self, listener_id: int) -> ListenerRow | None:
        return self.session.get(ListenerRow, listener_id)

    def listeners(self, login_id: int | None = None) -> list[Listener]:
        query = select(ListenerRow).order_by(ListenerRow.id)
        if login_id is not None:
            query = query.where(ListenerRow.login_id == login_id)
        rows = list(self.session.scalars(query))
        counts: dict[int, dict] = {}
        if rows:
            for listener_id, state, n in self.session.execute(
                    select(PushDeliveryRow.listener_id, PushDeliveryRow.state, func.count())
                    .where(PushDeliveryRow.listener_id.in_([r.id for r in rows]))
                    .group_by(PushDeliveryRow.listener_id, PushDeliveryRow.state)):
                counts.setdefault(listener_id, {})[state] = n
        return [_listener(r, counts.get(r.id)) for r in rows]

    def update_listener(self, row: ListenerRow, **values) -> Listener:
        for key, value in values.items():
            if value is not None:
                setattr(row, key, value)
        self.session.flush()
        return _listener(row)

    def remove_listener(self, listener_id: int) -> None:
        self.session.execute(delete(PushDeliveryRow).where(PushDeliveryRow.listener_id == listener_id))
        self.session.execute(delete(ListenerRow).where(ListenerRow.id == listener_id))

    # -- events, in the change's transaction -------------------------------------------

    def audience(self, customer_id: int, created_by_login_id: int | None,
                 origin_login_id: int | None) -> Audience:
        """The active listeners a change of a call of ``customer_id``, filed by
        ``created_by_login_id`` and made by ``origin_login_id``, reaches (``_AUDIENCE``),
        with the event types each wants. Read on every write's path, through the cache
        (store/cache.py): one prepared module-level statement where it is not kept, with
        -1 standing for "no such login" (ids are positive)."""
        params = {"customer_id": customer_id,
                  "created_by": -1 if created_by_login_id is None else created_by_login_id,
                  "origin": -1 if origin_login_id is None else origin_login_id}
        return tuple((lid, frozenset(events.split(",")))
                     for lid, events in _core(self.session, _AUDIENCE, params))

    def write(self, draft: EventDraft, change_seq: int, now: datetime) -> int:
        """Store the draft's events, each with a delivery for each of its recipients; the
        number of deliveries."""
        count = 0
        state = json.dumps(draft.state, sort_keys=True)
        for event_type, listener_ids in draft.recipients:
            event = PushEventRow(event_uid=str(uuid.uuid4()), call_id=draft.call_id,
                                 change_seq=change_seq, type=event_type.value,
                                 origin_login_id=draft.origin_login_id, state=state, created_at=now)
            self.session.add(event)
            self.session.flush()
            for lid in listener_ids:
                self.session.add(PushDeliveryRow(
                    event_id=event.id, listener_id=lid, call_id=draft.call_id, state="pending",
                    attempts=0, next_attempt_at=now, created_at=now))
                count += 1
        if count:
            self.session.flush()
        return count

    # -- the workers ---------------------------------------------------------------------

    def any_due(self, now: datetime) -> bool:
        d = PushDeliveryRow
        return self.session.scalar(select(d.id).where(
            d.state == "pending", d.next_attempt_at <= now,
            or_(d.claimed_until.is_(None), d.claimed_until < now)).limit(1)) is not None

    def claim(self, now: datetime, lease_until: datetime, limit: int,
              skip_locked: bool) -> list[Outgoing]:
        """Lease up to ``limit`` due deliveries, each the head of its (listener, call) pair."""
        d, earlier = PushDeliveryRow, aliased(PushDeliveryRow)
        head = ~exists().where(earlier.listener_id == d.listener_id, earlier.call_id == d.call_id,
                               earlier.state.in_(("pending", "parked")), earlier.event_id < d.event_id)
        query = (select(d.id).join(ListenerRow, ListenerRow.id == d.listener_id)
                 .where(d.state == "pending", d.next_attempt_at <= now, ListenerRow.active.is_(True),
                        or_(d.claimed_until.is_(None), d.claimed_until < now), head)
                 .order_by(d.event_id).limit(limit))
        if skip_locked:
            query = query.with_for_update(skip_locked=True, of=d)
        ids = list(self.session.scalars(query))
        if not ids:
            return []
        self.session.execute(update(d).where(d.id.in_(ids))
                             .values(claimed_until=lease_until, attempts=d.attempts + 1))
        rows = self.session.execute(
            select(d.id, d.attempts, ListenerRow.id, ListenerRow.url, ListenerRow.format,
                   ListenerRow.secret, PushEventRow.event_uid, PushEventRow.type, PushEventRow.call_id,
                   PushEventRow.change_seq, PushEventRow.state, PushEventRow.created_at)
            .join(ListenerRow, ListenerRow.id == d.listener_id)
            .join(PushEventRow, PushEventRow.id == d.event_id)
            .where(d.id.in_(ids)).order_by(d.event_id))
        return [Outgoing(*r[:10], json.loads(r[10]), r[11]) for r in rows]

    def delivered(self, delivery_id: int, listener_id: int, now: datetime) -> None:
        self.session.execute(update(PushDeliveryRow).where(PushDeliveryRow.id == delivery_id)
                             .values(state="delivered", delivered_at=now, claimed_until=None,
                                     last_error=None))
        self.session.execute(update(ListenerRow).where(ListenerRow.id == listener_id)
                             .values(last_success_at=now, consecutive_failures=0))

    def failed(self, delivery_id: int, listener_id: int, now: datetime, error: str,
               retry_at: datetime | None) -> None:
        """Record a failed attempt: retry at ``retry_at``, or park (None)."""
        values = dict(claimed_until=None, last_error=error[:500])
        if retry_at is None:
            values["state"] = "parked"
        else:
            values["next_attempt_at"] = retry_at
        self.session.execute(update(PushDeliveryRow).where(PushDeliveryRow.id == delivery_id)
                             .values(**values))
        self.session.execute(update(ListenerRow).where(ListenerRow.id == listener_id)
                             .values(last_failure_at=now, last_error=error[:500],
                                     consecutive_failures=ListenerRow.consecutive_failures + 1))

    def parked(self, listener_ids: list[int] | None = None, limit: int = 100) -> list[tuple]:
        """(delivery id, listener id, call id, watermark, event type, attempts, last error)."""
        d = PushDeliveryRow
        query = (select(d.id, d.listener_id, d.call_id, PushEventRow.change_seq, PushEventRow.type,
                        d.attempts, d.last_error)
                 .join(PushEventRow, PushEventRow.id == d.event_id)
                 .where(d.state == "parked").order_by(d.id).limit(limit))
        if listener_ids is not None:
            query = query.where(d.listener_id.in_(listener_ids))
        return [tuple(r) for r in self.session.execute(query)]

    def redeliver(self, listener_ids: list[int] | None, now: datetime) -> int:
        """Put parked deliveries back in line (their order kept), with fresh attempts."""
        where = [PushDeliveryRow.state == "parked"]
        if listener_ids is not None:
            where.append(PushDeliveryRow.listener_id.in_(listener_ids))
        return self.session.execute(update(PushDeliveryRow).where(and_(*where)).values(
            state="pending", attempts=0, next_attempt_at=now, claimed_until=None)).rowcount
