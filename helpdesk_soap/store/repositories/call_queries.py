"""The calls' list queries: the customer's overview, its changes since a change number, and
the staff's search, with the search's cursors. CallRepository (calls.py) offers them."""

from __future__ import annotations

from datetime import UTC, datetime

import base64

from sqlalchemy import and_, func, or_, select, union

from ...domain.errors import InvalidArgument
from ...domain.filters import CallFilter, OverviewFilter
from ...domain.model import Principal, Stage, Status, Visibility
from ...domain.records import CallSummary, CustomerCallRow
from ..models import CallRow, CustomerRow, EntryRow, StatusRow, TimeRecordRow
from ..session import StoreSession

__all__ = ["CallQueries", "CallSummary", "CustomerCallRow", "decode_cursor", "encode_cursor",
           "summaries", "summary_page"]


def encode_cursor(updated_at: datetime, call_id: int) -> str:
    raw = f"{updated_at.astimezone(UTC).isoformat()}|{call_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def summaries():
    """The columns of a CallSummary: calls with their customer and status. The staff's
    search and the desk's queue (desk.py) filter, order and page it."""
    return (select(CallRow.id, CallRow.external_ticket_id, CustomerRow.number, CallRow.subject,
                   CallRow.status_code, StatusRow.stage, CallRow.priority, CallRow.category,
                   CallRow.created_at, CallRow.updated_at, CallRow.solution_state,
                   CallRow.staff_unread)
            .join(CustomerRow, CustomerRow.id == CallRow.customer_id)
            .join(StatusRow, StatusRow.code == CallRow.status_code))


def summary_page(session: StoreSession, stmt, limit: int) -> tuple[list[CallSummary], str | None]:
    """A page of summaries from ``stmt``, which asks for ``limit + 1`` rows: the page, and
    the cursor after its last row when there are more."""
    rows = [CallSummary(*r) for r in session.execute(stmt)]
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1].updated_at, rows[-1].call_id)


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        when, call_id = raw.split("|")
        return datetime.fromisoformat(when), int(call_id)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidArgument("The cursor is not one this service returned.", field="Cursor") from exc


