"""Who may see and do what, over real HTTP with zeep: roles, organisations, sessions,
lockout, portals, the staff service, and call-id isolation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from zeep import xsd
from zeep.exceptions import Fault

from tests.support.databases import BACKENDS, make_migrated_database
from tests.support.server import start_server, stop_server

PW = {"air-a": "air-a-password", "air-b": "air-b-password", "globex": "globex-password",
      "tech": "tech-password", "boss": "boss-password", "person": "person-password"}
NEW_CALL = {"CustomerId": "AIR-A", "Subject": "Phones down", "Description": "All phones are dead.",
            "Priority": "High", "Category": "Question"}


def code(exc) -> str:
    return exc.value.code.split(":", 1)[-1]


@pytest.fixture(scope="module", params=BACKENDS)
def srv(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("access")
    url, drop = make_migrated_database(request.param, request, tmp)
    proc, server = start_server(tmp, url)
    try:
        for number, name in (("AIR-A", "Airline ops"), ("AIR-B", "Airline cargo"), ("GLOBEX", "Globex")):
            server.cli("customer", "add", number, "--name", name)
        server.cli("organisation", "add", "Airline Group")
        server.cli("customer", "set-organisation", "AIR-A", "Airline Group")
        server.cli("customer", "set-organisation", "AIR-B", "Airline Group")
        for login, args in (("air-a", ["--customer", "AIR-A"]), ("air-b", ["--customer", "AIR-B"]),
                            ("globex", ["--customer", "GLOBEX"]),
                            ("person", ["--customer", "GLOBEX", "--role", "customer",
                                        "--email", "Pat@Globex.example"]),
                            ("tech", ["--role", "staff"]), ("boss", ["--role", "admin"])):
            server.cli("login", "add", login, *args, "--password-stdin", stdin=PW[login] + "\n")
        server.pw = PW
        yield server
    finally:
        stop_server(proc)
        drop()
        log = server.log.read_text()
        assert "Traceback" not in log, log
        for password in PW.values():
            assert password not in log, "a password reached the log"


def client(srv, login, service="helpdesk", password=None):
    return srv.client(login, password or PW[login], service)


def session_client(srv, token, service="helpdesk"):
    c = srv.anonymous(service)
    c.set_default_soapheaders({"Session": {"Token": token}})
    return c


# -- roles -------------------------------------------------------------------------------

def test_each_role_reaches_what_it_may_and_nothing_else(srv):
    call_id = client(srv, "air-a").service.CreateCall(Call=NEW_CALL).CallId
    assert client(srv, "tech", "staff").service.GetCall(CallId=call_id).CallId == call_id
    for login in ("air-a", "person"):  # customer side cannot use /staff
        with pytest.raises(Fault) as exc:
            client(srv, login, "staff").service.ListCalls()
        assert code(exc) == "Client.AccessDenied"
        with pytest.raises(Fault) as exc:
            srv.anonymous("staff").service.Login(LoginName=login, Password=PW[login])
        assert code(exc) == "Client.AccessDenied"
    for login in ("tech", "boss"):  # staff work calls through /staff, not as a customer
        with pytest.raises(Fault) as exc:
            client(srv, login).service.GetCallData(CallId=call_id)
        assert code(exc) == "Client.AccessDenied"
    with pytest.raises(Fault) as exc:
        client(srv, "tech", "staff").service.SetPortalActive(CustomerId="GLOBEX", Active=False)
    assert code(exc) == "Client.AccessDenied"


def test_a_person_logs_in_with_the_email_address(srv):
    info = srv.anonymous().service.Login(LoginName="pat@globex.example", Password=PW["person"])
    assert info.Role == "Customer" and info.IdleTimeoutMinutes == 60
    created = session_client(srv, info.Token).service.CreateCall(Call={**NEW_CALL, "CustomerId": "GLOBEX"})
    assert created.CustomerKnown


def test_a_login_logs_in_with_its_customer_number_unless_that_is_ambiguous(srv):
    srv.cli("customer", "add", "10042", "--name", "Solo Ltd")
    srv.cli("login", "add", "solo-desk", "--customer", "10042", "--password-stdin", stdin="solo-password\n")
    info = srv.anonymous().service.Login(LoginName="10042", Password="solo-password")
    created = session_client(srv, info.Token).service.CreateCall(Call={**NEW_CALL, "CustomerId": "10042"})
    assert created.CustomerKnown
    srv.cli("login", "add", "solo-second", "--customer", "10042", "--password-stdin", stdin="solo-password\n")
    with pytest.raises(Fault) as exc:
        srv.anonymous().service.Login(LoginName="10042", Password="solo-password")
    assert code(exc) == "Client.AuthenticationFailed"


# -- organisations -----------------------------------------------------------------------

def test_an_organisation_shares_calls_across_its_customers(srv):
    call_id = client(srv, "air-a").service.CreateCall(Call=NEW_CALL).CallId
    assert client(srv, "air-b").service.GetCallData(CallId=call_id).CustomerId == "AIR-A"
    ours = client(srv, "air-b").service.CreateCall(Call={**NEW_CALL, "CustomerId": "AIR-A"})
    assert ours.CustomerKnown, "a login may file for a customer of its organisation"
    with pytest.raises(Fault) as exc:
        client(srv, "globex").service.GetCallData(CallId=call_id)
    assert code(exc) == "Client.CallNotFound"


# -- sessions ----------------------------------------------------------------------------

def test_sessions_renew_on_use_expire_when_idle_and_end_on_logout(srv):
    info = srv.anonymous().service.Login(LoginName="air-a", Password=PW["air-a"])
    c = session_client(srv, info.Token)
    call_id = c.service.CreateCall(Call=NEW_CALL).CallId
    # Let time pass: the session has 10 s left; one use must push it to a full idle period.
    soon = datetime.now(UTC) + timedelta(seconds=10)
    srv.sql("UPDATE sessions SET expires_at = :t", t=soon)
    assert c.service.GetCallData(CallId=call_id).CallId == call_id
    (renewed,), = srv.sql("SELECT max(expires_at) FROM sessions")
    renewed = renewed if isinstance(renewed, datetime) else datetime.fromisoformat(renewed)
    assert renewed.replace(tzinfo=UTC) > datetime.now(UTC) + timedelta(minutes=59)
    # Idle past the expiry: the token is dead, and says so distinctly.
    srv.sql("UPDATE sessions SET expires_at = :t", t=datetime.now(UTC) - timedelta(seconds=1))
    with pytest.raises(Fault) as exc:
        c.service.GetCallData(CallId=call_id)
    assert code(exc) == "Client.SessionExpired"
    fresh = session_client(srv, srv.anonymous().service.Login(LoginName="air-a", Password=PW["air-a"]).Token)
    assert fresh.service.GetCallData(CallId=call_id).CallId == call_id
    fresh.service.Logout()
    with pytest.raises(Fault) as exc:
        fresh.service.GetCallData(CallId=call_id)
    assert code(exc) == "Client.SessionExpired"


def test_a_forged_token_is_refused(srv):
    with pytest.raises(Fault) as exc:
        session_client(srv, "not-a-token").service.GetCallData(CallId=1)
    assert code(exc) == "Client.SessionExpired"


def test_change_password_keeps_this_session_and_ends_the_others(srv):
    srv.cli("login", "add", "rotator", "--customer", "GLOBEX", "--password-stdin", stdin="first-password\n")
    mine = session_client(srv, srv.anonymous().service.Login(LoginName="rotator", Password="first-password").Token)
    other = session_client(srv, srv.anonymous().service.Login(LoginName="rotator", Password="first-password").Token)
    with pytest.raises(Fault) as exc:
        mine.service.ChangePassword(OldPassword="wrong-password", NewPassword="second-password")
    assert code(exc) == "Client.AuthenticationFailed"
    mine.service.ChangePassword(OldPassword="first-password", NewPassword="second-password")
    call_id = mine.service.CreateCall(Call={**NEW_CALL, "CustomerId": "GLOBEX"}).CallId
    with pytest.raises(Fault) as exc:
        other.service.GetCallData(CallId=call_id)
    assert code(exc) == "Client.SessionExpired"
    with pytest.raises(Fault):
        srv.client("rotator", "first-password").service.GetCallData(CallId=call_id)
    assert srv.client("rotator", "second-password").service.GetCallData(CallId=call_id).CallId == call_id


# -- lockout -----------------------------------------------------------------------------

def test_lockout_after_failed_logins_and_its_release(srv):
    srv.cli("login", "add", "victim", "--customer", "GLOBEX", "--password-stdin", stdin="victim-password\n")
    srv.cli("settings", "set", "lockout_threshold", "3")
    try:
        for _ in range(3):
            with pytest.raises(Fault) as exc:
                srv.client("victim", "guess-guess").service.GetCallData(CallId=1)
            assert code(exc) == "Client.AuthenticationFailed"
        for attempt in (lambda: srv.client("victim", "victim-password").service.GetCallData(CallId=1),
                        lambda: srv.anonymous().service.Login(LoginName="victim", Password="victim-password")):
            with pytest.raises(Fault) as exc:
                attempt()
            assert code(exc) == "Client.AuthenticationFailed" and exc.value.message == "Authentication failed."
        srv.cli("login", "unlock", "victim")  # released by an admin
        assert srv.anonymous().service.Login(LoginName="victim", Password="victim-password").Token
        for _ in range(3):
            with pytest.raises(Fault):
                srv.client("victim", "guess-guess").service.GetCallData(CallId=1)
        srv.sql("UPDATE logins SET locked_until = :t WHERE name = 'victim'",
                t=datetime.now(UTC) - timedelta(seconds=1))  # released by time
        assert srv.anonymous().service.Login(LoginName="victim", Password="victim-password").Token
    finally:
        srv.cli("settings", "set", "lockout_threshold", "5")


# -- portals -----------------------------------------------------------------------------

def test_an_inactive_portal_answers_service_unavailable_and_changes_nothing(srv):
    before = srv.sql("SELECT count(*) FROM calls")[0][0]
    call_id = client(srv, "globex").service.CreateCall(Call={**NEW_CALL, "CustomerId": "GLOBEX"}).CallId
    client(srv, "boss", "staff").service.SetPortalActive(CustomerId="GLOBEX", Active=False)
    try:
        attempts = [
            lambda: client(srv, "globex").service.CreateCall(Call={**NEW_CALL, "CustomerId": "GLOBEX"}),
            lambda: client(srv, "globex").service.GetCallData(CallId=call_id),
            lambda: srv.anonymous().service.Login(LoginName="globex", Password=PW["globex"]),
        ]
        for attempt in attempts:
            with pytest.raises(Fault) as exc:
                attempt()
            assert code(exc) == "Client.ServiceUnavailable"
        assert srv.sql("SELECT count(*) FROM calls")[0][0] == before + 1
        assert client(srv, "air-a").service.GetCallData(
            CallId=client(srv, "air-a").service.CreateCall(Call=NEW_CALL).CallId)  # others unaffected
    finally:
        client(srv, "boss", "staff").service.SetPortalActive(CustomerId="GLOBEX", Active=True)
    assert client(srv, "globex").service.GetCallData(CallId=call_id).CallId == call_id


def test_an_organisation_portal_covers_all_its_customers(srv):
    srv.cli("portal", "set", "--organisation", "Airline Group", "inactive")
    try:
        for login in ("air-a", "air-b"):
            with pytest.raises(Fault) as exc:
                client(srv, login).service.CreateCall(Call=NEW_CALL)
            assert code(exc) == "Client.ServiceUnavailable"
    finally:
        srv.cli("portal", "set", "--organisation", "Airline Group", "active")
    assert client(srv, "air-a").service.CreateCall(Call=NEW_CALL).Created


# -- the staff flow ----------------------------------------------------------------------

def test_staff_drive_a_call_from_open_to_accepted(srv):
    customer = client(srv, "globex")
    staff_c = client(srv, "tech", "staff")
    call_id = customer.service.CreateCall(Call={**NEW_CALL, "CustomerId": "GLOBEX",
                                                "ExternalTicketId": "STAFF-FLOW"}).CallId
    listed = staff_c.service.ListCalls(CustomerId="GLOBEX", PageSize=200).Calls.CallSummary
    assert call_id in [c.CallId for c in listed]

    boss = client(srv, "boss", "staff")
    boss.service.AssignTechnician(CallId=call_id, Technician="tech", State="Assigned")
    [assignment] = boss.service.GetCall(CallId=call_id).Assignments.Assignment
    assert (assignment.Technician, assignment.State, assignment.Seen) == ("tech", "Assigned", False)
    assert staff_c.service.GetCall(CallId=call_id).Assignments.Assignment[0].Seen  # opened: seen

    staff_c.service.AddEntry(CallId=call_id, Kind="History", Text="Checked the PBX logs",
                             Visibility="Internal")
    staff_c.service.AddEntry(CallId=call_id, Kind="Contact", Text="Called the customer",
                             Visibility="Public", ContactType="Phone")
    staff_c.service.SetStatus(CallId=call_id, Status="IN_PROGRESS")
    staff_c.service.ProposeSolution(CallId=call_id, Solution="Replaced the line card")
    seen = customer.service.GetCallData(CallId=call_id)
    history = [h.Text for h in seen.HistoryEntries.HistoryEntry]
    assert "Checked the PBX logs" not in history and not any("Technician" in h for h in history)
    assert [c.Text for c in seen.ContactEntries.ContactEntry] == ["Called the customer"]
    assert seen.SolutionState == "Proposed"

    assert customer.service.SetSolutionAcceptance(CallId=call_id, Accepted=False, Comment="no").Changed
    staff_c.service.ProposeSolution(CallId=call_id, Solution="Replaced the PSU too")
    assert customer.service.SetSolutionAcceptance(CallId=call_id, Accepted=True, Comment="yes").Changed

    full = staff_c.service.GetCall(CallId=call_id)
    assert full.SolutionState == "Accepted" and full.Status.Code == "SOLUTION_ACCEPTED"
    life = [(e.Author, e.Visibility, e.Text) for e in full.Entries.StaffEntry]
    assert ("tech", "Internal", "Checked the PBX logs") in life
    assert ("boss", "Internal", "Technician tech: Assigned.") in life
    assert any(a == "globex" and t.startswith("Solution rejected") for a, _, t in life)
    assert any(a == "globex" and t.startswith("Solution accepted") for a, _, t in life)
    assert [t for a, _, t in life if a == "tech" and t.startswith("Solution proposed")] == [
        "Solution proposed: Replaced the line card", "Solution proposed: Replaced the PSU too"]
    for entry in full.Entries.StaffEntry:
        assert entry.Author and entry.CreatedAt.tzinfo is not None


def test_staff_listing_pages_by_cursor(srv):
    staff_c = client(srv, "tech", "staff")
    ids = [client(srv, "globex").service.CreateCall(Call={**NEW_CALL, "CustomerId": "GLOBEX"}).CallId
           for _ in range(5)]
    seen, cursor = [], xsd.SkipValue
    while True:
        page = staff_c.service.ListCalls(CustomerId="GLOBEX", PageSize=2, Cursor=cursor)
        seen += [c.CallId for c in (page.Calls.CallSummary if page.Calls else [])]
        if not page.NextCursor:
            break
        cursor = page.NextCursor
    assert set(ids) <= set(seen) and len(seen) == len(set(seen))
    with pytest.raises(Fault) as exc:
        staff_c.service.ListCalls(Cursor="garbage")
    assert code(exc) == "Client.InvalidArgument"
    for size in (0, 201):
        with pytest.raises(Fault) as exc:
            staff_c.service.ListCalls(PageSize=size)
        assert code(exc) == "Client.InvalidArgument" and exc.value.detail is not None


# -- isolation ---------------------------------------------------------------------------

def test_call_ids_cannot_be_probed_across_customers(srv):
    """Enumerate every call id through every customer-side operation that takes one."""
    staff_c = client(srv, "tech", "staff")
    theirs = client(srv, "air-a").service.CreateCall(Call=NEW_CALL).CallId
    staff_c.service.ProposeSolution(CallId=theirs, Solution="fix")
    top = max(r[0] for r in srv.sql("SELECT id FROM calls"))
    intruder = client(srv, "globex")
    visible = {r[0] for r in srv.sql(
        "SELECT c.id FROM calls c JOIN customers k ON k.id = c.customer_id WHERE k.number = 'GLOBEX' "
        "OR c.created_by_login_id = (SELECT id FROM logins WHERE name = 'globex')")}
    attachment = client(srv, "air-a").service.AddAttachment(
        CallId=theirs, FileName="plan.pdf", ContentType="application/pdf", Content=b"%PDF-1.4 secret")
    operations = {
        "GetCallData": lambda i: intruder.service.GetCallData(CallId=i),
        "SetSolutionAcceptance": lambda i: intruder.service.SetSolutionAcceptance(CallId=i, Accepted=True),
        "AddCallNote": lambda i: intruder.service.AddCallNote(CallId=i, Text="probe"),
        "AddAttachment": lambda i: intruder.service.AddAttachment(
            CallId=i, FileName="probe.txt", ContentType="text/plain", Content=b"probe"),
        "GetAttachment": lambda i: intruder.service.GetAttachment(CallId=i,
                                                                  AttachmentId=attachment.AttachmentId),
    }
    leaks, answers = [], set()
    for call_id in range(1, top + 6):
        if call_id in visible:
            continue
        for name, operation in operations.items():
            try:
                operation(call_id)
                leaks.append((name, call_id))
            except Fault as fault:
                answers.add((fault.code.split(":")[-1], fault.message))
    assert leaks == []
    assert answers == {("Client.CallNotFound", "No such call.")}
    # Listings and change polling show only the intruder's own calls...
    mine = intruder.service.CreateCall(Call=dict(NEW_CALL, CustomerId="GLOBEX")).CallId
    listed = intruder.service.ListCalls(PageSize=100).Calls.CallRow
    changed = intruder.service.GetChangedCalls(Since=0, PageSize=100).Calls.CallRow
    assert mine in {r.CallId for r in listed} and {r.CallId for r in listed} <= visible | {mine}
    assert {r.CallId for r in changed} <= visible | {mine}
    # ...and another call's attachment is not reachable through one's own call id.
    with pytest.raises(Fault) as exc:
        intruder.service.GetAttachment(CallId=mine, AttachmentId=attachment.AttachmentId)
    assert code(exc) == "Client.AttachmentNotFound"
    assert client(srv, "air-b").service.GetAttachment(  # the organisation shares it
        CallId=theirs, AttachmentId=attachment.AttachmentId).Content == b"%PDF-1.4 secret"
    assert staff_c.service.GetCall(CallId=theirs).SolutionState == "Proposed"
