"""Customers, organisations and portals."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import bindparam, or_, select, update

from ...domain.model import Customer
from ..models import CustomerRow, OrganisationRow, PortalRow
from ..session import StoreSession
from .base import core

_CUSTOMERS = select(CustomerRow.id, CustomerRow.number, CustomerRow.name)  # Customer's fields, in order
_CUSTOMER_BY_ID = _CUSTOMERS.where(CustomerRow.id == bindparam("id"))
_CUSTOMER_BY_NUMBER = _CUSTOMERS.where(CustomerRow.number == bindparam("number"))
_CUSTOMER_BY_MAIL_DOMAIN = _CUSTOMERS.where(CustomerRow.mail_domain == bindparam("domain"))
_CUSTOMERS_BY_NUMBER = _CUSTOMERS.order_by(CustomerRow.number)


class CustomerRepository:
    def __init__(self, session: StoreSession):
        self.session = session

    @staticmethod
    def _customer(row) -> Customer | None:
        """A Customer from a row of _CUSTOMERS."""
        return Customer(*row) if row is not None else None

    def get(self, customer_id: int) -> Customer | None:
        return self._customer(core(self.session, _CUSTOMER_BY_ID, {"id": customer_id}).first())

    def by_number(self, number: str) -> Customer | None:
        return self._customer(core(self.session, _CUSTOMER_BY_NUMBER, {"number": number}).one_or_none())

    def add(self, number: str, name: str) -> Customer:
        row = CustomerRow(number=number, name=name, created_at=datetime.now(UTC))
        self.session.add(row)
        self.session.flush()
        return Customer(row.id, row.number, row.name)

    def list(self) -> list[Customer]:
        return [self._customer(r) for r in core(self.session, _CUSTOMERS_BY_NUMBER, {})]

    def by_mail_domain(self, domain: str) -> Customer | None:
        return self._customer(core(self.session, _CUSTOMER_BY_MAIL_DOMAIN,
                                   {"domain": domain.lower()}).one_or_none())

    def set_mail_domain(self, customer_id: int, domain: str | None) -> None:
        self.session.execute(update(CustomerRow).where(CustomerRow.id == customer_id)
                             .values(mail_domain=domain))


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
        self.session.seen.portal_off.clear()
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
        hint = self.session.seen.portal_off.get((customer_id, organisation_id))
        if hint is not None:
            return hint
        owner = PortalRow.customer_id == customer_id
        if organisation_id is not None:
            owner = or_(owner, PortalRow.organisation_id == organisation_id)
        return self.session.scalar(select(PortalRow.id).where(owner, PortalRow.active.is_(False))
                                   .limit(1)) is not None

    def set(self, *, customer_id: int | None = None, organisation_id: int | None = None,
            active: bool, now: datetime) -> None:
        self.session.seen.portal_off.clear()
        column = PortalRow.customer_id if customer_id is not None else PortalRow.organisation_id
        owner = customer_id if customer_id is not None else organisation_id
        row = self.session.scalars(select(PortalRow).where(column == owner)).one_or_none()
        if row is None:
            self.session.add(PortalRow(customer_id=customer_id, organisation_id=organisation_id,
                                       active=active, changed_at=now))
        else:
            row.active, row.changed_at = active, now
        self.session.flush()
