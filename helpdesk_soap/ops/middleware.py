"""The outermost WSGI layer: ops endpoints, the service page, request ids, logs, metrics.

* /healthz, /readyz and /metrics are answered here, before anything else (no auth,
  no access line: a load balancer polling every second would drown the log).
* GET or HEAD on a SOAP endpoint without ?wsdl answers its service page (?xsd: its
  schema); other methods than GET, HEAD and POST answer 405 with that true Allow.
* Every other request gets a request id (X-Request-ID, if well-formed, else a new
  one), returned in the response; one access line and the metrics follow its answer.
* HEAD never carries a body, whoever answered it.
"""

from __future__ import annotations

import hmac
import re
import time
import uuid
from importlib import metadata

from lxml import etree

from . import facts as request_facts
from . import health, logs, service_page

_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}")
ALLOW = "GET, HEAD, POST"
_FAULT_BODY_LIMIT = 64 * 1024


def _version() -> str:
    try:
        return metadata.version("helpdesk-soap")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "unknown"


def _contracts(app) -> dict[str, tuple[bytes, frozenset[str]]]:
    """Each SOAP path's WSDL and operations: from the gateway itself when it is one,
    else built from the code (the same function ``export-contract`` uses)."""
    endpoints = getattr(app, "endpoints", None)
    if isinstance(endpoints, dict) and all(hasattr(e, "wsdl") for e in endpoints.values()):
        return {path: (e.wsdl, e.operations) for path, e in endpoints.items()}
    from ..soap.app import applications, contract_documents

    apps = applications(None)
    return {path: (wsdl, frozenset(n for s in apps[path].services for n in s.public_methods))
            for path, wsdl in contract_documents().items()}


class OpsMiddleware:
    def __init__(self, app, config):
        from ..soap.contract import extract_schema, with_address
        from .metrics import Metrics

        self.app = app
        self.token = getattr(config, "metrics_token", None)
        contracts = _contracts(app)
        version = _version()
        self.services = {path: path.strip("/") for path in contracts}
        self.pages = {path: service_page.render(wsdl, path, version)
                      for path, (wsdl, _ops) in contracts.items()}
        self.schemas = {path: extract_schema(with_address(wsdl, "http://localhost" + path))
                        for path, (wsdl, _ops) in contracts.items()}
        self.readiness = health.Readiness(config.database_url)
        quarantine = getattr(config, "mail_quarantine_dir", None)
        if quarantine is None:
            from ..config import default_quarantine_dir
            quarantine = default_quarantine_dir()
        from pathlib import Path
        from .commlog import Recorder
        self.recorder = Recorder(config.database_url, getattr(config, "commlog_retention_days", 14),
                                 getattr(config, "commlog_max_entry_chars", 64 * 1024))
        self.metrics = Metrics(config.database_url, Path(quarantine),
                               {name: ops for path, (_w, ops) in contracts.items()
                                for name in [self.services[path]]})

    def close(self) -> None:
        self.readiness.close()
        self.metrics.close()
        self.recorder.close()
        close = getattr(self.app, "close", None)
        if close is not None:
            close()

    def __call__(self, environ, start_response):
        path = (environ.get("PATH_INFO") or "/").rstrip("/") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        head = method == "HEAD"
        if path == "/healthz":
            return health.answer(start_response, True, {"status": "ok"}, head)
        if path == "/readyz":
            return health.answer(start_response, *self.readiness.check(), head)
        if path == "/metrics":
            return self._metrics(environ, start_response, head)
        supplied = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = supplied if _REQUEST_ID.fullmatch(supplied) else uuid.uuid4().hex
        environ["helpdesk.request_id"] = request_id
        answered: list = []

        def respond(status, headers, exc_info=None):
            headers = [*headers, ("X-Request-ID", request_id)]
            answered[:] = [status, headers]
            return start_response(status, headers, exc_info)

        facts, reset = request_facts.begin()
        started = time.perf_counter()
        try:
            body = self._route(environ, respond, path, method)
        finally:
            request_facts.end(reset)
        seconds = time.perf_counter() - started
        status = answered[0] if answered else "500 Internal Server Error"
        if status.startswith("500") and "fault" not in facts:
            body = _Replay(body)
            facts["fault"] = _fault_code(body.chunks)
        service = self.services.get(path)
        fields = {"request_id": request_id, "method": method, "path": path[:200],
                  "service": service, **{k: facts.get(k) for k in
                                         ("operation", "login", "customer", "call_id", "fault")},
                  "status": int(status[:3]), "duration_ms": round(seconds * 1000, 1)}
        logs.request_line(fields)
        logs.security_events(fields, facts.get("reason"))
        if service is not None:
            self.metrics.observe(service, facts, seconds)
            if method == "POST" and self.recorder.wanted(facts):
                if not isinstance(body, _Replay):
                    body = _Replay(body)
                self.recorder.record(facts, fields, body.chunks)
        if head:
            close = getattr(body, "close", None)
            if close is not None:
                close()
            return []
        return body

    def _route(self, environ, respond, path: str, method: str):
        page = self.pages.get(path)
        if page is None:
            return self.app(environ, respond)
        query = environ.get("QUERY_STRING", "").lower().split("=")[0]
        if method in ("GET", "HEAD") and query != "wsdl":
            if query == "xsd":
                return _send(respond, "200 OK", "text/xml; charset=utf-8", self.schemas[path])
            return _send(respond, "200 OK", "text/html; charset=utf-8", page)
        if method not in ("GET", "HEAD", "POST"):
            from ..soap.wsgi import fault_envelope

            request_facts.note(fault="Client.MethodNotAllowed")
            return _send(respond, "405 Method Not Allowed", "text/xml; charset=utf-8",
                         fault_envelope("Client.MethodNotAllowed",
                                        "POST a SOAP 1.1 envelope here, or GET ?wsdl."),
                         [("Allow", ALLOW)])
        return self.app(environ, respond)

    def _metrics(self, environ, start_response, head: bool):
        if self.token:
            given = environ.get("HTTP_AUTHORIZATION", "")
            scheme, _, value = given.partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(),
                                                                       self.token.encode()):
                body = b"metrics need a bearer token (HELPDESK_METRICS_TOKEN)\n"
                start_response("401 Unauthorized", [("Content-Type", "text/plain; charset=utf-8"),
                                                    ("Content-Length", str(len(body))),
                                                    ("WWW-Authenticate", 'Bearer realm="metrics"')])
                return [b"" if head else body]
        data, content_type = self.metrics.render()
        start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(data))),
                                  ("Cache-Control", "no-store")])
        return [b"" if head else data]


def _send(respond, status: str, content_type: str, body: bytes, extra=()) -> list[bytes]:
    respond(status, [("Content-Type", content_type), ("Content-Length", str(len(body))), *extra])
    return [body]


class _Replay:
    """A response body read once (to learn a fault's code), then served from memory;
    the original's ``close`` still runs when the server closes this one."""

    def __init__(self, body):
        self.chunks = list(body)
        self._close = getattr(body, "close", None)

    def __iter__(self):
        return iter(self.chunks)

    def close(self) -> None:
        if self._close is not None:
            self._close()


def _fault_code(body: list[bytes]) -> str | None:
    """The faultcode of a fault answered below without noting it (schema faults)."""
    if sum(len(b) for b in body) > _FAULT_BODY_LIMIT:
        return None
    try:
        root = etree.fromstring(b"".join(body), etree.XMLParser(resolve_entities=False, no_network=True))
        code = root.findtext(".//faultcode")
    except etree.XMLSyntaxError:
        return None
    return code.rpartition(":")[2] if code else None
