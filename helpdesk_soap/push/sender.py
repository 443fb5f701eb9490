"""Sending one delivery over HTTP: the only module that opens connections to receivers.

It connects to the address ``urls.resolve`` checked, with short timeouts, follows no
redirect and reads at most ``max_response_bytes`` of the answer. The outcome says
whether to retry: connection errors, timeouts, 5xx, 408, 429 and SOAP Server faults
are retried (honouring Retry-After); other answers (4xx, a SOAP Client fault, a
redirect) are not.
"""

from __future__ import annotations

import http.client
import re
import socket
import ssl
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from datetime import UTC, datetime
from urllib.parse import urlsplit

from . import signing, urls
from .settings import PushSettings


@dataclass(frozen=True, slots=True)
class Outcome:
    ok: bool
    retry: bool
    error: str = ""
    #: Seconds the receiver asked us to wait (Retry-After), if it did.
    retry_after: float | None = None


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


_FAULTCODE = re.compile(rb"<(?:\w+:)?faultcode[^>]*>\s*(?:[\w.-]+:)?([\w.]+)", re.S)


def send(url: str, body: bytes, content_type: str, headers: dict[str, str],
         settings: PushSettings, soap: bool = False) -> Outcome:
    try:
        scheme, host, port, address = urls.resolve(url, settings.allow_networks)
    except urls.RefusedUrl as exc:
        return Outcome(False, False, f"refused: {exc.message}")
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = cls(host, port, address, settings.timeout)
    try:
        connection.request("POST", target, body=body, headers={
            "Content-Type": content_type, "User-Agent": "helpdesk-soap-push/1",
            "Connection": "close", **headers})
        response = connection.getresponse()
        answer = response.read(settings.max_response_bytes)
        status = response.status
        wait = _retry_after(response.getheader("Retry-After"))
    except (OSError, http.client.HTTPException) as exc:  # refused, reset, timeout, TLS
        return Outcome(False, True, f"{type(exc).__name__}: {exc}"[:500])
    finally:
        connection.close()
    if 200 <= status < 300:
        return Outcome(True, False)
    error = f"HTTP {status}"
    if soap and status == 500:
        match = _FAULTCODE.search(answer)
        code = match.group(1).decode() if match else "Server"
        return Outcome(False, not code.startswith("Client"), f"SOAP fault {code}", wait)
    if status >= 500 or status in (408, 429):
        return Outcome(False, True, error, wait)
    return Outcome(False, False, error + (" (redirects are not followed)" if 300 <= status < 400 else ""))


def signed_headers(secret: str, body: bytes, event_uid: str, event_type: str) -> dict[str, str]:
    return {signing.HEADER: signing.sign(secret, body), "X-Helpdesk-Event-Id": event_uid,
            "X-Helpdesk-Event-Type": event_type}
