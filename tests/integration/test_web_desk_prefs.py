"""A technician's availability and notifications (source document 004) through the desk,
on both stores: unavailable means not offered calls and no notifications."""

from __future__ import annotations

from helpdesk_soap.domain.model import AssignmentState
from helpdesk_soap.services import calls, staff, workflow
from tests.integration.deskapp import outbox_to

TECH = "tech@helpdesk.example"
ALL_EVENTS = {"NewCall": "1", "Reply": "1", "SolutionAnswer": "1"}


def _set(desk, login, **form):
    browser = desk.logged_in(login)
    browser.get("/desk/me")
    response = browser.post("/desk/me", {"channel": "email", **form})
    assert response.status_code == 302, response.text
    return browser


def test_defaults_available_and_no_notifications(desk):
    page = desk.logged_in("tech").get("/desk/me").text
    assert 'name="available" value="1" checked' in page
    assert 'name="NewCall" value="1" checked' not in page
    desk.file_call()
    assert outbox_to(desk, TECH) == []


def test_available_with_new_calls_chosen_gets_one_mail_per_new_call(desk):
    _set(desk, "tech", available="1", NewCall="1")
    call_id = desk.file_call(subject="Boiler leaking")
    assert outbox_to(desk, TECH) == [f"New call {call_id}: Boiler leaking"]


def test_unavailable_gets_no_notification(desk):
    _set(desk, "tech", available="0", **ALL_EVENTS)
    call_id = desk.file_call()
    with desk.uow() as uow:
        staff.assign(uow, call_id, "tech", AssignmentState.ASSIGNED, author="boss")
    with desk.uow() as uow:
        workflow.add_note(uow, desk.principal("acme-web"), call_id, "Any news?")
    assert outbox_to(desk, TECH) == []
    page = desk.logged_in("tech").get("/desk/me").text
    assert 'name="available" value="0" checked' in page


def test_replies_and_solution_answers_reach_the_assigned_technician_only(desk):
    _set(desk, "tech", available="1", Reply="1", SolutionAnswer="1")
    _set(desk, "tech2", available="1", Reply="1", SolutionAnswer="1")
    call_id = desk.file_call(subject="Printer")
    with desk.uow() as uow:
        staff.assign(uow, call_id, "tech", AssignmentState.ASSIGNED, author="boss")
    with desk.uow() as uow:
        workflow.add_note(uow, desk.principal("acme-web"), call_id, "Still broken")
    with desk.uow() as uow:
        staff.propose_solution(uow, call_id, "Restart it", author="tech")
    with desk.uow() as uow:
        calls.set_solution_acceptance(uow, desk.principal("acme-web"), call_id, False, "No")
    assert outbox_to(desk, TECH) == [f"Reply on call {call_id}: Printer",
                                     f"Solution answered on call {call_id}: Printer"]
    assert outbox_to(desk, "tech2@helpdesk.example") == []


def test_an_unavailable_technician_is_not_offered_or_requested_but_can_be_assigned(desk):
    _set(desk, "tech2", available="0")
    call_id = desk.file_call()
    browser = desk.logged_in("tech")
    page = browser.get(f"/desk/calls/{call_id}").text
    assert "tech2 – unavailable" in page
    free = page[page.index("Free to offer"):page.index('id="technician"')]
    assert "tech" in free and "tech2" not in free and "boss" in free
    for state in ("Requested", "Available"):
        refused = browser.post(f"/desk/calls/{call_id}/assign", {"technician": "tech2",
                                                                 "state": state})
        assert refused.status_code == 400 and "tech2 is unavailable for requests." in refused.text
    assert browser.post(f"/desk/calls/{call_id}/assign", {"technician": "tech2",
                                                          "state": "Assigned"}).status_code == 302
    with desk.uow() as uow:  # the rule is the service's, so /staff keeps it too
        found = desk.principal("tech2")
        assert uow.desk.prefs(found.login_id).available is False


def test_an_unknown_channel_is_refused(desk):
    browser = desk.logged_in("tech")
    browser.get("/desk/me")
    response = browser.post("/desk/me", {"available": "1", "channel": "pigeon"})
    assert response.status_code == 400 and "Unknown notification channel" in response.text
