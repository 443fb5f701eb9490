"""Property: whatever arrives, the answer is a well-formed SOAP 1.1 response or a
well-formed Fault with a documented code. Envelopes for every operation, valid and
corrupted, through the real WSGI application."""

from __future__ import annotations

import io
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from helpdesk_soap.config import Config
from helpdesk_soap.services import admin
from helpdesk_soap.soap.app import applications, create_app
from helpdesk_soap.soap.faults import CATALOGUE
from helpdesk_soap.soap.types import TNS
from helpdesk_soap.soap.wsse import PASSWORD_TEXT, WSSE

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
OPERATIONS = {path: sorted(name for s in app.services for name in s.public_methods)
              for path, app in applications(None).items()}

xml_text = st.text(st.characters(blacklist_categories=("Cs",),
                                 blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e"
                                                      "\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a"
                                                      "\x1b\x1c\x1d\x1e\x1f\ufffe\uffff"), max_size=300)
values = st.one_of(xml_text, st.integers(-2**70, 2**70).map(str), st.sampled_from(["true", "false"]),
                   st.sampled_from(["Low", "Blocker", "Question", "TechnicalSupport", "Urgent", "ACME",
                                    "2026-11-23T10:00:00Z", "not-a-date", "1", "-1"]))
FIELDS = ["CallId", "Accepted", "Comment", "LoginName", "Password", "OldPassword", "NewPassword",
          "Status", "Stage", "CustomerId", "Subject", "Priority", "Category", "Text", "Kind",
          "Visibility", "Technician", "State", "Cursor", "PageSize", "Active", "ExternalTicketId"]


@st.composite
def requests_(draw):
    path = draw(st.sampled_from(sorted(OPERATIONS)))
    op = draw(st.sampled_from(OPERATIONS[path]))
    env = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"s": SOAP, "h": TNS})
    if draw(st.booleans()):
        token = etree.SubElement(etree.SubElement(etree.SubElement(etree.SubElement(
            env, f"{{{SOAP}}}Header"), f"{{{WSSE}}}Security"), f"{{{WSSE}}}UsernameToken"), f"{{{WSSE}}}Username")
        token.text = draw(st.sampled_from(["fuzz", "ghost"]))
        pw = etree.SubElement(token.getparent(), f"{{{WSSE}}}Password", Type=PASSWORD_TEXT)
        pw.text = draw(st.sampled_from(["fuzz-password", "wrong"]))
    operation = etree.SubElement(etree.SubElement(env, f"{{{SOAP}}}Body"), f"{{{TNS}}}{op}")
    if op == "CreateCall":
        parent = etree.SubElement(operation, f"{{{TNS}}}Call")
        names = ["CustomerId", "Subject", "Priority", "Category"] + draw(
            st.lists(st.sampled_from(["ExternalTicketId", "Description", "ServiceLevel", "Components"]), max_size=3))
    else:
        parent, names = operation, draw(st.lists(st.sampled_from(FIELDS), max_size=5))
    for name in names:
        etree.SubElement(parent, f"{{{TNS}}}{name}").text = draw(values)
    body = etree.tostring(env)
    corruption = draw(st.sampled_from(["none", "truncate", "flip", "insert", "drop", "duplicate", "action"]))
    headers = {}
    if corruption == "truncate":
        body = body[:draw(st.integers(0, len(body)))]
    elif corruption == "flip":
        i = draw(st.integers(0, len(body) - 1))
        body = body[:i] + bytes([body[i] ^ draw(st.integers(1, 255))]) + body[i + 1:]
    elif corruption == "insert":
        i = draw(st.integers(0, len(body)))
        body = body[:i] + draw(st.binary(min_size=1, max_size=20)) + body[i:]
    elif corruption in ("drop", "duplicate") and len(parent):
        victim = parent[draw(st.integers(0, len(parent) - 1))]
        if corruption == "drop":
            parent.remove(victim)
        else:
            parent.append(etree.fromstring(etree.tostring(victim)))
        body = etree.tostring(env)
    elif corruption == "action":
        headers["HTTP_SOAPACTION"] = draw(st.sampled_from(['"Nope"', f'"{op}"', '""', "garbage"]))
    return path, op, body, headers


@pytest.fixture
def app(database_url):
    gateway = create_app(Config(database_url=database_url, max_request_bytes=256 * 1024))
    from helpdesk_soap.store.engine import make_engine, make_session_factory
    from helpdesk_soap.store.unit_of_work import SqlUnitOfWork

    engine = make_engine(database_url)
    with SqlUnitOfWork(make_session_factory(engine)) as uow:
        admin.add_customer(uow, "ACME", "Acme")
        admin.add_login(uow, "fuzz", "ACME", "fuzz-password")
    engine.dispose()
    yield gateway
    gateway.close()


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(request=requests_())
def test_every_answer_is_a_response_or_a_documented_fault(app, request):
    path, op, body, headers = request
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": "",
               "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "text/xml; charset=utf-8",
               "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http", "HTTP_HOST": "fuzz",
               "SERVER_NAME": "fuzz", "SERVER_PORT": "80", "wsgi.errors": sys.stderr, **headers}
    seen = {}
    answer = b"".join(app(environ, lambda status, h, exc=None: seen.update(status=status, headers=dict(h))))
    assert seen["headers"]["Content-Type"].startswith("text/xml")
    doc = etree.fromstring(answer)
    assert doc.tag == f"{{{SOAP}}}Envelope"
    [content] = list(doc.find(f"{{{SOAP}}}Body"))
    if seen["status"].startswith("200"):
        assert content.tag == f"{{{TNS}}}{op}Response"
    else:
        assert seen["status"].startswith("500") and content.tag == f"{{{SOAP}}}Fault"
        code = content.findtext("faultcode").split(":", 1)[-1]
        assert code in CATALOGUE, code
        assert code != "Server.InternalError", etree.tostring(doc)
