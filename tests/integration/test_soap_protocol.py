"""Protocol-level behaviour of the real WSGI application, called in-process."""

from __future__ import annotations

import pytest
from lxml import etree

from helpdesk_soap.config import Config
from helpdesk_soap.soap.app import create_app
from helpdesk_soap.soap.types import TNS
from helpdesk_soap.soap.wsse import PASSWORD_TEXT
from tests.support.wsgi_soap import CREATE, call, envelope, fault_of


@pytest.fixture
def app(engine, seeded, database_url):
    gateway = create_app(Config(database_url=database_url, max_request_bytes=64 * 1024))
    yield gateway
    gateway.close()


def test_wsdl_is_served_with_the_callers_address(app):
    status, headers, body = call(app, "GET", query="wsdl")
    assert status == "200 OK" and headers["Content-Type"].startswith("text/xml")
    assert b'location="http://gateway.test:8080/helpdesk"' in body
    assert b"soap12" not in body


def test_create_call_round_trip(app):
    status, _, body = call(app, body=envelope("CreateCall", CREATE))
    assert status.startswith("200"), body
    result = etree.fromstring(body).find(f".//{{{TNS}}}CreateCallResult")
    assert result.findtext(f"{{{TNS}}}CallId") == "1"
    assert result.findtext(f"{{{TNS}}}Created") == "true"


@pytest.mark.parametrize("user, password, ptype", [
    (None, None, PASSWORD_TEXT), ("acme-tts", "wrong", PASSWORD_TEXT),
    ("ghost", "acme-password", PASSWORD_TEXT),
    ("acme-tts", "acme-password", PASSWORD_TEXT.replace("PasswordText", "PasswordDigest")),
])
def test_authentication_faults_look_alike(app, user, password, ptype):
    status, headers, body = call(app, body=envelope("CreateCall", CREATE, user, password, ptype))
    assert status.startswith("500") and headers["Content-Type"].startswith("text/xml")
    assert fault_of(body) == ("Client.AuthenticationFailed", "Authentication failed.")


def test_fault_detail_matches_the_declared_element(app):
    _, _, body = call(app, body=envelope("GetCallData", "<h:CallId>424242</h:CallId>"))
    assert fault_of(body)[0] == "Client.CallNotFound"
    detail = etree.fromstring(body).find(f".//detail/{{{TNS}}}CallNotFoundFault")
    assert detail.findtext(f"{{{TNS}}}Code") == "Client.CallNotFound"


def test_missing_required_field_is_a_client_fault_and_stores_nothing(app):
    inner = CREATE.replace("<h:Subject>Phones down</h:Subject>", "")
    status, _, body = call(app, body=envelope("CreateCall", inner))
    assert status.startswith("500") and fault_of(body)[0].startswith("Client.")
    _, _, body = call(app, body=envelope("GetCallData", "<h:CallId>1</h:CallId>"))
    assert fault_of(body)[0] == "Client.CallNotFound"


def test_unknown_enumeration_value_is_a_client_fault(app):
    status, _, body = call(app, body=envelope("CreateCall", CREATE.replace(">High<", ">Urgent<")))
    assert status.startswith("500") and fault_of(body)[0].startswith("Client.")


@pytest.mark.parametrize("method, path, query, expected", [
    ("GET", "/nowhere", "", "404"), ("GET", "/helpdesk", "", "405"), ("PUT", "/helpdesk", "", "405"),
])
def test_edges_answer_with_soap_faults_not_html(app, method, path, query, expected):
    status, headers, body = call(app, method, path, query=query)
    assert status.startswith(expected) and headers["Content-Type"].startswith("text/xml")
    assert fault_of(body)[0].startswith("Client.")


def test_oversized_body_is_refused_before_it_is_read(app):
    body = envelope("CreateCall", CREATE.replace("Phones down", "x" * 100_000))
    status, _, answer = call(app, body=body)
    assert status.startswith("500") and fault_of(answer)[0] == "Client.RequestTooLarge"


def test_processing_instructions_are_refused_on_either_path(app):
    # SOAP 1.1 forbids them; inside a value one would hide the text after it.
    fast = envelope("CreateCall", CREATE.replace("Phones down", "Phones <?x y?>down"))
    spyne = envelope("ChangePassword", "<h:OldPassword><?x y?>acme-password</h:OldPassword>"
                                       "<h:NewPassword>new-password-1</h:NewPassword>")
    for body in (fast, spyne, b'<?xml version="1.0"?><?x y?>' + fast):
        status, _, answer = call(app, body=body)
        assert status.startswith("500")
        assert fault_of(answer) == ("Client.MalformedRequest",
                                    "A SOAP message must not contain processing instructions.")


def test_external_entity_is_not_expanded(app, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    doc = (f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>'
           ).encode() + envelope("CreateCall", CREATE.replace("Phones down", "&xxe;"))
    status, headers, body = call(app, body=doc)
    assert b"TOP-SECRET-CONTENT" not in body
    assert headers["Content-Type"].startswith("text/xml")
