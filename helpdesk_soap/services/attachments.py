"""Attachments on calls (source document 001: only once the call exists).

The same functions serve the customer side, the staff side and e-mail intake;
the principal's role decides what may be attached and seen.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    rule has passed; whoever staged it discards it otherwise). One unit of work: this
    commits (``attach_uncommitted`` is the same for a caller that owns the transaction).
    """
    upload = _store_content(uow, principal, call_id, file_name, content_type, content, visibility)
    now = now or utcnow()

    def attach() -> Attachment:
        uow.begin_write()
        attachment = _record(uow, principal, call_id, upload, visibility, now)
        uow.commit()
        return attachment

    return retry_on_conflict(uow, attach)


def attach_uncommitted(uow: UnitOfWork, principal: Principal, call_id: int, file_name: str,
                       content_type: str, content: bytes | StagedContent, *,
                       visibility: Visibility = Visibility.PUBLIC,
                       now: datetime | None = None) -> Attachment:
    """``add_attachment``'s rules in the caller's write transaction, which it does not commit.

    The e-mail intake attaches a message's files this way, so the call, its entries,
    every attachment and the Message-ID commit together or not at all. The bytes are
    in the file store already; should the caller roll back, they stay unreferenced
    (harmless, see ``store/files.py``).
    """
    upload = _store_content(uow, principal, call_id, file_name, content_type, content, visibility)
    return _record(uow, principal, call_id, upload, visibility, now or utcnow())


@dataclass(frozen=True, slots=True)
class _Upload:
    name: str
    content_type: str
    size: int
    sha256: str


def _store_content(uow: UnitOfWork, principal: Principal, call_id: int, file_name: str,
                   content_type: str, content: bytes | StagedContent,
                   visibility: Visibility) -> _Upload:
    """Every rule of an upload, then its bytes into the file store."""
    if uow.files is None:
        raise ConfigurationError("No attachment store is configured.")
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
    return _Upload(name, content_type, size, sha256)


def _record(uow: UnitOfWork, principal: Principal, call_id: int, upload: _Upload,
            visibility: Visibility, now: datetime) -> Attachment:
    """The attachment's row and its history entry, in the open write transaction."""
    call = _target(uow, principal, call_id)
    attachment = uow.attachments.add(call.id, upload.name, upload.content_type, upload.size,
                                     upload.sha256, visibility, principal.login_name, now)
    call.record(Entry(EntryKind.HISTORY, f"Attachment added: {upload.name} ({upload.size} bytes).",
                      principal.login_name, now, visibility=visibility))
    uow.calls.save(call)
    if not principal.role.is_staff:
        uow.calls.set_staff_unread(call.id, True)
    return attachment


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
