"""The published contract in wsdl/ and schemas/ is exactly what the server serves."""

from __future__ import annotations

from pathlib import Path

import requests

from helpdesk_soap.soap.contract import EXPORT_BASE_URL, extract_schema

ROOT = Path(__file__).resolve().parents[2]


def test_served_wsdl_matches_the_exported_contract(server):
    served = requests.get(server.wsdl_url, timeout=10).content
    exported = (ROOT / "wsdl" / "helpdesk.wsdl").read_bytes()
    assert served.replace(server.url.encode(), EXPORT_BASE_URL.encode()) == exported, \
        "wsdl/helpdesk.wsdl is stale: run `helpdesk-soap export-contract`"
    schema = (ROOT / "schemas" / "helpdesk-v1.xsd").read_bytes()
    assert extract_schema(exported) == schema, \
        "schemas/helpdesk-v1.xsd is stale: run `helpdesk-soap export-contract`"


def test_binding_is_soap11_over_http_and_well_ordered(server):
    from lxml import etree

    doc = etree.fromstring(requests.get(server.wsdl_url, timeout=10).content)
    ns = {"wsdl": "http://schemas.xmlsoap.org/wsdl/", "soap": "http://schemas.xmlsoap.org/wsdl/soap/"}
    binding = doc.find("wsdl:binding", ns)
    first = binding[0]
    assert first.tag == "{http://schemas.xmlsoap.org/wsdl/soap/}binding"
    assert first.get("transport") == "http://schemas.xmlsoap.org/soap/http"
    assert first.get("style") == "document"
    operations = [op.get("name") for op in binding.findall("wsdl:operation", ns)]
    assert operations == ["CreateCall", "GetCallData", "SetSolutionAcceptance"]
    for op in binding.findall("wsdl:operation", ns):
        for body in op.iterfind(".//soap:body", ns):
            assert body.get("use") == "literal"
