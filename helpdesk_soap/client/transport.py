"""The part of the clients that talks to zeep: one parsed WSDL per process, the
credentials (WS-Security UsernameToken or a session token), and the retry loop that turns
faults and transport errors into ``errors`` exceptions."""

from __future__ import annotations

import os
import random
import threading
import time
from typing import Callable

import requests
from lxml import etree
from zeep import Client, Settings
from zeep.cache import InMemoryCache, SqliteCache
from zeep.exceptions import Fault, TransportError as ZeepTransportError
from zeep.transports import Transport

from . import errors
from .models import Session

WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
PASSWORD_TEXT = ("http://docs.oasis-open.org/wss/2004/01/"
                 "oasis-200401-wss-username-token-profile-1.0#PasswordText")

_documents: dict[tuple, Client] = {}
_documents_lock = threading.Lock()


def _zeep_client(wsdl_url: str, timeout: tuple[float, float], wsdl_cache: str | None) -> Client:
    """One parsed WSDL per URL and settings, shared by every client in the process."""
    key = (wsdl_url, timeout, wsdl_cache)
    with _documents_lock:
        client = _documents.get(key)
        if client is None:
            cache = (SqliteCache(path=wsdl_cache.removeprefix("sqlite:"), timeout=3600)
                     if wsdl_cache and wsdl_cache.startswith("sqlite") else InMemoryCache()
                     if wsdl_cache else None)
            transport = Transport(cache=cache, timeout=timeout[1], operation_timeout=timeout)
            client = Client(wsdl_url, transport=transport,
                            # huge_tree: an attachment travels as one base64 text node, which
                            # may pass libxml2's 10 MB default; DTDs and entities stay forbidden.
                            settings=Settings(strict=True, xml_huge_tree=True, forbid_dtd=True,
                                              forbid_entities=True, forbid_external=True))
            _documents[key] = client
        return client


class ServiceClient:
    """What HelpdeskClient (/helpdesk) and StaffClient (/staff) share."""

    service_path = "/helpdesk"

    def __init__(self, url: str, login: str | None = None, password: str | None = None, *,
                 token: str | None = None, timeout: tuple[float, float] = (5.0, 30.0),
                 retries: int = 3, backoff: float = 0.5, wsdl_cache: str | None = "memory",
                 sleep: Callable[[float], None] = time.sleep):
        if not url:
            raise ValueError("the service URL is required (argument or HELPDESK_URL)")
        if timeout is None or any(t is None or t <= 0 for t in timeout):
            raise ValueError("timeouts must be positive numbers: (connect, read)")
        base = url.rstrip("/")
        for suffix in ("?wsdl", "/helpdesk", "/staff"):
            base = base.removesuffix(suffix)
        self.url = base
        self.login_name, self._password, self.token = login, password, token
        self.timeout, self.retries, self.backoff, self._sleep = tuple(timeout), retries, backoff, sleep
        try:
            self._zeep = _zeep_client(f"{base}{self.service_path}?wsdl", self.timeout, wsdl_cache)
        except (requests.RequestException, ZeepTransportError, etree.XMLSyntaxError) as exc:
            raise errors.TransportError(f"cannot load the WSDL: {type(exc).__name__}: {exc}") from exc

    @classmethod
    def from_env(cls, **overrides):
        env = os.environ
        return cls(overrides.pop("url", None) or env.get("HELPDESK_URL", ""),
                   overrides.pop("login", None) or env.get("HELPDESK_LOGIN"),
                   overrides.pop("password", None) or env.get("HELPDESK_PASSWORD"), **overrides)

    # -- credentials ---------------------------------------------------------------------

    def _headers(self) -> list:
        if self.token:
            session = etree.Element("{urn:helpdesk-soap:helpdesk:v1}Session")
            etree.SubElement(session, "{urn:helpdesk-soap:helpdesk:v1}Token").text = self.token
            return [session]
        if self.login_name and self._password is not None:
            security = etree.Element(f"{{{WSSE}}}Security", nsmap={"wsse": WSSE})
            token = etree.SubElement(security, f"{{{WSSE}}}UsernameToken")
            etree.SubElement(token, f"{{{WSSE}}}Username").text = self.login_name
            etree.SubElement(token, f"{{{WSSE}}}Password", Type=PASSWORD_TEXT).text = self._password
            return [security]
        return []

    def login(self) -> Session:
        """Open a session; later calls send its token instead of the password."""
        r = self._call("Login", retry=True, authenticated=False,
                       LoginName=self.login_name, Password=self._password)
        self.token = r.Token
        return Session(r.Token, r.ExpiresAt, r.IdleTimeoutMinutes, r.Role,
                       getattr(r, "CustomerId", None))

    def logout(self) -> None:
        if self.token:
            self._call("Logout", retry=False)
            self.token = None

    # -- the one place that talks to zeep ------------------------------------------------

    def _call(self, operation: str, *, retry: bool, authenticated: bool = True, **kwargs):
        attempts = self.retries + 1 if retry else 1
        relogged = False
        for attempt in range(attempts):
            try:
                headers = self._headers() if authenticated else []
                return getattr(self._zeep.service, operation)(_soapheaders=headers, **kwargs)
            except Fault as fault:
                error = errors.from_fault(fault.code or "", fault.message or "", _detail(fault.detail))
            except requests.RequestException as exc:  # refused, reset, timed out, cut off mid-answer
                error = errors.TransportError(f"{type(exc).__name__}: {exc}")
            except ZeepTransportError as exc:
                error = errors.TransportError(f"HTTP {exc.status_code}: not a SOAP answer")
            if (isinstance(error, errors.BY_CODE["Client.SessionExpired"]) and not relogged
                    and self.login_name and self._password is not None and operation != "Logout"):
                self.token, relogged = None, True  # a long-running poller logs in again, once
                self.login()
                continue
            if not (error.retryable and attempt + 1 < attempts):
                raise error
            self._sleep(self.backoff * (2 ** attempt) * (1 + random.random() / 2))
        raise AssertionError("unreachable")


def _detail(detail) -> dict:
    if detail is None:
        return {}
    out = {}
    for element in detail.iter():
        if len(element) == 0 and element.text is not None:
            out[etree.QName(element).localname] = element.text
    return out
