"""The edge worker's answers (worker.py): the application run on a whole request, with
gunicorn's environ and Response writing into a Collector; refusals as SOAP faults; and the
answer sent without blocking, then the connection kept alive, or drained and closed."""

from __future__ import annotations

import errno
import selectors
import socket
import time
from datetime import datetime

from gunicorn.http import wsgi
from gunicorn.http.errors import ParseException

from .connection import DRAIN, HEAD, LINGER_SECONDS, SEND, Collector, Conn
from .framing import Refusal, refusal_for


class Answering:
    """EdgeWorker's half that answers; it uses the worker's ``cfg``, ``log``, ``sel``,
    ``wsgi``, ``limits``, ``_take`` and ``_drop``."""

    def _serve(self, conn: Conn) -> None:
        """Run the application on a whole request, then send its answer."""
        req, spool = conn.req, conn.spool
        conn.req = conn.spool = conn.chunks = None
        spool.seek(0)
        req.unreader.body = spool
        out = Collector()
        started = datetime.now()
        resp, respiter, environ = None, None, {}
        try:
            self.cfg.pre_request(self, req)
            resp, environ = wsgi.create(req, out, conn.addr, conn.server, self.cfg)
            self.nr += 1
            if self.nr >= self.max_requests:
                self.log.info("Autorestarting worker after current request.")
                self.alive = False
            if not self.alive or self.cfg.keepalive <= 0:
                resp.force_close()
            respiter = self.wsgi(environ, resp.start_response)
            for item in respiter:
                resp.write(item)
            resp.close()
        except Exception as exc:
            self.log.exception("Error handling request")
            if respiter is not None and hasattr(respiter, "close"):
                respiter.close()
            spool.close()
            if resp is not None and resp.headers_sent:
                self._drop(conn)
            elif isinstance(exc, ParseException):  # e.g. SCRIPT_NAME does not fit the path
                self._refuse(conn, refusal_for(exc))
            else:
                self._refuse(conn, Refusal("500 Internal Server Error", "Server.InternalError",
                                           "The service could not complete the request."))
            return
        spool.close()
        conn.served += 1
        conn.close_after = resp.should_close()
        self._queue(conn, b"".join(out.parts))
        try:  # after the answer went out (as far as the socket takes it): upkeep, the log
            if hasattr(respiter, "close"):
                respiter.close()
            self.log.access(resp, req, environ, datetime.now() - started)
            self.cfg.post_request(self, req, environ, resp)
        except Exception:
            self.log.exception("Error after the response")

    def _refuse(self, conn: Conn, refusal: Refusal) -> None:
        self.log.info("refused a request from %s: %s %s", conn.addr[0], refusal.code,
                      refusal.message)
        if conn.spool is not None:
            conn.spool.close()
        conn.req = conn.spool = conn.chunks = None
        conn.buf.clear()
        conn.close_after = True
        self._queue(conn, refusal.response())

    def _send_now(self, conn: Conn, data: bytes) -> int:
        try:
            return conn.sock.send(data)
        except (BlockingIOError, InterruptedError):
            return 0
        except OSError:
            return -1

    def _queue(self, conn: Conn, data: bytes) -> None:
        sent = self._send_now(conn, data)
        if sent < 0:
            self._drop(conn)
            return
        conn.out = data[sent:]
        if conn.out:
            conn.state = SEND
            conn.deadline = time.monotonic() + self.limits.request_timeout
            self.sel.modify(conn.sock, selectors.EVENT_WRITE, conn)
        else:
            self._sent(conn)

    def _write(self, conn: Conn) -> None:
        sent = self._send_now(conn, conn.out)
        if sent < 0:
            self._drop(conn)
            return
        conn.out = conn.out[sent:]
        if not conn.out:
            self.sel.modify(conn.sock, selectors.EVENT_READ, conn)
            self._sent(conn)

    def _sent(self, conn: Conn) -> None:
        now = time.monotonic()
        if conn.close_after:
            conn.state, conn.deadline = DRAIN, now + LINGER_SECONDS
            try:
                conn.sock.shutdown(socket.SHUT_WR)
            except OSError as exc:
                if exc.errno != errno.ENOTCONN:
                    self.log.debug("shutdown failed: %s", exc)
                self._drop(conn)
            return
        conn.state, conn.deadline = HEAD, now + self.limits.keepalive_timeout
        if conn.buf:  # a pipelined request arrived with the last one
            data = bytes(conn.buf)
            conn.buf.clear()
            try:
                self._take(conn, data)
            except Refusal as refusal:
                self._refuse(conn, refusal)
