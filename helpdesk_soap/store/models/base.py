"""Typed SQLAlchemy models. They are the store's, not the wire's or the domain's."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (JSON, BigInteger, Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, MetaData,
                        String, Text, UniqueConstraint)
from sqlalchemy import text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Integer on SQLite so the key is the rowid; BIGINT (with a sequence) elsewhere.
BigId = BigInteger().with_variant(Integer(), "sqlite")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def result_processor(self, dialect, coltype):
        """On SQLite, the text SQLAlchemy wrote ("2026-11-24 16:00:00.000000") is read with
        its zone appended: ``fromisoformat`` makes the aware datetime at once, where
        parsing it naive and then ``replace(tzinfo=UTC)`` cost 1.1 µs a value, eight
        times as much (a poll reads five dates). Text that already has a zone, or that is
        not such a datetime, fails that way or comes out without a zone, and then takes the
        general path: what comes out is always the same."""
        general = super().result_processor(dialect, coltype)
        if dialect.name != "sqlite" or general is None:
            return general
        parse = datetime.fromisoformat

        def process(value):
            try:
                found = parse(value + "+00:00")
            except (TypeError, ValueError):
                return general(value)
            # "2026-11-24+00:00" is a date, "+" the separator and "00:00" its time: no zone
            return found if found.tzinfo is not None else general(value)

        return process


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class OrganisationRow(Base):
    """Customers grouped so that all their logins see all their calls (source document 002)."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CustomerRow(Base):
    __tablename__ = "customers"
    __table_args__ = (Index("ix_customers_mail_domain", "mail_domain", unique=True),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Lower-cased; mail from any address at this domain is filed for this customer
    #: (unique through an index: SQLite adds one without rebuilding the table).
    mail_domain: Mapped[str | None] = mapped_column(String(253))


class PortalRow(Base):
    """A company's access (source document 004): at most one per customer or organisation."""

    __tablename__ = "portals"
    __table_args__ = (
        CheckConstraint("(customer_id IS NULL) <> (organisation_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), unique=True)
    active: Mapped[bool] = mapped_column(Boolean)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StatusRow(Base):
    __tablename__ = "call_statuses"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(20))
    result_visible: Mapped[bool] = mapped_column(Boolean, default=False)
    is_final: Mapped[bool] = mapped_column(Boolean, default=False)


class SettingRow(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class LoginRow(Base):
    __tablename__ = "logins"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: Lower-cased; a login may authenticate with it instead of its name.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    #: None for staff and admin logins, which belong to the helpdesk itself.
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    can_set_service_level: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SessionRow(Base):
    """A session token's SHA-256 (the token itself is never stored) and its idle expiry."""

    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    login_id: Mapped[int] = mapped_column(ForeignKey("logins.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


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


class ChangeCounterRow(Base):
    """Store-wide counters, a row each.

    Row 1 (CHANGE_SEQUENCE): the last change sequence number handed out. A
    transaction takes its numbers with an UPDATE of this row just before it
    commits; the row lock it then holds until the commit puts the numbers in
    commit order, so a poller that has seen number N has seen every change
    numbered below N.

    Row 2 (REFERENCE_VERSION): bumped by triggers (migrations 0005, 0006, 0008)
    whenever the settings, the call statuses, the customers or the request
    types change, whoever
    changes them; workers key their cache of these on it (store/cache.py).

    Row 3 (ACCOUNT_VERSION): the same for the logins and the portals (migration
    0007); workers key their cache of logins on it and the reference version.
    """

    __tablename__ = "change_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


CHANGE_SEQUENCE = 1
REFERENCE_VERSION = 2
ACCOUNT_VERSION = 3


class AttachmentRow(Base):
    """An attachment's metadata; the bytes are in the file store, named by their SHA-256."""

    __tablename__ = "call_attachments"
    __table_args__ = (Index("ix_call_attachments_call_id_id", "call_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    file_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    visibility: Mapped[str] = mapped_column(String(20))
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TimeRecordRow(Base):
    __tablename__ = "call_time_records"
    __table_args__ = (Index("ix_call_time_records_call_id_id", "call_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    login_id: Mapped[int] = mapped_column(ForeignKey("logins.id"))
    minutes: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AssignmentRow(Base):
    __tablename__ = "call_assignments"

    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True)
    login_id: Mapped[int] = mapped_column(ForeignKey("logins.id"), primary_key=True, index=True)
    state: Mapped[str] = mapped_column(String(20))
    seen: Mapped[bool] = mapped_column(Boolean)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


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


class MailMessageRow(Base):
    """Every Message-ID the helpdesk took in or sent: dedupe, and threading of replies."""

    __tablename__ = "mail_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: Unique: the same message delivered twice is taken in once (the key decides races).
    message_id: Mapped[str] = mapped_column(String(500), unique=True)
    direction: Mapped[str] = mapped_column(String(3))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id", ondelete="SET NULL"), index=True)
    #: in: created, contact, ignored; out: notification, invite, reset.
    outcome: Mapped[str] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(254))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class OutboxRow(Base):
    """Mail to send, written in the same transaction as the change it reports."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_state_id", "state", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(500), unique=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id", ondelete="SET NULL"))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    in_reply_to: Mapped[str | None] = mapped_column(String(500))
    #: pending, sent, failed (gave up), expired (too old when SMTP came).
    state: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LoginTokenRow(Base):
    """A one-time token (invitation or password reset); only its SHA-256 is stored."""

    __tablename__ = "login_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(10))
    login_id: Mapped[int | None] = mapped_column(ForeignKey("logins.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RequestTypeFieldRow(Base):
    """A field a category of call asks for (domain/request_types.py): required or optional,
    its label and maximum length, in the order forms show them. A field with no row is not
    asked for. Migration 0008 seeds the default set; a trigger moves the reference version
    on every change, so the workers' caches see it at once (store/cache.py)."""

    __tablename__ = "request_type_fields"

    category: Mapped[str] = mapped_column(String(30), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    required: Mapped[bool] = mapped_column(Boolean)
    label: Mapped[str] = mapped_column(String(200))
    max_length: Mapped[int | None] = mapped_column(Integer)


# The communication log's tables join this metadata (alembic's target, the drift test).
from . import commlog_models  # noqa: E402,F401
from . import push_models as _push_models  # noqa: E402,F401  (registers the push tables)
# The staff desk's tables live in their own module (issue 26); imported here so that
# Base.metadata, and with it Alembic's comparison, knows them.
from . import desk_models  # noqa: E402,F401
