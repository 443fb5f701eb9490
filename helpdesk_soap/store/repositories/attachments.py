"""Attachments and time records of calls."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select

from ...domain.attachments import Attachment, TimeRecord
from ...domain.model import Visibility
from ..models import AttachmentRow, LoginRow, TimeRecordRow
from ..session import StoreSession
from .base import core

_ATTACHMENT_COLUMNS = (AttachmentRow.id, AttachmentRow.call_id, AttachmentRow.file_name,
                       AttachmentRow.content_type, AttachmentRow.size, AttachmentRow.sha256,
                       AttachmentRow.visibility, AttachmentRow.author, AttachmentRow.created_at)
_ATTACHMENT_BY_ID = select(*_ATTACHMENT_COLUMNS).where(AttachmentRow.id == bindparam("id"))
_ATTACHMENTS = (select(*_ATTACHMENT_COLUMNS).where(AttachmentRow.call_id == bindparam("call_id"))
                .order_by(AttachmentRow.id))
_ATTACHMENTS_VISIBLE = _ATTACHMENTS.where(AttachmentRow.visibility == bindparam("visibility"))


class AttachmentRepository:
    def __init__(self, session: StoreSession):
        self.session = session

    @staticmethod
    def _attachment(row) -> Attachment:
        """An Attachment from a row of _ATTACHMENT_COLUMNS (or an AttachmentRow)."""
        if isinstance(row, AttachmentRow):
            row = [getattr(row, column.key) for column in _ATTACHMENT_COLUMNS]
        attachment_id, call_id, file_name, content_type, size, sha256, visibility, author, created_at = row
        return Attachment(attachment_id, call_id, file_name, content_type, size, sha256,
                          Visibility(visibility), author, created_at)

    def add(self, call_id: int, file_name: str, content_type: str, size: int, sha256: str,
            visibility: Visibility, author: str, now: datetime) -> Attachment:
        row = AttachmentRow(call_id=call_id, file_name=file_name, content_type=content_type, size=size,
                            sha256=sha256, visibility=visibility.value, author=author, created_at=now)
        self.session.add(row)
        self.session.flush()
        return self._attachment(row)

    def get(self, attachment_id: int) -> Attachment | None:
        row = core(self.session, _ATTACHMENT_BY_ID, {"id": attachment_id}).first()
        return self._attachment(row) if row is not None else None

    def for_call(self, call_id: int, visibility: Visibility | None = None) -> list[Attachment]:
        # GetCallData lists a call's attachments on every poll: a prebuilt Core statement.
        if visibility is None:
            rows = core(self.session, _ATTACHMENTS, {"call_id": call_id})
        else:
            rows = core(self.session, _ATTACHMENTS_VISIBLE, {"call_id": call_id,
                                                             "visibility": visibility.value})
        return [self._attachment(r) for r in rows]


class TimeRecordRepository:
    def __init__(self, session: StoreSession):
        self.session = session

    def add(self, call_id: int, login_id: int, minutes: int, note: str, author: str,
            now: datetime) -> int:
        row = TimeRecordRow(call_id=call_id, login_id=login_id, minutes=minutes, note=note,
                            author=author, created_at=now)
        self.session.add(row)
        self.session.flush()
        return row.id

    def for_call(self, call_id: int) -> list[TimeRecord]:
        rows = self.session.execute(
            select(TimeRecordRow.id, LoginRow.name, TimeRecordRow.minutes, TimeRecordRow.note,
                   TimeRecordRow.created_at).join(LoginRow, LoginRow.id == TimeRecordRow.login_id)
            .where(TimeRecordRow.call_id == call_id).order_by(TimeRecordRow.id))
        return [TimeRecord(r.id, call_id, r.name, r.minutes, r.note, r.created_at) for r in rows]
