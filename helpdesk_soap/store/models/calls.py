"""A call, its entries (the conversation) and its assignments to staff."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, BigId, UTCDateTime


class CallRow(Base):
    __tablename__ = "calls"
    __table_args__ = (
        # A retried CreateCall finds its call by the caller's own ticket number,
        # unique per customer side; NULLs (no ExternalTicketId) never collide.
        UniqueConstraint("origin_customer_id", "external_ticket_id",
                         name="uq_calls_origin_external_ticket"),
        Index("ix_calls_customer_updated", "customer_id", "updated_at"),
        Index("ix_calls_updated_id", "updated_at", "id"),
        Index("ix_calls_created_by_login", "created_by_login_id"),
        # The customer side's listings: newest first, and changes after a watermark.
        Index("ix_calls_customer_id_desc", "customer_id", "id"),
        Index("ix_calls_customer_change_seq", "customer_id", "change_seq"),
        Index("ix_calls_change_seq", "change_seq"),
        # The few calls a login filed under a customer other than its own (the unknown-customer
        # account): the login still sees them, and lists them through this index.
        Index("ix_calls_created_by_elsewhere", "created_by_login_id", "id",
              postgresql_where=text("customer_id <> origin_customer_id"),
              sqlite_where=text("customer_id <> origin_customer_id")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    origin_customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    created_by_login_id: Mapped[int | None] = mapped_column(ForeignKey("logins.id"))
    reported_customer_number: Mapped[str] = mapped_column(String(64))
    external_ticket_id: Mapped[str | None] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(30))
    service_level: Mapped[str | None] = mapped_column(String(64))
    status_code: Mapped[str] = mapped_column(ForeignKey("call_statuses.code"))
    components: Mapped[list] = mapped_column(JSON, default=list)
    reporter_name: Mapped[str | None] = mapped_column(String(200))
    reporter_email: Mapped[str | None] = mapped_column(String(254))
    reporter_phone: Mapped[str | None] = mapped_column(String(50))
    installation: Mapped[str | None] = mapped_column(String(200))
    first_occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    affected_domain: Mapped[str | None] = mapped_column(String(200))
    browser: Mapped[str | None] = mapped_column(String(200))
    hosting: Mapped[str | None] = mapped_column(String(200))
    responsible_user: Mapped[str | None] = mapped_column(String(200))
    result: Mapped[str | None] = mapped_column(Text)
    solution: Mapped[str | None] = mapped_column(Text)
    solution_state: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Last customer-visible change (updated_at moves on internal changes too).
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Position of the last customer-visible change in the store-wide change sequence
    #: (change_counter), in commit order: GetChangedCalls' watermark.
    change_seq: Mapped[int] = mapped_column(BigInteger)
    #: A customer replied and no staff member has opened the call since.
    staff_unread: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Seen by staff only (source document 003's visibility "internal"; migration 0012).
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer)


class EntryRow(Base):
    __tablename__ = "call_entries"
    __table_args__ = (Index("ix_call_entries_call_id_id", "call_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    visibility: Mapped[str] = mapped_column(String(20))
    contact_type: Mapped[str | None] = mapped_column(String(20))
    author: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    path: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AssignmentRow(Base):
    __tablename__ = "call_assignments"

    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True)
    login_id: Mapped[int] = mapped_column(ForeignKey("logins.id"), primary_key=True, index=True)
    state: Mapped[str] = mapped_column(String(20))
    seen: Mapped[bool] = mapped_column(Boolean)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
