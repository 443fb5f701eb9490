"""WS-Security UsernameToken (OASIS WSS 1.0), read from the SOAP header.

Only PasswordText is accepted: a PasswordDigest can only be checked against a
stored plain password, and we store none. Transport security (TLS at the load
balancer) protects the password in transit.
"""

from __future__ import annotations

WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
PASSWORD_TEXT = ("http://docs.oasis-open.org/wss/2004/01/"
                 "oasis-200401-wss-username-token-profile-1.0#PasswordText")

_SECURITY = f"{{{WSSE}}}Security"
_TOKEN = f"{{{WSSE}}}UsernameToken"
_USERNAME = f"{{{WSSE}}}Username"
_PASSWORD = f"{{{WSSE}}}Password"


def username_token(header_elements) -> tuple[str | None, str | None]:
    """(username, password) from the header's UsernameToken, or (None, None)."""
    for element in header_elements or ():
        if element.tag != _SECURITY:
            continue
        token = _first(element, _TOKEN)
        if token is None:
            continue
        username = _first(token, _USERNAME)
        password = _first(token, _PASSWORD)
        if username is None or password is None:
            return None, None
        if password.get("Type", PASSWORD_TEXT) != PASSWORD_TEXT:
            return None, None
        return (username.text or "").strip(), password.text or ""
    return None, None


def _first(parent, tag: str):
    """The first child with this tag, or None: what ``parent.find(tag)`` answers, without
    ElementPath's parsing, which made up most of this module's cost per request."""
    for child in parent:
        if child.tag == tag:
            return child
    return None
