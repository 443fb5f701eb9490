"""Repositories: the store's rows in, the domain's plain objects out."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain.model import (Call, Category, ContactType, Customer, Entry, EntryKind, Principal,
                            Priority, SolutionState, Stage, Status, Visibility)
from ..domain.settings import Settings
from ..services.unit_of_work import Conflict
from .models import CallRow, CustomerRow, EntryRow, LoginRow, SettingRow, StatusRow

# Columns copied one-to-one between Call and CallRow.
_CALL_COLUMNS = [c.key for c in CallRow.__table__.columns if c.key not in ("id", "version")]
_ENUMS = {"priority": Priority, "category": Category, "solution_state": SolutionState}


def _call_from_row(row: CallRow) -> Call:
    values = {name: getattr(row, name) for name in _CALL_COLUMNS}
    for name, enum in _ENUMS.items():
        values[name] = enum(values[name])
    values["components"] = tuple(values["components"] or ())
    return Call(id=row.id, version=row.version, **values)


def _call_values(call: Call) -> dict:
    values = {name: getattr(call, name) for name in _CALL_COLUMNS}
    for name in _ENUMS:
        values[name] = values[name].value
    values["components"] = list(call.components)
    return values


class CallRepository:
    def __init__(self, session: Session):
        self.session = session

    def get(self, call_id: int) -> Call | None:
        row = self.session.get(CallRow, call_id)
        return _call_from_row(row) if row is not None else None

    def find_by_external_id(self, origin_customer_id: int, external_ticket_id: str) -> Call | None:
        row = self.session.scalars(select(CallRow).where(
            CallRow.origin_customer_id == origin_customer_id,
            CallRow.external_ticket_id == external_ticket_id)).one_or_none()
        return _call_from_row(row) if row is not None else None

    def add(self, call: Call) -> None:
        row = CallRow(version=1, **_call_values(call))
        self.session.add(row)
        try:
            self.session.flush()
        except IntegrityError as exc:
            raise Conflict(str(exc.orig)) from exc
        call.id, call.version = row.id, 1
        self._insert_entries(call)

    def save(self, call: Call) -> None:
        """Write the call back if nobody changed it since it was read (optimistic lock)."""
        result = self.session.execute(
            update(CallRow)
            .where(CallRow.id == call.id, CallRow.version == call.version)
            .values(version=call.version + 1, **_call_values(call)))
        if result.rowcount != 1:
            raise Conflict(f"call {call.id} changed concurrently")
        call.version += 1
        self._insert_entries(call)

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


class LoginRepository:
    def __init__(self, session: Session):
        self.session = session

    def by_name(self, name: str) -> LoginRecord | None:
        row = self.session.scalars(select(LoginRow).where(LoginRow.name == name)).one_or_none()
        if row is None:
            return None
        return LoginRecord(Principal(row.id, row.name, row.customer_id, row.can_set_service_level),
                           row.password_hash, row.active)

    def add(self, name: str, customer_id: int, password_hash: str, can_set_service_level: bool) -> int:
        row = LoginRow(name=name, customer_id=customer_id, password_hash=password_hash,
                       can_set_service_level=can_set_service_level, active=True,
                       created_at=datetime.now(UTC))
        self.session.add(row)
        self.session.flush()
        return row.id


    def set_password_hash(self, name: str, password_hash: str) -> None:
        self.session.execute(update(LoginRow).where(LoginRow.name == name)
                             .values(password_hash=password_hash))


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
