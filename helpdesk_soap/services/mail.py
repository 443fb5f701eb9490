"""Incoming mail: a new call, a contact entry on an existing call, or nothing.

* The sender is found by address: the e-mail address of an active customer
  or integration login, else a customer's configured mail domain. Anyone
  else is an unknown sender, and the call goes to the unknown-customer
  account in the unknown-customer status, by the same rules as CreateCall
  (``calls.file_call``).
* A reply belongs to a call when its In-Reply-To/References name a Message-ID
  the helpdesk sent or took in for that call, or when its subject carries the
  call's tag and the sender may see the call (or reported it).
* Everything is one transaction with the message's Message-ID, whose unique
  key makes a second delivery a no-op, even a concurrent one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..domain.attachments import check_upload, normalise_content_type
from ..domain.errors import ConfigurationError, DomainError
from ..domain.mail import Attachment, InboundMail, find_call_tag, trim_quoted
from ..domain.model import (Call, CallRequest, Category, ContactType, Customer, Entry, EntryKind,
                            Principal, Priority, Role, Visibility)
from . import attachments as attachment_service
from .auth import check_portal
from . import push
from .calls import file_call, utcnow
from ..domain.events import EventType
from .unit_of_work import UnitOfWork, retry_on_conflict


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    #: created, contact, duplicate or ignored
    kind: str
    call_id: int | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Sender:
    principal: Principal
    customer: Customer | None  # None: unknown sender
    known: bool


def ingest_mail(uow: UnitOfWork, mail: InboundMail, now: datetime | None = None) -> IngestOutcome:
    now = now or utcnow()

    def take() -> IngestOutcome:
        # After a Conflict the Message-ID may have arrived meanwhile (this check then
        # answers), or the call changed under a reply: decide again on fresh data.
        uow.begin_write()
        if uow.mail.known(mail.message_id):
            return IngestOutcome("duplicate", reason=f"Message-ID {mail.message_id} already taken in")
        return _ingest(uow, mail, now)

    return retry_on_conflict(uow, take, attempts=2)


def _ingest(uow: UnitOfWork, mail: InboundMail, now: datetime) -> IngestOutcome:
    row = uow.mail.record(mail.message_id, "in", "pending", mail.sender, now)
    if mail.automated:
        uow.mail.settle(row, "ignored", None)
        uow.commit()
        return IngestOutcome("ignored", reason=mail.automated)
    sender = find_sender(uow, mail.sender)
    call = _thread(uow, mail, sender)
    if call is not None:
        call.record(Entry(EntryKind.CONTACT, trim_quoted(mail.text) or "(empty message)",
                          mail.sender, now, visibility=Visibility.PUBLIC,
                          contact_type=ContactType.EMAIL))
        kind = "contact"
    else:
        # A mail cannot be asked for a field its request type requires: it is filed anyway.
        call = file_call(uow, sender.principal, _request(mail, sender), now,
                         accept_incomplete=True).call
        kind = "created"
    accepted = screen_attachments(uow, call, mail.attachments, now)
    if call.new_entries:
        push.save(uow, call, [EventType.PUBLIC_ENTRY_ADDED] if kind == "contact" else [],
                  sender.principal.login_id if sender.principal else None, now)
    if kind == "contact":  # a customer's answer: flagged for staff, like AddCallNote
        uow.calls.set_staff_unread(call.id, True)
        uow.assignments.mark_all_unseen(call.id)
    uow.mail.settle(row, kind, call.id)
    store_attachments(uow, call.id, mail.sender, accepted, now)
    uow.commit()  # the call, its entries, every attachment and the Message-ID: at once
    return IngestOutcome(kind, call.id)


def find_sender(uow: UnitOfWork, address: str) -> Sender:
    record = uow.logins.by_email(address)
    if record is not None and record.active and record.principal.role in (Role.CUSTOMER,
                                                                          Role.INTEGRATION):
        check_portal(uow, record.principal)  # an inactive portal takes no mail either
        return Sender(record.principal, uow.customers.get(record.principal.customer_id), True)
    domain = address.rpartition("@")[2]
    customer = uow.customers.by_mail_domain(domain) if domain else None
    if customer is not None:
        principal = Principal(None, address, customer.id, role=Role.CUSTOMER,
                              organisation_id=uow.organisations.of_customer(customer.id))
        check_portal(uow, principal)
        return Sender(principal, customer, True)
    fallback_number = uow.settings.get().unknown_customer_number
    fallback = uow.customers.by_number(fallback_number)
    if fallback is None:
        raise ConfigurationError(f"The unknown-customer account {fallback_number!r} does not exist.")
    return Sender(Principal(None, address, fallback.id, role=Role.CUSTOMER), None, False)


def _thread(uow: UnitOfWork, mail: InboundMail, sender: Sender) -> Call | None:
    call_id = uow.mail.call_for(mail.references)
    if call_id is not None:
        return uow.calls.get(call_id)
    tagged = find_call_tag(mail.subject)
    if tagged is None:
        return None
    call = uow.calls.get(tagged)
    if call is None:
        return None
    reporter = (call.reporter_email or "").strip().lower()
    if reporter == mail.sender or (sender.known and call.visible_to(sender.principal)):
        return call
    return None  # a tag anyone could type: from a stranger it opens a new call instead


def _request(mail: InboundMail, sender: Sender) -> CallRequest:
    return CallRequest(
        customer_number=sender.customer.number if sender.customer else mail.sender[:64],
        subject=(mail.subject.strip() or "(no subject)")[:200],
        # Mail says nothing of the technical-support fields (domain, first
        # occurrence), so it arrives as a question; staff re-classify it.
        priority=Priority.MEDIUM, category=Category.QUESTION,
        description=mail.text.strip() or "(the mail had no text)", reporter_name=(mail.sender_name or "")[:200] or None,
        reporter_email=mail.sender[:254])


def screen_attachments(uow: UnitOfWork, call: Call, attachments: tuple[Attachment, ...],
                       now: datetime) -> list[Attachment]:
    """The attachments the upload rules accept; the others are named in an internal entry.

    Checked before anything is stored, so a file the rules refuse (too large, a
    content type not allowed) never fails the message: staff see what was left out.
    """
    settings = uow.settings.get()
    accepted, refused = [], []
    for a in attachments:
        try:
            content_type = normalise_content_type(a.content_type)
            check_upload(content_type, len(a.content), max_bytes=settings.attachment_max_bytes,
                         allowed=settings.allowed_content_types)
        except DomainError as exc:
            refused.append(f"{a.file_name} ({a.content_type}, {len(a.content)} bytes): {exc.message}")
            continue
        accepted.append(Attachment(a.file_name, content_type, a.content))
    if refused:
        call.record(Entry(EntryKind.HISTORY, "Attachments received by e-mail but not stored: "
                          + "; ".join(refused), "system", now, visibility=Visibility.INTERNAL))
    return accepted


def store_attachments(uow: UnitOfWork, call_id: int, sender: str, accepted: list[Attachment],
                      now: datetime) -> None:
    """Store screened attachments through the attachment service (the rules live there).

    The intake has already decided which call the message belongs to, so the files
    are attached on its behalf (a system principal named after the sender), public,
    as the customer sent them, in the message's transaction: nothing here commits.
    """
    system = Principal(None, sender, None, role=Role.STAFF)
    for a in accepted:
        attachment_service.attach_uncommitted(uow, system, call_id, a.file_name, a.content_type,
                                              a.content, now=now)
