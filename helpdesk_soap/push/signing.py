"""Signatures: HMAC-SHA256 over the exact body bytes, with the listener's secret.

The header is ``X-Helpdesk-Signature: sha256=<hex>``. A receiver computes the same
over the raw body it got and compares in constant time (``verify``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

HEADER = "X-Helpdesk-Signature"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    return bool(header) and hmac.compare_digest(sign(secret, body), header.strip())
