"""The fault catalogue on the wire, and the one place domain errors become Faults.

Every documented code has a Fault class here. Operations list the classes
they can raise in ``_throws``, so the WSDL declares them; the detail of each
Fault is an element named after the code with a ``Fault`` suffix, carrying the code
and, where one field is at fault, its name:

    <soap:Fault>
      <faultcode>soap:Client.CallNotFound</faultcode>
      <faultstring>No such call.</faultstring>
      <detail><tns:CallNotFoundFault><tns:Code>Client.CallNotFound</tns:Code></tns:CallNotFoundFault></detail>
    </soap:Fault>

The suffix keeps the classes stub generators make of them from shadowing the platform's:
a bare ``InternalError`` becomes a class that hides ``java.lang.InternalError`` in every
JAX-WS client (and ``NotFound``, ``Unavailable`` are names too common to take).
"""

from __future__ import annotations

import html
import logging
import re

from lxml import etree
from spyne import Fault, Integer64, Unicode
from spyne.protocol.soap import Soap11

from ..domain import errors
from ..domain.text import xml_safe
from .guard import PARSED_ENVELOPE
from .types import TNS, opt, req

log = logging.getLogger(__name__)
_WITH_ID = etree.XPath("//*[string(@id)]")  # as etree.XMLID finds them


class HelpdeskFault(Fault):
    __namespace__ = TNS
    _type_info = [("Code", req(Unicode)), ("Field", opt(Unicode)), ("Limit", opt(Integer64))]
    code = "Server.InternalError"

    def __init__(self, message: str | None = None, field: str | None = None,
                 limit: int | None = None):
        super().__init__(self.code, message or "The service could not complete the request.")
        self.field = field
        self.limit = limit


def detail_name(code: str) -> str:
    """The name of a fault's detail element, type and WSDL message: Client.CallNotFound ->
    CallNotFoundFault."""
    return code.split(".", 1)[-1] + "Fault"


def _fault_class(code: str, doc: str) -> type[HelpdeskFault]:
    return type(detail_name(code), (HelpdeskFault,), {"__namespace__": TNS, "code": code,
                                                       "__doc__": doc})


#: Raised before an operation runs: by the request guard, the schema, the HTTP front.
TRANSPORT_CODES = {
    "Client.MalformedRequest": "The request is not a well-formed SOAP 1.1 envelope (or holds a DTD).",
    "Client.SchemaValidationError": "The request does not match the WSDL's schema.",
    "Client.RequestTooLarge": "The request body is larger than the configured limit.",
    "Client.SoapActionMismatch": "The SOAPAction header names another operation than the Body.",
    "Client.UnknownOperation": "The Body names no operation of this endpoint.",
    "Client.NotFound": "No service at this path.",
    "Client.MethodNotAllowed": "Only POST (and GET ?wsdl) are served.",
    "VersionMismatch": "The envelope is not SOAP 1.1 (SOAP 1.1's own fault code).",
    "MustUnderstand": "A header entry marked mustUnderstand is not one this service processes "
                      "(SOAP 1.1's own fault code; Security and Session are understood).",
    # Raised by the HTTP edge (edge/framing.py) before a request is whole; see
    # docs/slow-clients.md for the HTTP status of each.
    "Client.MalformedHttp": "The HTTP framing is broken: request line, header, Content-Length or chunk.",
    "Client.UnsupportedTransferCoding": "The request uses a transfer coding other than chunked.",
    "Client.HeadersTooLarge": "The request line or headers are larger than the limit.",
    "Client.RequestTimeout": "The request's headers or body did not arrive in time.",
}
# Names and values from a request are quoted in fault messages cut to domain.text.QUOTE_LIMIT
# (64) characters, the XML parser's own message to guard.PARSER_MESSAGE_LIMIT (200).


