"""The bodies of a delivery: a JSON document, or a SOAP 1.1 envelope calling the listener
WSDL's CallChanged(Event) (soap/listener_types.py describes the same in XML Schema)."""

from __future__ import annotations

import json

from lxml import etree

LISTENER_TNS = "urn:helpdesk-soap:listener"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"


def event_document(event) -> dict:
    """What a receiver gets, as plain values (``event``: store's Outgoing)."""
    return {"EventId": event.event_uid, "EventType": event.event_type, "CallId": event.call_id,
            "ExternalTicketId": event.state.get("ExternalTicketId"), "Watermark": event.change_seq,
            "OccurredAt": event.created_at.isoformat(), "Call": event.state}


def json_body(event) -> bytes:
    return json.dumps(event_document(event), sort_keys=True, separators=(",", ":")).encode()


#: The order of the Call's fields in the listener schema.
CALL_FIELDS = ("CallId", "ExternalTicketId", "CustomerId", "Subject", "Priority", "Category",
               "Status", "Result", "Solution", "SolutionState", "ChangedAt", "NewEntries")
STATUS_FIELDS = ("Code", "Name", "Stage", "IsFinal")
ENTRY_FIELDS = ("Kind", "Author", "Text", "CreatedAt")


def _add(parent, name, value):
    if value is None:
        return
    child = etree.SubElement(parent, f"{{{LISTENER_TNS}}}{name}")
    if isinstance(value, bool):
        child.text = "true" if value else "false"
    else:
        child.text = str(value)


def soap_body(event) -> bytes:
    doc = event_document(event)
    nsmap = {"soap": SOAP_ENV, "tns": LISTENER_TNS}
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap=nsmap)
    body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
    call_changed = etree.SubElement(body, f"{{{LISTENER_TNS}}}CallChanged")
    ev = etree.SubElement(call_changed, f"{{{LISTENER_TNS}}}Event")
    for name in ("EventId", "EventType", "CallId", "ExternalTicketId", "Watermark", "OccurredAt"):
        _add(ev, name, doc[name])
    call = etree.SubElement(ev, f"{{{LISTENER_TNS}}}Call")
    state = doc["Call"]
    for name in CALL_FIELDS:
        value = state.get(name)
        if name == "Status":
            status = etree.SubElement(call, f"{{{LISTENER_TNS}}}Status")
            for field in STATUS_FIELDS:
                _add(status, field, value.get(field))
        elif name == "NewEntries":
            entries = etree.SubElement(call, f"{{{LISTENER_TNS}}}NewEntries")
            for entry in value or ():
                node = etree.SubElement(entries, f"{{{LISTENER_TNS}}}Entry")
                for field in ENTRY_FIELDS:
                    _add(node, field, entry.get(field))
        else:
            _add(call, name, value)
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")


def body_of(event, fmt: str) -> tuple[bytes, str]:
    """(body, content type) of the event in the listener's format."""
    if fmt == "SOAP":
        return soap_body(event), 'text/xml; charset=utf-8'
    return json_body(event), "application/json"
