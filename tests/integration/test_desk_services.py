"""The desk's rules in the services, on both stores, as /staff and the CLI meet them too."""

from __future__ import annotations

import pytest

from helpdesk_soap.domain.desk import DeskFilter, TechnicianPrefs
from helpdesk_soap.domain.errors import AccessDenied, CallChanged, InvalidArgument
from helpdesk_soap.domain.model import AssignmentState
from helpdesk_soap.services import desk as desk_services
from helpdesk_soap.services import desk_admin, staff


def test_the_availability_rule_holds_for_the_staff_service_too(desk):
    call_id = desk.file_call()
    with desk.uow() as uow:
        desk_services.set_prefs(uow, desk.principal("tech2"), TechnicianPrefs(available=False))
    with desk.uow() as uow, pytest.raises(InvalidArgument, match="unavailable"):
        staff.assign(uow, call_id, "tech2", AssignmentState.REQUESTED, author="boss")
    with desk.uow() as uow:
        staff.assign(uow, call_id, "tech2", AssignmentState.ASSIGNED, author="boss")


def test_customers_cannot_use_the_desk_services_and_staff_not_the_admin_ones(desk):
    customer, tech = desk.principal("acme-web"), desk.principal("tech")
    with desk.uow() as uow:
        with pytest.raises(AccessDenied):
            desk_services.queue(uow, customer, DeskFilter())
        with pytest.raises(AccessDenied):
            desk_services.set_prefs(uow, customer, TechnicianPrefs())
        with pytest.raises(AccessDenied):
            desk_admin.overview(uow, tech)
        with pytest.raises(AccessDenied):
            desk_admin.set_portal_active(uow, tech, False, customer_number="ACME")


def test_a_stale_version_is_refused_and_changes_nothing(desk):
    call_id = desk.file_call()
    tech = desk.principal("tech")
    with desk.uow() as uow:
        version = staff.get_call(uow, tech, call_id).call.version
    with desk.uow() as uow:
        desk_services.set_result(uow, tech, call_id, version, "First")
    with desk.uow() as uow, pytest.raises(CallChanged):
        desk_services.set_status(uow, tech, call_id, version, "CLOSED")
    with desk.uow() as uow:
        assert staff.get_call(uow, tech, call_id).call.status_code != "CLOSED"
