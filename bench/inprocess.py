"""The gateway's CPU time per request in-process (no HTTP), against the floor app.

    python -m bench.inprocess [--requests 300] [--profile pyinstrument|cprofile] [--op NAME] [--spyne]
                              [--no-call-cache]

Calls the WSGI application directly with a prepared environ, on a fresh SQLite
file: the figure the HTTP benchmark cannot separate from gunicorn and wrk.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from pathlib import Path

from helpdesk_soap.config import Config
from helpdesk_soap.soap.app import create_app

from . import workload
from .floor import FloorApp


def environ_for(body: bytes) -> dict:
    return {"REQUEST_METHOD": "POST", "PATH_INFO": "/helpdesk", "QUERY_STRING": "",
            "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "text/xml; charset=utf-8",
            "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http", "HTTP_HOST": "127.0.0.1",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8080", "wsgi.errors": io.StringIO()}


def call(app, body: bytes) -> tuple[str, bytes]:
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"] = status

    response = app(environ_for(body), start_response)
    out = b"".join(response)
    if hasattr(response, "close"):  # as a WSGI server does (the gateway's upkeep runs here)
        response.close()
    return seen["status"], out


def operations(seeded: workload.Seeded, app) -> dict[str, callable]:
    answers = iter(seeded.proposed)
    counter = iter(range(10**9))
    status, body = call(app, workload.login())
    token = workload.token_of(body)
    return {
        "CreateCall": lambda: workload.create_call(f"IP-{next(counter)}"),
        "GetCallData (20)": lambda: workload.get_call_data(seeded.call_20),
        "GetCallData (500)": lambda: workload.get_call_data(seeded.call_500),
        "SetSolutionAcceptance": lambda: workload.set_solution_acceptance(next(answers)),
        "GetCallData (20), session": lambda: workload.get_call_data(seeded.call_20, token=token),
    }


def measure(url: str, requests: int, only: str | None = None, profile: str | None = None,
            fast: bool = True, call_cache: bool = True) -> list[tuple[str, float]]:
    """Median CPU µs per request of each operation, and of the floor app, on an empty
    database at ``url``. GetCallData asks about the same call again and again, as a poller
    does; ``call_cache=False`` makes every one of them read the call's entries."""
    seeded = workload.seed(url, requests * 2 + 10)
    config = Config(database_url=url) if call_cache else Config(database_url=url, call_cache_mb=0)
    app = create_app(config, fast=fast)
    ops = operations(seeded, app)
    floor = FloorApp(workload.get_call_data(seeded.call_20))
    rows = []
    try:
        for name, make in ops.items():
            if only and not name.startswith(only):
                continue
            bodies = [make() for _ in range(requests)]
            for body in bodies[:5]:
                status, out = call(app, body)
                assert status.startswith("200"), out[:500]
            profiler = _profiler(profile)
            samples = []
            for body in bodies[5:]:
                start = time.process_time()
                status, out = call(app, body)
                samples.append(time.process_time() - start)
                assert status.startswith("200"), out[:500]
            _report(profiler, name)
            rows.append((name, statistics.median(samples) * 1e6))
        samples = []
        body = workload.get_call_data(seeded.call_20)
        for _ in range(requests):
            start = time.process_time()
            call(floor, body)
            samples.append(time.process_time() - start)
        rows.append(("floor", statistics.median(samples) * 1e6))
    finally:
        app.close()
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--profile", choices=("pyinstrument", "cprofile"))
    parser.add_argument("--op", help="only this operation (a prefix of its name)")
    parser.add_argument("--spyne", action="store_true", help="every operation through Spyne alone")
    parser.add_argument("--no-call-cache", dest="call_cache", action="store_false",
                        help="GetCallData reads the entries every time (HELPDESK_CALL_CACHE_MB=0)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        rows = measure(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args.requests, args.op,
                       args.profile, fast=not args.spyne, call_cache=args.call_cache)
    for name, us in rows:
        print(f"{name:30s} {us:10.1f} µs")


def _profiler(kind):
    if kind == "pyinstrument":
        from pyinstrument import Profiler
        profiler = Profiler(interval=0.0005)
        profiler.start()
        return profiler
    if kind == "cprofile":
        import cProfile
        profiler = cProfile.Profile()
        profiler.enable()
        return profiler
    return None


def _report(profiler, name):
    if profiler is None:
        return
    print(f"===== {name}")
    if hasattr(profiler, "output_text"):
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    else:
        import pstats
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
