"""Request types configured by admins, over a live `serve` (two workers) with zeep: over
/staff and through the CLI, CreateCall and GetRequestTypes follow at once (issue 29)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from zeep.exceptions import Fault

PW = {"rt-boss": "boss-password", "rt-tech": "tech-password"}
#: An airline's phones: a technical fault without a web domain to name.
PHONES = {"CustomerId": "ACME", "Subject": "Phones down", "Description": "All phones are dead.",
          "Priority": "High", "Category": "TechnicalSupport",
          "FirstOccurredAt": datetime(2026, 11, 23, 7, 40, tzinfo=UTC)}
#: Enough calls that both workers answer some (the server runs two).
ROUNDS = 6


def code(exc) -> str:
    return exc.value.code.split(":", 1)[-1]


def detail(exc, name: str) -> str | None:
    found = exc.value.detail.find(f".//{{urn:helpdesk-soap:helpdesk:v1}}{name}")
    return found.text if found is not None else None


@pytest.fixture(scope="module")
def srv(server):
    server.cli("login", "add", "rt-boss", "--role", "admin", "--password-stdin", stdin=PW["rt-boss"] + "\n")
    server.cli("login", "add", "rt-tech", "--role", "staff", "--password-stdin", stdin=PW["rt-tech"] + "\n")
    return server


@pytest.fixture(scope="module")
def acme(srv):
    return srv.client("acme-tts")


@pytest.fixture(scope="module")
def boss(srv):
    return srv.client("rt-boss", PW["rt-boss"], "staff")


@pytest.fixture(scope="module")
def tech(srv):
    return srv.client("rt-tech", PW["rt-tech"], "staff")


@pytest.fixture(autouse=True)
def default_set(srv):
    """Every test starts from, and leaves, the default set."""
    yield
    for category in ("Question", "TechnicalSupport", "Improvement"):
        srv.cli("request-type", "reset", category)
    srv.cli("settings", "set", "accept_incomplete_integration_calls", "false")


def affected_domain(client) -> tuple[bool, str] | None:
    """(Required, Label) of TechnicalSupport's AffectedDomain in GetRequestTypes, or None."""
    for rt in client.service.GetRequestTypes():
        if rt.Category == "TechnicalSupport":
            for f in rt.Fields.RequestField:
                if f.Name == "AffectedDomain":
                    return f.Required, f.Label
    return None


def refused(acme, call=PHONES) -> Fault:
    with pytest.raises(Fault) as exc:
        acme.service.CreateCall(Call=call)
    assert code(exc) == "Client.MissingField"
    return exc


def test_an_admin_relaxes_affected_domain_over_staff_and_the_integration_call_goes_through(
        srv, acme, boss, tech):
    exc = refused(acme)
    assert detail(exc, "Field") == "AffectedDomain"
    assert affected_domain(acme) == (True, "Domain where the problem occurs")

    for operation, args in (("GetRequestTypeConfiguration", {}),
                            ("SetRequestTypeField", {"Category": "TechnicalSupport",
                                                     "Field": "AffectedDomain", "State": "Optional"}),
                            ("ResetRequestType", {"Category": "TechnicalSupport"})):
        with pytest.raises(Fault) as denied:
            getattr(tech.service, operation)(**args)
        assert code(denied) == "Client.AccessDenied", operation
    refused(acme)  # the technician changed nothing

    changed = boss.service.SetRequestTypeField(Category="TechnicalSupport", Field="AffectedDomain",
                                               State="Optional", Label="Site or system, if any")
    fields = {f.Name: f for f in changed.Fields.RequestTypeConfigField}
    assert changed.Customised and fields["AffectedDomain"].State == "Optional"
    assert fields["AffectedDomain"].MaxLength == fields["AffectedDomain"].WireMaxLength == 200
    assert fields["ResponsibleUser"].State == "Absent"

    ids = {acme.service.CreateCall(Call={**PHONES, "Subject": f"Phones down {n}"}).CallId
           for n in range(ROUNDS)}
    assert len(ids) == ROUNDS
    assert affected_domain(acme) == (False, "Site or system, if any")
    listed = {c.Category: c for c in boss.service.GetRequestTypeConfiguration()}
    assert set(listed) == {"Question", "TechnicalSupport", "Improvement"}
    assert listed["TechnicalSupport"].Customised and not listed["Question"].Customised

    reset = boss.service.ResetRequestType(Category="TechnicalSupport")
    assert not reset.Customised
    for _ in range(ROUNDS):
        refused(acme)
    assert affected_domain(acme) == (True, "Domain where the problem occurs")


def test_the_same_through_the_cli(srv, acme):
    out = srv.cli("request-type", "set", "TechnicalSupport", "AffectedDomain", "optional")
    assert "AffectedDomain\toptional" in out
    for n in range(ROUNDS):
        assert acme.service.CreateCall(Call={**PHONES, "Subject": f"Phones down, CLI {n}"}).CallId
    assert affected_domain(acme)[0] is False
    srv.cli("request-type", "set", "TechnicalSupport", "AffectedDomain", "absent")
    assert affected_domain(acme) is None
    srv.cli("request-type", "reset", "TechnicalSupport")
    for _ in range(ROUNDS):
        refused(acme)


def test_an_invalid_change_over_staff_is_a_typed_fault_and_changes_nothing(boss, acme):
    with pytest.raises(Fault) as exc:
        boss.service.SetRequestTypeField(Category="Question", Field="Subject", State="Optional")
    assert code(exc) == "Client.InvalidArgument" and detail(exc, "Field") == "State"
    with pytest.raises(Fault) as exc:
        boss.service.SetRequestTypeField(Category="Question", Field="Browser", State="Required",
                                         MaxLength=999)
    assert code(exc) == "Client.InvalidArgument"
    assert (detail(exc, "Field"), detail(exc, "Limit")) == ("MaxLength", "200")
    with pytest.raises(Fault) as exc:
        boss.service.SetRequestTypeField(Category="Question", Field="CustomerId", State="Optional")
    assert code(exc) == "Client.InvalidArgument" and detail(exc, "Field") == "Field"
    assert not any(c.Customised for c in boss.service.GetRequestTypeConfiguration())


def test_the_fault_names_every_missing_field_so_one_retry_suffices(acme):
    exc = refused(acme, {k: v for k, v in PHONES.items() if k != "FirstOccurredAt"})
    assert detail(exc, "Field") == "AffectedDomain"
    assert "AffectedDomain" in exc.value.message and "FirstOccurredAt" in exc.value.message


def test_an_unattended_callers_incomplete_call_is_filed_when_admins_say_so(srv, acme, tech):
    srv.cli("settings", "set", "accept_incomplete_integration_calls", "true")
    created = acme.service.CreateCall(Call={**PHONES, "Subject": "Phones down, filed anyway"})
    warnings = {w.Code: w.Message for w in created.Warnings.WarningInfo}
    assert "AffectedDomain" in warnings["MissingFieldsAccepted"]
    internal = [e.Text for e in tech.service.GetCall(CallId=created.CallId).Entries.StaffEntry
                if e.Visibility == "Internal"]
    assert [t for t in internal if "AffectedDomain" in t]
