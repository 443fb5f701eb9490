"""Which callback URLs we send to: http(s) only, and no private, loopback or link-local
address unless the administrator's allow-list has its network (HELPDESK_PUSH_ALLOW_NETWORKS).

The check runs at registration and again on every delivery, on the addresses the
name resolves to then, and the sender connects to the address checked (no DNS
rebinding between check and connect).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from ..domain.errors import InvalidArgument

MAX_URL = 2000


class RefusedUrl(InvalidArgument):
    pass


def _refused(message: str) -> RefusedUrl:
    return RefusedUrl(message, field="CallbackUrl")


def parse(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an acceptable URL's form; RefusedUrl otherwise."""
    url = (url or "").strip()
    if not url or len(url) > MAX_URL:
        raise _refused(f"CallbackUrl must be an http(s) URL of at most {MAX_URL} characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _refused("CallbackUrl is not a valid URL.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refused("CallbackUrl must be an http or https URL.")
    if parts.username or parts.password:
        raise _refused("CallbackUrl must not carry credentials.")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def _public(address) -> bool:
    return not (address.is_private or address.is_loopback or address.is_link_local
                or address.is_multicast or address.is_reserved or address.is_unspecified)


def allowed(address: str, allow_networks) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    return _public(ip) or any(ip in net for net in allow_networks if ip.version == net.version)


def resolve(url: str, allow_networks) -> tuple[str, str, int, str]:
    """(scheme, host, port, address to connect to); RefusedUrl if the name does not resolve
    or any of its addresses is on a refused network."""
    scheme, host, port = parse(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise _refused(f"The host of CallbackUrl ({host}) does not resolve.") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for address in addresses:
        if not allowed(address, allow_networks):
            raise _refused(f"CallbackUrl points into a refused network ({address}); an "
                           "administrator can allow it with HELPDESK_PUSH_ALLOW_NETWORKS.")
    return scheme, host, port, addresses[0]
