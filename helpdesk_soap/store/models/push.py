"""The push tables (migration 0011): listeners, their events and one delivery per pair."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, BigId, UTCDateTime


class ListenerRow(Base):
    """A customer system's callback, registered by (and scoped to) one login."""

    __tablename__ = "push_listeners"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    login_id: Mapped[int] = mapped_column(ForeignKey("logins.id", ondelete="CASCADE"), index=True)
    #: The login's customer when it registered (its calls are the listener's).
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"),
                                                    index=True)
    url: Mapped[str] = mapped_column(String(2000))
    #: JSON or SOAP.
    format: Mapped[str] = mapped_column(String(4))
    #: The event types wanted, comma-separated (domain/events.py).
    events: Mapped[str] = mapped_column(String(200))
    #: The HMAC key of its signatures: shown once at registration, kept to sign.
    secret: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))
    #: Failed attempts since the last success (the health signal).
    consecutive_failures: Mapped[int] = mapped_column(Integer)


class PushEventRow(Base):
    """One customer-visible change of a call, written in the change's transaction."""

    __tablename__ = "push_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: What receivers deduplicate on.
    event_uid: Mapped[str] = mapped_column(String(36), unique=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    #: The call's change watermark after the change (GetChangedCalls' sequence).
    change_seq: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(30))
    origin_login_id: Mapped[int | None] = mapped_column(Integer)
    #: The customer-visible state of the call after the change (JSON).
    state: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PushDeliveryRow(Base):
    """An event on its way to one listener: pending, delivered or parked."""

    __tablename__ = "push_deliveries"
    __table_args__ = (
        Index("ix_push_deliveries_pair", "listener_id", "call_id", "state", "event_id"),
        Index("ix_push_deliveries_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("push_events.id", ondelete="CASCADE"), index=True)
    listener_id: Mapped[int] = mapped_column(ForeignKey("push_listeners.id", ondelete="CASCADE"))
    call_id: Mapped[int] = mapped_column(BigId)
    state: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: A worker's lease: until then nobody else sends it; after a crash it lapses.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
