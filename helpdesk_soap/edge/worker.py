"""A gunicorn worker that never lends itself to a slow client.

gunicorn's sync worker gives each connection the whole process until its
request is read: three clients trickling headers, or a few hundred idle
connections, stop two workers for everyone. This worker reads every
connection non-blocking in one event loop (``selectors``), with deadlines for
the head and the body, and only when a request is whole (its body spooled,
to disk above ``SPOOL_IN_MEMORY``) runs the application on it, one request at
a time, in the main thread: the application sees exactly what the sync
worker gave it (gunicorn's parser and environ, X-Forwarded-* rules included),
and needs no thread-safety. The answer is collected and written by the loop
too, so a client that does not read cannot hold the worker either. Broken
framing and timeouts are answered with SOAP faults (framing.py); see
docs/slow-clients.md.
"""

from __future__ import annotations

import os
import selectors
import tempfile
import time

from gunicorn.http.body import ChunkedReader
from gunicorn.http.errors import NoMoreData, ParseException
from gunicorn.http.message import Request
from gunicorn.workers import base

from ..config import Config
from .answer import Answering
from .connection import (BODY, DRAIN, HEAD, LINGER_BYTES, LINGER_SECONDS, READ_SIZE, SEND,
                         SPOOL_IN_MEMORY, Conn, Source)
from .framing import (MAX_HEAD, ChunkScanner, Refusal, head_end, malformed, refusal_for, timed_out,
                      too_large)


#: How long a worker waits, per connection it holds (up to ACCEPT_DEFER_MAX of them), before
#: it accepts another: an idle worker takes a new connection at once.
ACCEPT_DEFER = 0.01
ACCEPT_DEFER_MAX = 2


