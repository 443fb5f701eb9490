"""Repositories: the store's rows in, the domain's plain objects out."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime

import base64
import functools

from sqlalchemy import and_, bindparam, delete, exists, func, insert, or_, select, union, update
from sqlalchemy.exc import IntegrityError

from ..domain.attachments import Attachment, TimeRecord
from ..domain.model import (AssignmentState, Call, Category, ContactType, Customer, Entry, EntryKind,
                            Principal, Priority, Role, SolutionState, Stage, Status, Visibility)
from ..domain.errors import InvalidArgument
from ..domain.settings import Settings
from ..services.unit_of_work import Conflict
from ..services.workflow import OverviewFilter
from . import prepared
from .models import (ACCOUNT_VERSION, CHANGE_SEQUENCE, REFERENCE_VERSION, AssignmentRow, AttachmentRow, CallRow,
                     ChangeCounterRow, CustomerRow, EntryRow, LoginRow, OrganisationRow, PortalRow,
                     SessionRow, SettingRow, StatusRow, TimeRecordRow)
from .session import StoreSession

# Columns copied one-to-one between Call and CallRow. The change sequence and the staff's
# unread flag are written only by their own statements.
_CALL_COLUMNS = [c.key for c in CallRow.__table__.columns
                 if c.key not in ("id", "version", "change_seq", "staff_unread")]
_ENUMS = {"priority": Priority, "category": Category, "solution_state": SolutionState}


_CALLS = CallRow.__table__
# Built once: a Core statement skips the ORM's identity map and attribute
# instrumentation, and SQLAlchemy caches its compiled form.
_CALL_BY_ID = select(_CALLS).where(_CALLS.c.id == bindparam("call_id"))
_CALL_BY_EXTERNAL_ID = select(_CALLS).where(_CALLS.c.origin_customer_id == bindparam("origin"),
                                            _CALLS.c.external_ticket_id == bindparam("external"))
_INSERT_CALL = insert(_CALLS).returning(_CALLS.c.id, _CALLS.c.change_seq)
_CALL_BY_ID_LOCKED = _CALL_BY_ID.with_for_update()


def _save_statement(columns: list[str]):
    return (update(_CALLS)
            .where(_CALLS.c.id == bindparam("w_id"), _CALLS.c.version == bindparam("w_version"))
            .values({name: bindparam(f"v_{name}") for name in columns}))


_SAVE_CALL = _save_statement([*_CALL_COLUMNS, "version"])
_SAVE_CALL_CHANGED = _save_statement([*_CALL_COLUMNS, "version", "change_seq"])
_INSERT_ENTRY = insert(EntryRow.__table__)
_COUNTER = ChangeCounterRow.__table__
_NEXT_CHANGE = (update(_COUNTER).where(_COUNTER.c.id == CHANGE_SEQUENCE)
                .values(value=_COUNTER.c.value + 1).returning(_COUNTER.c.value))
#: Where every statement is a round trip (PostgreSQL), a write of a call is one statement:
#: the change sequence's UPDATE and the INSERT of the call's new entries ride in the call's
#: INSERT or UPDATE as data-modifying CTEs, where each was a statement of its own. They run
#: once, whatever the outer statement matches (a save that loses the optimistic check
#: raises Conflict, and its transaction is rolled back), and the counter's row stays locked
#: until the transaction ends, as before. SQLite has no data-modifying CTEs.
_NEXT_CHANGE_CTE = _NEXT_CHANGE.cte("next_change")
_NEXT_CHANGE_VALUE = select(_NEXT_CHANGE_CTE.c.value).scalar_subquery()
_ENTRY_TABLE = EntryRow.__table__
#: The columns an entry gives (its id is the database's, its call the statement's).
_ENTRY_COLUMNS = tuple(c.key for c in _ENTRY_TABLE.columns if c.key not in ("id", "call_id"))
#: New entries written in their call's statement at most; more go in a statement of their own.
_FOLDED_ENTRIES = 8


def _new_entries_cte(call_id, count: int):
    """The INSERT of ``count`` entries of the call ``call_id`` (an SQL expression), as a CTE;
    the i-th entry's values are the parameters e{i}_kind, e{i}_visibility... (_entry_params)."""
    return insert(_ENTRY_TABLE).values([
        {"call_id": call_id,
         **{c: bindparam(f"e{i}_{c}", type_=_ENTRY_TABLE.c[c].type) for c in _ENTRY_COLUMNS}}
        for i in range(count)]).cte("new_entries")


