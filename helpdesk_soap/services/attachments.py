"""Attachments on calls (source document 001: only once the call exists).

The same functions serve the customer side, the staff side and e-mail intake;
the principal's role decides what may be attached and seen.
"""

from __future__ import annotations

from datetime import datetime

from ..domain.attachments import (Attachment, StagedContent, check_upload, normalise_content_type,
                                  sanitize_file_name)
from ..domain.errors import AttachmentNotFound, ConfigurationError, InvalidArgument, UnknownReference
from ..domain.model import Call, Entry, EntryKind, Principal, Visibility
from ..domain.text import xml_safe
from .calls import utcnow, visible_call
from .unit_of_work import UnitOfWork, retry_on_conflict
from .workflow import open_call


def add_attachment(uow: UnitOfWork, principal: Principal, call_id: int, file_name: str,
                   content_type: str, content: bytes | StagedContent, *,
                   visibility: Visibility = Visibility.PUBLIC, now: datetime | None = None) -> Attachment:
    """Attach a file to an existing call (source document 001: only after the call exists).

    Customers attach public files to their open calls; staff (``principal.role.is_staff``)
    may attach to any call, internal files included. The bytes go to the file store before
    the row is committed, so a committed attachment always has its content. ``content`` is
    the bytes, or a large upload already staged in the file store (adopted only once every
    rule has passed; whoever staged it discards it otherwise).
    """
    if uow.files is None:
        raise ConfigurationError("No attachment store is configured.")
    now = now or utcnow()
    settings = uow.settings.get()
    content_type = normalise_content_type(content_type)
    size = content.size if isinstance(content, StagedContent) else len(content)
    check_upload(content_type, size, max_bytes=settings.attachment_max_bytes,
                 allowed=settings.allowed_content_types)
    name = sanitize_file_name(xml_safe(file_name))
    if not principal.role.is_staff and visibility is not Visibility.PUBLIC:
        raise InvalidArgument("Customers attach public files only.", field="Visibility")
    _target(uow, principal, call_id)  # no bytes are written for a call the caller cannot use
    sha256 = uow.files.adopt(content) if isinstance(content, StagedContent) else uow.files.put(content)

    def attach() -> Attachment:
        uow.begin_write()
        call = _target(uow, principal, call_id)
        attachment = uow.attachments.add(call.id, name, content_type, size, sha256,
                                         visibility, principal.login_name, now)
        call.record(Entry(EntryKind.HISTORY, f"Attachment added: {name} ({size} bytes).",
                          principal.login_name, now, visibility=visibility))
        uow.calls.save(call)
        if not principal.role.is_staff:
            uow.calls.set_staff_unread(call.id, True)
        uow.commit()
        return attachment

    return retry_on_conflict(uow, attach)


def _target(uow: UnitOfWork, principal: Principal, call_id: int) -> Call:
    """Staff attach to any call; customers to their own open calls."""
    if not principal.role.is_staff:
        return open_call(uow, principal, call_id)[0]
    call = uow.calls.get(call_id)
    if call is None:
        raise UnknownReference(f"Call {call_id} does not exist.", field="CallId")
    return call


def get_attachment(uow: UnitOfWork, principal: Principal, call_id: int,
                   attachment_id: int) -> tuple[Attachment, bytes]:
    """One attachment with its content, checked against its SHA-256."""
    if uow.files is None:
        raise ConfigurationError("No attachment store is configured.")
    if not principal.role.is_staff:
        visible_call(uow, principal, call_id)
    attachment = uow.attachments.get(attachment_id)
    if (attachment is None or attachment.call_id != call_id or
            (attachment.visibility is not Visibility.PUBLIC and not principal.role.is_staff)):
        raise AttachmentNotFound(field="AttachmentId")
    return attachment, uow.files.get(attachment.sha256)