class EdgeWorker(Answering, base.Worker):
    """See the module's doc. Settings come from the application's Config; answering a
    whole request (running the application, refusals, sending) is answer.py's."""

    def run(self) -> None:
        config = getattr(self.app, "config", None) or Config(database_url="sqlite://")
        self.limits = config
        self.sel = selectors.DefaultSelector()
        self.conns: dict[int, Conn] = {}
        self.listeners = {}
        for listener in self.sockets:
            listener.setblocking(False)
            self.listeners[listener.fileno()] = (listener, listener.getsockname())
        #: Listening again at listen_at, after a deferral of accepting that ends at deferred.
        self.listening, self.listen_at, self.deferred = False, None, None
        self._listen(True)
        self.sel.register(self.PIPE[0], selectors.EVENT_READ, "pipe")
        last_sweep = last_notify = 0.0
        try:
            while self.alive:
                now = time.monotonic()
                if now - last_notify >= 0.5:
                    self.notify()
                    last_notify = now
                if self.listen_at is not None and now >= self.listen_at:
                    self.listen_at = None
                    self._listen(True)
                wait = 0.5 if self.listen_at is None else min(0.5, self.listen_at - now)
                for key, mask in self.sel.select(wait):
                    self._event(key, mask)
                now = time.monotonic()
                if now - last_sweep >= 0.25:
                    self._sweep(now)
                    last_sweep = now
                if self.ppid != os.getppid():
                    self.log.info("Parent changed, shutting down: %s", self)
                    break
        finally:
            self._finish_sending()
            for conn in list(self.conns.values()):
                self._drop(conn)

    def _event(self, key, mask) -> None:
        try:
            if key.data is None:
                self._accept(key.fileobj)
            elif key.data == "pipe":
                os.read(self.PIPE[0], 64)
            elif mask & selectors.EVENT_WRITE:
                self._write(key.data)
            else:
                self._read(key.data)
        except Exception:  # a bug here must cost one connection, not the worker's all
            self.log.exception("Error on a connection")
            if isinstance(key.data, Conn):
                self._drop(key.data)

    def _finish_sending(self) -> None:
        """On the way out (a restart, a stop): answers already made are sent, briefly."""
        deadline = time.monotonic() + LINGER_SECONDS
        for conn in list(self.conns.values()):
            remaining = deadline - time.monotonic()
            if conn.state != SEND or remaining <= 0:
                continue
            try:
                conn.sock.settimeout(remaining)
                conn.sock.sendall(conn.out)
            except OSError:
                pass

    # -- connections ---------------------------------------------------------------------

    def _listen(self, on: bool) -> None:
        if on == self.listening:
            return
        self.listening = on
        for listener, _ in self.listeners.values():
            if on:
                self.sel.register(listener, selectors.EVENT_READ, None)
            else:
                self.sel.unregister(listener)

    def _accept(self, listener) -> None:
        now = time.monotonic()
        if self.conns and (self.deferred is None or now > self.deferred + ACCEPT_DEFER):
            # Every idle worker wakes for a new connection, and the first to accept keeps it
            # for as long as its client keeps it alive: two ticket systems' connections
            # often both went to one worker while the other idled. A worker that holds
            # connections lets a less busy one take it first (ACCEPT_DEFER each), and takes
            # it only if it is still waiting then (until ACCEPT_DEFER after that).
            self.deferred = self.listen_at = now + min(len(self.conns), ACCEPT_DEFER_MAX) * ACCEPT_DEFER
            self._listen(False)
            return
        # Idle, it takes one and looks again (the next is another worker's first); after
        # its deferral, what is still waiting had that chance.
        for _ in range(64 if self.conns else 1):
            if len(self.conns) >= self.cfg.worker_connections:
                self._listen(False)  # the backlog waits until a connection ends
                return
            try:
                sock, addr = listener.accept()
            except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                return
            sock.setblocking(False)
            conn = Conn(sock, addr or ("", -1), self.listeners[listener.fileno()][1])
            conn.deadline = time.monotonic() + self.limits.header_timeout
            self.conns[sock.fileno()] = conn
            self.sel.register(sock, selectors.EVENT_READ, conn)

    def _drop(self, conn: Conn) -> None:
        if self.conns.pop(conn.sock.fileno(), None) is None:
            return
        try:
            self.sel.unregister(conn.sock)
        except (KeyError, ValueError):
            pass
        if conn.spool is not None:
            conn.spool.close()
        conn.sock.close()
        if not self.listening and self.alive:
            self._listen(True)

    def _sweep(self, now: float) -> None:
        for conn in list(self.conns.values()):
            late = now > conn.deadline or (conn.state == BODY and now > conn.idle_deadline)
            if not late:
                continue
            if conn.state == HEAD and conn.buf:
                self._refuse(conn, timed_out("request's headers", self.limits.header_timeout))
            elif conn.state == BODY:
                what = ("request body", self.limits.request_timeout) if now > conn.deadline else \
                    ("rest of the request body", self.limits.request_read_timeout)
                self._refuse(conn, timed_out(*what))
            else:  # idle, or a client that neither reads its answer nor closes
                self._drop(conn)

    # -- reading -------------------------------------------------------------------------

    def _read(self, conn: Conn) -> None:
        try:
            data = conn.sock.recv(READ_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._drop(conn)
            return
        if not data:
            self._drop(conn)  # the client went away (mid-request: nobody to answer)
            return
        if conn.state == DRAIN:
            conn.drained += len(data)
            if conn.drained > LINGER_BYTES:
                self._drop(conn)
            return
        try:
            self._take(conn, data)
        except Refusal as refusal:
            self._refuse(conn, refusal)

    def _take(self, conn: Conn, data: bytes) -> None:
        now = time.monotonic()
        if conn.state == HEAD:
            if not conn.buf and conn.served:
                conn.deadline = now + self.limits.header_timeout  # a kept-alive one's next head
            conn.buf += data
            end = head_end(conn.buf)
            if end is None:
                if len(conn.buf) > MAX_HEAD:
                    raise Refusal("431 Request Header Fields Too Large", "Client.HeadersTooLarge",
                                  f"The request head may have at most {MAX_HEAD} bytes.")
                return
            head = bytes(conn.buf[:end])
            del conn.buf[:end]
            if not self._start(conn, head, now):
                return  # answered already (no body, or refused)
            data = bytes(conn.buf)
            conn.buf.clear()
        conn.idle_deadline = now + self.limits.request_read_timeout
        if conn.chunks is not None:
            used = conn.chunks.feed(data)
            done = used is not None
        else:
            used = min(conn.need, len(data))
            conn.need -= used
            done = not conn.need
        conn.spool.write(data if used is None or used == len(data) else data[:used])
        if done:
            conn.buf += data[used:]  # a pipelined next request
            self._serve(conn)

    def _start(self, conn: Conn, head: bytes, now: float) -> bool:
        """A whole head: parse it (gunicorn's parser) and learn how the body is framed.
        True if a body is to be read; else the request has been answered."""
        source = Source(head)
        try:
            req = Request(self.cfg, source, conn.addr, conn.served + 1)
        except ParseException as exc:
            raise refusal_for(exc) from None
        except NoMoreData:  # a head gunicorn does not see ending (bare LFs)
            raise malformed("The request head does not end with an empty CRLF line.") from None
        conn.req = req
        reader = req.body.reader
        limit = self.limits.max_request_bytes
        conn.chunks = ChunkScanner(limit) if isinstance(reader, ChunkedReader) else None
        conn.need = 0 if conn.chunks is not None else reader.length
        if conn.need > limit:
            raise too_large(limit)
        conn.spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY,
                                                   prefix="helpdesk-body-")
        if conn.chunks is None and not conn.need:
            conn.buf[:0] = source.take_buffered()
            self._serve(conn)
            return False
        if req._expected_100_continue:
            req._expected_100_continue = False  # wsgi.create would send it only now
            self._send_now(conn, b"HTTP/1.1 100 Continue\r\n\r\n")
        conn.state = BODY
        conn.deadline = now + self.limits.request_timeout
        return True
