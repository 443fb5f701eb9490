"""The desk's test set-up on top of the portal's (webapp.py): two more technicians and an
admin, and helpers to read the store."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from helpdesk_soap.domain.model import Role
from helpdesk_soap.services import admin
from helpdesk_soap.store.models import OutboxRow
from tests.integration.webapp import PASSWORD


@pytest.fixture
def desk(portal):
    for name, email, role in (("tech2", "tech2@helpdesk.example", Role.STAFF),
                              ("boss", "boss@helpdesk.example", Role.ADMIN)):
        with portal.uow() as uow:
            admin.add_login(uow, name, None, PASSWORD, role=role, email=email)
    return portal


def outbox_to(portal, address: str) -> list[str]:
    return [r[0] for r in portal.execute(select(OutboxRow.subject)
                                         .where(OutboxRow.recipient == address)
                                         .order_by(OutboxRow.id))]


def outbox_count(portal) -> int:
    return portal.execute(select(func.count()).select_from(OutboxRow))[0][0]
