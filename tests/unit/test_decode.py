"""The fast path's compiled readers decode requests into the same values as Spyne."""

from __future__ import annotations

import pytest
from lxml import etree
from spyne import Fault
from spyne.model.complex import ComplexModelBase

from helpdesk_soap.soap.app import FAST_OPERATIONS, applications
from helpdesk_soap.soap.decode import compile_reader
from helpdesk_soap.soap.types import TNS

XSI = "http://www.w3.org/2001/XMLSchema-instance"
APPS = applications(None)
HELPDESK = APPS["/helpdesk"]
METHODS = {d.name: d for s in HELPDESK.services for d in s.public_methods.values()}


class Ctx:  # what a reader may hand to Spyne: from_element uses ctx.app for xsi:type
    app = HELPDESK


def as_data(value):
    """A value with its types, down to the leaves: what the @rpc method gets to see."""
    if isinstance(value, ComplexModelBase):
        return type(value).__name__, {k: as_data(v) for k, v in sorted(vars(value).items())}
    if isinstance(value, list):
        return [as_data(v) for v in value]
    return type(value).__name__, value


def decode_both(cls, xml: str):
    element = etree.fromstring(f'<h:X xmlns:h="{TNS}" xmlns:xsi="{XSI}">{xml}</h:X>')[0]
    proto = HELPDESK.in_protocol
    return (outcome(lambda: proto.from_element(Ctx(), cls, element)),
            outcome(lambda: compile_reader(cls, proto)(Ctx(), element)))


def outcome(decode):
    try:
        return as_data(decode())
    except Exception as exc:  # the same failure counts as the same result
        return "raises", type(exc).__name__


def arguments(operation: str):
    return METHODS[operation].in_message


FULL_CALL = (
    "<h:Call><h:CustomerId> C-1 </h:CustomerId><h:ExternalTicketId>INC-ü-1</h:ExternalTicketId>"
    "<h:Subject>Phones &amp; fax &lt;down&gt;</h:Subject><h:Description/>"
    "<h:Priority>High</h:Priority><h:Category>TechnicalSupport</h:Category>"
    "<h:ServiceLevel>Gold</h:ServiceLevel><h:Components>PBX</h:Components>"
    "<h:Components></h:Components><h:Components>DECT</h:Components>"
    "<h:ReporterName>Ann</h:ReporterName><h:ReporterEmail>a@x.example</h:ReporterEmail>"
    "<h:ReporterPhone>+49 1</h:ReporterPhone><h:Installation>HQ</h:Installation>"
    "<h:FirstOccurredAt>2026-11-23T07:40:00.123+02:00</h:FirstOccurredAt>"
    "<h:AffectedDomain>d</h:AffectedDomain><h:Browser>b</h:Browser><h:Hosting>h</h:Hosting>"
    "<h:ResponsibleUser>u</h:ResponsibleUser></h:Call>")


@pytest.mark.parametrize("operation, xml", [
    ("CreateCall", FULL_CALL),
    ("CreateCall", "<h:Call><h:CustomerId>C</h:CustomerId><h:Subject>S</h:Subject>"
                   "<h:Priority>Low</h:Priority><h:Category>Question</h:Category></h:Call>"),
    # Comments are skipped, unknown elements ignored, as Spyne does.
    ("CreateCall", "<h:Call><!-- x --><h:CustomerId>C</h:CustomerId><h:Unknown>u</h:Unknown>"
                   "<h:Subject>S<!-- y --></h:Subject></h:Call>"),
    # An attribute (xsi:nil, xsi:type or any other) is left to Spyne, on the element or a member.
    ("CreateCall", f'<h:Call><h:CustomerId>C</h:CustomerId><h:Description xsi:nil="true"/></h:Call>'),
    ("CreateCall", '<h:Call><h:CustomerId>C</h:CustomerId><h:Subject lang="en">S</h:Subject></h:Call>'),
    ("CreateCall", '<h:Call><h:Subject CustomerId="X">S</h:Subject><h:CustomerId>C</h:CustomerId></h:Call>'),
    ("CreateCall", '<h:Call xsi:nil="true"/>'),
    ("CreateCall", "<h:Call/>"),
    ("GetCallData", "<h:CallId>9223372036854775807</h:CallId>"),
    ("GetCallData", "<h:CallId> 42 </h:CallId>"),
    ("SetSolutionAcceptance", "<h:CallId>7</h:CallId><h:Accepted>1</h:Accepted>"),
    ("SetSolutionAcceptance", "<h:CallId>7</h:CallId><h:Accepted>false</h:Accepted>"
                              "<h:Comment>\u20ac works\r\nagain</h:Comment>"),
    ("Login", "<h:LoginName>ops</h:LoginName><h:Password></h:Password>"),
    ("Logout", ""),
])
def test_compiled_readers_decode_what_spyne_decodes(operation, xml):
    spyne, compiled = decode_both(arguments(operation), f"<h:{operation}>{xml}</h:{operation}>")
    assert compiled == spyne


def test_a_processing_instruction_is_skipped_like_a_comment():
    # Spyne itself fails on one (AttributeError, an internal error): the reader does not.
    cls = arguments("CreateCall")
    element = etree.fromstring(f'<h:CreateCall xmlns:h="{TNS}"><h:Call><?pi x?><h:CustomerId>C'
                               f'</h:CustomerId></h:Call></h:CreateCall>')
    plain = etree.fromstring(f'<h:CreateCall xmlns:h="{TNS}"><h:Call><h:CustomerId>C'
                             f'</h:CustomerId></h:Call></h:CreateCall>')
    read = compile_reader(cls, HELPDESK.in_protocol)
    assert as_data(read(Ctx(), element)) == as_data(read(Ctx(), plain))
    assert as_data(read(Ctx(), element).Call)[1]["CustomerId"] == ("str", "C")


def test_the_session_header_decodes_alike():
    (header,) = METHODS["GetCallData"].in_header
    spyne, compiled = decode_both(header, "<h:Session><h:Token>abc</h:Token></h:Session>")
    assert compiled == spyne == ("Session", {"Token": ("str", "abc")})


def test_bad_base64_gets_the_same_schema_fault_from_both():
    xml = "<h:AddAttachment><h:CallId>1</h:CallId><h:FileName>a</h:FileName>" \
          "<h:Content>QUJ\u00e9</h:Content></h:AddAttachment>"
    cls = arguments("AddAttachment")
    faults = []
    for decode in (lambda e: HELPDESK.in_protocol.from_element(Ctx(), cls, e),
                   lambda e: compile_reader(cls, HELPDESK.in_protocol)(Ctx(), e)):
        with pytest.raises(Fault) as caught:
            decode(etree.fromstring(f'<h:X xmlns:h="{TNS}">{xml}</h:X>')[0])
        faults.append((caught.value.faultcode, caught.value.faultstring))
    assert faults[0] == faults[1]
    assert faults[0][0] == "Client.SchemaValidationError"


def test_every_fast_operation_and_its_header_are_compiled():
    for operation in FAST_OPERATIONS["/helpdesk"]:
        descriptor = METHODS[operation]
        for cls in (descriptor.in_message, *(descriptor.in_header or ())):
            assert compile_reader(cls, HELPDESK.in_protocol) is not None
