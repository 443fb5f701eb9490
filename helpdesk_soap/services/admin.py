"""Reference data and settings, managed by the admin CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from ..domain.errors import AlreadyExists, InvalidArgument, UnknownReference
from ..domain.model import Customer, Role, Stage, Status
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
    customer_number: str | None
    can_set_service_level: bool
    role: Role = Role.INTEGRATION


def _customer(uow: UnitOfWork, number: str, field: str = "customer") -> Customer:
    customer = uow.customers.by_number(number)
    if customer is None:
        raise UnknownReference(f"Customer {number!r} does not exist.", field=field)
    return customer


def customer_by_number(uow: UnitOfWork, number: str, field: str = "customer") -> Customer:
    """The customer, or UnknownReference."""
    return _customer(uow, number, field)


def _login_id(uow: UnitOfWork, name: str) -> int:
    record = uow.logins.by_name(name)
    if record is None:
        raise UnknownReference(f"Login {name!r} does not exist.", field="login")
    return record.principal.login_id


def _add_unique(uow: UnitOfWork, key: str, field: str, what: str, empty: str, find, add):
    """Add what ``key`` (stripped) names: not empty, not taken (checked in the writing
    transaction), one commit. ``find(key)`` looks for it, ``add(key)`` adds it."""
    key = key.strip()
    if not key:
        raise InvalidArgument(empty, field=field)
    uow.begin_write()
    if find(key) is not None:
        raise AlreadyExists(f"{what} {key!r} already exists.", field=field)
    added = add(key)
    uow.commit()
    return added


def add_customer(uow: UnitOfWork, number: str, name: str) -> Customer:
    return _add_unique(uow, number, "number", "Customer", "A customer number must not be empty.",
                       uow.customers.by_number,
                       lambda number: uow.customers.add(number, name.strip() or number))


def list_customers(uow: UnitOfWork) -> list[Customer]:
    return uow.customers.list()


def add_login(uow: UnitOfWork, name: str, customer_number: str | None, password: str,
              can_set_service_level: bool = False, role: Role = Role.INTEGRATION,
              email: str | None = None) -> LoginInfo:
    """A login. Customer and integration logins belong to a customer; staff and admins do not."""
    name = name.strip()
    if not name:
        raise InvalidArgument("A login name must not be empty.", field="login")
    email = normalise_email(email) if email else None
    check_password_rules(password)
    if role.is_staff and customer_number:
        raise InvalidArgument("Staff and admin logins belong to no customer.", field="customer")
    if not role.is_staff and not customer_number:
        raise InvalidArgument("Customer and integration logins need a customer.", field="customer")
    uow.begin_write()
    customer = _customer(uow, customer_number) if customer_number else None
    if uow.logins.by_name(name) is not None:
        raise AlreadyExists(f"Login {name!r} already exists.", field="login")
    if email is not None and uow.logins.by_identifier(email) is not None:
        raise AlreadyExists(f"A login with e-mail {email!r} already exists.", field="email")
    login_id = uow.logins.add(name, customer.id if customer else None, hash_password(password),
                              can_set_service_level, role, email)
    uow.commit()
    return LoginInfo(login_id, name, customer.number if customer else None, can_set_service_level,
                     role)


def normalise_email(email: str, field: str = "email") -> str:
    email = (email or "").strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@") or any(c.isspace() for c in email):
        raise InvalidArgument(f"{email!r} is not an e-mail address.", field=field)
    return email


def set_customer_mail_domain(uow: UnitOfWork, customer_number: str, domain: str | None) -> None:
    """Mail from any address at ``domain`` is filed for this customer (None: no domain)."""
    domain = (domain or "").strip().lower().lstrip("@") or None
    if domain is not None and ("." not in domain or "@" in domain or any(c.isspace() for c in domain)):
        raise InvalidArgument(f"{domain!r} is not a mail domain.", field="domain")
    uow.begin_write()
    customer = _customer(uow, customer_number)
    if domain is not None:
        owner = uow.customers.by_mail_domain(domain)
        if owner is not None and owner.id != customer.id:
            raise AlreadyExists(f"Mail domain {domain!r} belongs to customer {owner.number}.",
                                field="domain")
    uow.customers.set_mail_domain(customer.id, domain)
    uow.commit()


def set_password(uow: UnitOfWork, name: str, password: str) -> None:
    """Replace a login's password. Cached verifications of the old one stop matching at once."""
    check_password_rules(password)
    uow.begin_write()
    login_id = _login_id(uow, name)
    uow.logins.set_password_hash(login_id, hash_password(password))
    uow.sessions.delete_for_login(login_id)
    uow.commit()


def check_password_rules(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidArgument(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.",
                              field=field)


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


def add_organisation(uow: UnitOfWork, name: str) -> int:
    return _add_unique(uow, name, "name", "Organisation",
                       "An organisation name must not be empty.", uow.organisations.by_name,
                       uow.organisations.add)


def set_customer_organisation(uow: UnitOfWork, customer_number: str, organisation: str | None) -> None:
    """Put a customer into an organisation (its logins then see all of its calls), or take it out."""
    uow.begin_write()
    customer = _customer(uow, customer_number)
    org_id = None
    if organisation:
        org_id = uow.organisations.by_name(organisation)
        if org_id is None:
            raise UnknownReference(f"Organisation {organisation!r} does not exist.", field="organisation")
    uow.organisations.assign_customer(customer.id, org_id)
    uow.commit()


def set_portal_active(uow: UnitOfWork, active: bool, *, customer_number: str | None = None,
                      organisation: str | None = None, now: datetime | None = None) -> None:
    """Switch a company's portal (at most one per customer or organisation) on or off."""
    if (customer_number is None) == (organisation is None):
        raise InvalidArgument("Name either a customer or an organisation.", field="CustomerId")
    now = now or datetime.now(UTC)
    uow.begin_write()
    if customer_number is not None:
        uow.portals.set(customer_id=_customer(uow, customer_number, "CustomerId").id, active=active,
                        now=now)
    else:
        org_id = uow.organisations.by_name(organisation)
        if org_id is None:
            raise UnknownReference(f"Organisation {organisation!r} does not exist.",
                                   field="Organisation")
        uow.portals.set(organisation_id=org_id, active=active, now=now)
    uow.commit()


def unlock_login(uow: UnitOfWork, name: str) -> None:
    uow.begin_write()
    uow.logins.unlock(_login_id(uow, name))
    uow.commit()


def parse_stage(raw: str) -> Stage:
    for stage in Stage:
        if raw.replace("_", "").lower() == stage.value.lower():
            return stage
    raise InvalidArgument(f"Unknown stage {raw!r}; known: {', '.join(s.value for s in Stage)}.",
                          field="stage")
