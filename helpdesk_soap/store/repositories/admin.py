"""The admin pages' queries (issue 26): customers with their organisation and portal,
organisations, and the few login changes the CLI has no repository method for."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import aliased

from ...domain.model import Role
from ..models import CustomerRow, LoginRow, OrganisationRow, PortalRow, StatusRow
from ..session import StoreSession


@dataclass(frozen=True, slots=True)
class CustomerLine:
    number: str
    name: str
    organisation: str | None
    #: The customer's own portal: True, False, or None where it has none (active by default).
    portal_active: bool | None


@dataclass(frozen=True, slots=True)
class OrganisationLine:
    name: str
    customers: int
    portal_active: bool | None


@dataclass(frozen=True, slots=True)
class LoginLine:
    name: str
    role: Role
    customer_number: str | None
    email: str | None
    active: bool
    locked: bool


class AdminRepository:
    def __init__(self, session: StoreSession, reference_changed=None):
        self.session = session
        #: Told when this unit of work changed reference data (the unit of work's cache).
        self._reference_changed = reference_changed

    def customers(self) -> list[CustomerLine]:
        portal = aliased(PortalRow)
        stmt = (select(CustomerRow.number, CustomerRow.name, OrganisationRow.name, portal.active)
                .outerjoin(OrganisationRow, OrganisationRow.id == CustomerRow.organisation_id)
                .outerjoin(portal, portal.customer_id == CustomerRow.id)
                .order_by(CustomerRow.number))
        return [CustomerLine(*r) for r in self.session.execute(stmt)]

    def organisations(self) -> list[OrganisationLine]:
        rows = self.session.execute(
            select(OrganisationRow.id, OrganisationRow.name, PortalRow.active)
            .outerjoin(PortalRow, PortalRow.organisation_id == OrganisationRow.id)
            .order_by(OrganisationRow.name)).all()
        counts = {}
        members = select(CustomerRow.organisation_id).where(
            CustomerRow.organisation_id.is_not(None))
        for org_id in self.session.execute(members).scalars():
            counts[org_id] = counts.get(org_id, 0) + 1
        return [OrganisationLine(r.name, counts.get(r.id, 0), r.active) for r in rows]

    def logins(self, now) -> list[LoginLine]:
        stmt = (select(LoginRow.name, LoginRow.role, CustomerRow.number, LoginRow.email,
                       LoginRow.active, LoginRow.locked_until)
                .outerjoin(CustomerRow, CustomerRow.id == LoginRow.customer_id)
                .order_by(LoginRow.name))
        return [LoginLine(r.name, Role(r.role), r.number, r.email, r.active,
                          r.locked_until is not None and r.locked_until > now)
                for r in self.session.execute(stmt)]

    def set_login(self, login_id: int, **values) -> None:
        self.session.execute(update(LoginRow).where(LoginRow.id == login_id).values(**values))

    def set_status_flags(self, code: str, stage: str, result_visible: bool,
                         is_final: bool) -> None:
        """A status's flags (the triggers of migration 0005 move the reference version)."""
        self.session.execute(update(StatusRow).where(StatusRow.code == code).values(
            stage=stage, result_visible=result_visible, is_final=is_final))
        if self._reference_changed is not None:
            self._reference_changed()
