"""Text that XML 1.0 can carry.

XML 1.0 forbids most control characters (U+0000-U+0008, U+000B, U+000C,
U+000E-U+001F), lone surrogates and U+FFFE/U+FFFF. A SOAP request cannot
contain them (it would not parse), but text also arrives by the CLI, by
e-mail and from staff tools. Such text is cleaned on the way in (the
characters are dropped), and the SOAP layer replaces any that still reach
it, e.g. from rows written by other tools, with U+FFFD on the way out, so a
response is always serialisable.
"""

from __future__ import annotations

import re

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str | None, replacement: str = "") -> str | None:
    if text is None or not _FORBIDDEN.search(text):
        return text
    return _FORBIDDEN.sub(replacement, text)


#: How much of a name or value taken from a request a fault message quotes back.
QUOTE_LIMIT = 64


def clip(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis: what a message may echo of
    the caller's input (a 1 MB element name must not come back twice over)."""
    return text if len(text) <= limit else text[:limit - 1] + "…"
