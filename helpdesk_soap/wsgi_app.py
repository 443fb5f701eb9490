"""The whole service as one WSGI application: the SOAP endpoints (/helpdesk, /staff, with
?wsdl, exactly as soap/wsgi.py serves them) and the web front end everywhere else, on one
Runtime per worker (one engine, one pool, one set of caches)."""

from __future__ import annotations

from typing import Iterable

from .config import Config
from .soap.app import create_app, make_runtime
from .soap.wsgi import Gateway, _Then
from .web import create_web_app


class Service:
    def __init__(self, gateway: Gateway, web, runtime):
        self.gateway, self.web, self.runtime = gateway, web, runtime
        self._soap_paths = frozenset(gateway.endpoints)
        #: The SOAP endpoints, for the ops layer's service page (ops/middleware.py).
        self.endpoints = gateway.endpoints

    def __call__(self, environ, start_response) -> Iterable[bytes]:
        path = (environ.get("PATH_INFO") or "/").rstrip("/") or "/"
        if path in self._soap_paths or _speaks_soap(environ):
            # A SOAP request to a wrong path gets the gateway's Client.NotFound fault, not
            # the web's HTML page.
            return self.gateway(environ, start_response)
        response = self.web(environ, start_response)
        after = self.runtime.after_response
        return response if after is None else _Then(response, after)

    def close(self) -> None:
        if self.runtime.close is not None:
            self.runtime.close()


def _speaks_soap(environ) -> bool:
    content_type = environ.get("CONTENT_TYPE", "").lower()
    return "HTTP_SOAPACTION" in environ or content_type.startswith(
        ("text/xml", "application/soap+xml"))


def create_service(config: Config) -> Service:
    runtime = make_runtime(config)
    return Service(create_app(config, runtime=runtime), create_web_app(runtime, config), runtime)
