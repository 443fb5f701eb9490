"""Stateless workers and machines over one database: several zeep clients at once
against `serve --workers 4`, and two separate server processes on one database."""

from __future__ import annotations

import random
import threading
from collections import Counter, defaultdict

import pytest
from sqlalchemy import func, select
from zeep.exceptions import Fault

from helpdesk_soap.services import staff
from helpdesk_soap.store.engine import make_engine, make_session_factory
from helpdesk_soap.store.models import CallRow, EntryRow
from helpdesk_soap.store.unit_of_work import SqlUnitOfWork
from tests.support.databases import BACKENDS, make_migrated_database
from tests.support.server import PASSWORDS, start_server, stop_server

CLIENTS = 6
TICKETS = 24


def seed(server) -> None:
    server.cli("customer", "add", "ACME", "--name", "Acme Airline")
    server.cli("login", "add", "acme-tts", "--customer", "ACME", "--password-stdin",
               stdin=PASSWORDS["acme-tts"] + "\n")


def run_threads(target, count: int) -> list:
    results, errors = [None] * count, []

    def wrapper(i):
        try:
            results[i] = target(i)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=wrapper, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    return results


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path):
    url, cleanup = make_migrated_database(request.param, request, tmp_path)
    yield url
    cleanup()


def count_calls(database_url: str) -> tuple[int, int]:
    engine = make_engine(database_url)
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(CallRow)).scalar()
        distinct = conn.execute(select(func.count(func.distinct(CallRow.external_ticket_id)))).scalar()
    engine.dispose()
    return total, distinct


def test_four_workers_and_concurrent_clients(database, tmp_path):
    proc, server = start_server(tmp_path, database, workers=4)
    try:
        seed(server)
        tickets = [f"INC-{n:04d}" for n in range(TICKETS)]

        def create_and_poll(i):
            client = server.client("acme-tts")
            order = tickets[:]
            random.Random(i).shuffle(order)  # every ticket is sent by every client, in another order
            seen = {}
            for ext in order:
                r = client.service.CreateCall(Call={"CustomerId": "ACME", "Subject": f"Fault {ext}",
                                                    "Description": "Load.", "Priority": "High",
                                                    "Category": "Question", "ExternalTicketId": ext})
                seen[ext] = (r.CallId, r.Created)
                assert client.service.GetCallData(CallId=r.CallId).ExternalTicketId == ext
            return seen

        results = run_threads(create_and_poll, CLIENTS)
        ids = defaultdict(set)
        created = Counter()
        for seen in results:
            for ext, (call_id, was_created) in seen.items():
                ids[ext].add(call_id)
                created[ext] += was_created
        assert all(len(v) == 1 for v in ids.values()), "one ExternalTicketId, one call"
        assert all(created[ext] == 1 for ext in tickets), "exactly one response said Created"
        assert count_calls(database) == (TICKETS, TICKETS)

        engine = make_engine(database)
        factory = make_session_factory(engine)
        call_ids = sorted(next(iter(v)) for v in ids.values())
        for call_id in call_ids:
            with SqlUnitOfWork(factory) as uow:
                staff.propose_solution(uow, call_id, "Replaced the line card", author="tech")

        def accept_all(i):
            client = server.client("acme-tts")
            return [client.service.SetSolutionAcceptance(CallId=c, Accepted=True, Comment=f"client {i}").Changed
                    for c in (call_ids if i % 2 else reversed(call_ids))]

        answers = run_threads(accept_all, CLIENTS)
        assert sum(sum(a) for a in answers) == TICKETS, "each call changed by exactly one answer"
        with engine.connect() as conn:
            accepted = conn.execute(select(EntryRow.call_id, func.count()).where(
                EntryRow.text.like("Solution accepted%")).group_by(EntryRow.call_id)).all()
        engine.dispose()
        assert sorted(accepted) == [(c, 1) for c in call_ids]
    finally:
        stop_server(proc)
    assert "Traceback" not in server.log.read_text()


def test_two_servers_share_one_database(database, tmp_path):
    proc_a, a = start_server(tmp_path, database, workers=2)
    proc_b, b = start_server(tmp_path, database, workers=2)
    try:
        seed(a)
        created = a.client("acme-tts").service.CreateCall(Call={
            "CustomerId": "ACME", "Subject": "Created on machine A", "Description": "A.", "Priority": "Low",
            "Category": "Question", "ExternalTicketId": "CROSS-1"})
        client_b = b.client("acme-tts")
        assert client_b.service.GetCallData(CallId=created.CallId).Subject == "Created on machine A"
        retried = client_b.service.CreateCall(Call={
            "CustomerId": "ACME", "Subject": "retry on B", "Description": "B.", "Priority": "Low",
            "Category": "Question", "ExternalTicketId": "CROSS-1"})
        assert retried.CallId == created.CallId and not retried.Created
        b.cli("call", "propose-solution", str(created.CallId), "Reset the handset")
        assert client_b.service.SetSolutionAcceptance(CallId=created.CallId, Accepted=True).Changed
        final = a.client("acme-tts").service.GetCallData(CallId=created.CallId)
        assert final.SolutionState == "Accepted" and final.Status.Code == "SOLUTION_ACCEPTED"

        # A session opened on one machine works on the other, and ends on both.
        token = a.anonymous().service.Login(LoginName="acme-tts", Password=PASSWORDS["acme-tts"]).Token
        on_b = b.anonymous()
        on_b.set_default_soapheaders({"Session": {"Token": token}})
        assert on_b.service.GetCallData(CallId=created.CallId).CallId == created.CallId
        on_a = a.anonymous()
        on_a.set_default_soapheaders({"Session": {"Token": token}})
        on_a.service.Logout()
        with pytest.raises(Fault) as exc:
            on_b.service.GetCallData(CallId=created.CallId)
        assert exc.value.code.endswith("Client.SessionExpired")
    finally:
        stop_server(proc_a)
        stop_server(proc_b)


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_serve_with_a_read_replica(database_url, postgres_replica, tmp_path):
    from sqlalchemy.engine import make_url

    replica_url = postgres_replica.url(make_url(database_url).database)
    proc, server = start_server(tmp_path, database_url,
                                extra_env={"HELPDESK_DATABASE_REPLICA_URL": replica_url})
    try:
        seed(server)
        client = server.client("acme-tts")
        created = client.service.CreateCall(Call={"CustomerId": "ACME", "Subject": "Replica read",
                                                  "Description": "Read me.", "Priority": "Low",
                                                  "Category": "Question"})
        # Read at once: the standby may not have the call yet, and must not be trusted.
        data = client.service.GetCallData(CallId=created.CallId)
        assert [h.Text for h in data.HistoryEntries.HistoryEntry] == ["Call created by acme-tts."]
        server.cli("call", "add-history", str(created.CallId), "second entry")
        texts = [h.Text for h in client.service.GetCallData(CallId=created.CallId).HistoryEntries.HistoryEntry]
        assert texts[-1] == "second entry"
    finally:
        stop_server(proc)
    assert "Traceback" not in server.log.read_text()
