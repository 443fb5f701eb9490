"""Ops pieces that need no server: masking, the page's escaping, the docs' examples,
--bind parsing, request facts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from helpdesk_soap.ops import facts
from helpdesk_soap.ops.commlog import masked, masked_response
from helpdesk_soap.ops.service_page import operations, render
from helpdesk_soap.ops.serving import parse_bind

ROOT = Path(__file__).resolve().parents[2]
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
TNS = "urn:helpdesk-soap:helpdesk:v1"


def test_masking_happens_in_the_tree_whatever_the_prefixes_or_layout():
    request = etree.fromstring(f"""<e:Envelope xmlns:e="{SOAP}" xmlns:s="{WSSE}" xmlns:x="{TNS}">
      <e:Header><s:Security><s:UsernameToken><s:Username>acme</s:Username>
        <s:Password Type="PasswordText"><![CDATA[pw-in-cdata-1]]></s:Password>
        <s:Nonce>nonce-2</s:Nonce></s:UsernameToken></s:Security>
        <x:Session><x:Token>tok-3</x:Token></x:Session></e:Header>
      <e:Body><x:ChangePassword><x:OldPassword>old-4</x:OldPassword>
        <x:NewPassword>new-<!-- split -->5</x:NewPassword></x:ChangePassword>
        <x:AddAttachment><x:Content>QUJD
REVG</x:Content></x:AddAttachment></e:Body></e:Envelope>""".encode())
    text = masked(request, 10_000)
    for secret in ("pw-in-cdata-1", "nonce-2", "tok-3", "old-4", "new-", "QUJD", "REVG"):
        assert secret not in text
    assert "acme" in text and "[8 base64 characters not recorded]" in text
    assert b"pw-in-cdata-1" in etree.tostring(request)  # the request itself is not changed


def test_a_recorded_side_is_cut_to_the_limit():
    answer = (f'<e:Envelope xmlns:e="{SOAP}" xmlns:x="{TNS}"><e:Body><x:R>{"a" * 5000}</x:R>'
              "</e:Body></e:Envelope>").encode()
    text = masked_response([answer], 100)
    assert text.startswith("<e:Envelope") and len(text) < 200 and "more characters]" in text
    assert masked_response([b"not xml"], 100).startswith("(an answer of 7 bytes")


def test_the_service_page_escapes_what_the_contract_says():
    wsdl = (ROOT / "wsdl" / "helpdesk.wsdl").read_bytes()
    hostile = wsdl.replace(b"<wsdl:documentation>", b"<wsdl:documentation>&lt;script&gt;alert(1)&lt;/script&gt;", 1)
    page = render(hostile, "/helpdesk", "1.0").decode()
    assert "<script>" not in page and "&lt;script&gt;alert(1)" in page
    names = [op.name for op in operations(wsdl)]
    root = etree.fromstring(wsdl)
    assert names == [op.get("name") for op in root.iterfind(
        "{http://schemas.xmlsoap.org/wsdl/}portType/{http://schemas.xmlsoap.org/wsdl/}operation")]
    create = next(op for op in operations(wsdl) if op.name == "CreateCall")
    assert [f.name for f in create.inputs] == ["Call"] and "AuthenticationFailedFault" in create.faults


def test_every_example_shown_in_the_ops_doc_is_the_file_itself():
    doc = (ROOT / "docs" / "operations-monitoring.md").read_text()
    shown = re.findall(r"<!-- example: (\S+) -->\n```\w*\n(.*?)```", doc, re.S)
    assert len(shown) == 2
    for path, block in shown:
        assert (ROOT / path).read_text() == block, path
    assert doc.count("```") == 2 * len(shown)  # no other fenced block


@pytest.mark.parametrize("bind, parsed", [("127.0.0.1:8080", ("127.0.0.1", 8080)),
                                          ("[::1]:80", ("::1", 80)), (":9000", ("0.0.0.0", 9000)),
                                          ("unix:/run/x.sock", None)])
def test_bind_addresses(bind, parsed):
    assert parse_bind(bind) == parsed


@pytest.mark.parametrize("bind", ["8080", "host:", "host:0", "host:65536", "host:x", "unix:"])
def test_malformed_bind_addresses(bind):
    with pytest.raises(ValueError):
        parse_bind(bind)


def test_facts_are_bounded_and_printable_and_only_inside_a_request():
    facts.note(login="outside")  # no request: nothing happens
    assert facts.current() is None
    noted, reset = facts.begin()
    try:
        facts.note(login="evil\nname\x1b" + "x" * 500, customer=None)
    finally:
        facts.end(reset)
    assert noted["login"].startswith("evil?name?") and len(noted["login"]) == facts.MAX_VALUE
    assert "customer" not in noted and facts.current() is None
