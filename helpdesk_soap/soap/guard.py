"""The request guard: what a body must be before Spyne sees it.

Spyne answers some broken requests with its own codes, some with an internal
error, and logs the raw envelope (passwords included) on a syntax error. The
guard reads the body with a hard size limit (so an oversized body is refused
before it is buffered whole, chunked or not), parses it with a parser that
resolves no entities, loads no DTD and touches no network, and checks the
envelope, so that every such request gets a documented Client fault.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import Iterator

from lxml import etree

from ..domain.text import clip
from .wsse import WSSE

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
MAX_ATTRIBUTES = 64
#: The WSGI environ key under which the gateway hands the parsed envelope to Spyne.
PARSED_ENVELOPE = "helpdesk_soap.envelope"
_CHUNK = 64 * 1024
#: How much of the XML parser's own message a fault quotes (it can quote tag names).
PARSER_MESSAGE_LIMIT = 200
_HEADER, _BODY = f"{{{SOAP11}}}Header", f"{{{SOAP11}}}Body"
_MUST_UNDERSTAND, _ACTOR = f"{{{SOAP11}}}mustUnderstand", f"{{{SOAP11}}}actor"
_NEXT = "http://schemas.xmlsoap.org/soap/actor/next"
#: The header entries this service processes (anything else marked mustUnderstand is a fault).
UNDERSTOOD = ("{%s}Security" % WSSE, "Session")

# huge_tree lifts libxml2's 10 MB cap on one text node, so a large attachment (base64 in
# one element) parses; the size of the whole body is bounded by read_body's limit, and
# nesting stays capped (2,048 levels).
PARSER_OPTIONS = dict(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=True,
                      collect_ids=False, dtd_validation=False)
_PARSER = etree.XMLParser(**PARSER_OPTIONS)


@dataclass
class Rejected(Exception):
    code: str
    message: str
    field: str | None = None
    limit: int | None = None


def read_body(environ, limit: int) -> bytes:
    """The request body, refused as soon as it passes ``limit`` bytes."""
    return b"".join(body_chunks(environ, limit))


def body_chunks(environ, limit: int) -> Iterator[bytes]:
    """The request body in chunks of at most 64 KiB, refused as soon as it passes ``limit``
    bytes (before it is buffered whole, chunked or not)."""
    raw_length = environ.get("CONTENT_LENGTH") or ""
    stream = environ["wsgi.input"]
    if raw_length:
        try:
            length = int(raw_length)
        except ValueError:
            raise Rejected("Client.MalformedRequest", "The Content-Length header is not a number.") from None
        if length > limit:
            raise Rejected("Client.RequestTooLarge",
                           f"The request body may have at most {limit} bytes.", limit=limit)
    else:
        length = None  # chunked: read until the end, but never past the limit
    size = 0
    while length is None or size < length:
        chunk = stream.read(min(_CHUNK, (length - size) if length is not None else _CHUNK))
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise Rejected("Client.RequestTooLarge",
                           f"The request body may have at most {limit} bytes.", limit=limit)
        yield chunk


def check_envelope(body: bytes, operations: frozenset[str], namespace: str,
                   soap_action: str | None) -> str:
    """Check a SOAP 1.1 request; return the name of the operation it calls."""
    return inspect_envelope(body, operations, namespace, soap_action)[0]


def inspect_envelope(body: bytes, operations: frozenset[str], namespace: str,
                     soap_action: str | None) -> tuple[str, etree._Element, etree._Element]:
    """Check a SOAP 1.1 request; return the operation's name, the parsed envelope and the
    operation's element, so that nothing needs to parse the body again."""
    if not body.strip():
        raise Rejected("Client.MalformedRequest", "The request has no body.")
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise not_well_formed(exc) from None
    doc = root.getroottree().docinfo
    if doc.doctype or doc.internalDTD is not None or doc.externalDTD is not None:
        raise has_dtd()
    return inspect_tree(root, operations, namespace, soap_action)


def not_well_formed(exc: etree.XMLSyntaxError) -> Rejected:
    reason = clip(str(exc).split(" (", 1)[0], PARSER_MESSAGE_LIMIT)
    return Rejected("Client.MalformedRequest", f"The request is not well-formed XML: {reason}")


def has_dtd() -> Rejected:
    return Rejected("Client.MalformedRequest", "A SOAP message must not contain a DTD.")


def has_pi() -> Rejected:
    return Rejected("Client.MalformedRequest", "A SOAP message must not contain processing instructions.")


