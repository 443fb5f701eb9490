"""Repositories: the store's rows in, the domain's plain objects out."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime

import base64

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain.attachments import Attachment, TimeRecord
from ..domain.model import (AssignmentState, Call, Category, ContactType, Customer, Entry, EntryKind,
                            Principal, Priority, Role, SolutionState, Stage, Status, Visibility)
from ..domain.errors import InvalidArgument
from ..domain.settings import Settings
from ..services.unit_of_work import Conflict
from ..services.workflow import OverviewFilter
from .models import (AssignmentRow, AttachmentRow, CallRow, ChangeCounterRow, CustomerRow, EntryRow,
                     LoginRow, OrganisationRow, PortalRow, SessionRow, SettingRow, StatusRow,
                     TimeRecordRow)

# Columns copied one-to-one between Call and CallRow. The change sequence and the staff's
# unread flag are written only by their own statements.
_CALL_COLUMNS = [c.key for c in CallRow.__table__.columns
                 if c.key not in ("id", "version", "change_seq", "staff_unread")]
_ENUMS = {"priority": Priority, "category": Category, "solution_state": SolutionState}


def _call_from_row(row: CallRow) -> Call:
    values = {name: getattr(row, name) for name in _CALL_COLUMNS}
    for name, enum in _ENUMS.items():
        values[name] = enum(values[name])
    values["components"] = tuple(values["components"] or ())
    return Call(id=row.id, version=row.version, change_seq=row.change_seq, **values)


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
    def __init__(self, session: Session):
        self.session = session
        #: Set by the unit of work for a writing transaction: calls read are locked
        #: (SELECT ... FOR UPDATE on PostgreSQL; SQLite's write lock covers the whole file),
        #: so writers of one call queue up instead of failing the optimistic check, and
        #: every writer takes the call's row before any other row it changes.
        self.lock_reads = False

    def get(self, call_id: int) -> Call | None:
        row = self.session.get(CallRow, call_id, with_for_update=self.lock_reads or None,
                               populate_existing=self.lock_reads)
        return _call_from_row(row) if row is not None else None

    def find_by_external_id(self, origin_customer_id: int, external_ticket_id: str) -> Call | None:
        row = self.session.scalars(select(CallRow).where(
            CallRow.origin_customer_id == origin_customer_id,
            CallRow.external_ticket_id == external_ticket_id)).one_or_none()
        return _call_from_row(row) if row is not None else None

    def add(self, call: Call) -> None:
        row = CallRow(version=1, change_seq=self._next_change_seq(), staff_unread=False,
                      **_call_values(call))
        self.session.add(row)
        try:
            self.session.flush()
        except IntegrityError as exc:
            raise Conflict(str(exc.orig)) from exc
        call.id, call.version, call.change_seq = row.id, 1, row.change_seq
        call.public_change = False
        self._insert_entries(call)

    def save(self, call: Call) -> None:
        """Write the call back if nobody changed it since it was read (optimistic lock).

        A customer-visible change also takes the call's next change sequence number.
        Services save last, just before they commit, so the counter's row lock is held
        only for the end of the transaction.
        """
        values = _call_values(call)
        if call.public_change:
            values["change_seq"] = self._next_change_seq()
        result = self.session.execute(
            update(CallRow)
            .where(CallRow.id == call.id, CallRow.version == call.version)
            .values(version=call.version + 1, **values))
        if result.rowcount != 1:
            raise Conflict(f"call {call.id} changed concurrently")
        call.version += 1
        call.change_seq = values.get("change_seq", call.change_seq)
        call.public_change = False
        self._insert_entries(call)

    def _next_change_seq(self) -> int:
        """The next number of the store-wide change sequence. The UPDATE locks the counter's
        row until this transaction ends, so numbers are handed out in commit order."""
        return self.session.execute(
            update(ChangeCounterRow).where(ChangeCounterRow.id == 1)
            .values(value=ChangeCounterRow.value + 1).returning(ChangeCounterRow.value)).scalar_one()

    def set_staff_unread(self, call_id: int, unread: bool) -> bool:
        return self.session.execute(update(CallRow).where(
            CallRow.id == call_id, CallRow.staff_unread.is_not(unread))
            .values(staff_unread=unread)).rowcount == 1

    def staff_unread(self, call_id: int) -> bool:
        return bool(self.session.scalar(select(CallRow.staff_unread).where(CallRow.id == call_id)))

    @staticmethod
    def _visible(principal: Principal):
        return or_(CallRow.customer_id.in_(sorted(principal.visible_customer_ids)),
                   CallRow.created_by_login_id == principal.login_id)

    def _overview(self, principal: Principal, where):
        """The customer's overview rows, filtered, unordered and unpaged."""
        activities = (select(func.count(EntryRow.id)).where(
            EntryRow.call_id == CallRow.id, EntryRow.visibility == Visibility.PUBLIC.value)
            .scalar_subquery())
        minutes = (select(func.coalesce(func.sum(TimeRecordRow.minutes), 0))
                   .where(TimeRecordRow.call_id == CallRow.id).scalar_subquery())
        stmt = (select(CallRow.id, CallRow.external_ticket_id, CallRow.subject, StatusRow.code,
                       StatusRow.name, StatusRow.stage, StatusRow.result_visible, StatusRow.is_final,
                       CallRow.priority, CallRow.category, CallRow.created_at, CallRow.changed_at,
                       CallRow.change_seq, activities.label("activities"), minutes.label("minutes"))
                .join(StatusRow, StatusRow.code == CallRow.status_code)
                .where(self._visible(principal)))
        if where.created_from is not None:
            stmt = stmt.where(CallRow.created_at >= where.created_from)
        if where.created_before is not None:
            stmt = stmt.where(CallRow.created_at < where.created_before)
        if where.status:
            stmt = stmt.where(CallRow.status_code == where.status)
        if where.stage:
            stmt = stmt.where(StatusRow.stage == where.stage)
        if where.category:
            stmt = stmt.where(CallRow.category == where.category)
        if where.subject_contains:
            pattern = "%" + where.subject_contains.replace("\\", "\\\\").replace("%", "\\%") \
                .replace("_", "\\_").lower() + "%"
            stmt = stmt.where(func.lower(CallRow.subject).like(pattern, escape="\\"))
        return stmt

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
        stmt = self._overview(principal, where)
        total = self.session.scalar(select(func.coalesce(func.sum(stmt.subquery().c.minutes), 0)))
        if after_id is not None:
            stmt = stmt.where(CallRow.id < after_id)
        rows = self.session.execute(stmt.order_by(CallRow.id.desc()).limit(limit + 1)).all()
        return [self._overview_row(r) for r in rows[:limit]], len(rows) > limit, int(total)

    def changed_since(self, principal: Principal, since: int,
                      limit: int) -> tuple[list[CustomerCallRow], bool]:
        """The customer's calls changed after change sequence number ``since``, in order."""
        stmt = (self._overview(principal, OverviewFilter()).where(CallRow.change_seq > since)
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
        self.session.execute(insert(EntryRow), [
            {"call_id": call.id, "kind": e.kind.value, "visibility": e.visibility.value,
             "contact_type": e.contact_type.value if e.contact_type else None,
             "author": e.author, "text": e.text, "path": e.path, "created_at": e.created_at}
            for e in call.new_entries])
        call.new_entries.clear()

    def entries(self, call_id: int, visibility: Visibility | None = None) -> list[Entry]:
        stmt = select(EntryRow.id, EntryRow.kind, EntryRow.visibility, EntryRow.contact_type,
                      EntryRow.author, EntryRow.text, EntryRow.path, EntryRow.created_at
                      ).where(EntryRow.call_id == call_id).order_by(EntryRow.id)
        if visibility is not None:
            stmt = stmt.where(EntryRow.visibility == visibility.value)
        return [Entry(kind=EntryKind(r.kind), text=r.text, author=r.author,
                      created_at=r.created_at, visibility=Visibility(r.visibility),
                      contact_type=ContactType(r.contact_type) if r.contact_type else None,
                      path=r.path, id=r.id)
                for r in self.session.execute(stmt)]


class AttachmentRepository:
    def __init__(self, session: Session):
        self.session = session

    @staticmethod
    def _attachment(row: AttachmentRow) -> Attachment:
        return Attachment(row.id, row.call_id, row.file_name, row.content_type, row.size, row.sha256,
                          Visibility(row.visibility), row.author, row.created_at)

    def add(self, call_id: int, file_name: str, content_type: str, size: int, sha256: str,
            visibility: Visibility, author: str, now: datetime) -> Attachment:
        row = AttachmentRow(call_id=call_id, file_name=file_name, content_type=content_type, size=size,
                            sha256=sha256, visibility=visibility.value, author=author, created_at=now)
        self.session.add(row)
        self.session.flush()
        return self._attachment(row)

    def get(self, attachment_id: int) -> Attachment | None:
        row = self.session.get(AttachmentRow, attachment_id)
        return self._attachment(row) if row is not None else None

    def for_call(self, call_id: int, visibility: Visibility | None = None) -> list[Attachment]:
        stmt = select(AttachmentRow).where(AttachmentRow.call_id == call_id).order_by(AttachmentRow.id)
        if visibility is not None:
            stmt = stmt.where(AttachmentRow.visibility == visibility.value)
        return [self._attachment(r) for r in self.session.scalars(stmt)]


class TimeRecordRepository:
    def __init__(self, session: Session):
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

    def total(self, call_id: int) -> int:
        return int(self.session.scalar(select(func.coalesce(func.sum(TimeRecordRow.minutes), 0))
                                       .where(TimeRecordRow.call_id == call_id)))


class CustomerRepository:
    def __init__(self, session: Session):
        self.session = session

    @staticmethod
    def _customer(row: CustomerRow | None) -> Customer | None:
        return Customer(row.id, row.number, row.name) if row is not None else None

    def get(self, customer_id: int) -> Customer | None:
        return self._customer(self.session.get(CustomerRow, customer_id))

    def by_number(self, number: str) -> Customer | None:
        return self._customer(self.session.scalars(
            select(CustomerRow).where(CustomerRow.number == number)).one_or_none())

    def add(self, number: str, name: str) -> Customer:
        row = CustomerRow(number=number, name=name, created_at=datetime.now(UTC))
        self.session.add(row)
        self.session.flush()
        return self._customer(row)

    def list(self) -> list[Customer]:
        return [self._customer(r) for r in
                self.session.scalars(select(CustomerRow).order_by(CustomerRow.number))]

    def by_mail_domain(self, domain: str) -> Customer | None:
        return self._customer(self.session.scalars(
            select(CustomerRow).where(CustomerRow.mail_domain == domain.lower())).one_or_none())

    def set_mail_domain(self, customer_id: int, domain: str | None) -> None:
        self.session.execute(update(CustomerRow).where(CustomerRow.id == customer_id)
                             .values(mail_domain=domain))


class StatusRepository:
    def __init__(self, session: Session):
        self.session = session

    @staticmethod
    def _status(row: StatusRow) -> Status:
        return Status(row.code, row.name, Stage(row.stage), row.result_visible, row.is_final)

    def get(self, code: str) -> Status | None:
        row = self.session.get(StatusRow, code)
        return self._status(row) if row is not None else None

    def list(self) -> list[Status]:
        return [self._status(r) for r in self.session.scalars(select(StatusRow).order_by(StatusRow.code))]

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


class LoginRepository:
    def __init__(self, session: Session):
        self.session = session

    def _record(self, row: LoginRow | None) -> LoginRecord | None:
        if row is None:
            return None
        visible: frozenset[int] = frozenset()
        org = None
        if row.customer_id is not None:
            org = self.session.scalar(select(CustomerRow.organisation_id)
                                      .where(CustomerRow.id == row.customer_id))
            visible = frozenset(self.session.scalars(
                select(CustomerRow.id).where(CustomerRow.organisation_id == org))) if org else \
                frozenset({row.customer_id})
        principal = Principal(row.id, row.name, row.customer_id, row.can_set_service_level,
                              Role(row.role), visible, org)
        return LoginRecord(principal, row.password_hash, row.active, row.locked_until, row.email)

    def by_name(self, name: str) -> LoginRecord | None:
        return self._record(self.session.scalars(select(LoginRow).where(LoginRow.name == name)).one_or_none())

    def by_identifier(self, identifier: str) -> LoginRecord | None:
        """A login by its name, else its e-mail address (case-insensitive), else its
        customer's number where that customer has exactly one active login."""
        row = self.session.scalars(select(LoginRow).where(LoginRow.name == identifier)).one_or_none()
        if row is None and "@" in identifier:
            row = self.session.scalars(select(LoginRow).where(
                LoginRow.email == identifier.strip().lower())).one_or_none()
        if row is None:
            rows = self.session.scalars(
                select(LoginRow).join(CustomerRow, CustomerRow.id == LoginRow.customer_id)
                .where(CustomerRow.number == identifier, LoginRow.active.is_(True)).limit(2)).all()
            row = rows[0] if len(rows) == 1 else None
        return self._record(row)

    def by_email(self, email: str) -> LoginRecord | None:
        return self._record(self.session.scalars(select(LoginRow).where(
            LoginRow.email == email.strip().lower())).one_or_none())

    def by_id(self, login_id: int) -> LoginRecord | None:
        return self._record(self.session.get(LoginRow, login_id))

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
        return [self._record(r) for r in self.session.scalars(select(LoginRow).order_by(LoginRow.name))]


class SessionRepository:
    def __init__(self, session: Session):
        self.session = session

    def add(self, token_hash: str, login_id: int, now: datetime, expires_at: datetime) -> None:
        self.session.add(SessionRow(token_hash=token_hash, login_id=login_id, created_at=now,
                                    expires_at=expires_at))
        self.session.flush()

    def get(self, token_hash: str) -> tuple[int, datetime] | None:
        row = self.session.get(SessionRow, token_hash)
        return (row.login_id, row.expires_at) if row is not None else None

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
    def __init__(self, session: Session):
        self.session = session

    def by_name(self, name: str) -> int | None:
        return self.session.scalar(select(OrganisationRow.id).where(OrganisationRow.name == name))

    def add(self, name: str) -> int:
        row = OrganisationRow(name=name, created_at=datetime.now(UTC))
        self.session.add(row)
        self.session.flush()
        return row.id

    def assign_customer(self, customer_id: int, organisation_id: int | None) -> None:
        self.session.execute(update(CustomerRow).where(CustomerRow.id == customer_id)
                             .values(organisation_id=organisation_id))

    def of_customer(self, customer_id: int) -> int | None:
        return self.session.scalar(select(CustomerRow.organisation_id).where(CustomerRow.id == customer_id))


class PortalRepository:
    def __init__(self, session: Session):
        self.session = session

    def inactive_for(self, customer_id: int, organisation_id: int | None) -> bool:
        """True if the customer's own portal or its organisation's portal is switched off."""
        owner = PortalRow.customer_id == customer_id
        if organisation_id is not None:
            owner = or_(owner, PortalRow.organisation_id == organisation_id)
        return self.session.scalar(select(PortalRow.id).where(owner, PortalRow.active.is_(False))
                                   .limit(1)) is not None

    def set(self, *, customer_id: int | None = None, organisation_id: int | None = None,
            active: bool, now: datetime) -> None:
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
    def __init__(self, session: Session):
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


class SettingsRepository:
    def __init__(self, session: Session):
        self.session = session

    def get(self) -> Settings:
        rows = self.session.execute(select(SettingRow.key, SettingRow.value)).all()
        return Settings.from_mapping(dict(rows))

    def set(self, key: str, value: str) -> None:
        assert key in {f.name for f in fields(Settings)}
        self.session.merge(SettingRow(key=key, value=value))
        self.session.flush()
