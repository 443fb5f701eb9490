"""Raw SOAP over HTTP to a live server, and the checks every answer to bad input passes:
a documented Fault, no traceback, no internals."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

import requests
from lxml import etree

from helpdesk_soap.soap.faults import CATALOGUE
from helpdesk_soap.soap.types import TNS
from helpdesk_soap.soap.wsse import PASSWORD_TEXT, WSSE
from tests.support.server import PASSWORDS
from tests.support.wsgi_soap import CREATE, SOAP

__all__ = ["GOOD_CALL", "LEAKS", "SOAP", "create", "envelope", "fault", "header", "post"]

LEAKS = re.compile(r"Traceback|site-packages|/work/|sqlalchemy|psycopg|SELECT |INSERT "
                   r"|File \"")
GOOD_CALL = CREATE  # a valid CreateCall, as the in-process tests send it


def header(login="acme-tts") -> str:
    return (f'<s:Header><wsse:Security xmlns:wsse="{WSSE}"><wsse:UsernameToken>'
            f"<wsse:Username>{login}</wsse:Username>"
            f'<wsse:Password Type="{PASSWORD_TEXT}">{escape(PASSWORDS[login])}</wsse:Password>'
            f"</wsse:UsernameToken></wsse:Security></s:Header>")


def envelope(body: str, prolog: str = "") -> bytes:
    return (f'{prolog}<s:Envelope xmlns:s="{SOAP}" xmlns:h="{TNS}">{header()}'
            f"<s:Body>{body}</s:Body></s:Envelope>").encode()


def create(inner: str = GOOD_CALL) -> str:
    return f"<h:CreateCall>{inner}</h:CreateCall>"


def post(server, data, path="/helpdesk", headers=None):
    return requests.post(server.url + path, data=data, timeout=30,
                         headers={"Content-Type": "text/xml; charset=utf-8", **(headers or {})})


def fault(response) -> dict:
    assert response.headers["Content-Type"].startswith("text/xml"), response.text[:200]
    assert not LEAKS.search(response.text), response.text
    doc = etree.fromstring(response.content)
    node = doc.find(f"{{{SOAP}}}Body/{{{SOAP}}}Fault")
    assert node is not None, response.text
    code = node.findtext("faultcode").split(":", 1)[-1]
    assert code in CATALOGUE, f"undocumented fault code {code}"
    detail = node.find(f"detail/{{{TNS}}}{code.split('.', 1)[-1]}Fault")  # CallNotFoundFault
    assert detail is not None and detail.findtext(f"{{{TNS}}}Code") == code
    return {"code": code, "message": node.findtext("faultstring"),
            "field": detail.findtext(f"{{{TNS}}}Field"), "limit": detail.findtext(f"{{{TNS}}}Limit")}