class CallQueries:
    """The list queries of CallRepository."""

    session: StoreSession

    @staticmethod
    def _visible_branches(principal: Principal) -> list:
        """The calls a login may see, as conditions that each walk one index in id order: one
        per visible customer (calls_customer_id_desc), and the calls the login filed under a
        customer other than its own (the partial index calls_created_by_elsewhere). Their
        union is exactly the visible calls; for a page in id order, an OR of them would make
        the database sort them all (see overview). Internal calls are staff's only (issue 26,
        Call.visible_to): every branch leaves them out."""
        public = CallRow.internal.is_(False)
        return [*(and_(CallRow.customer_id == c, public)
                  for c in sorted(principal.visible_customer_ids)),
                and_(CallRow.created_by_login_id == principal.login_id,
                     CallRow.customer_id != CallRow.origin_customer_id, public)]

    def _overview_conditions(self, principal: Principal | None, where: OverviewFilter) -> list:
        """What the customer's overview filters on (calls joined with their status)."""
        conditions = [or_(*self._visible_branches(principal))] if principal is not None else []
        if where.created_from is not None:
            conditions.append(CallRow.created_at >= where.created_from)
        if where.created_before is not None:
            conditions.append(CallRow.created_at < where.created_before)
        if where.status:
            conditions.append(CallRow.status_code == where.status)
        if where.stage:
            conditions.append(StatusRow.stage == where.stage)
        if where.category:
            conditions.append(CallRow.category == where.category)
        if where.subject_contains:
            pattern = "%" + where.subject_contains.replace("\\", "\\\\").replace("%", "\\%") \
                .replace("_", "\\_").lower() + "%"
            conditions.append(func.lower(CallRow.subject).like(pattern, escape="\\"))
        return conditions

    def _overview(self, conditions: list):
        """The customer's overview rows, filtered, unordered and unpaged."""
        activities = (select(func.count(EntryRow.id)).where(
            EntryRow.call_id == CallRow.id, EntryRow.visibility == Visibility.PUBLIC.value)
            .scalar_subquery())
        minutes = (select(func.coalesce(func.sum(TimeRecordRow.minutes), 0))
                   .where(TimeRecordRow.call_id == CallRow.id).scalar_subquery())
        return (select(CallRow.id, CallRow.external_ticket_id, CallRow.subject, StatusRow.code,
                       StatusRow.name, StatusRow.stage, StatusRow.result_visible, StatusRow.is_final,
                       CallRow.priority, CallRow.category, CallRow.created_at, CallRow.changed_at,
                       CallRow.change_seq, activities.label("activities"), minutes.label("minutes"))
                .join(StatusRow, StatusRow.code == CallRow.status_code).where(*conditions))

    @staticmethod
    def _overview_row(r) -> CustomerCallRow:
        return CustomerCallRow(r.id, r.external_ticket_id, r.subject,
                               Status(r.code, r.name, Stage(r.stage), r.result_visible, r.is_final),
                               r.priority, r.category, r.created_at, r.changed_at, r.change_seq,
                               r.activities, r.minutes)

    def overview(self, principal: Principal, where: OverviewFilter, after_id: int | None,
                 limit: int) -> tuple[list[CustomerCallRow], bool, int]:
        """A page of the customer's calls, newest first, by keyset on the id; whether more
        follow; and the minutes spent over every call the filter matches."""
        # Driven from the time records (few) rather than the calls (a large customer has many).
        total = self.session.scalar(
            select(func.coalesce(func.sum(TimeRecordRow.minutes), 0))
            .join(CallRow, CallRow.id == TimeRecordRow.call_id)
            .join(StatusRow, StatusRow.code == CallRow.status_code)
            .where(*self._overview_conditions(principal, where)))
        filters = self._overview_conditions(None, where)
        if after_id is not None:
            filters.append(CallRow.id < after_id)
        # The newest limit+1 ids of each branch, then of their union: each branch reads at
        # most limit+1 index entries, however many calls the customer has.
        branches = [select(CallRow.id).join(StatusRow, StatusRow.code == CallRow.status_code)
                    .where(branch, *filters).order_by(CallRow.id.desc()).limit(limit + 1).subquery()
                    for branch in self._visible_branches(principal)]
        ids = union(*(select(b.c.id) for b in branches)).subquery()
        stmt = (self._overview([CallRow.id.in_(select(ids.c.id))])
                .order_by(CallRow.id.desc()).limit(limit + 1))
        rows = self.session.execute(stmt).all()
        return [self._overview_row(r) for r in rows[:limit]], len(rows) > limit, int(total)

    def changed_since(self, principal: Principal, since: int,
                      limit: int) -> tuple[list[CustomerCallRow], bool]:
        """The customer's calls changed after change sequence number ``since``, in order."""
        stmt = (self._overview(self._overview_conditions(principal, OverviewFilter()))
                .where(CallRow.change_seq > since)
                .order_by(CallRow.change_seq).limit(limit + 1))
        rows = self.session.execute(stmt).all()
        return [self._overview_row(r) for r in rows[:limit]], len(rows) > limit

    def search(self, where: CallFilter, cursor: str | None, limit: int) -> tuple[list[CallSummary], str | None]:
        """Calls in order of last change, oldest first, by keyset: as cheap on page 1,000 as on 1."""
        stmt = summaries().order_by(CallRow.updated_at, CallRow.id).limit(limit + 1)
        if where.status:
            stmt = stmt.where(CallRow.status_code == where.status)
        if where.stage:
            stmt = stmt.where(StatusRow.stage == where.stage)
        if where.customer_number:
            stmt = stmt.where(CustomerRow.number == where.customer_number)
        if where.changed_since:
            stmt = stmt.where(CallRow.updated_at > where.changed_since)
        if cursor:
            after_time, after_id = decode_cursor(cursor)
            stmt = stmt.where(or_(CallRow.updated_at > after_time,
                                  and_(CallRow.updated_at == after_time, CallRow.id > after_id)))
        return summary_page(self.session, stmt, limit)