#: One Fault class per documented code, keyed by code.
CATALOGUE: dict[str, type[HelpdeskFault]] = {
    cls.code: _fault_class(cls.code, cls.default_message) for cls in (
        errors.AuthenticationFailed, errors.SessionExpired, errors.AccessDenied,
        errors.ServiceUnavailable, errors.CallNotFound, errors.NoSolutionProposed,
        errors.SolutionAlreadyAnswered, errors.InvalidArgument, errors.UnknownReference,
        errors.AlreadyExists, errors.TokenInvalid, errors.ConfigurationError, errors.StoreUnavailable, errors.InternalError,
        errors.MissingField, errors.CallClosed, errors.AttachmentNotFound,
        errors.AttachmentTooLarge, errors.ContentTypeNotAllowed)
}
CATALOGUE.update({code: _fault_class(code, doc) for code, doc in TRANSPORT_CODES.items()})

AuthenticationFailed = CATALOGUE["Client.AuthenticationFailed"]
SessionExpired = CATALOGUE["Client.SessionExpired"]
AccessDenied = CATALOGUE["Client.AccessDenied"]
ServiceUnavailable = CATALOGUE["Client.ServiceUnavailable"]
UnknownReference = CATALOGUE["Client.UnknownReference"]
CallNotFound = CATALOGUE["Client.CallNotFound"]
NoSolutionProposed = CATALOGUE["Client.NoSolutionProposed"]
SolutionAlreadyAnswered = CATALOGUE["Client.SolutionAlreadyAnswered"]
InvalidArgument = CATALOGUE["Client.InvalidArgument"]
AlreadyExists = CATALOGUE["Client.AlreadyExists"]
TokenInvalid = CATALOGUE["Client.TokenInvalid"]
MissingField = CATALOGUE["Client.MissingField"]
CallClosed = CATALOGUE["Client.CallClosed"]
AttachmentNotFound = CATALOGUE["Client.AttachmentNotFound"]
AttachmentTooLarge = CATALOGUE["Client.AttachmentTooLarge"]
ContentTypeNotAllowed = CATALOGUE["Client.ContentTypeNotAllowed"]
ConfigurationError = CATALOGUE["Server.ConfigurationError"]
Unavailable = CATALOGUE["Server.Unavailable"]
InternalError = CATALOGUE["Server.InternalError"]

#: What every authenticated operation can raise, whatever it does (the request guard's
#: and the schema's faults included, so stub generators know them all).
COMMON = [AuthenticationFailed, SessionExpired, AccessDenied, ServiceUnavailable, InvalidArgument,
          ConfigurationError, Unavailable, InternalError,
          CATALOGUE["Client.SchemaValidationError"], CATALOGUE["Client.MalformedRequest"],
          CATALOGUE["Client.RequestTooLarge"], CATALOGUE["Client.SoapActionMismatch"]]


def to_fault(exc: BaseException) -> Fault:
    """Map any exception raised below the SOAP layer to a Fault that leaks nothing."""
    if isinstance(exc, Fault):
        return exc
    if isinstance(exc, errors.DomainError):
        cls = CATALOGUE.get(exc.code, InternalError)
        if exc.code.startswith("Server."):
            log.error("server fault %s: %s", exc.code, exc.message, exc_info=exc.__cause__)
        return cls(exc.message, exc.field, exc.limit)
    log.exception("unexpected error", exc_info=exc)
    return InternalError()


def write_fault(parent, soap_ns: str, prefix: str, code: str, message: str,
                field: str | None = None, limit: int | None = None) -> None:
    """One SOAP 1.1 Fault with our detail element, under ``parent`` (a Body)."""
    fault = etree.SubElement(parent, f"{{{soap_ns}}}Fault")
    etree.SubElement(fault, "faultcode").text = f"{prefix}:{code}"
    etree.SubElement(fault, "faultstring").text = message
    data = etree.SubElement(etree.SubElement(fault, "detail"), f"{{{TNS}}}{detail_name(code)}")
    etree.SubElement(data, f"{{{TNS}}}Code").text = code
    if field:
        etree.SubElement(data, f"{{{TNS}}}Field").text = field
    if limit is not None:
        etree.SubElement(data, f"{{{TNS}}}Limit").text = str(limit)


