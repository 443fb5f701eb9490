"""The published contract: normalize, with_address, extract_schema and the real WSDL."""

import pytest
from lxml import etree

from helpdesk_soap.soap.app import contract_documents
from helpdesk_soap.soap.contract import (
    PLACEHOLDER_ADDRESS, WSDL, XS, extract_schema, normalize, with_address,
)

SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"
NS = {"wsdl": WSDL, "xs": XS}

RAW = f"""<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions xmlns:wsdl="{WSDL}" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:soap12="{SOAP12}" xmlns:xs="{XS}" xmlns:tns="urn:t" targetNamespace="urn:t" name="T">
  <wsdl:service name="TService">
    <wsdl:port name="TPort" binding="tns:T"><soap:address location="{PLACEHOLDER_ADDRESS}"/></wsdl:port>
  </wsdl:service>
  <wsdl:binding name="T" type="tns:T">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
  </wsdl:binding>
  <wsdl:message name="Zeta"><wsdl:part name="p" element="tns:Zeta"/></wsdl:message>
  <wsdl:portType name="T"/>
  <wsdl:message name="Alpha"><wsdl:part name="p" element="tns:Alpha"/></wsdl:message>
  <wsdl:types>
    <xs:schema targetNamespace="urn:t" elementFormDefault="qualified">
      <xs:element name="Zeta" type="tns:ZetaType"/>
      <xs:element name="Alpha" type="xs:string"/>
      <xs:complexType name="ZetaType"><xs:sequence>
        <xs:element name="Code" type="tns:Code"/>
      </xs:sequence></xs:complexType>
      <xs:simpleType name="Code"><xs:restriction base="xs:string"/></xs:simpleType>
    </xs:schema>
  </wsdl:types>
  <wsdl:message name="Mid"><wsdl:part name="p" element="tns:Alpha"/></wsdl:message>
</wsdl:definitions>
""".encode()


def local(el) -> str:
    return etree.QName(el).localname


def test_normalize_drops_stray_soap12_namespace():
    out = normalize(RAW)
    assert b"soap12" not in out
    assert SOAP12.encode() not in out
    assert SOAP12 not in etree.fromstring(out).nsmap.values()


def test_normalize_orders_top_level_and_sorts_messages():
    root = etree.fromstring(normalize(RAW))
    assert [local(c) for c in root] == ["types", "message", "message", "message",
                                        "portType", "binding", "service"]
    assert [m.get("name") for m in root.findall("wsdl:message", NS)] == ["Alpha", "Mid", "Zeta"]


def test_normalize_orders_schema_children():
    schema = etree.fromstring(normalize(RAW)).find("wsdl:types/xs:schema", NS)
    assert [(local(c), c.get("name")) for c in schema] == [
        ("simpleType", "Code"), ("complexType", "ZetaType"),
        ("element", "Alpha"), ("element", "Zeta")]


def test_normalize_is_idempotent():
    once = normalize(RAW)
    assert normalize(once) == once


def test_with_address_replaces_placeholder_and_escapes():
    out = with_address(normalize(RAW), "https://host.example/helpdesk?a=1&b=2")
    assert PLACEHOLDER_ADDRESS.encode() not in out
    assert b'location="https://host.example/helpdesk?a=1&amp;b=2"' in out
    address = etree.fromstring(out).find(".//wsdl:port/*", NS)
    assert address.get("location") == "https://host.example/helpdesk?a=1&b=2"


def test_extract_schema_is_a_compilable_standalone_xsd():
    xsd = extract_schema(normalize(RAW))
    root = etree.fromstring(xsd)
    assert root.tag == f"{{{XS}}}schema"
    assert root.get("targetNamespace") == "urn:t"
    schema = etree.XMLSchema(root)
    assert schema.validate(etree.fromstring(b'<Alpha xmlns="urn:t">x</Alpha>'))
    assert not schema.validate(etree.fromstring(b'<Beta xmlns="urn:t">x</Beta>'))


@pytest.fixture(scope="module")
def real_wsdl() -> bytes:
    return contract_documents()["/helpdesk"]


def test_real_wsdl_is_soap11_only_and_uses_no_unbounded_integers(real_wsdl):
    assert b"soap12" not in real_wsdl
    assert b'type="xs:integer"' not in real_wsdl
    assert normalize(real_wsdl) == real_wsdl


def test_real_wsdl_newcall_required_fields(real_wsdl):
    root = etree.fromstring(real_wsdl)
    (new_call,) = root.findall(".//xs:complexType[@name='NewCall']", NS)
    elements = {e.get("name"): e for e in new_call.iterfind(".//xs:element", NS)}
    for name in ("CustomerId", "Subject", "Priority", "Category"):
        assert name in elements, name
        assert elements[name].get("minOccurs") is None, name
        assert elements[name].get("nillable") != "true", name


def test_real_wsdl_schema_compiles(real_wsdl):
    etree.XMLSchema(etree.fromstring(extract_schema(real_wsdl)))


def test_documentation_is_dedented_the_same_on_every_python():
    """Python 3.13 strips docstring indentation when compiling, 3.11 does not: the contract
    must not depend on which one built it."""
    wsdl = (b'<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" targetNamespace="urn:t">'
            b'<wsdl:documentation>First line\n        second line\n        third</wsdl:documentation>'
            b'</wsdl:definitions>')
    doc = etree.fromstring(normalize(wsdl)).find("{http://schemas.xmlsoap.org/wsdl/}documentation")
    assert doc.text == "First line\nsecond line\nthird"
