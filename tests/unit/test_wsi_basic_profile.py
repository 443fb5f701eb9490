"""Both WSDLs against WS-I Basic Profile 1.1's rules for document/literal (the R numbers
are the profile's), plus the wrapped-style conventions Java and .NET tools detect."""

from __future__ import annotations

import pytest
from lxml import etree

from helpdesk_soap.soap.app import contract_documents

NS = {"wsdl": "http://schemas.xmlsoap.org/wsdl/", "soap": "http://schemas.xmlsoap.org/wsdl/soap/",
      "xs": "http://www.w3.org/2001/XMLSchema"}
DOCUMENTS = contract_documents()


def qname(doc, value: str) -> str:
    prefix, _, local = value.rpartition(":")
    return f"{{{doc.nsmap[prefix] if prefix else doc.get('targetNamespace')}}}{local}"


@pytest.fixture(params=sorted(DOCUMENTS))
def wsdl(request):
    return etree.fromstring(DOCUMENTS[request.param])


def test_the_document_is_utf8_and_soap11_only(wsdl):
    text = etree.tostring(wsdl.getroottree(), xml_declaration=True, encoding="UTF-8")
    assert text.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")          # R4003
    assert b"http://schemas.xmlsoap.org/wsdl/soap12/" not in text              # SOAP 1.1 only
    assert b"http://www.w3.org/2003/05/soap-envelope" not in text


def test_binding_is_document_literal_over_http(wsdl):
    for binding in wsdl.findall("wsdl:binding", NS):
        soap_binding = binding.find("soap:binding", NS)
        assert soap_binding is not None                                        # R2701
        assert soap_binding.get("transport") == "http://schemas.xmlsoap.org/soap/http"  # R2702
        assert soap_binding.get("style") == "document"
        for operation in binding.findall("wsdl:operation", NS):
            soap_op = operation.find("soap:operation", NS)
            assert soap_op.get("style", "document") == "document"               # R2705
            assert soap_op.get("soapAction") == operation.get("name")
            for body in operation.iterfind(".//soap:body", NS):
                assert body.get("use") == "literal"                             # R2706
                assert body.get("namespace") is None                            # R2716
                assert body.get("encodingStyle") is None                        # R2706
            for fault in operation.findall("wsdl:fault", NS):
                soap_fault = fault.find("soap:fault", NS)
                assert soap_fault.get("name") == fault.get("name")              # R2754
                assert soap_fault.get("use") == "literal"


def test_messages_have_one_element_part(wsdl):
    elements = {f"{{{wsdl.get('targetNamespace')}}}{e.get('name')}"
                for e in wsdl.iterfind("wsdl:types/xs:schema/xs:element", NS)}
    for message in wsdl.findall("wsdl:message", NS):
        parts = message.findall("wsdl:part", NS)
        assert len(parts) == 1                                                 # R2210
        assert parts[0].get("type") is None and parts[0].get("element")       # R2204, R2205
        assert qname(wsdl, parts[0].get("element")) in elements               # R2101


def test_operations_are_unique_and_wrapped(wsdl):
    port_type = wsdl.find("wsdl:portType", NS)
    names = [op.get("name") for op in port_type.findall("wsdl:operation", NS)]
    assert len(names) == len(set(names))                                      # R2304: no overloading
    binding = wsdl.find("wsdl:binding", NS)
    assert qname(wsdl, binding.get("type")) == f"{{{wsdl.get('targetNamespace')}}}{port_type.get('name')}"
    assert sorted(op.get("name") for op in binding.findall("wsdl:operation", NS)) == sorted(names)  # R2718
    messages = {m.get("name"): m for m in wsdl.findall("wsdl:message", NS)}
    complex_types = {c.get("name"): c for c in wsdl.iterfind("wsdl:types/xs:schema/xs:complexType", NS)}
    bodies = set()
    for op in port_type.findall("wsdl:operation", NS):
        name = op.get("name")
        for io, wrapper in (("input", name), ("output", name + "Response")):
            message = messages[qname(wsdl, op.find(f"wsdl:{io}", NS).get("message")).split("}")[1]]
            element = message.find("wsdl:part", NS).get("element").split(":")[1]
            assert element == wrapper                                          # wrapped style
            # wsdl.exe takes only a part named "parameters" as wrapped (docs/interop.md).
            assert message.find("wsdl:part", NS).get("name") == "parameters"
            wrapper_type = complex_types[element]
            assert wrapper_type.find("xs:attribute", NS) is None               # children only
            assert len(wrapper_type) == 1 and wrapper_type[0].tag == f"{{{NS['xs']}}}sequence"
        bodies.add(element)
    assert len(bodies) == len(names)                                          # R2710: distinct wire signatures


def test_no_xs_integer_and_required_fields_are_not_nillable(wsdl):
    text = etree.tostring(wsdl)
    assert b'type="xs:integer"' not in text                                    # BigInteger in Java
    for element in wsdl.iterfind(".//xs:element", NS):
        if element.get("minOccurs", "1") != "0":
            assert element.get("nillable") != "true", element.get("name")     # no JAXBElement wrappers
