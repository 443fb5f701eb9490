"""xs:base64Binary decoded piece by piece, as a large upload arrives.

A small request's base64 is checked by the schema validator (libxml2) and then
decoded by Spyne; a streamed one must get the same answer for the same text, so
this follows libxml2's lexical rule for xs:base64Binary rather than a stricter
one: characters outside the base64 alphabet and ``=`` (whitespace, and any other
stray character) are ignored; ``=`` may only end the value, at most twice, where
the count of the other characters leaves exactly that much room (3 mod 4 for one,
2 mod 4 for two, 0 mod 4 for none), and the bits the padding leaves over must be
zero. tests/unit/test_base64stream.py holds it against the real validator.

One deliberate difference: a character outside ASCII makes the value invalid here.
libxml2 ignores it, but the decoder behind Spyne refuses it, and the gateway answers
that with the schema's fault (HelpdeskSoap11.byte_array_from_element): small or
streamed, the caller gets the same Client.SchemaValidationError.
"""

from __future__ import annotations

import binascii
import string
from typing import Protocol

_ALPHABET = (string.ascii_uppercase + string.ascii_lowercase + string.digits + "+/").encode()
#: Every ASCII byte that is neither in the alphabet nor "=": ignored, as libxml2 does.
_STRAY = bytes(b for b in range(128) if b not in _ALPHABET and b != ord("="))
#: Where the padding leaves bits over, the last character must carry zeros there.
_PAD_MASK = {1: 0x03, 2: 0x0F}


class Sink(Protocol):
    def write(self, data: bytes) -> None: ...


class InvalidBase64(ValueError):
    pass


class Base64Decoder:
    """Feed text (``feed``) as it arrives; decoded bytes go to ``sink``. ``close`` checks
    the end and raises InvalidBase64 if the whole value was not valid xs:base64Binary;
    once it is known to be invalid, nothing more is written."""

    def __init__(self, sink: Sink):
        self._sink = sink
        self._rest = b""     # alphabet characters short of a group of four
        self._last = b""     # the last alphabet character seen
        self._pad = 0
        self.valid = True

    def feed(self, text: str) -> None:
        if not self.valid:
            return
        if not text.isascii():
            self.valid = False
            return
        chars = text.encode("ascii").translate(None, _STRAY)
        cut = 0 if self._pad else chars.find(b"=")
        alpha, padding = (chars, b"") if cut < 0 else (chars[:cut], chars[cut:])
        if padding.strip(b"="):  # an alphabet character after the padding
            self.valid = False
            return
        self._pad += len(padding)
        if alpha:
            self._last = alpha[-1:]
            group = self._rest + alpha
            whole = len(group) - len(group) % 4
            if whole:
                self._sink.write(binascii.a2b_base64(group[:whole], strict_mode=True))
            self._rest = group[whole:]

    def close(self) -> None:
        if self.valid:
            pad, rest = self._pad, self._rest
            if pad > 2 or len(rest) != (0, 3, 2)[pad] or (
                    pad and _ALPHABET.index(self._last) & _PAD_MASK[pad]):
                self.valid = False
            elif rest:
                self._sink.write(binascii.a2b_base64(rest + b"=" * pad, strict_mode=True))
        if not self.valid:
            raise InvalidBase64("not a valid value of the atomic type xs:base64Binary")
