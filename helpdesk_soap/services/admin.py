"""Reference data and settings, managed by the admin CLI."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.errors import AlreadyExists, InvalidArgument, UnknownReference
from ..domain.model import Customer, Stage, Status
from ..domain.settings import Settings, parse_value
from ..security import hash_password
from .unit_of_work import UnitOfWork

#: Settings whose value names a status, or a customer: checked before they are stored.
_STATUS_KEYS = {"new_call_status", "unknown_customer_status", "solution_proposed_status",
                "solution_accepted_status", "solution_rejected_status"}
_CUSTOMER_KEYS = {"unknown_customer_number"}

MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True, slots=True)
class LoginInfo:
    id: int
    name: str
    customer_number: str
    can_set_service_level: bool


def add_customer(uow: UnitOfWork, number: str, name: str) -> Customer:
    number = number.strip()
    if not number:
        raise InvalidArgument("A customer number must not be empty.", field="number")
    uow.begin_write()
    if uow.customers.by_number(number) is not None:
        raise AlreadyExists(f"Customer {number!r} already exists.", field="number")
    customer = uow.customers.add(number, name.strip() or number)
    uow.commit()
    return customer


def list_customers(uow: UnitOfWork) -> list[Customer]:
    return uow.customers.list()


def add_login(uow: UnitOfWork, name: str, customer_number: str, password: str,
              can_set_service_level: bool = False) -> LoginInfo:
    name = name.strip()
    if not name:
        raise InvalidArgument("A login name must not be empty.", field="login")
    _check_password(password)
    uow.begin_write()
    customer = uow.customers.by_number(customer_number)
    if customer is None:
        raise UnknownReference(f"Customer {customer_number!r} does not exist.", field="customer")
    if uow.logins.by_name(name) is not None:
        raise AlreadyExists(f"Login {name!r} already exists.", field="login")
    login_id = uow.logins.add(name, customer.id, hash_password(password), can_set_service_level)
    uow.commit()
    return LoginInfo(login_id, name, customer.number, can_set_service_level)


def set_password(uow: UnitOfWork, name: str, password: str) -> None:
    """Replace a login's password. Cached verifications of the old one stop matching at once."""
    _check_password(password)
    uow.begin_write()
    if uow.logins.by_name(name) is None:
        raise UnknownReference(f"Login {name!r} does not exist.", field="login")
    uow.logins.set_password_hash(name, hash_password(password))
    uow.commit()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidArgument(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.",
                              field="password")


def add_status(uow: UnitOfWork, status: Status) -> Status:
    if not status.code.strip():
        raise InvalidArgument("A status code must not be empty.", field="code")
    uow.begin_write()
    if uow.statuses.get(status.code) is not None:
        raise AlreadyExists(f"Status {status.code!r} already exists.", field="code")
    uow.statuses.add(status)
    uow.commit()
    return status


def list_statuses(uow: UnitOfWork) -> list[Status]:
    return uow.statuses.list()


def show_settings(uow: UnitOfWork) -> Settings:
    return uow.settings.get()


def set_setting(uow: UnitOfWork, key: str, raw: str) -> Settings:
    value = parse_value(key, raw)
    uow.begin_write()
    if key in _STATUS_KEYS and uow.statuses.get(value) is None:
        raise UnknownReference(f"Status {value!r} does not exist.", field=key)
    if key in _CUSTOMER_KEYS and uow.customers.by_number(value) is None:
        raise UnknownReference(f"Customer {value!r} does not exist.", field=key)
    uow.settings.set(key, Settings(**{key: value}).as_mapping()[key])
    uow.commit()
    return uow.settings.get()


def parse_stage(raw: str) -> Stage:
    for stage in Stage:
        if raw.replace("_", "").lower() == stage.value.lower():
            return stage
    raise InvalidArgument(f"Unknown stage {raw!r}; known: {', '.join(s.value for s in Stage)}.",
                          field="stage")
