"""A call opened through the services, as an integration test's starting point."""

from __future__ import annotations

from datetime import UTC, datetime

from helpdesk_soap.domain.model import CallRequest, Category, Priority
from helpdesk_soap.services import calls


def request(**kw) -> CallRequest:
    values = dict(customer_number="ACME", subject="Phones down in dept 4", priority=Priority.HIGH,
                  category=Category.TECHNICAL_SUPPORT, description="All phones are dead.",
                  affected_domain="pbx.acme.example",
                  first_occurred_at=datetime(2026, 11, 23, 7, 40, tzinfo=UTC))
    values.update(kw)
    return CallRequest(**values)


def create(uow_factory, principal, **kw):
    with uow_factory() as uow:
        return calls.create_call(uow, principal, request(**kw))
