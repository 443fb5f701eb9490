"""SOAP requests to the WSGI application, called in-process (no server)."""

from __future__ import annotations

import io

from lxml import etree

from helpdesk_soap.soap.types import TNS
from helpdesk_soap.soap.wsse import PASSWORD_TEXT, WSSE

__all__ = ["CREATE", "SOAP", "TNS", "call", "envelope", "fault_of"]

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"


CREATE = ("<h:Call><h:CustomerId>ACME</h:CustomerId><h:Subject>Phones down</h:Subject>"
          "<h:Description>All phones are dead.</h:Description>"
          "<h:Priority>High</h:Priority><h:Category>TechnicalSupport</h:Category>"
          "<h:FirstOccurredAt>2026-11-23T07:40:00Z</h:FirstOccurredAt>"
          "<h:AffectedDomain>pbx.acme.example</h:AffectedDomain></h:Call>")


def call(app, method="POST", path="/helpdesk", body=b"", query="", headers=None):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
               "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "text/xml; charset=utf-8",
               "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http",
               "HTTP_HOST": "gateway.test:8080", "SERVER_NAME": "gateway.test",
               "SERVER_PORT": "8080", "wsgi.errors": io.StringIO()}
    environ.update(headers or {})
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(response_headers)

    response = app(environ, start_response)
    body = b"".join(response)
    if hasattr(response, "close"):  # as a WSGI server does once it has sent the response
        response.close()
    return seen["status"], seen["headers"], body


def envelope(operation: str, inner: str, user="acme-tts", password="acme-password",
             password_type=PASSWORD_TEXT) -> bytes:
    header = ""
    if user is not None:
        header = (f'<soap:Header><wsse:Security xmlns:wsse="{WSSE}"><wsse:UsernameToken>'
                  f'<wsse:Username>{user}</wsse:Username>'
                  f'<wsse:Password Type="{password_type}">{password}</wsse:Password>'
                  f'</wsse:UsernameToken></wsse:Security></soap:Header>')
    return (f'<soap:Envelope xmlns:soap="{SOAP}" xmlns:h="{TNS}">{header}<soap:Body>'
            f'<h:{operation}>{inner}</h:{operation}></soap:Body></soap:Envelope>').encode()


def fault_of(body: bytes) -> tuple[str, str]:
    doc = etree.fromstring(body)
    fault = doc.find(f"{{{SOAP}}}Body/{{{SOAP}}}Fault")
    assert fault is not None, body
    return fault.findtext("faultcode").split(":", 1)[1], fault.findtext("faultstring")
