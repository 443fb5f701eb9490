"""Where an HTTP/1.1 request ends, found while its bytes arrive, and what to answer
when its framing is broken.

Pure logic, no sockets: the worker (worker.py) feeds it what it receives. The
request line and headers are parsed by gunicorn's own parser once they are
complete (``head_end``); this module follows a chunked body's framing
(``ChunkScanner``) so that the worker knows when a request is whole, and turns
gunicorn's parse errors into documented SOAP fault codes (``refusal_for``).
"""

from __future__ import annotations

from dataclasses import dataclass

from gunicorn.http import errors

from ..domain.text import QUOTE_LIMIT, clip

#: Longest request head (request line and headers) taken in, in bytes.
MAX_HEAD = 64 * 1024
#: Longest chunk-size line (with extensions) and the longest trailer section.
MAX_CHUNK_LINE = 1024
MAX_TRAILER = 8 * 1024
_HEX = frozenset(b"0123456789abcdefABCDEF")


@dataclass(frozen=True)
class Refusal(Exception):
    """A request refused before the application sees it: HTTP status, fault code, message."""

    status: str
    code: str
    message: str
    limit: int | None = None

    def response(self) -> bytes:
        """The whole HTTP answer: the SOAP fault, and the connection closes after it."""
        from ..soap.wsgi import XML_CONTENT_TYPE, fault_envelope

        body = fault_envelope(self.code, self.message, limit=self.limit)
        head = (f"HTTP/1.1 {self.status}\r\nContent-Type: {XML_CONTENT_TYPE}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
        return head.encode("latin-1") + body


def timed_out(what: str, seconds: float) -> Refusal:
    return Refusal("408 Request Timeout", "Client.RequestTimeout",
                   f"The {what} did not arrive within {seconds:g} s.")


def too_large(limit: int) -> Refusal:
    # The same code, status and wording as the gateway's own check (guard.py).
    return Refusal("500 Internal Server Error", "Client.RequestTooLarge",
                   f"The request body may have at most {limit} bytes.", limit)


def malformed(message: str, status: str = "400 Bad Request") -> Refusal:
    return Refusal(status, "Client.MalformedHttp", message)


def head_end(buf: bytes | bytearray) -> int | None:
    """The offset just past the blank line that ends a request head, or None."""
    crlf = buf.find(b"\r\n\r\n")
    lf = buf.find(b"\n\n")
    if lf != -1 and (crlf == -1 or lf < crlf):
        return lf + 2  # a bare-LF head: gunicorn's parser judges it
    return None if crlf == -1 else crlf + 4


def refusal_for(exc: Exception) -> Refusal:
    """gunicorn's parse error, as a documented fault (never gunicorn's HTML page)."""
    text = clip(str(exc), 2 * QUOTE_LIMIT)  # gunicorn's words, with the value it quotes
    if isinstance(exc, (errors.LimitRequestLine, errors.LimitRequestHeaders)):
        return Refusal("431 Request Header Fields Too Large", "Client.HeadersTooLarge",
                       f"The request line or headers are too large: {text}")
    if isinstance(exc, errors.UnsupportedTransferCoding):
        return Refusal("501 Not Implemented", "Client.UnsupportedTransferCoding",
                       f"Unsupported transfer coding: {text}; send Content-Length or "
                       "Transfer-Encoding: chunked.")
    if isinstance(exc, errors.ExpectationFailed):
        return malformed(f"Unsupported expectation: {text}", "417 Expectation Failed")
    return malformed(f"The HTTP request is malformed: {type(exc).__name__}: {text}")


class ChunkScanner:
    """Follows a chunked body (RFC 9112, section 7.1) as it arrives.

    ``feed`` returns None while more is needed, else how many of the given bytes
    belong to the body (the rest begins the next request); it raises a Refusal for
    broken framing, and as soon as the decoded size passes ``limit``, or the raw
    bytes (tiny chunks carry more framing than data) pass twice that."""

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0  # decoded bytes so far
        self._raw = 0
        self._state = "size"
        self._line = bytearray()
        self._left = 0
        self._trailer = 0

    def feed(self, data: bytes) -> int | None:
        pos, n = 0, len(data)
        while pos < n:
            if self._state == "data":
                take = min(self._left, n - pos)
                self._left -= take
                pos += take
                if not self._left:
                    self._state = "data-end"
                continue
            if self._state == "data-end":  # exactly CRLF, judged without waiting for a line
                piece = data[pos:pos + 2 - len(self._line)]
                self._line += piece
                pos += len(piece)
                if not b"\r\n".startswith(self._line):
                    raise malformed("A chunk is longer than its size says "
                                    "(no CRLF after its data).")
                if len(self._line) == 2:
                    self._line, self._state = bytearray(), "size"
                continue
            end = data.find(b"\n", pos)
            piece = data[pos:n if end == -1 else end + 1]
            self._line += piece
            pos += len(piece)
            if len(self._line) > (MAX_TRAILER if self._state == "trailer" else MAX_CHUNK_LINE):
                raise malformed("A chunk-size line or the trailer is too long.")
            if end == -1:
                break
            line, self._line = bytes(self._line), bytearray()
            if self._line_done(line):
                self._count(pos)
                return pos
        self._count(n)
        return None

    def _count(self, used: int) -> None:
        self._raw += used
        if self._raw > 2 * self.limit + MAX_HEAD:
            raise too_large(self.limit)

    def _line_done(self, line: bytes) -> bool:
        if not line.endswith(b"\r\n"):
            raise malformed("A chunked body's lines must end with CRLF.")
        if self._state == "trailer":
            self._trailer += len(line)
            if self._trailer > MAX_TRAILER:
                raise malformed("The chunked body's trailer is too long.")
            return line == b"\r\n"
        digits = line[:-2].split(b";", 1)[0].rstrip(b" \t")
        if not digits or not _HEX.issuperset(digits):
            raise malformed(f"Invalid chunk size {clip(digits.decode('latin-1'))!r}.")
        if len(digits) > 16:
            raise malformed("The chunk size overflows (more than 16 hex digits).")
        size = int(digits, 16)
        if self.size + size > self.limit:
            raise too_large(self.limit)
        self.size += size
        if size:
            self._left, self._state = size, "data"
        else:
            self._state = "trailer"
        return False
