"""The staff desk's queries: the queue (newest change first, by keyset), the technicians'
preferences (models/desk.py: TechnicianRow) and the customers they are responsible for
(TechnicianCustomerRow: a technician without any is responsible for every customer)."""

from __future__ import annotations

from sqlalchemy import bindparam, delete, exists, false, insert, literal, or_, select, tuple_

from ...domain.desk import DeskFilter, NotifyEvent, Technician, TechnicianPrefs
from ...domain.model import AssignmentState, Role
from ..models import (AssignmentRow, CallRow, CustomerRow, LoginRow, StatusRow,
                     TechnicianCustomerRow, TechnicianRow)
from ..session import StoreSession
from .base import core as _core
from .call_queries import CallSummary, decode_cursor, summaries, summary_page

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


_TC = TechnicianCustomerRow


def _responsible(login_id, customer_id):
    """The technician ``login_id`` is responsible for ``customer_id``: named for it, or for
    no customer at all."""
    return or_(~exists().where(_TC.login_id == login_id),
               exists().where(_TC.login_id == login_id, _TC.customer_id == customer_id))


#: The technicians to tell of a new call of a customer: those who chose new calls and are
#: responsible for the customer.
_NEW_CALL_SUBSCRIBERS = _SUBSCRIBERS[NotifyEvent.NEW_CALL].where(
    _responsible(LoginRow.id, bindparam("customer_id")))


class DeskRepository:
    def __init__(self, session: StoreSession):
        self.session = session

    def queue(self, where: DeskFilter, login_id: int | None, cursor: str | None,
              limit: int) -> tuple[list[CallSummary], str | None]:
        """Calls, newest change first, by keyset on (updated_at, id): the index
        ix_calls_updated_id walked backwards, so page 1,000 costs what page 1 costs."""
        stmt = summaries().order_by(CallRow.updated_at.desc(), CallRow.id.desc()).limit(limit + 1)
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
        if where.my_customers:
            stmt = stmt.where(_responsible(login_id, CallRow.customer_id)
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
        return summary_page(self.session, stmt, limit)

    def technicians(self) -> list[Technician]:
        """Every active staff and admin login, by name, with its preferences."""
        stmt = (select(LoginRow.id, LoginRow.name, LoginRow.email, TechnicianRow.available,
                       TechnicianRow.channel, TechnicianRow.notify_new_call,
                       TechnicianRow.notify_reply, TechnicianRow.notify_solution)
                .outerjoin(TechnicianRow, TechnicianRow.login_id == LoginRow.id)
                .where(LoginRow.role.in_(_STAFF_ROLES), LoginRow.active.is_(True))
                .order_by(LoginRow.name))
        return [Technician(r.id, r.name, r.email, _prefs(r)) for r in self.session.execute(stmt)]

    def subscribers(self, event: NotifyEvent,
                    customer_id: int | None = None) -> list[Technician]:
        """The active, available technicians who chose ``event``; of a new call (given its
        ``customer_id``), only those responsible for the customer. On every write's path, so
        prepared module-level statements, read through the cache (store/cache.py): while
        nothing changed, a write asks nothing."""
        if event is NotifyEvent.NEW_CALL and customer_id is not None:
            rows = _core(self.session, _NEW_CALL_SUBSCRIBERS, {"customer_id": customer_id})
        else:
            rows = _core(self.session, _SUBSCRIBERS[event], {})
        return [Technician(login_id, name, email, _prefs(_PrefsRow(*prefs)))
                for login_id, name, email, *prefs in rows]

    def responsible(self, customer_id: int) -> set[int]:
        """The logins responsible for the customer (named for it, or for no customer)."""
        stmt = select(LoginRow.id).where(LoginRow.role.in_(_STAFF_ROLES),
                                         _responsible(LoginRow.id, customer_id))
        return set(self.session.execute(stmt).scalars())

    def customers_of_all(self) -> dict[int, list[str]]:
        """Per technician's login id, the numbers of the customers they are named for."""
        stmt = (select(_TC.login_id, CustomerRow.number)
                .join(CustomerRow, CustomerRow.id == _TC.customer_id)
                .order_by(_TC.login_id, CustomerRow.number))
        found: dict[int, list[str]] = {}
        for login_id, number in self.session.execute(stmt):
            found.setdefault(login_id, []).append(number)
        return found

    def set_customers(self, login_id: int, customer_ids: list[int]) -> None:
        self.session.execute(delete(_TC).where(_TC.login_id == login_id))
        if customer_ids:
            self.session.execute(insert(_TC), [{"login_id": login_id, "customer_id": c}
                                               for c in customer_ids])

    def prefs(self, login_id: int) -> TechnicianPrefs:
        return _prefs(self.session.get(TechnicianRow, login_id))

    def put_prefs(self, login_id: int, prefs: TechnicianPrefs) -> None:
        self.session.execute(delete(TechnicianRow).where(TechnicianRow.login_id == login_id))
        self.session.add(TechnicianRow(
            login_id=login_id, available=prefs.available, channel=prefs.channel,
            **{column: event in prefs.events for event, column in _EVENT_COLUMNS.items()}))
        self.session.flush()
