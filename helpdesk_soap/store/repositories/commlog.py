"""The communication log's repository: switches and entries (tables in models/commlog.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from ..models import CommlogEntryRow, CommlogSwitchRow, LoginRow
from ..session import StoreSession


@dataclass(frozen=True, slots=True)
class Switch:
    login_id: int | None
    login_name: str | None  # None: every login
    enabled_by: str
    enabled_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    at: datetime
    request_id: str
    login_id: int | None
    login_name: str
    service: str
    operation: str | None
    result: str
    http_status: int
    request: str
    response: str


def _entry(row: CommlogEntryRow) -> Entry:
    return Entry(row.id, row.at, row.request_id, row.login_id, row.login_name, row.service,
                 row.operation, row.result, row.http_status, row.request, row.response)


class CommlogRepository:
    def __init__(self, session: StoreSession):
        self.session = session

    def switch_on(self, login_id: int | None, by: str, now: datetime, until: datetime) -> None:
        self.switch_off(login_id)
        self.session.add(CommlogSwitchRow(login_id=login_id, enabled_by=by[:200], enabled_at=now,
                                          expires_at=until))

    def switch_off(self, login_id: int | None) -> int:
        target = (CommlogSwitchRow.login_id.is_(None) if login_id is None
                  else CommlogSwitchRow.login_id == login_id)
        return self.session.execute(delete(CommlogSwitchRow).where(target)).rowcount

    def active(self, now: datetime) -> list[Switch]:
        rows = self.session.execute(
            select(CommlogSwitchRow, LoginRow.name).outerjoin(LoginRow, LoginRow.id == CommlogSwitchRow.login_id)
            .where(CommlogSwitchRow.expires_at > now).order_by(CommlogSwitchRow.id)).all()
        return [Switch(s.login_id, name, s.enabled_by, s.enabled_at, s.expires_at) for s, name in rows]

    def add(self, *, at: datetime, request_id: str, login_id: int | None, login_name: str,
            service: str, operation: str | None, result: str, http_status: int, request: str,
            response: str) -> int:
        row = CommlogEntryRow(at=at, request_id=request_id[:128], login_id=login_id,
                              login_name=login_name[:254], service=service[:20],
                              operation=operation[:100] if operation else None, result=result[:100],
                              http_status=http_status, request=request, response=response)
        self.session.add(row)
        self.session.flush()
        return row.id

    def entries(self, login_id: int | None = None, before_id: int | None = None,
                limit: int = 50) -> list[Entry]:
        query = select(CommlogEntryRow).order_by(CommlogEntryRow.id.desc()).limit(limit)
        if login_id is not None:
            query = query.where(CommlogEntryRow.login_id == login_id)
        if before_id is not None:
            query = query.where(CommlogEntryRow.id < before_id)
        return [_entry(row) for row in self.session.scalars(query)]

    def get(self, entry_id: int) -> Entry | None:
        row = self.session.get(CommlogEntryRow, entry_id)
        return _entry(row) if row is not None else None

    def purge(self, older_than: datetime, now: datetime) -> int:
        """Delete entries older than the cutoff, and switches that have expired."""
        count = self.session.execute(delete(CommlogEntryRow).where(CommlogEntryRow.at < older_than)).rowcount
        self.session.execute(delete(CommlogSwitchRow).where(CommlogSwitchRow.expires_at <= now))
        return count