@functools.cache
def _insert_call_folded(entries: int):
    """The call's INSERT with its change number and its first ``entries`` entries (PostgreSQL)."""
    new_call = (insert(_CALLS)
                .values({name: bindparam(name, type_=_CALLS.c[name].type)
                         for name in (*_CALL_COLUMNS, "version", "staff_unread")})
                .values(change_seq=_NEXT_CHANGE_VALUE)
                .returning(_CALLS.c.id, _CALLS.c.change_seq).cte("new_call"))
    statement = select(new_call.c.id, new_call.c.change_seq).add_cte(_NEXT_CHANGE_CTE)
    if entries:
        call_id = select(new_call.c.id).scalar_subquery()
        statement = statement.add_cte(_new_entries_cte(call_id, entries))
    return statement


@functools.cache
def _save_call_folded(numbered: bool, entries: int):
    """The call's UPDATE, with the next change number if ``numbered``, and the INSERT of
    ``entries`` new entries (PostgreSQL). It returns a row if the optimistic check passed."""
    statement = _save_statement([*_CALL_COLUMNS, "version"])
    if numbered:
        statement = statement.values(change_seq=_NEXT_CHANGE_VALUE).add_cte(_NEXT_CHANGE_CTE)
    if entries:
        statement = statement.add_cte(_new_entries_cte(bindparam("w_id"), entries))
    return statement.returning(_CALLS.c.change_seq)


def _entry_values(call_id: int | None, entry: Entry) -> dict:
    return {"call_id": call_id, "kind": entry.kind.value, "visibility": entry.visibility.value,
            "contact_type": entry.contact_type.value if entry.contact_type else None,
            "author": entry.author, "text": entry.text, "path": entry.path,
            "created_at": entry.created_at}


def _entry_params(entries) -> dict:
    """The parameters of _new_entries_cte for these entries."""
    params = {}
    for i, entry in enumerate(entries):
        values = _entry_values(None, entry)
        params.update((f"e{i}_{c}", values[c]) for c in _ENTRY_COLUMNS)
    return params


_REFERENCE_VERSION = select(_COUNTER.c.value).where(_COUNTER.c.id == REFERENCE_VERSION)
#: Where a unit of work's session keeps the reference version it first read (see
#: reference_version).
_VERSION_SEEN = "helpdesk_reference_version"


def reference_version(session: StoreSession) -> int:
    """The version of the settings and statuses (ChangeCounterRow) as this unit of work
    first saw it: authentication reads it (with the account version, ``versions``, or in
    the login's query), so a request mostly needs no query of its own. A request therefore
    works with the reference data as of its start, as if it had run just before any change
    made while it ran."""
    seen = session.info.get(_VERSION_SEEN)
    if seen is None:
        seen = session.info[_VERSION_SEEN] = _core(session, _REFERENCE_VERSION, {}).scalar_one()
    return seen


def forget_reference_version(session: StoreSession) -> None:
    """After this unit of work changed the settings or statuses: read the version again."""
    session.info.pop(_VERSION_SEEN, None)
    session.info.pop(_ACCOUNTS_SEEN, None)


#: The logins and portals' version (migration 0007), read with the reference version.
_ACCOUNT_VERSION = select(_COUNTER.c.value).where(_COUNTER.c.id == ACCOUNT_VERSION)
_VERSIONS = select(_REFERENCE_VERSION.scalar_subquery(), _ACCOUNT_VERSION.scalar_subquery())
_ACCOUNTS_SEEN = "helpdesk_account_version"


def versions(session: StoreSession) -> tuple[int, int]:
    """The reference and account versions as this unit of work first saw them (one query
    for both): what a worker's copy of a login is kept under (store/cache.py). With them
    comes the row of the call the unit of work expects to read (``expect_call``)."""
    info = session.info
    reference, accounts = info.get(_VERSION_SEEN), info.get(_ACCOUNTS_SEEN)
    if reference is None or accounts is None:
        call_id = _expecting(session)
        if call_id is not None:
            row = _core(session, _VERSIONS_AND_CALL, {"call_id": call_id}).first()
            _read_expected(session, row[2:] if row is not None else None)
            if row is not None:
                return _saw_versions(session, row[0], row[1])
        return _saw_versions(session, *_core(session, _VERSIONS, {}).first())
    return reference, accounts


#: The call a unit of work expects to read first (expect_call): (its id, its row once read).
_EXPECTED_CALL = "helpdesk_expected_call"
_VERSIONS_AND_CALL = select(_REFERENCE_VERSION.scalar_subquery(), _ACCOUNT_VERSION.scalar_subquery(),
                            *_CALLS.columns).where(_CALLS.c.id == bindparam("call_id"))


