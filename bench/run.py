"""The gateway against the physical floor: ``python -m bench``.

    python -m bench [--seconds 2] [--postgres auto|URL] [--loader wrk|python] [--out bench/results]

For each backend (SQLite; PostgreSQL with ``--postgres``: ``auto`` starts a
throwaway server as the test suite does, or give a URL of an empty database)
it seeds a database, starts ``helpdesk-soap serve`` and the floor app (the
same gunicorn settings, answering pre-built bytes) side by side on loopback,
and drives each operation at 1, 2, 4, 8 and 16 connections, each run
followed at once by a run of the floor, so a noisy machine affects both alike.
Throughput is reported as a ratio to the floor measured next to it.

It also measures a worker's peak RSS while it handles a ~10 MB request, the
time from ``serve`` to its first answer, zeep's start-up (cold and cached
WSDL), the share of a request's CPU spent on authentication (over HTTP, against a
server that takes the caller as known (``bench.known_caller``), and in-process), and
normal requests' p50/p99 while slow clients hold connections (``bench.slow_clients``).
Writes ``results.md`` and ``latency.png`` into ``--out``.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import requests

from . import extras, load, slow_clients, workload
from .load import Series
from .plan import CONCURRENCY, OWN_FLOOR_ROUNDS, TABLE_AT, answer_series, create_call_series
from .process import Process, free_port, serve_env


@contextmanager
def postgres(spec: str):
    if spec != "auto":
        yield spec
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.support.postgres import PostgresServer

    server = PostgresServer().start()
    try:
        yield server.url(server.create_database())
    finally:
        server.stop()


def own_responses(base: str, series: list[Series], tmp: Path) -> dict[str, tuple[str, Path]]:
    """Each series' response, as the gateway answers it, in a file: for the floor to answer
    with at a path of its own (name: (path, file))."""
    out = {}
    for n, s in enumerate(series):
        body = s.body
        if s.counter_marker is not None:
            body = body.replace(s.counter_marker, b"own-floor-response")
        if s.id_marker is not None:  # the last of the ids: the runs never get that far
            body = body.replace(s.id_marker, str(s.ids[-1]).encode())
        answer = requests.post(base + "/helpdesk", data=body, timeout=10,
                               headers={"Content-Type": "text/xml; charset=utf-8"})
        answer.raise_for_status()
        file = tmp / f"own-response-{n}.xml"
        file.write_bytes(answer.content)
        out[s.name] = (f"/own/{n}", file)
    return out


def own_bytes_floor(base: str, floor_base: str, series: list[Series],
                    own: dict[str, tuple[str, Path]], label: str, args
                    ) -> dict[str, tuple[float, int]]:
    """Each operation against a floor that answers its own response's bytes, at 2
    connections: (median ratio over OWN_FLOOR_ROUNDS paired runs, response bytes). The table's
    floor always answers GetCallData (20)'s 7.5 KB; GetCallData (500)'s answer is 130 KB,
    and moving those bytes is part of any server's cost."""
    out = {}
    for s in series:
        if s.name not in own:
            continue
        path, file = own[s.name]
        floor_series = Series("floor", path=path, body=s.body)
        ratios = []
        for r in range(OWN_FLOOR_ROUNDS):
            tag = f"{label}-own-{r}-{time.monotonic_ns()}"
            got = load.run(base, s, TABLE_AT, args.seconds, tag, args.loader)
            ref = load.run(floor_base, floor_series, TABLE_AT, args.seconds, tag, args.loader)
            ratios.append(got.rps / ref.rps)
        out[s.name] = (statistics.median(ratios), file.stat().st_size)
        print(f"[{label}] {s.name}: {out[s.name][0]:.2f}x a floor answering its own "
              f"{out[s.name][1]} bytes", file=sys.stderr)
    return out


