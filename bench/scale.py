"""Flat cost at scale: the operations' database work with 1,000 calls and with 1,000,000.

    python -m bench.scale [--large 1000000] [--url postgresql+psycopg://...]

Without --url it starts a throwaway PostgreSQL server (as the test suite does).
It measures the service layer in-process (authentication, the unit of work
and every query; no HTTP or SOAP, whose cost does not depend on the data
size) for CreateCall, GetCallData on a call with 20 public entries,
SetSolutionAcceptance and the staff service's "changed since" listing:
first with --small calls, then again after filling the database up to
--large. Writes a Markdown table to stdout.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from helpdesk_soap.domain.model import CallRequest, Category, EntryKind, Priority
from helpdesk_soap.security import PasswordVerifier
from helpdesk_soap.services import admin, auth, calls, staff
from helpdesk_soap.store.devdata import generate
from helpdesk_soap.store.engine import make_engine, make_session_factory
from helpdesk_soap.store.migrate import upgrade
from helpdesk_soap.store.unit_of_work import SqlUnitOfWork


@contextmanager
def database(url: str | None):
    if url:
        yield url
        return
    sys.path.insert(0, ".")
    from tests.support.postgres import PostgresServer

    server = PostgresServer().start()
    try:
        yield server.url(server.create_database())
    finally:
        server.stop()


def timings(fn, n: int) -> dict[str, float]:
    samples = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {"p50": statistics.median(samples), "p99": samples[int(len(samples) * 0.99) - 1]}


def measure(factory, verifier, label: str, n: int) -> dict[str, dict[str, float]]:
    def uow():
        return SqlUnitOfWork(factory)

    with uow() as u:
        principal = auth.authenticate(u, verifier, "bench", "bench-password")
    with uow() as u:
        target = calls.create_call(u, principal, CallRequest("BENCH", "Get target", Priority.LOW,
                                                           Category.QUESTION, "Bench.")).call.id
    for k in range(19):
        with uow() as u:
            staff.add_entry(u, target, EntryKind.HISTORY, f"entry {k}", author="bench")

    def create(i):
        with uow() as u:
            auth.authenticate(u, verifier, "bench", "bench-password")
            calls.create_call(u, principal, CallRequest("BENCH", f"Bench {label} {i}", Priority.LOW,
                                                         Category.QUESTION, "Bench.",
                                                         external_ticket_id=f"{label}-{i}"))

    def get(i):
        with uow() as u:
            auth.authenticate(u, verifier, "bench", "bench-password")
            assert len(calls.get_call_data(u, principal, target).history) == 20

    answer_ids = []
    for i in range(n):
        with uow() as u:
            cid = calls.create_call(u, principal, CallRequest("BENCH", "answer", Priority.LOW,
                                                            Category.QUESTION, "Bench.")).call.id
        with uow() as u:
            staff.propose_solution(u, cid, "fix", author="bench")
        answer_ids.append(cid)

    def answer(i):
        with uow() as u:
            auth.authenticate(u, verifier, "bench", "bench-password")
            calls.set_solution_acceptance(u, principal, answer_ids[i], True, "ok")

    since = datetime.now(UTC) - timedelta(hours=1)

    def changed_since(i):
        with uow() as u:
            staff.list_calls(u, staff.CallFilter(changed_since=since), None, 50)

    return {"CreateCall": timings(create, n), "GetCallData (20 entries)": timings(get, n),
            "SetSolutionAcceptance": timings(answer, n),
            "staff ListCalls(ChangedSince=1 h ago)": timings(changed_since, n)}


def main(argv=None) -> None:
    # Turn SIGTERM into a normal exit, so a throwaway PostgreSQL server is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="PostgreSQL (or SQLite) URL of an empty database")
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args(argv)

    with database(args.url) as url:
        engine = make_engine(url)
        upgrade(engine)
        factory = make_session_factory(engine)
        verifier = PasswordVerifier()
        with SqlUnitOfWork(factory) as u:
            admin.add_customer(u, "BENCH", "Bench customer")
            admin.add_login(u, "bench", "BENCH", "bench-password")
        results = {}
        for size in (args.small, args.large):
            have = 0
            with engine.connect() as conn:
                have = conn.execute(text("SELECT count(*) FROM calls")).scalar()
            started = time.monotonic()
            if size > have:
                generate(engine, size - have, seed=size)
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
                entries = conn.execute(text("SELECT count(*) FROM call_entries")).scalar()
            print(f"{size:,} calls, {entries:,} entries (filled in {time.monotonic() - started:.0f} s)",
                  file=sys.stderr)
            results[size] = measure(factory, verifier, f"s{size}", args.requests)
        engine.dispose()

    small, large = results[args.small], results[args.large]
    print(f"| operation (ms, {engine.dialect.name}) | p50 @ {args.small:,} | p99 @ {args.small:,} "
          f"| p50 @ {args.large:,} | p99 @ {args.large:,} | p50 ratio |")
    print("|---|---|---|---|---|---|")
    for op in small:
        s, g = small[op], large[op]
        print(f"| {op} | {s['p50']:.2f} | {s['p99']:.2f} | {g['p50']:.2f} | {g['p99']:.2f} "
              f"| {g['p50'] / s['p50']:.2f}x |")


if __name__ == "__main__":
    main()