def expect_call(session: StoreSession, call_id: int) -> None:
    """Note that this unit of work will read the call ``call_id`` (CallRepository.get)
    right after authenticating. Where every statement is a round trip to the server,
    authentication's query (``versions``, or a session token's, LoginRepository.session_of)
    then reads the call's row too, and the call's first read takes it from there: a
    GetCallData on PostgreSQL is one round trip, not two. The row is one statement's
    snapshot, as a read of its own would be; it serves one read, made before the unit of
    work writes (a writer reads the call under a lock) or ends a transaction
    (``drop_expected_call``)."""
    if session.round_trips:
        session.info[_EXPECTED_CALL] = (call_id, None)


def drop_expected_call(session: StoreSession) -> None:
    """The unit of work ended a transaction: its reads go to the store again."""
    session.info.pop(_EXPECTED_CALL, None)


def _expecting(session: StoreSession) -> int | None:
    """The id of the call this unit of work expects to read, if its row is still to be read."""
    expected = session.info.get(_EXPECTED_CALL)
    return expected[0] if expected is not None and expected[1] is None else None


def _read_expected(session: StoreSession, row) -> None:
    """Keep the expected call's row, read with the versions, under its id. No row, or the
    outer join's row of NULLs (id None, which no call has), means no such call: the call's
    read (CallRepository.get) then runs on its own, and finds none."""
    if row is None:
        session.info.pop(_EXPECTED_CALL, None)
    else:
        session.info[_EXPECTED_CALL] = (row[0], row)


def _expected_call_row(session: StoreSession, call_id: int):
    """The row read for ``call_id`` with the versions (expect_call), once; or None."""
    expected = session.info.get(_EXPECTED_CALL)
    if expected is None or expected[0] != call_id or expected[1] is None:
        return None
    del session.info[_EXPECTED_CALL]
    return expected[1]


def _saw_versions(session: StoreSession, reference: int, accounts: int) -> tuple[int, int]:
    """Note versions read by this unit of work; the first seen of each stays."""
    info = session.info
    return info.setdefault(_VERSION_SEEN, reference), info.setdefault(_ACCOUNTS_SEEN, accounts)


def _core(session: StoreSession, statement, params):
    """Run a Core statement on the session's connection (and transaction), without the
    ORM's per-execution bookkeeping, which a plain table statement does not need. It runs
    on the driver's cursor (prepared.py): rows are plain tuples, read by position. Pass a
    module-level statement: prepared.py keeps one compiled form per statement object."""
    return prepared.execute(session.connection(), statement, params)


#: The columns of ``select(_CALLS)``, in order. A Row's values are read by position or by
#: unpacking throughout this module: by name, each costs about 0.4 µs (a GetCallData of 500
#: entries spent 1.6 ms on it).
_CALL_KEYS = tuple(c.key for c in _CALLS.columns)


def _call_from_row(row) -> Call:
    """A Call from a row of ``select(_CALLS)``."""
    values = dict(zip(_CALL_KEYS, row))
    del values["staff_unread"]
    for name, enum in _ENUMS.items():
        values[name] = enum(values[name])
    values["components"] = tuple(values["components"] or ())
    return Call(**values)


def _call_values(call: Call) -> dict:
    values = {name: getattr(call, name) for name in _CALL_COLUMNS}
    for name in _ENUMS:
        values[name] = values[name].value
    values["components"] = list(call.components)
    return values


@dataclass(frozen=True, slots=True)
class CallSummary:
    call_id: int
    external_ticket_id: str | None
    customer_number: str
    subject: str
    status_code: str
    stage: str
    priority: str
    category: str
    created_at: datetime
    updated_at: datetime
    solution_state: str
    staff_unread: bool


@dataclass(frozen=True, slots=True)
class CustomerCallRow:
    """One line of the customer's call overview."""

    call_id: int
    external_ticket_id: str | None
    subject: str
    status: Status
    priority: str
    category: str
    created_at: datetime
    changed_at: datetime
    change_seq: int
    public_activities: int
    minutes_spent: int


def encode_cursor(updated_at: datetime, call_id: int) -> str:
    raw = f"{updated_at.astimezone(UTC).isoformat()}|{call_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        when, call_id = raw.split("|")
        return datetime.fromisoformat(when), int(call_id)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidArgument("The cursor is not one this service returned.", field="Cursor") from exc