def inspect_tree(root: etree._Element, operations: frozenset[str], namespace: str,
                 soap_action: str | None) -> tuple[str, etree._Element, etree._Element]:
    """The checks on a parsed envelope (however it was parsed): SOAP 1.1, no processing
    instructions, attribute limit, one known operation, a SOAPAction that agrees with it."""
    if root.tag == f"{{{SOAP12}}}Envelope":
        raise Rejected("VersionMismatch", "This endpoint speaks SOAP 1.1; send a SOAP 1.1 envelope "
                       f"({SOAP11}).")
    if root.tag != f"{{{SOAP11}}}Envelope":
        raise Rejected("VersionMismatch", f"The root element must be {{{SOAP11}}}Envelope.")
    # One walk over every node, the prolog's and epilogue's too (siblings of the root).
    for element in chain(root.itersiblings(preceding=True), root.iter(), root.itersiblings()):
        if element.tag is etree.PI:  # SOAP 1.1, section 3: not allowed; one splits a value's text
            raise has_pi()
        if len(element.attrib) > MAX_ATTRIBUTES:
            raise Rejected("Client.MalformedRequest",
                           f"An element has more than {MAX_ATTRIBUTES} attributes.", limit=MAX_ATTRIBUTES)
    header, body_element = _parts(root)
    if header is not None:
        _check_must_understand(header, namespace)
    children = [c for c in body_element if isinstance(c.tag, str)]
    if len(children) != 1:
        raise Rejected("Client.MalformedRequest", "The Body must hold exactly one operation element.")
    if _has_text(body_element):
        raise Rejected("Client.MalformedRequest",
                       "The Body must hold nothing but its operation element.")
    qname = etree.QName(children[0])
    if qname.namespace != namespace or qname.localname not in operations:
        raise Rejected("Client.UnknownOperation",
                       f"No operation {{{clip(qname.namespace or '')}}}{clip(qname.localname)} here; "
                       f"this endpoint has {', '.join(sorted(operations))} in {namespace}.",
                       field=clip(qname.localname))
    action = (soap_action or "").strip().strip('"')
    if action:
        last = action.replace("#", "/").rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
        if last != qname.localname:
            raise Rejected("Client.SoapActionMismatch",
                           f"The SOAPAction {clip(action)!r} does not name the operation in the Body "
                           f"({qname.localname}).", field="SOAPAction")
    return qname.localname, root, children[0]


def _parts(root: etree._Element) -> tuple[etree._Element | None, etree._Element]:
    """The Envelope's Header (or None) and Body: an optional Header, then exactly one
    Body, then nothing (SOAP 1.1, section 4, kept strict)."""
    parts = [c for c in root if isinstance(c.tag, str)]
    tags = [c.tag for c in parts]
    if _has_text(root) or tags not in ([_BODY], [_HEADER, _BODY]):
        if _BODY not in tags:
            message = "The Envelope has no Body."
        elif tags.count(_BODY) > 1:
            message = "The Envelope must hold exactly one Body."
        elif tags.count(_HEADER) > 1 or (_HEADER in tags and tags.index(_HEADER) > tags.index(_BODY)):
            message = "The Envelope may hold one Header, and only before its Body."
        else:
            message = "The Envelope must hold only an optional Header and one Body."
        raise Rejected("Client.MalformedRequest", message)
    return (parts[0] if len(parts) == 2 else None), parts[-1]


def _has_text(element: etree._Element) -> bool:
    """Whether an element holds character data of its own (not just whitespace)."""
    if element.text and element.text.strip():
        return True
    return any(child.tail and child.tail.strip() for child in element)


def _check_must_understand(header: etree._Element, namespace: str) -> None:
    """SOAP 1.1, section 4.2.3: an entry meant for us (no actor, or actor next) marked
    mustUnderstand that we do not process is a MustUnderstand fault."""
    understood = {UNDERSTOOD[0], f"{{{namespace}}}{UNDERSTOOD[1]}"}
    for entry in header:
        if not isinstance(entry.tag, str):
            continue
        flag = entry.get(_MUST_UNDERSTAND)
        if flag is None or entry.get(_ACTOR, _NEXT) != _NEXT:
            continue
        flag = flag.strip()
        if flag not in ("0", "1", "false", "true"):
            raise Rejected("Client.MalformedRequest",
                           f"mustUnderstand must be 0 or 1, not {clip(flag)!r}.")
        if flag in ("1", "true") and entry.tag not in understood:
            name = etree.QName(entry)
            raise Rejected("MustUnderstand",
                           f"The header {{{clip(name.namespace or '')}}}{clip(name.localname)} is "
                           f"marked mustUnderstand, and this service does not process it.",
                           field=clip(name.localname))
