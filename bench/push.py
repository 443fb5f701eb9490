"""Push delivery: events/s to a local receiver, and the delay from change to delivery.

    python -m bench.push [--calls 300] [--writers 4] [--database URL]

Starts ``serve`` (with its delivery worker) on a fresh SQLite file (or the given
database), registers a JSON listener on a loopback receiver, then files calls from
``--writers`` threads. Prints the events/s delivered (first to last receipt) and the
p50/p99 of the delay from each event's OccurredAt (taken just before its commit) to
its receipt.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from helpdesk_soap.client import HelpdeskClient
from helpdesk_soap.client.receiver import SIGNATURE_HEADER, parse_push

from .run import Process, free_port, serve_env


class _Receiver:
    def __init__(self):
        self.received: dict[str, tuple[float, float]] = {}  # id: (receipt, delay)
        self.secret = ""
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                now = time.time()
                event = parse_push(body, self.headers.get(SIGNATURE_HEADER), outer.secret)
                occurred = datetime.fromisoformat(event["OccurredAt"]).timestamp()
                with outer.lock:
                    outer.received.setdefault(event["EventId"], (now, now - occurred))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/push"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()


def _cli(env, *args, stdin=None):
    subprocess.run([sys.executable, "-m", "helpdesk_soap", *args], env=env, input=stdin,
                   text=True, check=True, capture_output=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--database")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'push.sqlite3'}"
        env = dict(serve_env(url), HELPDESK_PUSH_ALLOW_NETWORKS="127.0.0.0/8",
                   HELPDESK_PUSH_POLL_INTERVAL="0.05")
        _cli(env, "db", "upgrade")
        _cli(env, "customer", "add", "BENCH", "--name", "Bench")
        for login in ("bench-listener", "bench-writer"):
            _cli(env, "login", "add", login, "--customer", "BENCH", "--password-stdin", stdin="pw-bench-1\n")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        service = Process([sys.executable, "-m", "helpdesk_soap", "serve", "--bind",
                           f"127.0.0.1:{port}", "--workers", "2"], env, Path(tmp) / "serve.log")
        try:
            service.wait_ready(base + "/helpdesk?wsdl")
            receiver = _Receiver()
            _, receiver.secret = HelpdeskClient(base, "bench-listener", "pw-bench-1").register_listener(
                receiver.url, events=["CallCreated"])

            def write(n):
                client = HelpdeskClient(base, "bench-writer", "pw-bench-1")
                for i in range(n, args.calls, args.writers):
                    client.create_call("BENCH", f"bench {i}", "push bench", external_ticket_id=f"B-{i}")

            with ThreadPoolExecutor(args.writers) as pool:
                list(pool.map(write, range(args.writers)))
            deadline = time.monotonic() + 300
            while len(receiver.received) < args.calls and time.monotonic() < deadline:
                time.sleep(0.05)
            got = list(receiver.received.values())
        finally:
            service.stop()
    receipts = sorted(r for r, _ in got)
    delays = sorted(d for _, d in got)
    rate = (len(got) - 1) / (receipts[-1] - receipts[0]) if len(got) > 1 else 0.0
    p99 = delays[min(len(delays) - 1, int(len(delays) * 0.99))]
    print(f"push: {len(got)}/{args.calls} events, {rate:.0f} events/s delivered, "
          f"change-to-delivery p50 {statistics.median(delays) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms")


if __name__ == "__main__":
    main()
