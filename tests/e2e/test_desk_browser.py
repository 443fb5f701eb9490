"""The staff desk in a real browser (Debian's chromium, Playwright) against a live
`helpdesk-soap serve`, end to end with a customer's ticket system over SOAP (zeep). The
rules and edge cases are in tests/integration/test_web_desk*.py."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from zeep.exceptions import Fault

from tests.support.browser import log_in

TECH, TECH2, ADMIN = "desk-tech", "desk-tech2", "desk-admin"
PASSWORD = "desk-password-1"


def _staff_logins(server):
    if server.sql("select 1 from logins where name = :n", n=TECH):
        return
    for name, role in ((TECH, "staff"), (TECH2, "staff"), (ADMIN, "admin")):
        server.cli("login", "add", name, "--role", role, "--email", f"{name}@helpdesk.example",
                   "--password-stdin", stdin=PASSWORD + "\n")


def _mails_to(server, name: str) -> int:
    return server.sql("select count(*) from mail_outbox where recipient = :r",
                      r=f"{name}@helpdesk.example")[0][0]


def test_a_soap_call_worked_at_the_desk_and_accepted_by_the_customers_system(page, server, images):
    _staff_logins(server)
    soap = server.client("acme-tts")
    earlier = [soap.service.CreateCall(Call={
        "CustomerId": "ACME", "Subject": subject, "Priority": priority, "Category": "Question",
        "Description": "Reported by the night shift.", "ExternalTicketId": ticket}).CallId
        for subject, ticket, priority in (
            ("Badge reader at gate 2 rejects cards", "TTS-1001", "Medium"),
            ("Wi-Fi drops in the east wing", "TTS-1002", "Low"))]
    filed = soap.service.CreateCall(Call={
        "CustomerId": "ACME", "Subject": "Baggage belt 4 stops every hour", "Priority": "High",
        "Category": "Question", "Description": "The belt halts for two minutes, then restarts.",
        "ExternalTicketId": "TTS-1003"})
    soap.service.AddCallNote(CallId=earlier[0], Text="It happened again at 09:10.")
    server.client("globex-tts").service.CreateCall(Call={
        "CustomerId": "GLOBEX", "Subject": "Cash desk printer prints blank receipts",
        "Priority": "Critical", "Category": "Question", "Description": "Since the update.",
        "ExternalTicketId": "GX-88"})

    # The call filed over SOAP is in the queue; the technician opens it.
    log_in(page, TECH, PASSWORD)
    expect(page.get_by_role("heading", name="Queue")).to_be_visible()
    expect(page.get_by_role("link", name="Baggage belt 4 stops every hour")).to_be_visible()
    page.screenshot(path=str(images / "desk-queue.png"), full_page=True)
    page.get_by_label("Search subject or ticket id").fill("TTS-1003")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Wi-Fi drops in the east wing")).to_have_count(0)
    page.get_by_role("link", name="Baggage belt 4 stops every hour").click()
    expect(page.get_by_role("heading", name="Baggage belt 4 stops every hour")).to_be_visible()
    expect(page.locator("#general")).to_contain_text("TTS-1003")

    # An internal and a public entry, a colleague assigned, the opener on the call (seen).
    page.get_by_label("New internal update (staff only)").fill("Motor controller log shows "
                                                               "overcurrent trips.")
    page.locator("#internal").get_by_role("button", name="Add update").click()
    expect(page.get_by_text("The entry is added.")).to_be_visible()
    page.get_by_label("New public update (the customer sees it)").fill(
        "We are analysing the belt's controller; a technician visits today.")
    page.locator("#updates").get_by_role("button", name="Add update").click()
    page.get_by_label("Technician").select_option(TECH2)
    page.get_by_role("button", name="Assign", exact=True).click()
    page.get_by_label("Technician").select_option(TECH)
    page.get_by_role("button", name="Assign", exact=True).click()
    fleet = page.locator("#fleet")
    expect(fleet.locator("li", has_text=TECH2)).to_contain_text("Unseen")
    expect(fleet.locator("li").filter(has=page.get_by_text(TECH, exact=True))) \
        .to_contain_text("Seen")
    page.get_by_label("Propose a solution").fill("Replaced the belt's motor controller; "
                                                 "please confirm the belt runs normally.")
    page.get_by_role("button", name="Propose solution").click()
    expect(page.get_by_text("Proposed; waiting for the customer's answer.")).to_be_visible()
    page.goto(f"/desk/calls/{filed.CallId}")
    page.set_viewport_size({"width": 1200, "height": 1150})
    page.screenshot(path=str(images / "desk-call.png"))
    page.set_viewport_size({"width": 1200, "height": 860})

    # The ticket system sees the public entry and the proposal, nothing internal.
    data = soap.service.GetCallData(CallId=filed.CallId)
    texts = [e.Text for e in data.HistoryEntries.HistoryEntry]
    assert "We are analysing the belt's controller; a technician visits today." in texts
    assert not any("overcurrent" in t for t in texts)
    assert data.SolutionState == "Proposed"
    assert "Replaced the belt's motor controller" in data.Solution
    soap.service.SetSolutionAcceptance(CallId=filed.CallId, Accepted=True, Comment="Runs fine.")

    # The desk shows the acceptance; the colleague opens the call and is seen.
    page.reload()
    expect(page.get_by_text("The customer accepted the solution.")).to_be_visible()
    expect(page.locator("#life")).to_contain_text("Solution accepted by the customer.")
    page.get_by_role("button", name=f"Log out ({TECH})").click()
    log_in(page, TECH2, PASSWORD)
    page.goto(f"/desk/calls/{filed.CallId}")
    expect(page.locator("#fleet li", has_text=TECH2)).to_contain_text("Seen")


def test_availability_off_means_no_notification_mail_and_on_means_one(page, server):
    _staff_logins(server)
    soap = server.client("globex-tts")
    log_in(page, TECH2, PASSWORD)
    page.get_by_role("link", name="Availability and notifications").click()
    page.get_by_label("Unavailable", exact=True).check()
    page.get_by_label("a new call").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your settings are saved.")).to_be_visible()
    before = _mails_to(server, TECH2)
    soap.service.CreateCall(Call={"CustomerId": "GLOBEX", "Subject": "Printer offline",
                                  "Priority": "Low", "Category": "Question", "Description": "x"})
    assert _mails_to(server, TECH2) == before
    page.get_by_label("Available for requests").check()
    page.get_by_role("button", name="Save").click()
    soap.service.CreateCall(Call={"CustomerId": "GLOBEX", "Subject": "Scanner offline",
                                  "Priority": "Low", "Category": "Question", "Description": "x"})
    assert _mails_to(server, TECH2) == before + 1
    subject = server.sql("select subject from mail_outbox where recipient = :r order by id desc",
                         r=f"{TECH2}@helpdesk.example")[0][0]
    assert subject.endswith("Scanner offline")


def test_an_admin_deactivates_a_portal_and_soap_and_pages_say_service_unavailable(page, server):
    _staff_logins(server)
    server.cli("customer", "add", "UMBRELLA", "--name", "Umbrella")
    server.cli("login", "add", "umbrella-tts", "--customer", "UMBRELLA", "--password-stdin",
               stdin="umbrella-password\n")
    server.cli("login", "add", "umbrella-web", "--customer", "UMBRELLA", "--role", "customer",
               "--password-stdin", stdin="umbrella-password\n")
    soap = server.client("umbrella-tts", "umbrella-password")
    soap.service.CreateCall(Call={"CustomerId": "UMBRELLA", "Subject": "Lab door", "Priority":
                                  "Low", "Category": "Question", "Description": "x"})
    customer = page.context.browser.new_context(base_url=server.url, locale="en-GB").new_page()
    log_in(customer, "umbrella-web", "umbrella-password")
    expect(customer.get_by_role("link", name="Lab door")).to_be_visible()

    log_in(page, ADMIN, PASSWORD)
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("button", name="Deactivate portal of UMBRELLA").click()
    expect(page.get_by_text("Saved.")).to_be_visible()

    with pytest.raises(Fault) as fault:
        soap.service.CreateCall(Call={"CustomerId": "UMBRELLA", "Subject": "Again",
                                      "Priority": "Low", "Category": "Question",
                                      "Description": "x"})
    assert "Service unavailable" in fault.value.message
    customer.reload()
    unavailable = customer.get_by_text("Service unavailable. Sorry for the inconvenience.")
    expect(unavailable).to_be_visible()
    customer.context.close()


def test_an_internal_call_is_gone_for_the_customer_and_an_admin_names_a_technicians_customers(
        page, server):
    _staff_logins(server)
    if not server.sql("select 1 from logins where name = :n", n="acme-desk-web"):
        server.cli("login", "add", "acme-desk-web", "--customer", "ACME", "--role", "customer",
                   "--password-stdin", stdin=PASSWORD + "\n")
    soap = server.client("acme-tts")
    call_id = soap.service.CreateCall(Call={
        "CustomerId": "ACME", "Subject": "Fuel truck dispatch list is empty", "Priority": "Low",
        "Category": "Question", "Description": "Since this morning."}).CallId
    customer = page.context.browser.new_context(base_url=server.url, locale="en-GB").new_page()
    log_in(customer, "acme-desk-web", PASSWORD)
    expect(customer.get_by_role("link", name="Fuel truck dispatch list is empty")).to_be_visible()

    # The technician makes the call internal from the status bar.
    log_in(page, TECH, PASSWORD)
    page.goto(f"/desk/calls/{call_id}")
    page.get_by_role("button", name="Make internal").click()
    expect(page.get_by_text("The visibility is changed.")).to_be_visible()
    expect(page.locator("#visibility")).to_contain_text("Only staff see this call")
    with pytest.raises(Fault) as fault:
        soap.service.GetCallData(CallId=call_id)
    assert "CallNotFound" in str(fault.value.code)
    customer.reload()
    expect(customer.get_by_role("link", name="Fuel truck dispatch list is empty")) \
        .to_have_count(0)
    customer.goto(f"/calls/{call_id}")
    expect(customer.get_by_role("heading", name="Not found")).to_be_visible()
    # Public again: back for the customer.
    page.get_by_role("button", name="Make public").click()
    expect(page.locator("#visibility")).to_contain_text("Staff and the customer see this call")
    assert soap.service.GetCallData(CallId=call_id).Subject == "Fuel truck dispatch list is empty"
    customer.reload()
    expect(customer.get_by_role("heading", name="Fuel truck dispatch list is empty")) \
        .to_be_visible()
    customer.context.close()

    # An admin names the colleague's customers; the queue's "My customers" follows.
    page.get_by_role("button", name=f"Log out ({TECH})").click()
    log_in(page, ADMIN, PASSWORD)
    page.get_by_role("link", name="Administration").click()
    page.get_by_label(f"Customers of {TECH2}", exact=True).select_option(["GLOBEX"])
    page.get_by_role("button", name=f"Save customers of {TECH2}").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    page.get_by_role("button", name=f"Log out ({ADMIN})").click()
    log_in(page, TECH2, PASSWORD)
    page.goto("/desk/")
    page.get_by_label("My customers").check()
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Fuel truck dispatch list is empty")).to_have_count(0)
    server.sql("delete from technician_customers")  # as the other journeys expect
