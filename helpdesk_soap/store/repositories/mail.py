"""Repositories for e-mail: Message-IDs, the outbox, one-time login tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from ...domain.errors import Conflict
from ..models import LoginTokenRow, MailMessageRow, OutboxRow
from ..session import StoreSession


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    id: int
    message_id: str
    call_id: int | None
    recipient: str
    subject: str
    body: str
    in_reply_to: str | None
    attempts: int


@dataclass(frozen=True, slots=True)
class TokenRecord:
    purpose: str
    login_id: int | None
    customer_id: int | None
    email: str
    expires_at: datetime
    used_at: datetime | None


class MailRepository:
    def __init__(self, session: StoreSession):
        self.session = session

    def known(self, message_id: str) -> bool:
        return self.session.scalar(select(MailMessageRow.id).where(
            MailMessageRow.message_id == message_id[:500])) is not None

    def record(self, message_id: str, direction: str, outcome: str, address: str | None,
               at: datetime, call_id: int | None = None) -> int:
        """Record a Message-ID; Conflict if it is already known (the unique key decides races)."""
        row = MailMessageRow(message_id=message_id[:500], direction=direction, outcome=outcome,
                             address=address[:254] if address else None, at=at, call_id=call_id)
        self.session.add(row)
        try:
            self.session.flush()
        except IntegrityError as exc:
            raise Conflict(str(exc.orig)) from exc
        return row.id

    def settle(self, row_id: int, outcome: str, call_id: int | None) -> None:
        self.session.execute(update(MailMessageRow).where(MailMessageRow.id == row_id)
                             .values(outcome=outcome, call_id=call_id))

    def call_for(self, message_ids: tuple[str, ...]) -> int | None:
        """The call that one of these Message-IDs (sent or taken in by us) belongs to."""
        ids = [m[:500] for m in message_ids]
        if not ids:
            return None
        rows = dict(self.session.execute(select(MailMessageRow.message_id, MailMessageRow.call_id).where(
            MailMessageRow.message_id.in_(ids), MailMessageRow.call_id.is_not(None))).all())
        for m in ids:  # In-Reply-To first, then References newest first
            if rows.get(m) is not None:
                return rows[m]
        return None

    def first_inbound(self, call_id: int) -> str | None:
        return self.session.scalar(select(MailMessageRow.message_id).where(
            MailMessageRow.call_id == call_id, MailMessageRow.direction == "in")
            .order_by(MailMessageRow.id).limit(1))

    # -- the outbox -------------------------------------------------------------------

    def enqueue(self, message_id: str, recipient: str, subject: str, body: str, now: datetime,
                call_id: int | None = None, in_reply_to: str | None = None) -> None:
        self.session.add(OutboxRow(message_id=message_id, call_id=call_id, recipient=recipient,
                                   subject=subject[:300], body=body, in_reply_to=in_reply_to,
                                   state="pending", attempts=0, created_at=now))
        self.session.flush()

    def pending(self, limit: int) -> list[OutgoingMail]:
        rows = self.session.scalars(select(OutboxRow).where(OutboxRow.state == "pending")
                                    .order_by(OutboxRow.state, OutboxRow.id).limit(limit))
        return [OutgoingMail(r.id, r.message_id, r.call_id, r.recipient, r.subject, r.body,
                             r.in_reply_to, r.attempts) for r in rows]

    def claim(self, outbox_id: int, now: datetime, until: datetime) -> bool:
        """Take one pending mail for sending; False if another sender holds it."""
        return self.session.execute(
            update(OutboxRow).where(OutboxRow.id == outbox_id, OutboxRow.state == "pending",
                                    or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until < now))
            .values(claimed_until=until, attempts=OutboxRow.attempts + 1)).rowcount == 1

    def finish(self, outbox_id: int, state: str, now: datetime, error: str | None = None) -> None:
        values = {"state": state, "last_error": error[:500] if error else None}
        if state == "sent":
            values["sent_at"] = now
        self.session.execute(update(OutboxRow).where(OutboxRow.id == outbox_id).values(**values))

    def expire_older_than(self, cutoff: datetime) -> int:
        return self.session.execute(update(OutboxRow).where(
            OutboxRow.state == "pending", OutboxRow.created_at < cutoff).values(state="expired")).rowcount


class TokenRepository:
    def __init__(self, session: StoreSession):
        self.session = session

    def add(self, token_hash: str, purpose: str, email: str, created_by: str, now: datetime,
            expires_at: datetime, login_id: int | None = None, customer_id: int | None = None) -> None:
        self.session.add(LoginTokenRow(token_hash=token_hash, purpose=purpose, email=email,
                                       created_by=created_by, created_at=now, expires_at=expires_at,
                                       login_id=login_id, customer_id=customer_id))
        self.session.flush()

    def get(self, token_hash: str) -> TokenRecord | None:
        row = self.session.get(LoginTokenRow, token_hash)
        if row is None:
            return None
        return TokenRecord(row.purpose, row.login_id, row.customer_id, row.email, row.expires_at,
                           row.used_at)

    def issued_since(self, login_id: int, purpose: str, since: datetime) -> bool:
        return self.session.scalar(select(LoginTokenRow.token_hash).where(
            LoginTokenRow.login_id == login_id, LoginTokenRow.purpose == purpose,
            LoginTokenRow.created_at > since, LoginTokenRow.used_at.is_(None)).limit(1)) is not None

    def use(self, token_hash: str, now: datetime) -> bool:
        """Mark the token used, once: of two concurrent uses exactly one gets True."""
        return self.session.execute(update(LoginTokenRow).where(
            LoginTokenRow.token_hash == token_hash, LoginTokenRow.used_at.is_(None),
            LoginTokenRow.expires_at > now).values(used_at=now)).rowcount == 1
