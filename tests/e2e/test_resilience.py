"""Retries, concurrency and faults around the process, against live servers.

Figures asserted here: 2,000 CreateCalls from 8 clients with 30% repeats lose no
call and duplicate none; a killed worker loses no acknowledged call and a
retry duplicates none; the database going away gives Server.Unavailable, not a
hang, and the service recovers by itself.
"""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from xml.sax.saxutils import escape

import pytest
import requests

from tests.support.databases import BACKENDS, make_migrated_database
from tests.support.server import PASSWORDS, start_server, stop_server
from tests.support.http_soap import envelope, fault
from tests.support.postgres import PostgresServer

CALL_ID = re.compile(rb"<tns:CallId>(\d+)</tns:CallId>")


def create_body(ext: str) -> bytes:
    return envelope(
        "<h:CreateCall><h:Call><h:CustomerId>ACME</h:CustomerId>"
        f"<h:ExternalTicketId>{escape(ext)}</h:ExternalTicketId><h:Subject>Load {escape(ext)}</h:Subject>"
        "<h:Description>Load.</h:Description><h:Priority>High</h:Priority><h:Category>TechnicalSupport</h:Category>"
        "<h:FirstOccurredAt>2026-11-23T07:40:00Z</h:FirstOccurredAt><h:AffectedDomain>pbx.acme.example</h:AffectedDomain>"
        "</h:Call></h:CreateCall>")


def seed(server) -> None:
    server.cli("customer", "add", "ACME", "--name", "Acme Airline")
    server.cli("login", "add", "acme-tts", "--customer", "ACME", "--password-stdin",
               stdin=PASSWORDS["acme-tts"] + "\n")


def assert_store_consistent(server) -> None:
    """No call without its first history entry; no status change without its audit entry."""
    orphans = server.sql("SELECT count(*) FROM calls c WHERE NOT EXISTS "
                         "(SELECT 1 FROM call_entries e WHERE e.call_id = c.id AND e.text LIKE 'Call created by%')")
    assert orphans[0][0] == 0
    unaudited = server.sql("SELECT count(*) FROM calls c WHERE c.status_code <> 'NEW' AND NOT EXISTS "
                           "(SELECT 1 FROM call_entries e WHERE e.call_id = c.id AND e.text LIKE 'Status changed%')")
    assert unaudited[0][0] == 0


@pytest.fixture(params=BACKENDS)
def fresh(request, tmp_path):
    url, drop = make_migrated_database(request.param, request, tmp_path)
    yield request.param, url, tmp_path
    drop()


def test_2000_concurrent_creates_with_30_percent_repeats(fresh):
    backend, url, tmp = fresh
    proc, server = start_server(tmp, url, workers=2)
    try:
        seed(server)
        sent: list[str] = []
        lock = threading.Lock()
        answers: dict[str, set[int]] = {}

        def client(i: int) -> int:
            rng = random.Random(i)
            session = requests.Session()
            for n in range(250):
                with lock:
                    repeat = sent and rng.random() < 0.30
                    ext = rng.choice(sent) if repeat else f"LOAD-{i}-{n}"
                    if not repeat:
                        sent.append(ext)
                response = session.post(server.url + "/helpdesk", data=create_body(ext), timeout=60,
                                        headers={"Content-Type": "text/xml; charset=utf-8"})
                assert response.status_code == 200, response.text[:500]
                with lock:
                    answers.setdefault(ext, set()).add(int(CALL_ID.search(response.content).group(1)))
            return 250

        with ThreadPoolExecutor(8) as pool:
            assert sum(pool.map(client, range(8))) == 2000
        distinct = len(set(sent))
        assert all(len(ids) == 1 for ids in answers.values()), "a repeat got another call"
        stored = server.sql("SELECT count(*), count(DISTINCT external_ticket_id) FROM calls")[0]
        assert tuple(stored) == (distinct, distinct), f"lost or duplicated: {stored} vs {distinct}"
        assert_store_consistent(server)
    finally:
        stop_server(proc)


def test_a_killed_worker_loses_no_acknowledged_call_and_retries_duplicate_none(fresh):
    backend, url, tmp = fresh
    proc, server = start_server(tmp, url, workers=2)
    try:
        seed(server)
        acknowledged: dict[str, int] = {}
        failures = []
        lock = threading.Lock()

        def client(i: int) -> None:
            session = requests.Session()
            for n in range(60):
                ext = f"KILL-{i}-{n}"
                for attempt in range(20):  # a ticket system retries with the same ExternalTicketId
                    try:
                        response = session.post(server.url + "/helpdesk", data=create_body(ext), timeout=30,
                                                headers={"Content-Type": "text/xml; charset=utf-8"})
                    except requests.RequestException:  # refused, reset, or an answer cut off
                        session = requests.Session()
                        time.sleep(0.05)
                        continue
                    if response.status_code == 200:
                        with lock:
                            acknowledged[ext] = int(CALL_ID.search(response.content).group(1))
                        break
                    failures.append(fault(response)["code"])  # still a SOAP fault, never HTML
                    time.sleep(0.05)

        def killer() -> None:
            time.sleep(1.0)
            workers = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
            assert workers, "no gunicorn workers found"
            os.kill(int(workers[0]), signal.SIGKILL)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(4)] + [threading.Thread(target=killer)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert len(acknowledged) == 240, f"only {len(acknowledged)} of 240 tickets got through"
        rows = dict(server.sql("SELECT external_ticket_id, id FROM calls"))
        assert rows == acknowledged, "acknowledged calls must be stored, retries must not duplicate"
        assert_store_consistent(server)
    finally:
        stop_server(proc)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_locked_sqlite_database_answers_unavailable_then_recovers(database_url, tmp_path):
    proc, server = start_server(tmp_path, database_url,
                                extra_env={"HELPDESK_SQLITE_BUSY_TIMEOUT_MS": "500"})
    try:
        seed(server)
        blocker = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")
        try:
            started = time.monotonic()
            got = fault(requests.post(server.url + "/helpdesk", data=create_body("LOCKED-1"), timeout=30))
            assert got["code"] == "Server.Unavailable" and time.monotonic() - started < 10
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        ok = requests.post(server.url + "/helpdesk", data=create_body("LOCKED-1"), timeout=30)
        assert ok.status_code == 200
        assert server.sql("SELECT count(*) FROM calls")[0][0] == 1
    finally:
        stop_server(proc)


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="HELPDESK_TEST_BACKENDS excludes PostgreSQL")
def test_a_stopped_postgresql_answers_unavailable_then_recovers(tmp_path):
    pg = PostgresServer().start()  # its own server: this test stops it
    try:
        url = pg.url(pg.create_database())
        proc, server = start_server(tmp_path, url, workers=2)
        try:
            seed(server)
            assert requests.post(server.url + "/helpdesk", data=create_body("PG-1"), timeout=30).status_code == 200
            pg.halt()
            for ext in ("PG-2", "PG-3"):
                started = time.monotonic()
                got = fault(requests.post(server.url + "/helpdesk", data=create_body(ext), timeout=60))
                assert got["code"] == "Server.Unavailable" and time.monotonic() - started < 20
            pg.resume()
            for ext in ("PG-2", "PG-3", "PG-4"):  # no restart of the service
                assert requests.post(server.url + "/helpdesk", data=create_body(ext), timeout=30).status_code == 200
            assert server.sql("SELECT count(*) FROM calls")[0][0] == 4
        finally:
            stop_server(proc)
    finally:
        pg.stop()
