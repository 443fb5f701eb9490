"""The benchmark's other measurements: memory on a 10 MB request, zeep start-up,
and the share of a request's CPU that authentication takes."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import requests

from . import workload

PAYLOAD = 10_000_000  # bytes of content in the "10 MB request"


def _status(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(key)


def _peak_growth(base: str, service, body: bytes) -> tuple[int, int]:
    """(largest growth of a worker's peak RSS over its RSS before, HTTP status)."""
    before = {}
    for pid in service.workers():
        try:
            Path(f"/proc/{pid}/clear_refs").write_text("5")  # reset VmHWM (peak RSS)
        except OSError:
            pass  # not permitted: VmHWM then includes earlier peaks, an upper bound
        before[pid] = _status(pid, "VmRSS")
    status = requests.post(f"{base}/helpdesk", data=body, timeout=120,
                           headers={"Content-Type": "text/xml; charset=utf-8"}).status_code
    return max(_status(pid, "VmHWM") - rss for pid, rss in before.items()), status


def _warm(base: str, call_id: int, requests_: int = 16) -> None:
    """Small authenticated requests first, so that every worker has verified the bench
    login's password: the first Argon2id check in a worker allocates its 64 MiB of memory
    cost, which is the password hash's, not the request's."""
    for _ in range(requests_):
        requests.post(f"{base}/helpdesk", data=workload.get_call_data(call_id), timeout=30,
                      headers={"Content-Type": "text/xml; charset=utf-8"})


def memory(base: str, service, call_id: int) -> dict[str, str]:
    wsdl = requests.get(base + "/helpdesk?wsdl", timeout=10).text
    _warm(base, call_id)
    out = {}
    if "AddAttachment" in wsdl:
        results = [_peak_growth(base, service, workload.add_attachment(call_id, PAYLOAD))
                   for _ in range(2)]
        growth = max(g for g, _ in results)
        out["AddAttachment, 10 MB request (stored)"] = (
            f"{growth / 1e6:.1f} MB ({growth / PAYLOAD:.2f}x payload), HTTP {results[0][1]}")
    else:
        out["AddAttachment, 10 MB request (stored)"] = "n/a (no AddAttachment yet)"
    body = workload.create_call("MEM", "x" * PAYLOAD)
    results = [_peak_growth(base, service, body) for _ in range(2)]
    growth = max(g for g, _ in results)
    out["CreateCall, 10 MB Description (refused)"] = (
        f"{growth / 1e6:.1f} MB ({growth / PAYLOAD:.2f}x payload), HTTP {results[0][1]}")
    return out


_ZEEP = """
import sys, time
began = time.perf_counter()
from zeep import Client, Transport
from zeep.cache import SqliteCache
imported = time.perf_counter()
cache = SqliteCache(path=sys.argv[2], timeout=3600) if sys.argv[2] != "-" else None
Client(sys.argv[1], transport=Transport(cache=cache))
built = time.perf_counter()
Client(sys.argv[1], transport=Transport(cache=cache))
print(imported - began, built - imported, time.perf_counter() - built)
"""


def zeep_startup(run: dict, tmp: Path) -> dict[str, float]:
    """Seconds to a usable zeep client: WSDL fetched and parsed cold, from a warm on-disk cache."""
    # The server is stopped by now: start it again only for these few requests.
    from .process import Process, free_port, serve_env

    port = free_port()
    url = f"http://127.0.0.1:{port}/helpdesk?wsdl"
    proc = Process([sys.executable, "-m", "helpdesk_soap", "serve", "--bind", f"127.0.0.1:{port}",
                    "--workers", "2"], serve_env(run["url"]), tmp / "serve-zeep.log")
    try:
        proc.wait_ready(url)
        cache = tmp / "zeep-cache.sqlite3"

        def once(cache_arg: str) -> list[float]:
            line = subprocess.run([sys.executable, "-c", _ZEEP, url, cache_arg], check=True,
                                  capture_output=True, text=True).stdout.split()
            return [float(x) for x in line]

        imp, cold, again = once("-")
        once(str(cache))  # fills the cache
        _, cached, _ = once(str(cache))
        out = {"import zeep": imp, "WSDL cold (fetch + parse)": cold,
               "WSDL from SqliteCache (new process)": cached, "second Client in one process": again}
    finally:
        proc.stop()
    return out


class AuthShare(NamedTuple):
    """Authentication's cost in a request, in seconds per request."""

    #: What authenticating adds: the request's time, less its time with the caller already
    #: known (the principal set, nothing checked). The reads every request makes anyway,
    #: such as the reference version its cached settings and statuses are kept under, are
    #: not counted: the request makes them either way.
    added: float
    #: Time inside the authentication step (GatewayApplication._authenticate), including the
    #: versions query that also serves the request's reference data, and SQLite's read snapshot.
    inside: float
    #: The whole request, authenticated.
    request: float


def _measured(at: str, proc, series, seconds: int, tag: str, loader: str,
              main_threads: bool = False):
    """One run of ``series`` at 2 connections on the server ``proc`` (at ``at``): its result,
    and its workers' CPU seconds per request. A run with errors fails the measurement."""
    from . import load

    before = proc.cpu_seconds(main_threads=main_threads)
    result = load.run(at, series, 2, seconds, tag, loader)
    if result.errors or not result.requests:
        raise RuntimeError(f"{series.name}: {result.errors} errors at {at}")
    return result, (proc.cpu_seconds(main_threads=main_threads) - before) / result.requests


def auth_share_http(base: str, service, url: str, seeded: workload.Seeded, tmp: Path, loader: str,
                    rounds: int = 16, seconds: int = 1) -> dict[str, AuthShare]:
    """Authentication's cost in a GetCallData request over HTTP, against the CPU the
    gunicorn workers spend on the whole request (the figure the target is set on).

    ``service`` (at ``base``) is the gateway under test. Next to it runs
    ``bench.known_caller`` on the same database: the same server, except that a caller it
    has seen once is taken as known. Runs of the same requests alternate between the two
    (in turn first), at 2 connections; each round's difference of the workers' CPU per
    request is one sample of what authenticating adds, and the figure is the median.
    ``inside`` is not measured here (0)."""
    from . import load
    from .load import Series
    from .process import Process, free_port, serve_env

    port = free_port()
    known_base = f"http://127.0.0.1:{port}"
    known = Process([sys.executable, "-m", "bench.known_caller", f"127.0.0.1:{port}"],
                    serve_env(url), tmp / "known-caller.log")
    try:
        known.wait_ready(known_base + "/helpdesk?wsdl")
        answer = requests.post(base + "/helpdesk", data=workload.login(), timeout=10,
                               headers={"Content-Type": "text/xml; charset=utf-8"}).content
        token = workload.token_of(answer)
        out = {}
        for label, body in (("WS-Security", workload.get_call_data(seeded.call_20)),
                            ("Session token", workload.get_call_data(seeded.call_20, token))):
            series = Series(f"GetCallData, {label}", body=body)
            servers = ((base, service), (known_base, known))
            for at, _ in servers:
                load.run(at, series, 2, 1, "warm-auth", loader)
            added, whole = [], []
            for r in range(rounds):
                cpu = {}
                for at, proc in servers if r % 2 == 0 else servers[::-1]:
                    _, cpu[at] = _measured(at, proc, series, seconds, f"auth-{r}", loader,
                                           main_threads=True)
                added.append(cpu[base] - cpu[known_base])
                whole.append(cpu[base])
            print(f"auth over HTTP, {label}: added " + " ".join(f"{a * 1e6:.0f}" for a in added)
                  + " µs of " + " ".join(f"{w * 1e6:.0f}" for w in whole), file=sys.stderr)
            out[label] = AuthShare(statistics.median(added), 0.0, statistics.median(whole))
    finally:
        known.stop()
    return out


def auth_share(url: str, rounds: int = 12, per_round: int = 250) -> dict[str, AuthShare]:
    """Authentication's cost in a GetCallData request, in-process, with WS-Security
    credentials and with a session token. Rounds of requests that authenticate alternate
    with rounds in which the caller is already known, so that a drift of the machine falls
    on both alike; each figure is the median over the rounds. The request's transaction is
    opened before the authentication step's clock starts: it is needed either way."""
    from helpdesk_soap.config import Config
    from helpdesk_soap.soap.app import GatewayApplication, create_app

    from .inprocess import call
    from .known_caller import taking_callers_as_known

    seeded = workload.seed(url, 10)
    app = create_app(Config(database_url=url))
    spent = [0.0]
    authenticate = GatewayApplication._authenticate
    already_known = taking_callers_as_known(authenticate)

    def timed(self, ctx, scope):
        scope.uow.session.connection()  # the transaction is the request's, not authentication's
        start = time.perf_counter()
        try:
            return authenticate(self, ctx, scope)
        finally:
            spent[0] += time.perf_counter() - start

    def seconds_each(request: bytes) -> float:
        start = time.perf_counter()
        for _ in range(per_round):
            status, _ = call(app, request)
        assert status.startswith("200"), status
        return (time.perf_counter() - start) / per_round

    try:
        _, body = call(app, workload.login())
        token = workload.token_of(body)
        out = {}
        for label, request in (("WS-Security", workload.get_call_data(seeded.call_20)),
                               ("Session token", workload.get_call_data(seeded.call_20, token))):
            GatewayApplication._authenticate = already_known  # the first authenticates
            for _ in range(20):
                call(app, request)
            with_auth, without, inside = [], [], []
            for _ in range(rounds):
                GatewayApplication._authenticate = timed
                spent[0] = 0.0
                with_auth.append(seconds_each(request))
                inside.append(spent[0] / per_round)
                GatewayApplication._authenticate = already_known
                without.append(seconds_each(request))
            whole = statistics.median(with_auth)
            out[label] = AuthShare(whole - statistics.median(without), statistics.median(inside),
                                   whole)
    finally:
        GatewayApplication._authenticate = authenticate
        app.close()
    return out


class WriteFloor(NamedTuple):
    """The write floor against the floor, and the gateway's CreateCall in the same rounds."""

    ratio: float  # the write floor's requests/s over the floor's (median of the rounds)
    cpu_ms: float  # the write floor's worker CPU per request
    create_call: float  # the gateway's CreateCall requests/s over the floor's
    create_call_cpu_ms: float
    rounds: int
    seconds: int


def write_floor(base: str, service, floor_base: str, floor, url: str, tmp: Path, loader: str,
                rounds: int = 5, seconds: int = 2) -> WriteFloor:
    """How near the floor a CreateCall could get on this database: ``bench.write_floor``
    (the floor plus CreateCall's statements, replayed on the driver alone) next to the
    gateway (``service`` at ``base``) and the floor. Each round runs CreateCall on the
    gateway, the write floor and the floor, at 2 connections, in turn first; ratios are
    taken within a round, and the figures are medians over the rounds."""
    from . import load
    from .plan import create_call_series
    from .process import Process, free_port, serve_env

    response = requests.post(base + "/helpdesk", data=workload.create_call("write-floor-response"),
                             timeout=10, headers={"Content-Type": "text/xml; charset=utf-8"})
    response.raise_for_status()
    (tmp / "create-call-response.xml").write_bytes(response.content)
    port = free_port()
    writes_base = f"http://127.0.0.1:{port}"
    writes = Process([sys.executable, "-m", "bench.write_floor", f"127.0.0.1:{port}",
                      str(tmp / "create-call-response.xml")], serve_env(url),
                     tmp / "write-floor.log")
    try:
        writes.wait_ready(writes_base,
                          lambda: requests.post(writes_base + "/", data=b"x").status_code == 200)
        servers = [(base, service), (writes_base, writes), (floor_base, floor)]
        series = create_call_series()
        load.run(writes_base, series, 2, 1, "warm-write-floor", loader)
        ratios, cpus, gateway, gateway_cpus = [], [], [], []
        for r in range(rounds):
            got = {}
            for at, proc in servers[r % 3:] + servers[:r % 3]:
                tag = f"write-floor-{r}-{time.monotonic_ns()}"
                result, cpu = _measured(at, proc, series, seconds, tag, loader)
                got[at] = (result.rps, cpu * 1000)
            ratios.append(got[writes_base][0] / got[floor_base][0])
            cpus.append(got[writes_base][1])
            gateway.append(got[base][0] / got[floor_base][0])
            gateway_cpus.append(got[base][1])
        print("write floor: " + " ".join(f"{x:.2f}" for x in ratios) + "x the floor; CreateCall "
              + " ".join(f"{x:.2f}" for x in gateway), file=sys.stderr)
        return WriteFloor(statistics.median(ratios), statistics.median(cpus),
                          statistics.median(gateway), statistics.median(gateway_cpus),
                          rounds, seconds)
    finally:
        writes.stop()
