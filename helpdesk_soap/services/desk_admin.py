"""The admin use cases (issue 26): admins only. Most are functions of services/admin.py and
services/tokens.py behind the admin check; the rest are new here. The desk's admin pages,
/staff and the CLI (as ``auth.OPERATOR``, a system admin) all come through here."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.errors import InvalidArgument, UnknownReference
from ..domain.model import Principal, Role, Stage, Status
from ..domain.request_types import FieldState
from ..domain.statuses import check_flags
from . import admin, tokens
from . import request_types as types
from .calls import utcnow
from .staff import require_admin
from .unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class AdminOverview:
    customers: list
    organisations: list
    logins: list
    statuses: list
    settings: dict
    #: types.CategoryConfig per category: every field, asked for or not.
    request_types: list
    #: Per staff or admin login's name, the customer numbers it is responsible for (none:
    #: every customer).
    responsibilities: dict


def overview(uow: UnitOfWork, principal: Principal) -> AdminOverview:
    require_admin(principal)
    return AdminOverview(uow.admin.customers(), uow.admin.organisations(),
                         uow.admin.logins(utcnow()), uow.statuses.list(),
                         uow.settings.get().as_mapping(),
                         types.configuration(uow, principal), _responsibilities(uow))


def _responsibilities(uow: UnitOfWork) -> dict:
    named = uow.desk.customers_of_all()
    return {t.name: named.get(t.login_id, []) for t in uow.desk.technicians()}


def set_technician_customers(uow: UnitOfWork, principal: Principal, name: str,
                             numbers: list[str]) -> None:
    """The customers a technician is responsible for (source document 004): new-call
    notifications, the fleet's offers and the queue's "my customers" follow it. None named:
    responsible for every customer."""
    require_admin(principal)
    uow.begin_write()
    record = uow.logins.by_name(name)
    if record is None or not record.principal.role.is_staff:
        raise InvalidArgument(f"No technician {name!r}.", field="login")
    ids = []
    for number in dict.fromkeys(n.strip() for n in numbers if n.strip()):
        ids.append(admin.customer_by_number(uow, number).id)
    uow.desk.set_customers(record.principal.login_id, ids)
    uow.commit()


def add_customer(uow: UnitOfWork, principal: Principal, number: str, name: str):
    require_admin(principal)
    return admin.add_customer(uow, number.strip(), name.strip())


def add_organisation(uow: UnitOfWork, principal: Principal, name: str):
    require_admin(principal)
    return admin.add_organisation(uow, name)


def set_customer_organisation(uow: UnitOfWork, principal: Principal, number: str,
                              organisation: str | None):
    require_admin(principal)
    admin.set_customer_organisation(uow, number, organisation or None)


def set_portal_active(uow: UnitOfWork, principal: Principal, active: bool, *,
                      customer_number: str | None = None, organisation: str | None = None):
    """At most one portal per company: the store keeps one row per customer or organisation."""
    require_admin(principal)
    admin.set_portal_active(uow, active, customer_number=customer_number,
                            organisation=organisation)


def invite(uow: UnitOfWork, principal: Principal, customer_number: str, email: str,
           public_url: str):
    require_admin(principal)
    return tokens.invite_login(uow, principal, customer_number, email, public_url=public_url)


def unlock(uow: UnitOfWork, principal: Principal, name: str) -> None:
    require_admin(principal)
    admin.unlock_login(uow, name)


def _target(uow: UnitOfWork, principal: Principal, name: str):
    record = uow.logins.by_name(name)
    if record is None:
        raise InvalidArgument(f"No login {name!r}.", field="login")
    if record.principal.login_id == principal.login_id:
        raise InvalidArgument("Admins cannot change their own role or deactivate themselves.",
                              field="login")
    return record


def set_active(uow: UnitOfWork, principal: Principal, name: str, active: bool) -> None:
    """Deactivate (or reactivate) a login; a deactivated login's sessions end now."""
    require_admin(principal)
    uow.begin_write()
    record = _target(uow, principal, name)
    uow.admin.set_login(record.principal.login_id, active=active)
    if not active:
        uow.sessions.delete_for_login(record.principal.login_id)
    uow.commit()


def set_role(uow: UnitOfWork, principal: Principal, name: str, role: Role) -> None:
    """Staff and admins belong to no customer, customer-side logins to one: a role change
    stays on its side."""
    require_admin(principal)
    uow.begin_write()
    record = _target(uow, principal, name)
    if record.principal.role.is_staff != role.is_staff:
        raise InvalidArgument("A role changes only within its side (staff/admin, or "
                              "customer/integration).", field="role")
    uow.admin.set_login(record.principal.login_id, role=role.value)
    uow.sessions.delete_for_login(record.principal.login_id)
    uow.commit()


def add_status(uow: UnitOfWork, principal: Principal, code: str, name: str, stage: str,
               result_visible: bool, is_final: bool) -> Status:
    require_admin(principal)
    return admin.add_status(uow, Status(code.strip(), name.strip(), admin.parse_stage(stage),
                                        result_visible, is_final))


def set_status_flags(uow: UnitOfWork, principal: Principal, code: str, stage: str,
                     result_visible: bool, is_final: bool) -> Status:
    """Change an existing status's stage, result-visible and final flags, within what the
    domain allows (domain/statuses.check_flags). Calls in the status move with it."""
    require_admin(principal)
    uow.begin_write()
    current = uow.statuses.get(code)
    if current is None:
        raise UnknownReference(f"Status {code!r} does not exist.", field="code")
    changed = Status(current.code, current.name, admin.parse_stage(stage), result_visible,
                     is_final)
    check_flags(changed, uow.settings.get())
    uow.admin.set_status_flags(code, changed.stage.value, result_visible, is_final)
    uow.commit()
    return changed


def set_setting(uow: UnitOfWork, principal: Principal, key: str, value: str):
    require_admin(principal)
    return admin.set_setting(uow, key, value)


STAGES = tuple(Stage)
FIELD_STATES = tuple(FieldState)


def set_request_field(uow: UnitOfWork, principal: Principal, category: str, name: str,
                      state: str, label: str, max_length: str):
    """One field of a request type, as the admin page's form sends it: the category and
    state by name, an empty label or maximum length leaving the current one."""
    require_admin(principal)
    length = None
    if max_length.strip():
        try:
            length = int(max_length)
        except ValueError:
            raise InvalidArgument(f"{max_length!r} is not a number of characters.",
                                  field="MaxLength") from None
    return types.set_field(uow, principal, types.parse_category(category), name,
                           types.parse_state(state), label.strip() or None, length)


def reset_request_type(uow: UnitOfWork, principal: Principal, category: str):
    require_admin(principal)
    return types.reset(uow, principal, types.parse_category(category))
