"""One exception root, with a subclass per documented fault code.

Callers branch on types, not strings::

    try:
        client.accept_solution(call_id)
    except NoSolutionProposed:
        ...
    except HelpdeskError as exc:   # every other fault, and transport failures
        log(exc.code, exc.message, exc.field)

This module imports neither Spyne nor the server: the client package is what
customer-side systems embed.
"""

from __future__ import annotations


class HelpdeskError(Exception):
    """Root of every error the client raises."""

    code = "Client.Error"
    #: Worth retrying with the same arguments (the service may recover).
    retryable = False

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None,
                 limit: int | None = None, detail: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field
        self.limit = limit
        self.detail = detail or {}

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class TransportError(HelpdeskError):
    """No SOAP answer: connection refused or reset, timeout, or a non-SOAP reply."""

    code = "Transport"
    retryable = True


class ClientFault(HelpdeskError):
    """The caller's mistake (a Client.* fault)."""


class ServerFault(HelpdeskError):
    """The service's trouble (a Server.* fault)."""


#: Every documented fault code, and whether a retry can help. Kept equal to the
#: server's catalogue by a test.
CODES = {
    "Client.AuthenticationFailed": False, "Client.SessionExpired": False,
    "Client.AccessDenied": False, "Client.ServiceUnavailable": False,
    "Client.CallNotFound": False, "Client.NoSolutionProposed": False,
    "Client.SolutionAlreadyAnswered": False, "Client.InvalidArgument": False,
    "Client.UnknownReference": False, "Client.AlreadyExists": False,
    "Client.TokenInvalid": False, "Client.MalformedRequest": False,
    "Client.SchemaValidationError": False, "Client.RequestTooLarge": False,
    "Client.SoapActionMismatch": False, "Client.UnknownOperation": False,
    "Client.NotFound": False, "Client.MethodNotAllowed": False, "VersionMismatch": False,
    "Client.MissingField": False, "Client.CallClosed": False,
    "Client.AttachmentNotFound": False, "Client.AttachmentTooLarge": False,
    "Client.ContentTypeNotAllowed": False, "MustUnderstand": False,
    # The HTTP edge's (docs/slow-clients.md): a request that arrived too slowly may pass later.
    "Client.MalformedHttp": False, "Client.UnsupportedTransferCoding": False,
    "Client.HeadersTooLarge": False, "Client.RequestTimeout": True,
    "Server.ConfigurationError": False, "Server.Unavailable": True, "Server.InternalError": True,
}

BY_CODE: dict[str, type[HelpdeskError]] = {}
for _code, _retryable in CODES.items():
    _name = _code.split(".", 1)[-1]
    _base = ServerFault if _code.startswith("Server.") else ClientFault
    BY_CODE[_code] = type(_name, (_base,), {"code": _code, "retryable": _retryable,
                                              "__module__": __name__})
    globals()[_name] = BY_CODE[_code]


def from_fault(code: str, message: str, detail: dict | None = None) -> HelpdeskError:
    code = code.split(":", 1)[-1]  # faultcode is a QName: soap:Client.CallNotFound
    detail = detail or {}
    cls = BY_CODE.get(code, ServerFault if code.startswith("Server") else ClientFault)
    limit = detail.get("Limit")
    return cls(message, code=code, field=detail.get("Field"),
               limit=int(limit) if limit not in (None, "") else None, detail=detail)


__all__ = ["HelpdeskError", "TransportError", "ClientFault", "ServerFault", "from_fault",
           *[code.split(".", 1)[-1] for code in CODES]]
