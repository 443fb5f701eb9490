"""The portal in a real browser (Debian's chromium, driven by Playwright) against a live
`helpdesk-soap serve`: a few journeys, each from what a person clicks. The rules and edge
cases are in tests/integration/test_web_*.py.

Chromium must be installed (`apt-get install chromium`; .ci/run does it): without it these
tests fail rather than skip, so a machine that cannot run them says so.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.support.browser import log_in


def last_link(server, email: str) -> str:
    rows = server.sql("select body from mail_outbox where recipient = :r order by id desc", r=email)
    return re.search(r"https?://\S+/activate\?token=\S+", rows[0][0]).group(0)


def test_invited_customer_works_a_call_its_ticket_system_filed(page, server, images):
    staff = _staff(server)
    staff.service.InviteLogin(CustomerId="ACME", Email="anna@acme.example")
    # The invitation in the outbox links to this service's own activation page.
    link = last_link(server, "anna@acme.example")
    assert link.startswith(f"{server.url}/activate?token=")
    page.goto(link)
    page.get_by_label("Choose a login name").fill("anna")
    page.get_by_label("Password", exact=True).fill("anna-password-1")
    page.get_by_label("Password again").fill("anna-password-1")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Log in with your new password")).to_be_visible()

    # The ticket system files calls over SOAP; Anna logs in by e-mail and sees them.
    soap = server.client("acme-tts")
    filed = soap.service.CreateCall(Call={
        "CustomerId": "ACME", "Subject": "Heating in hall 3 is cold", "Priority": "High",
        "Category": "Question", "Description": "Since Monday the radiators stay cold."})
    soap.service.CreateCall(Call={"CustomerId": "ACME", "Subject": "Door sensor beeps",
                                  "Priority": "Low", "Category": "Question", "Description": "x"})
    log_in(page, "anna@acme.example", "anna-password-1")
    expect(page.get_by_role("heading", name="My calls")).to_be_visible()
    expect(page.get_by_role("link", name="Heating in hall 3 is cold")).to_be_visible()
    page.get_by_label("Subject contains").fill("heating")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Door sensor beeps")).to_have_count(0)
    page.get_by_label("Subject contains").fill("")
    page.get_by_role("button", name="Filter").click()
    page.screenshot(path=str(images / "portal-overview.png"), full_page=True)
    assert (images / "portal-overview.png").stat().st_size > 10_000

    # A technician adds an entry; Anna opens the call, replies and attaches a photo.
    server.cli("call", "add-history", str(filed.CallId), "A technician is on the way.")
    page.get_by_role("link", name="Heating in hall 3 is cold").click()
    expect(page.get_by_text("A technician is on the way.")).to_be_visible()
    page.get_by_label("Your message").fill("Hall 3 is at 14 °C this morning.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Your reply is added.")).to_be_visible()
    page.get_by_label("Attach a file").set_input_files(
        {"name": "thermometer.txt", "mimeType": "text/plain", "buffer": b"14.2 C at 07:30"})
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("link", name="thermometer.txt")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="thermometer.txt").click()
    assert Path(download.value.path()).read_bytes() == b"14.2 C at 07:30"

    # The solution is proposed; Anna accepts it in German.
    server.cli("call", "propose-solution", str(filed.CallId), "Replaced the valve in hall 3.")
    page.reload()
    page.screenshot(path=str(images / "portal-call.png"), full_page=True)
    assert (images / "portal-call.png").stat().st_size > 10_000
    page.get_by_role("link", name="DE", exact=True).click()
    expect(page.get_by_role("heading", name="Vorgeschlagene Lösung")).to_be_visible()
    page.get_by_role("button", name="Lösung annehmen").click()
    expect(page.get_by_text("Danke: Die Lösung ist angenommen.")).to_be_visible()
    page.get_by_role("link", name="EN", exact=True).click()
    expect(page.get_by_text("You accepted this solution.")).to_be_visible()

    # The ticket system reads the same call over SOAP.
    data = soap.service.GetCallData(CallId=filed.CallId)
    assert data.SolutionState == "Accepted"
    texts = [e.Text for e in data.HistoryEntries.HistoryEntry]
    assert "Hall 3 is at 14 °C this morning." in texts
    assert [a.FileName for a in data.Attachments.AttachmentInfo] == ["thermometer.txt"]


def _staff(server):
    """A /staff SOAP client of a technician (created on first use)."""
    if not server.sql("select 1 from logins where name = 'portal-tech'"):
        server.cli("login", "add", "portal-tech", "--role", "staff", "--password-stdin",
                   stdin="tech-password-1\n")
    return server.client("portal-tech", "tech-password-1", service="staff")


def test_new_calls_by_request_type_and_a_foreign_call_id(page, server):
    foreign = server.client("acme-tts").service.CreateCall(Call={
        "CustomerId": "ACME", "Subject": "Acme only", "Priority": "Low", "Category": "Question",
        "Description": "x"}).CallId
    log_in(page, "GLOBEX", "globex-password")  # by customer number
    expect(page.get_by_role("heading", name="My calls")).to_be_visible()
    for kind, extra in (("Question", {}),
                        ("Technical support",
                         {"Domain where the problem occurs": "shop.globex.example"}),
                        ("Improvement suggestion", {"User responsible for the suggestion": "Gus"})):
        page.get_by_role("link", name="New call").first.click()
        page.get_by_role("button", name=kind).click()
        page.get_by_label("Summary").fill(f"{kind} from the browser")
        page.get_by_label("Description").fill("Please have a look.")
        page.get_by_label("Priority").select_option("High")
        for label, value in extra.items():
            page.get_by_label(label).fill(value)
        if kind == "Technical support":
            page.get_by_label("Date and time the problem first occurred").fill("2026-11-30T08:15")
        page.get_by_role("button", name="File the call").click()
        expect(page.get_by_text("Your call is filed.")).to_be_visible()
        expect(page.get_by_role("heading", name=f"{kind} from the browser")).to_be_visible()
    page.goto(f"/calls/{foreign}")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.get_by_text("Acme only")).to_have_count(0)


def test_lockout_reset_and_inactive_portal(page, server):
    server.cli("customer", "add", "INITECH", "--name", "Initech")
    server.cli("login", "add", "peter", "--customer", "INITECH", "--role", "customer",
               "--email", "peter@initech.example", "--password-stdin", stdin="peter-password-1\n")
    for _ in range(5):
        log_in(page, "peter", "wrong-password")
    log_in(page, "peter", "peter-password-1")  # locked: the right password fails alike
    expect(page.get_by_text("Login failed. Check your login and password.")).to_be_visible()

    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Login name or e-mail address").fill("peter@initech.example")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()
    page.goto(last_link(server, "peter@initech.example"))
    page.get_by_label("Password", exact=True).fill("peter-password-2")
    page.get_by_label("Password again").fill("peter-password-2")
    page.get_by_role("button", name="Save").click()
    server.cli("login", "unlock", "peter")
    log_in(page, "peter", "peter-password-2")
    expect(page.get_by_role("heading", name="My calls")).to_be_visible()

    server.cli("portal", "set", "--customer", "INITECH", "inactive")
    page.reload()
    expect(page.get_by_text("Service unavailable. Sorry for the inconvenience.")).to_be_visible()
    log_in(page, "peter", "peter-password-2")
    expect(page.get_by_text("Service unavailable. Sorry for the inconvenience.")).to_be_visible()
    page.goto("/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
