"""Technicians' assignments to calls."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from ...domain.model import AssignmentState
from ...domain.records import AssignmentRecord
from ..models import AssignmentRow, LoginRow
from ..session import StoreSession

__all__ = ["AssignmentRecord", "AssignmentRepository"]


class AssignmentRepository:
    def __init__(self, session: StoreSession):
        self.session = session

    def for_call(self, call_id: int) -> list[AssignmentRecord]:
        rows = self.session.execute(
            select(AssignmentRow.login_id, LoginRow.name, AssignmentRow.state, AssignmentRow.seen,
                   AssignmentRow.changed_at).join(LoginRow, LoginRow.id == AssignmentRow.login_id)
            .where(AssignmentRow.call_id == call_id).order_by(LoginRow.name))
        return [AssignmentRecord(r.login_id, r.name, AssignmentState(r.state), r.seen, r.changed_at)
                for r in rows]

    def put(self, call_id: int, login_id: int, state: AssignmentState, now: datetime) -> None:
        row = self.session.get(AssignmentRow, (call_id, login_id))
        if row is None:
            self.session.add(AssignmentRow(call_id=call_id, login_id=login_id, state=state.value,
                                           seen=False, changed_at=now))
        else:
            row.state, row.changed_at = state.value, now
        self.session.flush()

    def remove(self, call_id: int, login_id: int) -> bool:
        return self.session.execute(delete(AssignmentRow).where(
            AssignmentRow.call_id == call_id, AssignmentRow.login_id == login_id)).rowcount == 1

    def mark_all_unseen(self, call_id: int) -> None:
        self.session.execute(update(AssignmentRow).where(
            AssignmentRow.call_id == call_id, AssignmentRow.seen.is_(True)).values(seen=False))

    def mark_seen(self, call_id: int, login_id: int) -> bool:
        return self.session.execute(update(AssignmentRow).where(
            AssignmentRow.call_id == call_id, AssignmentRow.login_id == login_id,
            AssignmentRow.seen.is_(False)).values(seen=True)).rowcount == 1
