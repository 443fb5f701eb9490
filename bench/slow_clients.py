"""Normal requests' latency with and without slow clients holding connections.

    python -m bench.slow_clients [--seconds 5] [--workers 2] [--worker sync]

Against one ``serve`` (2 workers), GetCallData (20 entries) is driven at 2
connections, first alone, then while each of these loads lasts:

* 200 connections opened and held idle (nothing sent);
* 10 clients trickling their request headers, one byte every 0.5 s;
* 10 clients trickling a body that never reaches its Content-Length.

``--worker sync`` runs the same against gunicorn's sync worker (the worker
``serve`` had before docs/slow-clients.md), for comparison: there the normal
requests mostly fail (wrk's 10 s timeout). ``python -m bench`` runs it as one of
its extras.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import load, workload
from .load import Series

IDLE_CONNECTIONS = 200
TRICKLERS = 10
TRICKLE_EVERY = 0.5  # seconds between two bytes


def trickle_pieces(request: bytes, stop_short: int) -> list[bytes]:
    """A request split into the one-byte pieces a trickling client sends: all of it but
    its last ``stop_short`` bytes (so that it never completes)."""
    body = request[:len(request) - stop_short] if stop_short else request
    return [body[i:i + 1] for i in range(len(body))]


def head_trickle(host: str) -> bytes:
    return (f"POST /helpdesk HTTP/1.1\r\nHost: {host}\r\nContent-Type: text/xml; charset=utf-8\r\n"
            f"SOAPAction: \"\"\r\nX-Padding: {'p' * 4000}\r\n\r\n").encode()


def body_trickle(host: str, body: bytes) -> bytes:
    return (f"POST /helpdesk HTTP/1.1\r\nHost: {host}\r\nContent-Type: text/xml; charset=utf-8\r\n"
            f"Content-Length: {len(body) + 100}\r\n\r\n").encode() + body


class SlowClients:
    """Threads holding connections open: idle, or trickling ``pieces`` (reconnecting when the
    server ends a connection), until ``stop``."""

    def __init__(self, address: tuple[str, int]):
        self.address = address
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._idle: list[socket.socket] = []
        self.reconnects = 0

    def idle(self, n: int) -> None:
        for _ in range(n):
            try:
                self._idle.append(socket.create_connection(self.address, timeout=5))
            except OSError:
                self.reconnects += 1

        def hold():  # reopen what the server closes (its header deadline)
            while not self._stop.wait(0.5):
                for i, sock in enumerate(self._idle):
                    try:
                        sock.setblocking(False)
                        if sock.recv(1) == b"":
                            raise ConnectionError
                    except BlockingIOError:
                        continue
                    except OSError:
                        sock.close()
                        self.reconnects += 1
                        try:
                            self._idle[i] = socket.create_connection(self.address, timeout=5)
                        except OSError:
                            pass
        self._start(hold)

    def trickle(self, n: int, pieces: list[bytes]) -> None:
        def run():
            while not self._stop.is_set():
                try:
                    with socket.create_connection(self.address, timeout=5) as sock:
                        for piece in pieces:
                            if self._stop.wait(TRICKLE_EVERY):
                                return
                            sock.sendall(piece)
                except OSError:
                    pass  # the server gave up on us: start again
                self.reconnects += 1
        for _ in range(n):
            self._start(run)

    def _start(self, target) -> None:
        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        for sock in self._idle:
            sock.close()


def measure(base: str, body: bytes, seconds: int, loader: str) -> dict[str, load.Result]:
    """Normal requests (``body``, 2 connections) alone and under each slow-client load."""
    host, port = base.removeprefix("http://").split(":")
    address = (host, int(port))
    normal = Series("GetCallData (20)", body=body)
    loads = {
        "alone": None,
        f"{IDLE_CONNECTIONS} idle connections": lambda s: s.idle(IDLE_CONNECTIONS),
        f"{TRICKLERS} clients trickling headers": lambda s: s.trickle(
            TRICKLERS, trickle_pieces(head_trickle(host), 2)),
        f"{TRICKLERS} clients trickling a short body": lambda s: s.trickle(
            TRICKLERS, trickle_pieces(body_trickle(host, body), 0)),
    }
    load.run(base, normal, 2, 1, "slow-warm", loader)  # every worker has verified the password
    out = {}
    for name, start in loads.items():
        slow = SlowClients(address)
        if start is not None:
            start(slow)
            time.sleep(1.5)  # let them take hold
        try:
            out[name] = load.run(base, normal, 2, seconds, f"slow-{time.monotonic_ns()}", loader)
        finally:
            slow.stop()
    return out


def lines(results: dict[str, load.Result]) -> dict[str, str]:
    """The report's lines: normal requests' p50/p99 (and failures) under each load."""
    return {name: (f"{r.rps:.0f} req/s, p50 {r.p50_ms:.1f} ms, p99 {r.p99_ms:.1f} ms"
                   + (f", {r.errors} failed" if r.errors else "")
                   if r.requests else f"no request answered in {r.seconds:.0f} s")
            for name, r in results.items()}


def main(argv=None) -> None:
    from .process import Process, free_port, serve_env

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--worker", choices=("edge", "sync"), default="edge")
    parser.add_argument("--loader", choices=("wrk", "python"), default=None)
    args = parser.parse_args(argv)
    loader = args.loader or ("wrk" if load.have_wrk() else "python")
    with tempfile.TemporaryDirectory(prefix="helpdesk-slow-") as tmp_name:
        tmp = Path(tmp_name)
        url = f"sqlite:///{tmp / 'slow.sqlite3'}"
        seeded = workload.seed(url, 10)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        code = ("import sys; from helpdesk_soap.cli import run; import helpdesk_soap.server as s\n"
                "if sys.argv.pop(1) == 'sync':\n"
                "    load = s.GatewayServer.load_config\n"
                "    def load_config(self):\n"
                "        load(self); self.cfg.set('worker_class', 'sync')\n"
                "    s.GatewayServer.load_config = load_config\n"
                "run(sys.argv[1:])")
        service = Process([sys.executable, "-c", code, args.worker, "serve", "--bind",
                           f"127.0.0.1:{port}", "--workers", "2"], serve_env(url), tmp / "serve.log")
        try:
            service.wait_ready(base + "/helpdesk?wsdl")
            results = measure(base, workload.get_call_data(seeded.call_20), args.seconds, loader)
        finally:
            service.stop()
    print(f"worker: {args.worker}, loader: {loader}, {args.seconds} s each, pid {os.getpid()}")
    for name, line in lines(results).items():
        print(f"  {name:40s} {line}")


if __name__ == "__main__":
    main()
