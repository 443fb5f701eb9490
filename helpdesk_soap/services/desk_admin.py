"""The admin use cases (issue 26): admins only. Most are functions of services/admin.py and
services/tokens.py behind the admin check; the rest are new here. The desk's admin pages,
/staff and the CLI (as ``auth.OPERATOR``, a system admin) all come through here."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.errors import InvalidArgument
from ..domain.model import Principal, Role, Stage, Status
from . import admin, tokens, workflow
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
    request_types: dict


def request_types(uow: UnitOfWork):
    """The request types, read-only here: the one place the admin pages read them."""
    return workflow.request_types(uow)


def overview(uow: UnitOfWork, principal: Principal) -> AdminOverview:
    require_admin(principal)
    return AdminOverview(uow.admin.customers(), uow.admin.organisations(),
                         uow.admin.logins(utcnow()), uow.statuses.list(),
                         uow.settings.get().as_mapping(), request_types(uow))


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


def set_setting(uow: UnitOfWork, principal: Principal, key: str, value: str):
    require_admin(principal)
    return admin.set_setting(uow, key, value)


STAGES = tuple(Stage)
