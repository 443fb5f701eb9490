"""The staff desk's queries: the queue (newest change first, by keyset) and the
technicians' preferences (desk_models.TechnicianRow)."""

from __future__ import annotations

from sqlalchemy import delete, exists, false, literal, or_, select, tuple_

from ..domain.desk import DeskFilter, NotifyEvent, Technician, TechnicianPrefs
from ..domain.model import AssignmentState, Role
from .desk_models import TechnicianRow
from .models import AssignmentRow, CallRow, CustomerRow, LoginRow, StatusRow
from .repository import CallSummary, _core, decode_cursor, encode_cursor
from .session import StoreSession

_STAFF_ROLES = (Role.STAFF.value, Role.ADMIN.value)
_EVENT_COLUMNS = {NotifyEvent.NEW_CALL: "notify_new_call", NotifyEvent.REPLY: "notify_reply",
                  NotifyEvent.SOLUTION: "notify_solution"}


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _prefs(row) -> TechnicianPrefs:
    if row is None or row.available is None:
        return TechnicianPrefs()
    events = frozenset(e for e, column in _EVENT_COLUMNS.items() if getattr(row, column))
    return TechnicianPrefs(row.available, row.channel, events)


class _PrefsRow:
    """A preferences row read by position, for _prefs."""

    def __init__(self, available, channel, notify_new_call, notify_reply, notify_solution):
        self.available, self.channel = available, channel
        self.notify_new_call, self.notify_reply = notify_new_call, notify_reply
        self.notify_solution = notify_solution


_PREFS_COLUMNS = (LoginRow.id, LoginRow.name, LoginRow.email, TechnicianRow.available,
                  TechnicianRow.channel, TechnicianRow.notify_new_call,
                  TechnicianRow.notify_reply, TechnicianRow.notify_solution)
#: Per event: the technicians to tell (module-level, so prepared.py compiles each once).
_SUBSCRIBERS = {
    event: (select(*_PREFS_COLUMNS)
            .join(TechnicianRow, TechnicianRow.login_id == LoginRow.id)
            # Two comparisons, not IN (an expanding IN cannot be prepared once).
            .where(or_(*(LoginRow.role == role for role in _STAFF_ROLES)),
                   LoginRow.active.is_(True), TechnicianRow.available.is_(True),
                   getattr(TechnicianRow, column).is_(True))
            .order_by(LoginRow.name))
    for event, column in _EVENT_COLUMNS.items()
}


class DeskRepository:
    def __init__(self, session: StoreSession):
        self.session = session

    def queue(self, where: DeskFilter, login_id: int | None, cursor: str | None,
              limit: int) -> tuple[list[CallSummary], str | None]:
        """Calls, newest change first, by keyset on (updated_at, id): the index
        ix_calls_updated_id walked backwards, so page 1,000 costs what page 1 costs."""
        stmt = (select(CallRow.id, CallRow.external_ticket_id, CustomerRow.number, CallRow.subject,
                       CallRow.status_code, StatusRow.stage, CallRow.priority, CallRow.category,
                       CallRow.created_at, CallRow.updated_at, CallRow.solution_state,
                       CallRow.staff_unread)
                .join(CustomerRow, CustomerRow.id == CallRow.customer_id)
                .join(StatusRow, StatusRow.code == CallRow.status_code)
                .order_by(CallRow.updated_at.desc(), CallRow.id.desc()).limit(limit + 1))
        for column, value in ((CallRow.status_code, where.status), (StatusRow.stage, where.stage),
                              (CustomerRow.number, where.customer_number),
                              (CallRow.category, where.category),
                              (CallRow.priority, where.priority)):
            if value:
                stmt = stmt.where(column == value)
        if where.unread:
            stmt = stmt.where(CallRow.staff_unread.is_(True))
        assigned = (select(AssignmentRow.call_id)
                    .where(AssignmentRow.call_id == CallRow.id,
                           AssignmentRow.state == AssignmentState.ASSIGNED.value))
        if where.mine:
            stmt = stmt.where(exists(assigned.where(AssignmentRow.login_id == login_id))
                              if login_id is not None else false())
        if where.unassigned:
            stmt = stmt.where(~exists(assigned))
        if where.text:
            pattern = _like(where.text)
            stmt = stmt.where(or_(CallRow.subject.ilike(pattern, escape="\\"),
                                  CallRow.external_ticket_id.ilike(pattern, escape="\\")))
        if cursor:
            before_time, before_id = decode_cursor(cursor)
            # A row-value comparison, not "a < t OR (a = t AND id < i)": both stores then
            # start the index walk at the cursor instead of skipping the rows before it.
            stmt = stmt.where(tuple_(CallRow.updated_at, CallRow.id)
                              < tuple_(literal(before_time, CallRow.updated_at.type),
                                       literal(before_id, CallRow.id.type)))
        rows = [CallSummary(*r) for r in self.session.execute(stmt)]
        next_cursor = None
        if len(rows) > limit:
            rows = rows[:limit]
            next_cursor = encode_cursor(rows[-1].updated_at, rows[-1].call_id)
        return rows, next_cursor

    def technicians(self) -> list[Technician]:
        """Every active staff and admin login, by name, with its preferences."""
        stmt = (select(LoginRow.id, LoginRow.name, LoginRow.email, TechnicianRow.available,
                       TechnicianRow.channel, TechnicianRow.notify_new_call,
                       TechnicianRow.notify_reply, TechnicianRow.notify_solution)
                .outerjoin(TechnicianRow, TechnicianRow.login_id == LoginRow.id)
                .where(LoginRow.role.in_(_STAFF_ROLES), LoginRow.active.is_(True))
                .order_by(LoginRow.name))
        return [Technician(r.id, r.name, r.email, _prefs(r)) for r in self.session.execute(stmt)]

    def subscribers(self, event: NotifyEvent) -> list[Technician]:
        """The active, available technicians who chose ``event``. On CreateCall's path, so a
        prepared module-level statement (store/prepared.py, like the store's other hot
        statements): a change nobody subscribed to costs one small round trip."""
        return [Technician(login_id, name, email, _prefs(_PrefsRow(*prefs)))
                for login_id, name, email, *prefs in _core(self.session, _SUBSCRIBERS[event], {})]

    def prefs(self, login_id: int) -> TechnicianPrefs:
        return _prefs(self.session.get(TechnicianRow, login_id))

    def put_prefs(self, login_id: int, prefs: TechnicianPrefs) -> None:
        self.session.execute(delete(TechnicianRow).where(TechnicianRow.login_id == login_id))
        self.session.add(TechnicianRow(
            login_id=login_id, available=prefs.available, channel=prefs.channel,
            **{column: event in prefs.events for event, column in _EVENT_COLUMNS.items()}))
        self.session.flush()
