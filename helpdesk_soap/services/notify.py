"""Notifications by mail, written to the outbox in the same transaction as the change.

A notification is only a row until ``services.outbox.deliver`` sends it: a
failing SMTP server never loses or rolls back the change it reports, and
with no SMTP configured nothing is ever sent. Each mail gets its Message-ID
now, recorded with the call, so a reply to it threads into the call.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from ..domain.mail import call_tag
from ..domain.model import Call
from .unit_of_work import UnitOfWork

MESSAGE_ID_DOMAIN = "helpdesk-soap"


def new_message_id() -> str:
    return f"<{uuid.uuid4().hex}@{MESSAGE_ID_DOMAIN}>"


def recipient_of(uow: UnitOfWork, call: Call) -> str | None:
    """The customer's contact address: the reporter's, else the address of the login that filed it."""
    if call.reporter_email and "@" in call.reporter_email:
        return call.reporter_email.strip().lower()
    if call.created_by_login_id is not None:
        record = uow.logins.by_id(call.created_by_login_id)
        if record is not None and record.email:
            return record.email
    return None


def notify_customer(uow: UnitOfWork, call: Call, text: str, now: datetime) -> str | None:
    """Queue a mail about ``call`` to its customer contact; the Message-ID, or None if nobody to tell."""
    recipient = None if call.internal else recipient_of(uow, call)  # staff's only
    if recipient is None:
        return None
    message_id = new_message_id()
    tag = call_tag(call.id)
    body = (f"{text}\n\n-- \nCall {call.id}: {call.subject}\n"
            f"Reply to this mail to add to the call; keep {tag} in the subject.\n")
    uow.mail.enqueue(message_id, recipient, f"{tag} {call.subject}", body, now, call_id=call.id,
                     in_reply_to=uow.mail.first_inbound(call.id))
    uow.mail.record(message_id, "out", "notification", recipient, now, call_id=call.id)
    return message_id


def send_to_address(uow: UnitOfWork, recipient: str, subject: str, text: str, now: datetime,
                    purpose: str) -> str:
    """Queue a mail that belongs to no call (invitations, password resets)."""
    message_id = new_message_id()
    uow.mail.enqueue(message_id, recipient, subject, text, now)
    uow.mail.record(message_id, "out", purpose, recipient, now)
    return message_id