def bench_backend(label: str, url: str, args, tmp: Path) -> dict:
    print(f"[{label}] seeding", file=sys.stderr)
    budget = int(sum(CONCURRENCY) * 0 + 4000 * args.seconds * len(CONCURRENCY) * 1.5)
    seeded = workload.seed(url, budget)
    port, floor_port = free_port(), free_port()
    base, floor_base = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{floor_port}"
    service = Process([sys.executable, "-m", "helpdesk_soap", "serve", "--bind", f"127.0.0.1:{port}",
                       "--workers", "2"], serve_env(url), tmp / f"serve-{label}.log")
    probe_body = workload.get_call_data(seeded.call_20)

    def first_answer():
        r = requests.post(base + "/helpdesk", data=probe_body, timeout=5,
                          headers={"Content-Type": "text/xml; charset=utf-8"})
        return r.status_code == 200

    startup = {"WSDL served": service.wait_ready(base + "/helpdesk?wsdl")}
    startup["first GetCallData answered"] = service.wait_ready(base, first_answer)
    series = [
        create_call_series(),
        Series("GetCallData (20 history, 5 contacts)", body=probe_body),
        Series("GetCallData (500 history)", body=workload.get_call_data(seeded.call_500)),
        answer_series(seeded),
        Series("Login + session call", body=workload.login(),
               session_body=workload.get_call_data(seeded.call_20, token="TOKEN")),
    ]
    own = own_responses(base, series[:4], tmp)
    # The table's floor answers GetCallData (20)'s response to every other path.
    floor = Process([sys.executable, "-m", "bench.floor", f"127.0.0.1:{floor_port}",
                     str(own[series[1].name][1])]
                    + [f"{path}={file}" for path, file in own.values()],
                    serve_env(url), tmp / f"floor-{label}.log")
    floor.wait_ready(floor_base, lambda: requests.post(floor_base + "/", data=b"x").status_code == 200)
    try:
        floor_series = Series("floor", path="/helpdesk", body=probe_body)
        for s in series:  # warm up every path once (compiled statements, caches)
            load.run(base, s, 2, 1, f"warm-{label}", args.loader)
        load.run(floor_base, floor_series, 2, 1, "warm", args.loader)
        results: dict[str, dict[int, tuple]] = {s.name: {} for s in series}
        for c in CONCURRENCY:
            for s in series:
                tag = f"{label}-{c}-{time.monotonic_ns()}"
                cpu = service.cpu_seconds()
                got = load.run(base, s, c, args.seconds, tag, args.loader)
                got.cpu_ms = (service.cpu_seconds() - cpu) * 1000 / max(got.requests, 1)
                cpu = floor.cpu_seconds()
                ref = load.run(floor_base, floor_series, c, args.seconds, tag, args.loader)
                ref.cpu_ms = (floor.cpu_seconds() - cpu) * 1000 / max(ref.requests, 1)
                results[s.name][c] = (got, ref)
                print(f"[{label}] c={c:2d} {s.name:40s} {got.rps:7.0f} req/s (floor {ref.rps:6.0f}, "
                      f"{got.rps / ref.rps:.2f}x) p50 {got.p50_ms:.2f} p99 {got.p99_ms:.2f} ms, "
                      f"CPU/req {got.cpu_ms:.2f} ms (floor {ref.cpu_ms:.2f})"
                      f"{f'  ERRORS {got.errors}' if got.errors else ''}", file=sys.stderr)
        own_floor = own_bytes_floor(base, floor_base, series, own, label, args)
        exhausted = series[3].offset > len(seeded.proposed)
        writes = extras.write_floor(base, service, floor_base, floor, url, tmp, args.loader) \
            if args.extras else None
        memory = extras.memory(base, service, seeded.call_20) if args.extras else {}
        slow = slow_clients.lines(slow_clients.measure(base, probe_body, args.seconds, args.loader)) \
            if args.extras else {}
        # On PostgreSQL the authentication query also brings the row of the call a poll
        # reads, so a server that skips it makes a round trip more: no share to measure.
        auth = extras.auth_share_http(base, service, url, seeded, tmp, args.loader) \
            if args.extras and label == "sqlite" else {}
        return {"results": results, "startup": startup, "memory": memory, "auth": auth,
                "write_floor": writes, "own_floor": own_floor, "slow_clients": slow, "url": url,
                "exhausted": exhausted, "base": base, "seeded": seeded}
    finally:
        floor.stop()
        service.stop()


def main(argv=None) -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=2, help="length of each run")
    parser.add_argument("--postgres", help="'auto' (a throwaway server) or a URL of an empty database")
    parser.add_argument("--loader", choices=("wrk", "python"), default=None)
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--no-extras", dest="extras", action="store_false",
                        help="skip memory, zeep and in-process measurements")
    args = parser.parse_args(argv)
    if args.loader is None:
        args.loader = "wrk" if load.have_wrk() else "python"
    if args.loader == "wrk" and not load.have_wrk():
        parser.error("wrk is not installed (apt-get install wrk), use --loader python")
    began = time.monotonic()
    args.out.mkdir(parents=True, exist_ok=True)
    runs = {}
    with tempfile.TemporaryDirectory(prefix="helpdesk-bench-") as tmp_name:
        tmp = Path(tmp_name)
        runs["SQLite"] = bench_backend("sqlite", f"sqlite:///{tmp / 'bench.sqlite3'}", args, tmp)
        other = {}
        if args.extras:
            other["zeep"] = extras.zeep_startup(runs["SQLite"], tmp)
            other["auth"] = extras.auth_share(f"sqlite:///{tmp / 'auth.sqlite3'}")
            from .inprocess import measure

            other["inprocess"] = {
                "fast codec (default)": dict(measure(f"sqlite:///{tmp / 'ip-fast.sqlite3'}", 300)),
                "call cache off": dict(measure(f"sqlite:///{tmp / 'ip-nocache.sqlite3'}", 300,
                                               call_cache=False)),
                "Spyne alone": dict(measure(f"sqlite:///{tmp / 'ip-spyne.sqlite3'}", 300, fast=False))}
        if args.postgres:
            with postgres(args.postgres) as url:
                runs["PostgreSQL"] = bench_backend("postgresql", url, args, tmp)
    elapsed = time.monotonic() - began
    from . import report

    command = "python -m bench" + "".join(f" {a}" for a in (argv if argv is not None else sys.argv[1:]))
    text = report.markdown(runs, other, args, elapsed, command)
    (args.out / "results.md").write_text(text)
    report.plot(runs, args.out / "latency.png")
    print(text)