class CallRepository:
    def __init__(self, session: StoreSession):
        self.session = session
        #: Set by the unit of work for a writing transaction: calls read are locked
        #: (SELECT ... FOR UPDATE on PostgreSQL; SQLite's write lock covers the whole file),
        #: so writers of one call queue up instead of failing the optimistic check, and
        #: every writer takes the call's row before any other row it changes.
        self.lock_reads = False

    def get(self, call_id: int) -> Call | None:
        if self.lock_reads:
            row = _core(self.session, _CALL_BY_ID_LOCKED, {"call_id": call_id}).first()
        else:
            row = _expected_call_row(self.session, call_id)
            if row is None:
                row = _core(self.session, _CALL_BY_ID, {"call_id": call_id}).first()
        return _call_from_row(row) if row is not None else None

    def find_by_external_id(self, origin_customer_id: int, external_ticket_id: str) -> Call | None:
        row = _core(self.session, _CALL_BY_EXTERNAL_ID, {"origin": origin_customer_id,
                                                       "external": external_ticket_id}).one_or_none()
        return _call_from_row(row) if row is not None else None

    def add(self, call: Call) -> None:
        values = {**_call_values(call), "version": 1, "staff_unread": False}
        folded = self._folded_entries(call)  # PostgreSQL: one statement for it all
        if folded is None:
            values["change_seq"] = self._next_change_seq()
            statement = _INSERT_CALL
        else:
            values.update(_entry_params(folded))
            statement = _insert_call_folded(len(folded))
        try:
            call_id, change_seq = _core(self.session, statement, values).first()
        except IntegrityError as exc:
            raise Conflict(str(exc.orig)) from exc
        call.id, call.version, call.change_seq = call_id, 1, change_seq
        call.public_change = False
        del call.new_entries[:len(folded or ())]
        self._insert_entries(call)

    def save(self, call: Call) -> None:
        """Write the call back if nobody changed it since it was read (optimistic lock).

        A customer-visible change also takes the call's next change sequence number.
        Services save last, just before they commit, so the counter's row lock is held
        only for the end of the transaction.
        """
        params = {f"v_{name}": value for name, value in _call_values(call).items()}
        params.update(w_id=call.id, w_version=call.version, v_version=call.version + 1)
        folded = self._folded_entries(call)  # PostgreSQL: one statement for it all
        if folded is not None:
            params.update(_entry_params(folded))
            statement = _save_call_folded(call.public_change, len(folded))
        elif call.public_change:
            params["v_change_seq"] = self._next_change_seq()
            statement = _SAVE_CALL_CHANGED
        else:
            statement = _SAVE_CALL
        result = _core(self.session, statement, params)
        if result.rowcount != 1:
            raise Conflict(f"call {call.id} changed concurrently")
        call.version += 1
        if folded is not None:  # it returns the number the call has now, new or not
            call.change_seq = result.first()[0]
        else:
            call.change_seq = params.get("v_change_seq", call.change_seq)
        del call.new_entries[:len(folded or ())]
        call.public_change = False
        self._insert_entries(call)

    def _folded_entries(self, call: Call) -> list[Entry] | None:
        """Where statements are round trips (PostgreSQL), the call's new entries that its own
        statement writes (all of them, up to _FOLDED_ENTRIES); None where they and the change
        number take statements of their own."""
        if not self.session.round_trips:
            return None
        return call.new_entries[:_FOLDED_ENTRIES]

    def _next_change_seq(self) -> int:
        """The next number of the store-wide change sequence. The UPDATE locks the counter's
        row until this transaction ends, so numbers are handed out in commit order."""
        return _core(self.session, _NEXT_CHANGE, {}).scalar_one()

    def set_staff_unread(self, call_id: int, unread: bool) -> bool:
        return self.session.execute(update(CallRow).where(
            CallRow.id == call_id, CallRow.staff_unread.is_not(unread))
            .values(staff_unread=unread)).rowcount == 1

    def staff_unread(self, call_id: int) -> bool:
        return bool(self.session.scalar(select(CallRow.staff_unread).where(CallRow.id == call_id)))

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

    def _overview_conditions(self, principal: Principal | None, where) -> list:
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

    def overview(self, principal: Principal, where, after_id: int | None,
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

    def search(self, where, cursor: str | None, limit: int) -> tuple[list[CallSummary], str | None]:
        """Calls in order of last change, oldest first, by keyset: as cheap on page 1,000 as on 1."""
        stmt = (select(CallRow.id, CallRow.external_ticket_id, CustomerRow.number, CallRow.subject,
                       CallRow.status_code, StatusRow.stage, CallRow.priority, CallRow.category,
                       CallRow.created_at, CallRow.updated_at, CallRow.solution_state,
                       CallRow.staff_unread)
                .join(CustomerRow, CustomerRow.id == CallRow.customer_id)
                .join(StatusRow, StatusRow.code == CallRow.status_code)
                .order_by(CallRow.updated_at, CallRow.id).limit(limit + 1))
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
        rows = [CallSummary(*r) for r in self.session.execute(stmt)]
        next_cursor = None
        if len(rows) > limit:
            rows = rows[:limit]
            next_cursor = encode_cursor(rows[-1].updated_at, rows[-1].call_id)
        return rows, next_cursor

    def _insert_entries(self, call: Call) -> None:
        if not call.new_entries:
            return
        _core(self.session, _INSERT_ENTRY, [_entry_values(call.id, e) for e in call.new_entries])
        call.new_entries.clear()

    def entries(self, call_id: int, visibility: Visibility | None = None) -> list[Entry]:
        if visibility is None:
            rows = _core(self.session, _ENTRIES, {"call_id": call_id})
        else:
            rows = _core(self.session, _ENTRIES_VISIBLE, {"call_id": call_id,
                                                          "visibility": visibility.value})
        kinds, visibilities, contacts = _BY_VALUE[EntryKind], _BY_VALUE[Visibility], _BY_VALUE[ContactType]
        return [Entry(kind=kinds[kind], text=text, author=author, created_at=created_at,
                      visibility=visibilities[visibility],
                      contact_type=contacts[contact_type] if contact_type else None,
                      path=path, id=entry_id)
                for entry_id, kind, visibility, contact_type, author, text, path, created_at in rows.all()]


#: Each enumeration's members by value: a dict lookup, where calling the Enum costs ~0.4 µs.
_BY_VALUE = {enum: {member.value: member for member in enum} for enum in (EntryKind, Visibility, ContactType)}
_ENTRIES = (select(EntryRow.id, EntryRow.kind, EntryRow.visibility, EntryRow.contact_type,
                   EntryRow.author, EntryRow.text, EntryRow.path, EntryRow.created_at)
            .where(EntryRow.call_id == bindparam("call_id")).order_by(EntryRow.id))
_ENTRIES_VISIBLE = _ENTRIES.where(EntryRow.visibility == bindparam("visibility"))
_CUSTOMERS = select(CustomerRow.id, CustomerRow.number, CustomerRow.name)  # Customer's fields, in order
_CUSTOMER_BY_ID = _CUSTOMERS.where(CustomerRow.id == bindparam("id"))
_CUSTOMER_BY_NUMBER = _CUSTOMERS.where(CustomerRow.number == bindparam("number"))
_CUSTOMER_BY_MAIL_DOMAIN = _CUSTOMERS.where(CustomerRow.mail_domain == bindparam("domain"))
_CUSTOMERS_BY_NUMBER = _CUSTOMERS.order_by(CustomerRow.number)

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
        row = _core(self.session, _ATTACHMENT_BY_ID, {"id": attachment_id}).first()
        return self._attachment(row) if row is not None else None

    def for_call(self, call_id: int, visibility: Visibility | None = None) -> list[Attachment]:
        # GetCallData lists a call's attachments on every poll: a prebuilt Core statement.
        if visibility is None:
            rows = _core(self.session, _ATTACHMENTS, {"call_id": call_id})
        else:
            rows = _core(self.session, _ATTACHMENTS_VISIBLE, {"call_id": call_id,
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


class CustomerRepository:
    def __init__(self, session: StoreSession):
        self.session = session

    @staticmethod
    def _customer(row) -> Customer | None:
        """A Customer from a row of _CUSTOMERS."""
        return Customer(*row) if row is not None else None

    def get(self, customer_id: int) -> Customer | None:
        return self._customer(_core(self.session, _CUSTOMER_BY_ID, {"id": customer_id}).first())

    def by_number(self, number: str) -> Customer | None:
        return self._customer(_core(self.session, _CUSTOMER_BY_NUMBER, {"number": number}).one_or_none())

    def add(self, number: str, name: str) -> Customer:
        row = CustomerRow(number=number, name=name, created_at=datetime.now(UTC))
        self.session.add(row)
        self.session.flush()
        return Customer(row.id, row.number, row.name)

    def list(self) -> list[Customer]:
        return [self._customer(r) for r in _core(self.session, _CUSTOMERS_BY_NUMBER, {})]

    def by_mail_domain(self, domain: str) -> Customer | None:
        return self._customer(_core(self.session, _CUSTOMER_BY_MAIL_DOMAIN,
                                    {"domain": domain.lower()}).one_or_none())

    def set_mail_domain(self, customer_id: int, domain: str | None) -> None:
        self.session.execute(update(CustomerRow).where(CustomerRow.id == customer_id)
                             .values(mail_domain=domain))


_STATUSES = select(StatusRow.code, StatusRow.name, StatusRow.stage, StatusRow.result_visible,
                   StatusRow.is_final)  # Status's fields, in order
_STATUS_BY_CODE = _STATUSES.where(StatusRow.code == bindparam("code"))
_STATUSES_BY_CODE = _STATUSES.order_by(StatusRow.code)


class StatusRepository:
    def __init__(self, session: StoreSession):
        self.session = session

    @staticmethod
    def _status(row) -> Status:
        """A Status from a row of _STATUSES."""
        code, name, stage, result_visible, is_final = row
        return Status(code, name, Stage(stage), result_visible, is_final)

    def get(self, code: str) -> Status | None:
        row = _core(self.session, _STATUS_BY_CODE, {"code": code}).first()
        return self._status(row) if row is not None else None

    def list(self) -> list[Status]:
        return [self._status(r) for r in _core(self.session, _STATUSES_BY_CODE, {})]

    def add(self, status: Status) -> None:
        self.session.add(StatusRow(code=status.code, name=status.name, stage=status.stage.value,
                                   result_visible=status.result_visible, is_final=status.is_final))
        self.session.flush()


@dataclass(frozen=True, slots=True)
class LoginRecord:
    principal: Principal
    password_hash: str
    active: bool
    locked_until: datetime | None
    email: str | None = None
    #: Whether the login's customer's portal, or its organisation's, is switched off, as
    #: read with the login (None: a login of no customer).
    portal_off: bool | None = None


#: Whether the login's customer's portal, or its organisation's, is switched off: read in
#: the same query as the login, so authenticating costs one round trip (see PortalRepository).
_PORTAL_OFF = exists().where(
    PortalRow.active.is_(False),
    or_(PortalRow.customer_id == LoginRow.customer_id,
        and_(CustomerRow.organisation_id.is_not(None),
             PortalRow.organisation_id == CustomerRow.organisation_id))).label("portal_off")
_LOGINS = (select(LoginRow.id, LoginRow.name, LoginRow.customer_id, LoginRow.can_set_service_level,
                  LoginRow.role, LoginRow.password_hash, LoginRow.active, LoginRow.locked_until,
                  LoginRow.email, CustomerRow.organisation_id, _PORTAL_OFF,
                  _REFERENCE_VERSION.scalar_subquery().label("reference_version"))
           .select_from(LoginRow).outerjoin(CustomerRow, CustomerRow.id == LoginRow.customer_id))
_LOGIN_BY_NAME = _LOGINS.where(LoginRow.name == bindparam("name"))
_LOGIN_BY_ID = _LOGINS.where(LoginRow.id == bindparam("id"))
_LOGIN_BY_EMAIL = _LOGINS.where(LoginRow.email == bindparam("email"))
_LOGIN_BY_SESSION = (_LOGINS.add_columns(SessionRow.expires_at)
                     .join(SessionRow, SessionRow.login_id == LoginRow.id)
                     .where(SessionRow.token_hash == bindparam("hash")))
_PORTAL_HINTS = "helpdesk_portal_off"
_SESSION_AND_VERSIONS = select(SessionRow.login_id, SessionRow.expires_at,
                               _REFERENCE_VERSION.scalar_subquery(),
                               _ACCOUNT_VERSION.scalar_subquery()).where(
    SessionRow.token_hash == bindparam("hash"))
#: The same, with the row of the call the unit of work expects to read (expect_call).
_SESSION_VERSIONS_AND_CALL = _SESSION_AND_VERSIONS.add_columns(*_CALLS.columns).select_from(
    SessionRow.__table__.outerjoin(_CALLS, _CALLS.c.id == bindparam("call_id")))


class LoginRepository:
    def __init__(self, session: StoreSession):
        self.session = session

    def _record(self, row) -> LoginRecord | None:
        """A LoginRecord from a row of _LOGINS (the first 12 columns)."""
        if row is None:
            return None
        (login_id, name, customer_id, can_set_service_level, role, password_hash, active, locked_until,
         email, org, portal_off, version) = row[:12]
        info = self.session.info
        info.setdefault(_VERSION_SEEN, version)
        visible: frozenset[int] = frozenset()
        if customer_id is not None:
            visible = frozenset(self.session.scalars(
                select(CustomerRow.id).where(CustomerRow.organisation_id == org))) if org else \
                frozenset({customer_id})
            portal_off = bool(portal_off)
            info.setdefault(_PORTAL_HINTS, {})[(customer_id, org)] = portal_off
        else:
            org = portal_off = None
        principal = Principal(login_id, name, customer_id, can_set_service_level, Role(role), visible, org)
        return LoginRecord(principal, password_hash, active, locked_until, email, portal_off)

    def remember(self, record: LoginRecord) -> None:
        """Note what ``record`` says of the portals, as if this unit of work had read it
        (PortalRepository.inactive_for); for a record kept from an earlier request."""
        if record.portal_off is not None:
            p = record.principal
            self.session.info.setdefault(_PORTAL_HINTS, {})[(p.customer_id, p.organisation_id)] = \
                record.portal_off

    def by_name(self, name: str) -> LoginRecord | None:
        return self._record(_core(self.session, _LOGIN_BY_NAME, {"name": name}).one_or_none())

    def by_identifier(self, identifier: str) -> LoginRecord | None:
        """A login by its name, else its e-mail address (case-insensitive), else its
        customer's number where that customer has exactly one active login."""
        row = _core(self.session, _LOGIN_BY_NAME, {"name": identifier}).one_or_none()
        if row is None and "@" in identifier:
            row = _core(self.session, _LOGIN_BY_EMAIL, {"email": identifier.strip().lower()}).one_or_none()
        if row is None:
            rows = self.session.execute(
                _LOGINS.where(CustomerRow.number == identifier, LoginRow.active.is_(True)).limit(2)).all()
            row = rows[0] if len(rows) == 1 else None
        return self._record(row)

    def by_email(self, email: str) -> LoginRecord | None:
        return self._record(_core(self.session, _LOGIN_BY_EMAIL,
                                  {"email": email.strip().lower()}).one_or_none())

    def by_id(self, login_id: int) -> LoginRecord | None:
        return self._record(_core(self.session, _LOGIN_BY_ID, {"id": login_id}).one_or_none())

    def session_of(self, token_hash: str) -> tuple[int, datetime] | None:
        """The login id and expiry of a session token, without the login; the versions
        (``versions``), and the row of a call the unit of work expects (expect_call), are
        read in the same query."""
        call_id = _expecting(self.session)
        if call_id is None:
            row = _core(self.session, _SESSION_AND_VERSIONS, {"hash": token_hash}).first()
        else:
            row = _core(self.session, _SESSION_VERSIONS_AND_CALL,
                        {"hash": token_hash, "call_id": call_id}).first()
            _read_expected(self.session, row[4:] if row is not None else None)
        if row is None:
            return None
        _saw_versions(self.session, row[2], row[3])
        return row[0], row[1]

    def by_session(self, token_hash: str) -> tuple[LoginRecord, datetime] | None:
        """The login a session token belongs to, and when the session expires: one query."""
        row = _core(self.session, _LOGIN_BY_SESSION, {"hash": token_hash}).one_or_none()
        return (self._record(row), row[12]) if row is not None else None  # + expires_at

    def add(self, name: str, customer_id: int | None, password_hash: str, can_set_service_level: bool,
            role: Role = Role.INTEGRATION, email: str | None = None) -> int:
        row = LoginRow(name=name, customer_id=customer_id, password_hash=password_hash,
                       can_set_service_level=can_set_service_level, active=True, role=role.value,
                       email=email, failed_logins=0, created_at=datetime.now(UTC))
        self.session.add(row)
        self.session.flush()
        return row.id

    def set_password_hash(self, login_id: int, password_hash: str) -> None:
        self.session.execute(update(LoginRow).where(LoginRow.id == login_id)
                             .values(password_hash=password_hash, failed_logins=0, locked_until=None))

    def record_failure(self, login_id: int, threshold: int, lock_until: datetime) -> bool:
        """Count a failed login; at the threshold, lock the login. True if it is now locked."""
        failed = self.session.execute(
            update(LoginRow).where(LoginRow.id == login_id)
            .values(failed_logins=LoginRow.failed_logins + 1).returning(LoginRow.failed_logins)).scalar()
        if failed is not None and failed >= threshold:
            self.session.execute(update(LoginRow).where(LoginRow.id == login_id)
                                 .values(failed_logins=0, locked_until=lock_until))
            return True
        return False

    def reset_failures(self, login_id: int) -> None:
        self.session.execute(update(LoginRow).where(LoginRow.id == login_id, LoginRow.failed_logins > 0)
                             .values(failed_logins=0))

    def unlock(self, login_id: int) -> None:
        self.session.execute(update(LoginRow).where(LoginRow.id == login_id)
                             .values(failed_logins=0, locked_until=None))

    def list(self) -> list[LoginRecord]:
        return [self._record(r) for r in self.session.execute(_LOGINS.order_by(LoginRow.name))]


_SESSION_BY_HASH = select(SessionRow.login_id, SessionRow.expires_at).where(
    SessionRow.token_hash == bindparam("hash"))


class SessionRepository:
    def __init__(self, session: StoreSession):
        self.session = session

    def add(self, token_hash: str, login_id: int, now: datetime, expires_at: datetime) -> None:
        self.session.add(SessionRow(token_hash=token_hash, login_id=login_id, created_at=now,
                                    expires_at=expires_at))
        self.session.flush()

    def get(self, token_hash: str) -> tuple[int, datetime] | None:
        row = _core(self.session, _SESSION_BY_HASH, {"hash": token_hash}).first()
        return (row[0], row[1]) if row is not None else None  # login_id, expires_at

    def renew(self, token_hash: str, expires_at: datetime) -> None:
        self.session.execute(update(SessionRow).where(SessionRow.token_hash == token_hash)
                             .values(expires_at=expires_at))

    def delete(self, token_hash: str) -> None:
        self.session.execute(delete(SessionRow).where(SessionRow.token_hash == token_hash))

    def delete_for_login(self, login_id: int, keep: str | None = None) -> None:
        stmt = delete(SessionRow).where(SessionRow.login_id == login_id)
        if keep is not None:
            stmt = stmt.where(SessionRow.token_hash != keep)
        self.session.execute(stmt)

    def delete_expired(self, now: datetime) -> None:
        self.session.execute(delete(SessionRow).where(SessionRow.expires_at < now))


class OrganisationRepository:
    def __init__(self, session: StoreSession):
        self.session = session

    def by_name(self, name: str) -> int | None:
        return self.session.scalar(select(OrganisationRow.id).where(OrganisationRow.name == name))

    def add(self, name: str) -> int:
        row = OrganisationRow(name=name, created_at=datetime.now(UTC))
        self.session.add(row)
        self.session.flush()
        return row.id

    def assign_customer(self, customer_id: int, organisation_id: int | None) -> None:
        self.session.info.pop(_PORTAL_HINTS, None)
        self.session.execute(update(CustomerRow).where(CustomerRow.id == customer_id)
                             .values(organisation_id=organisation_id))

    def of_customer(self, customer_id: int) -> int | None:
        return self.session.scalar(select(CustomerRow.organisation_id).where(CustomerRow.id == customer_id))


class PortalRepository:
    def __init__(self, session: StoreSession):
        self.session = session

    def inactive_for(self, customer_id: int, organisation_id: int | None) -> bool:
        """True if the customer's own portal or its organisation's portal is switched off.

        Authentication read this with the login, in the same unit of work: that answer
        is used (one query fewer per request) unless this unit of work changed a portal
        or an organisation since."""
        hint = self.session.info.get(_PORTAL_HINTS, {}).get((customer_id, organisation_id))
        if hint is not None:
            return hint
        owner = PortalRow.customer_id == customer_id
        if organisation_id is not None:
            owner = or_(owner, PortalRow.organisation_id == organisation_id)
        return self.session.scalar(select(PortalRow.id).where(owner, PortalRow.active.is_(False))
                                   .limit(1)) is not None

    def set(self, *, customer_id: int | None = None, organisation_id: int | None = None,
            active: bool, now: datetime) -> None:
        self.session.info.pop(_PORTAL_HINTS, None)
        column = PortalRow.customer_id if customer_id is not None else PortalRow.organisation_id
        owner = customer_id if customer_id is not None else organisation_id
        row = self.session.scalars(select(PortalRow).where(column == owner)).one_or_none()
        if row is None:
            self.session.add(PortalRow(customer_id=customer_id, organisation_id=organisation_id,
                                       active=active, changed_at=now))
        else:
            row.active, row.changed_at = active, now
        self.session.flush()


@dataclass(frozen=True, slots=True)
class AssignmentRecord:
    login_id: int
    technician: str
    state: AssignmentState
    seen: bool
    changed_at: datetime


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


_SETTINGS = select(SettingRow.key, SettingRow.value).order_by(SettingRow.key)


class SettingsRepository:
    def __init__(self, session: StoreSession):
        self.session = session

    #: The rows last read and what they parse to: parsing is the dear part, and the
    #: rows are read on every call, so a change shows at once.
    _parsed: tuple[tuple, Settings] | None = None

    def get(self) -> Settings:
        rows = tuple(tuple(r) for r in _core(self.session, _SETTINGS, {}))
        parsed = SettingsRepository._parsed
        if parsed is not None and parsed[0] == rows:
            return parsed[1]
        settings = Settings.from_mapping(dict(rows))
        SettingsRepository._parsed = (rows, settings)
        return settings

    def set(self, key: str, value: str) -> None:
        assert key in {f.name for f in fields(Settings)}
        self.session.merge(SettingRow(key=key, value=value))
        self.session.flush()
