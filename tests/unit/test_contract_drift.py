"""The published contract in wsdl/ and schemas/ is exactly what the code exports.

No server needed: ``written_contract`` is what ``export-contract`` writes, from the
same documents the server serves. tests/e2e/test_flow.py checks once that a running
server serves them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from helpdesk_soap.soap.contract import extract_schema
from helpdesk_soap.soap.export import written_contract

ROOT = Path(__file__).resolve().parents[2]
NS = {"wsdl": "http://schemas.xmlsoap.org/wsdl/",
      "soap": "http://schemas.xmlsoap.org/wsdl/soap/"}
OPERATIONS = {
    "helpdesk": ["ActivateLogin", "AddAttachment", "AddCallNote", "ChangePassword", "CreateCall",
                 "GetAttachment", "GetCallData", "GetChangedCalls", "GetRequestTypes", "GetStatuses",
                 "ListCalls", "ListListeners", "Login", "Logout", "RedeliverParked",
                 "RegisterListener", "RemoveListener", "RequestPasswordReset",
                 "SetSolutionAcceptance", "UpdateListener"],
    "staff": ["AddAttachment", "AddEntry", "AssignTechnician", "CommlogDisable", "CommlogEnable",
              "GetAttachment", "GetCall", "GetCommlogEntry", "GetRequestTypeConfiguration",
              "InviteLogin", "ListCalls", "ListCommlog", "Login", "Logout", "ProposeSolution",
              "RecordTime", "ResetRequestType", "SetPortalActive", "SetRequestTypeField",
              "SetResult", "SetStatus", "UnassignTechnician"],
}


@pytest.fixture(scope="module")
def contract() -> dict[str, bytes]:
    return written_contract()


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_exported_wsdl_matches_the_published_contract(contract, name):
    exported = (ROOT / "wsdl" / f"{name}.wsdl").read_bytes()
    assert contract[f"wsdl/{name}.wsdl"] == exported, \
        f"wsdl/{name}.wsdl is stale: run `helpdesk-soap export-contract`"
    schema = (ROOT / "schemas" / f"{name}-v1.xsd").read_bytes()
    assert extract_schema(exported) == schema, \
        f"schemas/{name}-v1.xsd is stale: run `helpdesk-soap export-contract`"


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_binding_is_soap11_over_http_and_well_ordered(contract, name):
    doc = etree.fromstring(contract[f"wsdl/{name}.wsdl"])
    binding = doc.find("wsdl:binding", NS)
    first = binding[0]
    assert first.tag == "{http://schemas.xmlsoap.org/wsdl/soap/}binding"
    assert first.get("transport") == "http://schemas.xmlsoap.org/soap/http"
    assert first.get("style") == "document"
    operations = [op.get("name") for op in binding.findall("wsdl:operation", NS)]
    assert operations == OPERATIONS[name]
    for op in binding.findall("wsdl:operation", NS):
        for body in op.iterfind(".//soap:body", NS):
            assert body.get("use") == "literal"
    assert b"soap12" not in etree.tostring(doc)
