"""The customer-side story over real HTTP: a ticket system drives a call to its end."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from zeep.exceptions import Fault

from helpdesk_soap.soap.contract import EXPORT_BASE_URL

ROOT = Path(__file__).resolve().parents[2]


def new_call(client, **overrides):
    call = {"CustomerId": "ACME", "Subject": "Telefone in Abteilung 4 ausgefallen ✈ ☎",
            "Description": "Alle Apparate tot seit 07:40.", "Priority": "High",
            "Category": "TechnicalSupport", "ExternalTicketId": f"INC-{uuid.uuid4().hex[:10]}",
            "FirstOccurredAt": datetime(2026, 11, 23, 7, 40, tzinfo=UTC),
            "AffectedDomain": "pbx.acme.example",
            "Components": ["PBX", "Handset"], "Installation": "HQ PBX 2"}
    call.update(overrides)
    return client.service.CreateCall(Call=call)


def fault_code(exc: Fault) -> str:
    return exc.value.code.split(":", 1)[-1]


def test_full_flow_create_propose_reject_propose_accept(server):
    client = server.client("acme-tts")
    created = new_call(client)
    assert created.Created and created.CustomerKnown and created.Status.Code == "NEW"
    call_id = created.CallId

    server.cli("call", "add-contact", str(call_id), "Customer called back", "--type", "Phone")
    server.cli("call", "add-history", str(call_id), "checked the wiring", "--internal")
    server.cli("call", "propose-solution", str(call_id), "Replaced the power supply")

    data = client.service.GetCallData(CallId=call_id)
    assert data.Status.Code == "SOLUTION_PROPOSED" and data.SolutionState == "Proposed"
    assert data.Solution == "Replaced the power supply"
    assert data.Subject == "Telefone in Abteilung 4 ausgefallen ✈ ☎"
    assert data.Components == ["PBX", "Handset"]
    assert [c.Text for c in data.ContactEntries.ContactEntry] == ["Customer called back"]
    texts = [h.Text for h in data.HistoryEntries.HistoryEntry]
    assert "checked the wiring" not in texts

    rejected = client.service.SetSolutionAcceptance(CallId=call_id, Accepted=False, Comment="still dead")
    assert rejected.Changed and rejected.Status.Code == "SOLUTION_REJECTED"
    again = client.service.SetSolutionAcceptance(CallId=call_id, Accepted=False, Comment="still dead")
    assert not again.Changed
    with pytest.raises(Fault) as exc:
        client.service.SetSolutionAcceptance(CallId=call_id, Accepted=True)
    assert fault_code(exc) == "Client.SolutionAlreadyAnswered"

    server.cli("call", "propose-solution", str(call_id), "Replaced the line card")
    accepted = client.service.SetSolutionAcceptance(CallId=call_id, Accepted=True, Comment="works")
    assert accepted.Changed and accepted.SolutionState == "Accepted"
    assert accepted.Status.Code == "SOLUTION_ACCEPTED" and accepted.Status.IsFinal

    history = [h.Text for h in client.service.GetCallData(CallId=call_id).HistoryEntries.HistoryEntry]
    assert sum(t.startswith("Solution rejected") for t in history) == 1
    assert sum(t.startswith("Solution accepted") for t in history) == 1


def test_answer_without_a_proposed_solution_is_refused(server):
    client = server.client("acme-tts")
    call_id = new_call(client).CallId
    with pytest.raises(Fault) as exc:
        client.service.SetSolutionAcceptance(CallId=call_id, Accepted=True)
    assert fault_code(exc) == "Client.NoSolutionProposed"


def test_unknown_customer_is_filed_under_the_fallback(server):
    client = server.client("acme-tts")
    created = new_call(client, CustomerId="4711-UNBEKANNT")
    assert created.Created and not created.CustomerKnown
    assert created.Status.Code == "CUSTOMER_UNKNOWN"
    assert [w.Code for w in created.Warnings.WarningInfo] == ["CustomerUnknown"]
    data = client.service.GetCallData(CallId=created.CallId)
    assert data.CustomerId == "UNKNOWN" and data.ReportedCustomerId == "4711-UNBEKANNT"


def test_service_level_warning_and_permission(server):
    plain = new_call(server.client("acme-tts"), ServiceLevel="GOLD")
    assert plain.Created and [w.Code for w in plain.Warnings.WarningInfo] == ["ServiceLevelIgnored"]
    assert server.client("acme-tts").service.GetCallData(CallId=plain.CallId).ServiceLevel is None
    allowed = new_call(server.client("acme-sl"), ServiceLevel="GOLD")
    assert not allowed.Warnings
    assert server.client("acme-sl").service.GetCallData(CallId=allowed.CallId).ServiceLevel == "GOLD"


def test_result_visibility_follows_the_status(server):
    client = server.client("acme-tts")
    call_id = new_call(client).CallId
    server.cli("call", "set-result", str(call_id), "PSU getauscht")
    assert client.service.GetCallData(CallId=call_id).Result is None
    server.cli("call", "set-status", str(call_id), "CLOSED")
    assert client.service.GetCallData(CallId=call_id).Result == "PSU getauscht"


def test_contact_urls_follow_the_web_base_url(server):
    client = server.client("acme-tts")
    call_id = new_call(client).CallId
    server.cli("call", "add-contact", str(call_id), "Visited site", "--type", "Visit",
               "--path", "contacts/77")
    server.cli("call", "add-contact", str(call_id), "Phoned", "--type", "Phone")
    server.cli("settings", "set", "web_base_url", "")
    # Without the setting, URLs start at the service's own address; an entry without a path
    # opens the portal's call view at the entry.
    visited, phoned = client.service.GetCallData(CallId=call_id).ContactEntries.ContactEntry
    assert visited.Url == f"{server.url}/contacts/77"
    assert phoned.Url.startswith(f"{server.url}/calls/{call_id}#entry-")
    server.cli("settings", "set", "web_base_url", "https://esweb.installer.example/")
    try:
        entry = client.service.GetCallData(CallId=call_id).ContactEntries.ContactEntry[0]
        assert entry.Text == "Visited site"
        assert entry.Url == "https://esweb.installer.example/contacts/77"
        assert entry.ContactType == "Visit"
    finally:
        server.cli("settings", "set", "web_base_url", "")


def test_retry_returns_the_same_call(server):
    client = server.client("acme-tts")
    first = new_call(client, ExternalTicketId="INC-RETRY-1")
    retried = new_call(client, ExternalTicketId="INC-RETRY-1")
    assert retried.CallId == first.CallId and not retried.Created
    assert [w.Code for w in retried.Warnings.WarningInfo] == ["ExistingCallReturned"]


def test_another_customer_cannot_see_or_answer_the_call(server):
    call_id = new_call(server.client("acme-tts")).CallId
    server.cli("call", "propose-solution", str(call_id), "fixed")
    intruder = server.client("globex-tts")
    for operation in (lambda: intruder.service.GetCallData(CallId=call_id),
                      lambda: intruder.service.SetSolutionAcceptance(CallId=call_id, Accepted=True)):
        with pytest.raises(Fault) as exc:
            operation()
        assert fault_code(exc) == "Client.CallNotFound"
        assert exc.value.message == "No such call."
    assert server.client("acme-tts").service.GetCallData(CallId=call_id).SolutionState == "Proposed"


@pytest.mark.parametrize("login, password", [("acme-tts", "wrong-password"), ("nobody", "x" * 12)])
def test_bad_credentials_get_the_same_authentication_fault(server, login, password):
    with pytest.raises(Fault) as exc:
        server.client(login, password).service.GetCallData(CallId=1)
    assert fault_code(exc) == "Client.AuthenticationFailed"
    assert exc.value.message == "Authentication failed."


@pytest.mark.parametrize("name", ["helpdesk", "staff"])
def test_served_wsdl_matches_the_exported_contract(server, name):
    """What a running server serves is the published file (tests/unit/test_contract_drift.py
    checks the file against the code without a server)."""
    served = requests.get(f"{server.url}/{name}?wsdl", timeout=10).content
    exported = (ROOT / "wsdl" / f"{name}.wsdl").read_bytes()
    assert served.replace(server.url.encode(), EXPORT_BASE_URL.encode()) == exported, \
        f"wsdl/{name}.wsdl is stale: run `helpdesk-soap export-contract`"
