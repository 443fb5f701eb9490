"""The WSGI front: routes paths to services, serves ?wsdl, and guards the edges.

Whatever happens below, a SOAP caller gets a SOAP 1.1 envelope back, never
gunicorn's HTML error page or a traceback.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Callable, Iterable

from lxml import etree

from .contract import with_address
from .faults import invalid_base64, write_fault
from ..domain.attachments import StagedContent
from ..ops.facts import note_envelope
from ..store.files import FileStore
from .guard import PARSED_ENVELOPE, Rejected, inspect_envelope, inspect_tree, read_body
from .streaming import STAGED_UPLOADS, Streamed, binary_fields, discard, stream_envelope, streams
from .types import TNS

log = logging.getLogger(__name__)

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XML_CONTENT_TYPE = "text/xml; charset=utf-8"


@dataclass(frozen=True)
class Endpoint:
    app: Callable
    wsdl: bytes
    operations: frozenset[str]
    #: Operations served without Spyne's generic codec (see fastpath.py), or None.
    fast: Callable | None = None


def fault_envelope(code: str, message: str, field: str | None = None, limit: int | None = None) -> bytes:
    env = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV, "tns": TNS})
    write_fault(etree.SubElement(env, f"{{{SOAP_ENV}}}Body"), SOAP_ENV, "soap", code, message, field, limit)
    return etree.tostring(env, xml_declaration=True, encoding="UTF-8")


class Gateway:
    def __init__(self, endpoints: dict[str, Endpoint], max_request_bytes: int,
                 on_close: Callable[[], None] | None = None, files: FileStore | None = None,
                 after_response: Callable[[], None] | None = None):
        self.endpoints = endpoints
        #: Upkeep that should not delay an answer (the store's checkpoint): it runs when
        #: the server closes the response, after sending it.
        self._after_response = after_response
        self.max_request_bytes = max_request_bytes
        self._on_close = on_close
        #: Where a large request's base64 content is staged (see streaming.py).
        self.files = files
        self._binary = {path: binary_fields(endpoint.app.app) for path, endpoint in endpoints.items()}

    def close(self) -> None:
        """Release what the application holds (the database connection pool)."""
        if self._on_close is not None:
            self._on_close()

    def __call__(self, environ, start_response) -> Iterable[bytes]:
        path = (environ.get("PATH_INFO") or "/").rstrip("/") or "/"
        endpoint = self.endpoints.get(path)
        method = environ.get("REQUEST_METHOD", "GET")
        if endpoint is None:
            return self._fault(start_response, "404 Not Found", "Client.NotFound",
                               f"No service at this path; try {', '.join(sorted(self.endpoints))}.")
        if method in ("GET", "HEAD"):
            if environ.get("QUERY_STRING", "").lower().split("=")[0] == "wsdl":
                body = with_address(endpoint.wsdl, _own_url(environ, path))
                start_response("200 OK", [("Content-Type", XML_CONTENT_TYPE),
                                          ("Content-Length", str(len(body)))])
                return [b"" if method == "HEAD" else body]
            return self._fault(start_response, "405 Method Not Allowed", "Client.MethodNotAllowed",
                               "POST a SOAP 1.1 envelope here, or GET ?wsdl.", [("Allow", "GET, POST")])
        if method != "POST":
            return self._fault(start_response, "405 Method Not Allowed", "Client.MethodNotAllowed",
                               "POST a SOAP 1.1 envelope here, or GET ?wsdl.", [("Allow", "GET, POST")])
        staged: dict[str, StagedContent] = {}
        try:
            response = self._post(environ, start_response, path, endpoint, staged)
        finally:
            # Whatever the outcome, an upload staged and not adopted goes (the operation
            # has run by now: Spyne and the fast path answer eagerly).
            discard(self.files, staged)
        return response if self._after_response is None else _Then(response, self._after_response)

    def _post(self, environ, start_response, path: str, endpoint: Endpoint,
              staged: dict[str, StagedContent]) -> Iterable[bytes]:
        body = b""
        try:
            if streams(environ):  # large: base64 content goes to disk as it arrives
                received = stream_envelope(environ, self.max_request_bytes, self._binary[path],
                                           self.files)
            else:
                received = read_body(environ, self.max_request_bytes)
            if isinstance(received, Streamed):
                staged.update(received.uploads)
                name, root, element = inspect_tree(received.root, endpoint.operations, TNS,
                                                   environ.get("HTTP_SOAPACTION"))
                if received.invalid:
                    fault = invalid_base64(received.invalid)
                    raise Rejected(fault.faultcode, fault.faultstring, field=fault.field)
            else:
                body = received
                name, root, element = inspect_envelope(body, endpoint.operations, TNS,
                                                       environ.get("HTTP_SOAPACTION"))
            del received
            note_envelope(root)  # ops: for the communication log (ops/commlog.py)
        except Rejected as rejected:
            return self._fault(start_response, "500 Internal Server Error", rejected.code,
                               rejected.message, field=rejected.field, limit=rejected.limit)
        if endpoint.fast is not None and name in endpoint.fast:
            del body  # the tree is all the fast path needs: let a large body go
            try:
                return endpoint.fast(name, root, element, start_response)
            except Exception:
                log.exception("request failed outside the service")
                return self._fault(start_response, "500 Internal Server Error", "Server.InternalError",
                                   "The service could not complete the request.")
        # Spyne takes the tree the guard parsed (HelpdeskSoap11.create_in_document) and
        # never reads this copy of the body: a large request is not parsed twice.
        environ = {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)),
                   PARSED_ENVELOPE: root, STAGED_UPLOADS: staged}
        del body, element
        if "xml" not in environ.get("CONTENT_TYPE", ""):
            # The guard has parsed the body (its XML declaration rules the encoding);
            # Spyne cannot decode a body without an XML content type.
            environ["CONTENT_TYPE"] = "text/xml; charset=utf-8"
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        try:
            return endpoint.app(environ, start_response)
        except Exception:
            log.exception("request failed outside the service")
            return self._fault(start_response, "500 Internal Server Error", "Server.InternalError",
                               "The service could not complete the request.")

    @staticmethod
    def _fault(start_response, status: str, code: str, message: str, extra=(), *,
               field: str | None = None, limit: int | None = None) -> list[bytes]:
        body = fault_envelope(code, message, field, limit)
        start_response(status, [("Content-Type", XML_CONTENT_TYPE),
                                ("Content-Length", str(len(body))), *extra])
        return [body]


class _Then:
    """A response body that runs ``then`` when the server closes it, after sending it
    (PEP 3333: the server calls ``close``)."""

    __slots__ = ("_body", "_then")

    def __init__(self, body: Iterable[bytes], then: Callable[[], None]):
        self._body, self._then = body, then

    def __iter__(self):
        return iter(self._body)

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._then()


def _own_url(environ, path: str) -> str:
    # gunicorn sets wsgi.url_scheme from X-Forwarded-Proto for trusted proxies
    # (forwarded_allow_ips); the Host header is what the caller addressed.
    scheme = environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST") or (
        f"{environ.get('SERVER_NAME', 'localhost')}:{environ.get('SERVER_PORT', '80')}")
    return f"{scheme}://{host}{environ.get('SCRIPT_NAME', '')}{path}"
