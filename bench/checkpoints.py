"""SQLite writes' latency against the WAL checkpoint cadence, on this machine's disk.

    python -m bench.checkpoints [EVERY ...] [--rounds 2] [--seconds 4]

For each value of HELPDESK_SQLITE_CHECKPOINT_EVERY (default: 3 10 50 200), in
rounds that alternate the values so that a noisy machine affects all alike,
starts the service on a fresh SQLite file and drives CreateCall and
SetSolutionAcceptance at two connections; prints requests/s, p50, p99 and
p99/p50 per run. The figures behind the default (store/engine.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from . import load, workload
from .run import Process, answer_series, create_call_series, free_port, serve_env


def measure(every: int, seconds: float, tmp: Path) -> list[tuple[str, load.Result]]:
    url = f"sqlite:///{tmp / f'every-{every}-{time.monotonic_ns()}.sqlite3'}"
    seeded = workload.seed(url, int(2500 * seconds))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(serve_env(url), HELPDESK_SQLITE_CHECKPOINT_EVERY=str(every))
    service = Process([sys.executable, "-m", "helpdesk_soap", "serve", "--bind", f"127.0.0.1:{port}",
                       "--workers", "2"], env, tmp / f"serve-{every}.log")
    try:
        service.wait_ready(base + "/helpdesk?wsdl")
        create, answer = create_call_series(), answer_series(seeded)
        load.run(base, create, 2, 1, f"warm-{every}")
        return [(s.name, load.run(base, s, 2, seconds, f"{every}-{time.monotonic_ns()}"))
                for s in (create, answer)]
    finally:
        service.stop()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("every", nargs="*", type=int, default=[3, 10, 50, 200])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=4, help="length of each run (wrk takes whole seconds)")
    args = parser.parse_args(argv)
    print("| every | operation | req/s | p50 ms | p99 ms | p99/p50 |\n|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            for every in args.every:
                for name, r in measure(every, args.seconds, Path(tmp)):
                    print(f"| {every} | {name} | {r.rps:.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} "
                          f"| {r.p99_ms / r.p50_ms:.2f} |", flush=True)


if __name__ == "__main__":
    main()