_SCHEMA_PREFIX = re.compile(r"^(?:<string>)?:\d+:\d+:ERROR:SCHEMASV:\w+: ")
#: A value libxml2 quotes back in its message, when it is long (an attachment's base64).
_LONG_QUOTED = re.compile(r"'([^']{48})[^']+'")
_SCHEMA_FIELD = re.compile(r"Element '(?:\{[^}]*\})?([^']+)'")
_SCHEMA_LIMIT = re.compile(r"(?:maximum length of|maximum value of|maxOccurs) '?(\d+)'?")


def invalid_base64(field: str) -> HelpdeskFault:
    """The schema's fault for base64 text that does not decode: libxml2's wording, without
    the value (which can be megabytes)."""
    return CATALOGUE["Client.SchemaValidationError"](
        f"The request does not match the schema: Element '{{{TNS}}}{field}': the value is not "
        f"a valid value of the atomic type 'xs:base64Binary'.", field=field)


def _from_spyne(inst: Fault) -> tuple[str, str, str | None, int | None]:
    """Spyne's own faults (raised while it decodes a request) in our catalogue's terms."""
    code = inst.faultcode or ""
    message = inst.faultstring or ""
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    if code == "Client.SchemaValidationError":
        text = _LONG_QUOTED.sub(r"'\1…'", _SCHEMA_PREFIX.sub("", html.unescape(message)).strip())
        field = _SCHEMA_FIELD.search(text)
        limit = _SCHEMA_LIMIT.search(text)
        return (code, f"The request does not match the schema: {text}",
                field.group(1) if field else None, int(limit.group(1)) if limit else None)
    if code.startswith("Client"):
        return "Client.MalformedRequest", "The request could not be decoded.", None, None
    return "Server.InternalError", "The service could not complete the request.", None, None


class HelpdeskSoap11(Soap11):
    """Soap11 that writes every fault as the catalogue documents it.

    Our faults carry their data inside <detail>, as the WSDL declares it
    (Spyne's own serialisation would put a Fault subclass's fields directly
    under <soap:Fault>, which SOAP 1.1 does not allow). Spyne's own faults
    are mapped onto the catalogue, without lxml's internals. Text that XML
    1.0 cannot carry is replaced on the way out, so a response always
    serialises.
    """

    def fault_to_parent(self, ctx, cls, inst, parent, ns, *args, **kwargs):
        if isinstance(inst, HelpdeskFault):
            code, message, field, limit = inst.faultcode, inst.faultstring, inst.field, inst.limit
        else:
            code, message, field, limit = _from_spyne(inst)
        write_fault(parent, self.ns_soap_env, self.soap_env, code, message, field, limit)

    # Spyne serialises schema errors through a handler of their own.
    schema_validation_error_to_parent = fault_to_parent

    def create_in_document(self, ctx, charset=None):
        # The gateway's request guard has parsed the envelope already (with a parser that
        # resolves no entities): use that tree instead of reading and parsing the body again.
        envelope = getattr(ctx.transport, "req_env", {}).get(PARSED_ENVELOPE)
        if envelope is None:
            return super().create_in_document(ctx, charset)
        # What etree.XMLID gives Spyne for SOAP-encoding href resolution.
        ctx.in_document = (envelope, {e.get("id"): e for e in _WITH_ID(envelope)})

    def byte_array_from_element(self, ctx, cls, element):
        # libxml2 ignores characters outside the base64 alphabet, non-ASCII ones included;
        # the decoder behind Spyne refuses those with a ValueError (binascii.Error is one).
        try:
            return super().byte_array_from_element(ctx, cls, element)
        except ValueError:
            raise invalid_base64(etree.QName(element).localname) from None

    def unicode_to_unicode(self, cls, value, **kwargs):
        return super().unicode_to_unicode(cls, xml_safe(value, "\ufffd"), **kwargs)
