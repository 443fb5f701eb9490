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
        token = element.find(_TOKEN)
        if token is None:
            continue
        username = token.findtext(_USERNAME)
        password = token.find(_PASSWORD)
        if username is None or password is None:
            return None, None
        if password.get("Type", PASSWORD_TEXT) != PASSWORD_TEXT:
            return None, None
        return username.strip(), password.text or ""
    return None, None
