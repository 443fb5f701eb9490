"""One connection's state in the edge worker's loop, and what gunicorn's parser and
Response are given instead of a socket (worker.py)."""

from __future__ import annotations

from gunicorn.http.unreader import Unreader

READ_SIZE = 64 * 1024
#: Bodies up to this size stay in memory while they arrive; larger ones go to a temp file.
SPOOL_IN_MEMORY = 256 * 1024
#: After a refusal: how long, and how much, unread input is drained before closing
#: (so the client reads the fault instead of a reset), as gunicorn's close_graceful does.
LINGER_SECONDS, LINGER_BYTES = 2.0, 1024 * 1024
HEAD, BODY, SEND, DRAIN = "head", "body", "send", "drain"


class Source(Unreader):
    """What gunicorn's parser reads: the request's head, then its spooled body."""

    def __init__(self, head: bytes):
        super().__init__()
        self.head, self.body = head, None

    def chunk(self, size_hint=None):
        if self.head:
            data, self.head = self.head, b""
            return data
        # Never more than READ_SIZE at once, whatever the parser may take: it would hold
        # the rest of a 10 MB body in its own buffer (the streaming path's memory).
        return self.body.read(READ_SIZE) if self.body is not None else b""


class Collector:
    """Stands in for the socket while the application runs: the loop sends what it holds."""

    def __init__(self):
        self.parts: list[bytes] = []

    def sendall(self, data) -> None:
        self.parts.append(bytes(data))

    def send(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)


class Conn:
    __slots__ = ("sock", "addr", "server", "state", "buf", "req", "spool", "need", "chunks",
                 "deadline", "idle_deadline", "out", "close_after", "served", "drained")

    def __init__(self, sock, addr, server):
        self.sock, self.addr, self.server = sock, addr, server
        self.buf = bytearray()
        self.req = self.spool = self.chunks = None
        self.need = 0
        self.out = b""
        self.close_after = False
        self.served = self.drained = 0
        self.state = HEAD
        self.deadline = self.idle_deadline = 0.0
