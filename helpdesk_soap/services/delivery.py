"""Delivering push events: claim, send, record (the delivery worker drives it).

A delivery is claimed (its attempt counted, a lease taken) and committed before
it is sent, so a worker that dies mid-send leaves a lease that lapses and the
delivery goes out again: at least once, with the same event id. A failed
attempt that may succeed later (``Outcome.retry``) waits with exponential
backoff and jitter, or as long as Retry-After asks if that is longer; after
``max_attempts`` or ``max_age`` it is parked, as is one that must not be
retried (a 4xx, a SOAP Client fault). Parked deliveries hold back the later
events of their call for that listener (order), until redelivered.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta

from .calls import utcnow
from .unit_of_work import UnitOfWork

log = logging.getLogger("helpdesk_soap.push")


def backoff(attempt: int, settings, rng: random.Random | None = None) -> float:
    """Seconds before retry number ``attempt`` (1: the first retry)."""
    base = min(settings.retry_cap, settings.retry_first * settings.retry_factor ** (attempt - 1))
    jitter = (rng or random).uniform(-settings.retry_jitter, settings.retry_jitter)
    return max(0.0, base * (1 + jitter))


def claim(uow: UnitOfWork, settings, limit: int, skip_locked: bool,
          clock: Callable[[], datetime] = utcnow) -> list:
    return settle(uow, [], settings, limit, skip_locked, clock)


def settle(uow: UnitOfWork, results, settings, limit: int, skip_locked: bool,
           clock: Callable[[], datetime] = utcnow) -> list:
    """Record the ``(delivery, outcome)`` results of finished attempts and claim up to
    ``limit`` due deliveries, in one transaction (one write, however many): the claims see
    the deliveries just recorded, so a call's next event is claimable at once."""
    now = clock()
    if not results and (limit <= 0 or not uow.push.any_due(now)):
        return []  # idle: a read, not a write lock, every poll
    uow.begin_write()
    for item, outcome in results:
        _record(uow, item, outcome, settings, now)
    items = uow.push.claim(now, now + timedelta(seconds=settings.lease), limit, skip_locked) \
        if limit > 0 else []
    uow.commit()
    return items


def record(uow: UnitOfWork, item, outcome, settings,
           clock: Callable[[], datetime] = utcnow) -> str:
    """Write down how one attempt went: 'delivered', 'retry' or 'parked'."""
    uow.begin_write()
    verdict = _record(uow, item, outcome, settings, clock())
    uow.commit()
    return verdict


def _record(uow: UnitOfWork, item, outcome, settings, now: datetime) -> str:
    if outcome.ok:
        uow.push.delivered(item.delivery_id, item.listener_id, now)
        return "delivered"
    retry_at = None
    if outcome.retry and item.attempts < settings.max_attempts:
        wait = backoff(item.attempts, settings)
        if outcome.retry_after is not None:
            wait = max(wait, min(outcome.retry_after, settings.retry_cap))
        if now + timedelta(seconds=wait) - item.created_at <= timedelta(seconds=settings.max_age):
            retry_at = now + timedelta(seconds=wait)
    uow.push.failed(item.delivery_id, item.listener_id, now, outcome.error, retry_at)
    verdict = "retry" if retry_at is not None else "parked"
    log.log(logging.WARNING if verdict == "parked" else logging.INFO,
            "push: listener %s call %s event %s attempt %s failed (%s): %s", item.listener_id,
            item.call_id, item.event_uid, item.attempts, verdict, outcome.error)
    return verdict
