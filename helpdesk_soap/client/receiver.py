"""Accepting pushes in a few lines: verify the signature, then parse the event.

    event = parse_push(raw_body, request.headers.get(SIGNATURE_HEADER), secret)

raises ``BadSignature`` when the body was not signed with the listener's secret.
Deduplicate on ``event["EventId"]``; order and detect gaps with ``event["Watermark"]``.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from lxml import etree

SIGNATURE_HEADER = "X-Helpdesk-Signature"
_TNS = "urn:helpdesk-soap:listener"


class BadSignature(Exception):
    pass


def verify(secret: str, body: bytes, header: str | None) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return bool(header) and hmac.compare_digest(expected, header.strip())


def _plain(node):
    children = list(node)
    if not children:
        return node.text
    if etree.QName(node).localname == "NewEntries":
        return [_plain(c) for c in children]
    return {etree.QName(c).localname: _plain(c) for c in children}


def parse_push(body: bytes, signature: str | None, secret: str) -> dict:
    """The event as a dict (JSON or SOAP delivery alike), once its signature verified."""
    if not verify(secret, body, signature):
        raise BadSignature("the body is not signed with this listener's secret")
    if body.lstrip()[:1] == b"{":
        return json.loads(body)
    root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
    event = root.find(f".//{{{_TNS}}}Event")
    doc = _plain(event)
    for key in ("CallId", "Watermark"):
        doc[key] = int(doc[key])
    return doc
