"""Delivering the outbox: claim, send, record; one mail at a time.

A mail is claimed (its attempt counted) and committed before it is sent, so
a crash between sending and recording can repeat a mail only after its claim
has lapsed, with the same Message-ID, and never without a record of the
attempt. A failed send is retried after the claim lapses, up to
``max_attempts``; mail older than ``max_age`` when it would first go out
(say, SMTP was configured only later) expires instead of flooding customers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .calls import utcnow
from .unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    sent: int
    failed: int
    expired: int


def deliver(uow: UnitOfWork, send: Callable[[object], None], *, limit: int = 100,
            max_age: timedelta = timedelta(hours=72), max_attempts: int = 5,
            retry_after: timedelta = timedelta(minutes=5),
            clock: Callable[[], datetime] = utcnow) -> DeliveryReport:
    now = clock()
    uow.begin_write()
    expired = uow.mail.expire_older_than(now - max_age)
    uow.commit()
    sent = failed = 0
    for mail in uow.mail.pending(limit):
        now = clock()
        uow.begin_write()
        if not uow.mail.claim(mail.id, now, now + retry_after):
            uow.rollback()
            continue  # another sender has it, or it waits for its retry
        uow.commit()
        try:
            send(mail)
        except Exception as exc:  # the SMTP adapter's errors: refused, timeout, TLS, auth
            failed += 1
            uow.begin_write()
            state = "failed" if mail.attempts + 1 >= max_attempts else "pending"
            uow.mail.finish(mail.id, state, clock(), f"{type(exc).__name__}: {exc}")
            uow.commit()
            continue
        uow.begin_write()
        uow.mail.finish(mail.id, "sent", clock())
        uow.commit()
        sent += 1
    return DeliveryReport(sent, failed, expired)
