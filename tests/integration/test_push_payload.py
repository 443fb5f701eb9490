"""Push bodies against the published listener schema, and the receiver helper on both."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from helpdesk_soap.client.receiver import BadSignature, parse_push
from helpdesk_soap.push import payload, signing
from helpdesk_soap.store.repositories.push import Outgoing

ROOT = Path(__file__).resolve().parents[2]
STATE = {"CallId": 7, "ExternalTicketId": "EXT-1", "CustomerId": "ACME", "Subject": "Döner & <xml>",
         "Priority": "High", "Category": "Question",
         "Status": {"Code": "NEW", "Name": "New", "Stage": "Open", "IsFinal": False},
         "Result": None, "Solution": None, "SolutionState": "None",
         "ChangedAt": "2026-12-03T10:00:00+00:00",
         "NewEntries": [{"Kind": "History", "Author": "staff", "Text": "Hello",
                         "CreatedAt": "2026-12-03T10:00:00+00:00"}]}


def _event(**state):
    return Outgoing(1, 1, 1, "http://127.0.0.1/", "SOAP", "k", "uid-1", "CallCreated", 7, 42,
                    {**STATE, **state}, datetime(2026, 12, 3, 10, tzinfo=UTC))


def test_the_soap_body_is_valid_under_the_listener_schema():
    schema = etree.XMLSchema(etree.parse(str(ROOT / "schemas/listener-v1.xsd")))
    envelope = etree.fromstring(payload.soap_body(_event()))
    call_changed = envelope.find(f"{{{payload.SOAP_ENV}}}Body")[0]
    schema.assertValid(call_changed)


@pytest.mark.parametrize("fmt", ["JSON", "SOAP"])
def test_the_receiver_helper_verifies_then_parses_both_formats(fmt):
    body, _ = payload.body_of(_event(), fmt)
    event = parse_push(body, signing.sign("secret", body), "secret")
    assert (event["EventId"], event["CallId"], event["Watermark"]) == ("uid-1", 7, 42)
    assert event["ExternalTicketId"] == "EXT-1"
    assert event["Call"]["Subject"] == "Döner & <xml>"
    with pytest.raises(BadSignature):
        parse_push(body + b" ", signing.sign("secret", body), "secret")
    with pytest.raises(BadSignature):
        parse_push(body, signing.sign("other", body), "secret")
