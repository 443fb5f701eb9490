"""The communication log's repository: switches and entries (tables in models/commlog.py)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import delete, select

from ...domain.commlog import Exchange, LoggedExchange
from ..models import CommlogEntryRow, CommlogSwitchRow, LoginRow
from ..session import StoreSession


@dataclass(frozen=True, slots=True)
class Switch:
    login_id: int | None
    login_name: str | None  # None: every login
    enabled_by: str
    enabled_at: datetime
    expires_at: datetime


_FIELDS = tuple(f.name for f in fields(LoggedExchange))


def _entry(row: CommlogEntryRow) -> LoggedExchange:
    return LoggedExchange(**{name: getattr(row, name) for name in _FIELDS})


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

    def add(self, e: Exchange) -> int:
        row = CommlogEntryRow(at=e.at, request_id=e.request_id[:128], login_id=e.login_id,
                              login_name=e.login_name[:254], service=e.service[:20],
                              operation=e.operation[:100] if e.operation else None,
                              result=e.result[:100], http_status=e.http_status, request=e.request,
                              response=e.response)
        self.session.add(row)
        self.session.flush()
        return row.id

    def entries(self, login_id: int | None = None, before_id: int | None = None,
                limit: int = 50) -> list[LoggedExchange]:
        query = select(CommlogEntryRow).order_by(CommlogEntryRow.id.desc()).limit(limit)
        if login_id is not None:
            query = query.where(CommlogEntryRow.login_id == login_id)
        if before_id is not None:
            query = query.where(CommlogEntryRow.id < before_id)
        return [_entry(row) for row in self.session.scalars(query)]

    def get(self, entry_id: int) -> LoggedExchange | None:
        row = self.session.get(CommlogEntryRow, entry_id)
        return _entry(row) if row is not None else None

    def purge(self, older_than: datetime, now: datetime) -> int:
        """Delete entries older than the cutoff, and switches that have expired."""
        count = self.session.execute(delete(CommlogEntryRow).where(CommlogEntryRow.at < older_than)).rowcount
        self.session.execute(delete(CommlogSwitchRow).where(CommlogSwitchRow.expires_at <= now))
        return count
