"""The fault catalogue on the wire, and the one place domain errors become Faults.

Every documented code has a Fault class here. Operations list the classes
they can raise in ``_throws``, so the WSDL declares them; the detail of each
Fault is an element of the same name, carrying the code and, where one field
is at fault, its name:

    <soap:Fault>
      <faultcode>soap:Client.CallNotFound</faultcode>
      <faultstring>No such call.</faultstring>
      <detail><tns:CallNotFound><tns:Code>Client.CallNotFound</tns:Code></tns:CallNotFound></detail>
    </soap:Fault>
"""

from __future__ import annotations

import logging

from lxml import etree
from spyne import Fault, Unicode
from spyne.protocol.soap import Soap11

from ..domain import errors
from .types import TNS, opt, req

log = logging.getLogger(__name__)


class HelpdeskFault(Fault):
    __namespace__ = TNS
    _type_info = [("Code", req(Unicode)), ("Field", opt(Unicode))]
    code = "Server.InternalError"

    def __init__(self, message: str | None = None, field: str | None = None):
        super().__init__(self.code, message or "The service could not complete the request.")
        self.field = field


def _fault_class(error_cls: type[errors.DomainError]) -> type[HelpdeskFault]:
    name = error_cls.code.split(".", 1)[1]
    return type(name, (HelpdeskFault,), {"__namespace__": TNS, "code": error_cls.code,
                                          "__doc__": error_cls.default_message})


#: One Fault class per documented code, keyed by code.
CATALOGUE: dict[str, type[HelpdeskFault]] = {
    cls.code: _fault_class(cls) for cls in (
        errors.AuthenticationFailed, errors.SessionExpired, errors.AccessDenied,
        errors.ServiceUnavailable, errors.CallNotFound, errors.NoSolutionProposed,
        errors.SolutionAlreadyAnswered, errors.InvalidArgument, errors.UnknownReference,
        errors.ConfigurationError, errors.StoreUnavailable, errors.InternalError)
}

AuthenticationFailed = CATALOGUE["Client.AuthenticationFailed"]
SessionExpired = CATALOGUE["Client.SessionExpired"]
AccessDenied = CATALOGUE["Client.AccessDenied"]
ServiceUnavailable = CATALOGUE["Client.ServiceUnavailable"]
UnknownReference = CATALOGUE["Client.UnknownReference"]
CallNotFound = CATALOGUE["Client.CallNotFound"]
NoSolutionProposed = CATALOGUE["Client.NoSolutionProposed"]
SolutionAlreadyAnswered = CATALOGUE["Client.SolutionAlreadyAnswered"]
InvalidArgument = CATALOGUE["Client.InvalidArgument"]
ConfigurationError = CATALOGUE["Server.ConfigurationError"]
Unavailable = CATALOGUE["Server.Unavailable"]
InternalError = CATALOGUE["Server.InternalError"]

#: What every authenticated operation can raise, whatever it does.
COMMON = [AuthenticationFailed, SessionExpired, AccessDenied, ServiceUnavailable, InvalidArgument,
          ConfigurationError, Unavailable, InternalError]


def to_fault(exc: BaseException) -> Fault:
    """Map any exception raised below the SOAP layer to a Fault that leaks nothing."""
    if isinstance(exc, Fault):
        return exc
    if isinstance(exc, errors.DomainError):
        cls = CATALOGUE.get(exc.code, InternalError)
        if exc.code.startswith("Server."):
            log.error("server fault %s: %s", exc.code, exc.message, exc_info=exc.__cause__)
        return cls(exc.message, exc.field)
    log.exception("unexpected error", exc_info=exc)
    return InternalError()


class HelpdeskSoap11(Soap11):
    """Soap11 that writes our faults' data inside <detail>, as the WSDL declares it.

    Spyne's own serialisation would put a Fault subclass's fields directly
    under <soap:Fault>, which SOAP 1.1 does not allow.
    """

    def fault_to_parent(self, ctx, cls, inst, parent, ns, *args, **kwargs):
        if not isinstance(inst, HelpdeskFault):
            return super().fault_to_parent(ctx, cls, inst, parent, ns, *args, **kwargs)
        fault = etree.SubElement(parent, f"{{{self.ns_soap_env}}}Fault")
        etree.SubElement(fault, "faultcode").text = f"{self.soap_env}:{inst.faultcode}"
        etree.SubElement(fault, "faultstring").text = inst.faultstring
        data = etree.SubElement(etree.SubElement(fault, "detail"),
                                f"{{{TNS}}}{type(inst).get_type_name()}")
        etree.SubElement(data, f"{{{TNS}}}Code").text = inst.faultcode
        if inst.field:
            etree.SubElement(data, f"{{{TNS}}}Field").text = inst.field
