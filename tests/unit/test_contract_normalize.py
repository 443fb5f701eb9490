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
      <xs:simpleType name="Code"><xs:restriction base="xs:string">
        <xs:enumeration value="A"/>
      </xs:restriction></xs:simpleType>
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


OPERATION = f"""<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions xmlns:wsdl="{WSDL}" xmlns:xs="{XS}" xmlns:tns="urn:t" targetNamespace="urn:t">
  <wsdl:types>
    <xs:schema targetNamespace="urn:t" elementFormDefault="qualified">
      <xs:simpleType name="Op_NameType"><xs:restriction base="xs:string">
        <xs:maxLength value="20"/>
      </xs:restriction></xs:simpleType>
      <xs:simpleType name="Colour"><xs:restriction base="xs:string">
        <xs:enumeration value="Red"/>
      </xs:restriction></xs:simpleType>
      <xs:complexType name="Op"><xs:sequence>
        <xs:element name="Name" type="tns:Op_NameType"/>
        <xs:element name="Alias" type="tns:Op_NameType" minOccurs="0"/>
        <xs:element name="Colour" type="tns:Colour"/>
      </xs:sequence></xs:complexType>
      <xs:complexType name="OpResponse"><xs:sequence/></xs:complexType>
      <xs:element name="Op" type="tns:Op"/>
      <xs:element name="OpResponse" type="tns:OpResponse"/>
      <xs:element name="Oops" type="xs:string"/>
    </xs:schema>
  </wsdl:types>
  <wsdl:message name="Op"><wsdl:part name="Op" element="tns:Op"/></wsdl:message>
  <wsdl:message name="OpResponse"><wsdl:part name="OpResponse" element="tns:OpResponse"/></wsdl:message>
  <wsdl:message name="Oops"><wsdl:part name="Oops" element="tns:Oops"/></wsdl:message>
  <wsdl:portType name="T"><wsdl:operation name="Op">
    <wsdl:input name="Op" message="tns:Op"/><wsdl:output name="OpResponse" message="tns:OpResponse"/>
    <wsdl:fault name="Oops" message="tns:Oops"/>
  </wsdl:operation></wsdl:portType>
</wsdl:definitions>
""".encode()


def test_operation_messages_have_the_part_name_dotnet_reads_as_wrapped():
    root = etree.fromstring(normalize(OPERATION))
    parts = {m.get("name"): m.find("wsdl:part", NS).get("name") for m in root.findall("wsdl:message", NS)}
    assert parts == {"Op": "parameters", "OpResponse": "parameters", "Oops": "Oops"}


def test_field_restrictions_are_anonymous_and_enumerations_keep_their_names():
    schema = etree.fromstring(normalize(OPERATION)).find("wsdl:types/xs:schema", NS)
    assert [s.get("name") for s in schema.findall("xs:simpleType", NS)] == ["Colour"]
    fields = {e.get("name"): e for e in schema.findall("xs:complexType[@name='Op']//xs:element", NS)}
    for name in ("Name", "Alias"):
        assert fields[name].get("type") is None
        assert fields[name].find("xs:simpleType/xs:restriction/xs:maxLength", NS).get("value") == "20"
    assert fields["Colour"].get("type") == "tns:Colour"
    xsd = etree.XMLSchema(etree.fromstring(extract_schema(normalize(OPERATION))))
    assert xsd.validate(etree.fromstring(b'<Op xmlns="urn:t"><Name>n</Name><Colour>Red</Colour></Op>'))
    assert not xsd.validate(etree.fromstring(
        b'<Op xmlns="urn:t"><Name>' + b"n" * 21 + b'</Name><Colour>Red</Colour></Op>'))


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
