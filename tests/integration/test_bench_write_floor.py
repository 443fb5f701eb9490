"""The benchmark's write floor: what it replays is all of a CreateCall's database work."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bench import workload
from bench.inprocess import call
from bench.write_floor import Replay, WriteFloorApp, _recording, record
from helpdesk_soap.config import Config
from helpdesk_soap.services import admin
from helpdesk_soap.soap.app import create_app
from helpdesk_soap.store.engine import make_engine, make_session_factory
from helpdesk_soap.store.migrate import upgrade
from helpdesk_soap.store.unit_of_work import SqlUnitOfWork
from tests.support.fast import fast_path_only
from tests.support.statements import statements_run

#: It records and replays the statements of the store's fast path (store/fast/prepared.py).
pytestmark = fast_path_only


@pytest.fixture
def bench_database(database_url):
    """The benchmark's customer and login, and nothing else."""
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    with SqlUnitOfWork(factory) as uow:
        admin.add_customer(uow, workload.CUSTOMER, "Bench customer")
    with SqlUnitOfWork(factory) as uow:
        admin.add_login(uow, workload.LOGIN, workload.CUSTOMER, workload.PASSWORD)
    engine.dispose()
    return database_url


def calls_by_external_id(url: str, external_id: str) -> list[tuple]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(
                "SELECT c.id, c.change_seq, c.subject, count(e.id) FROM calls c "
                "LEFT JOIN call_entries e ON e.call_id = c.id "
                "WHERE c.external_ticket_id = :ext GROUP BY c.id, c.change_seq, c.subject"),
                {"ext": external_id}).all()
    finally:
        engine.dispose()


def test_the_write_floor_files_a_call_as_createcall_does_with_the_values_it_returns_now(
        bench_database):
    app = WriteFloorApp(Config(database_url=bench_database), b"<answer/>")
    try:
        status, body = call(app, workload.create_call("ignored: the floor parses nothing"))
        app.write("floor-2")
    finally:
        app.close()
    assert status.startswith("200") and body == b"<answer/>"
    recorded = calls_by_external_id(bench_database, app.replay_ids[1])
    first = calls_by_external_id(bench_database, "floor-2")
    assert len(recorded) == len(first) == 1
    (recorded_id, recorded_seq, subject, recorded_entries), = recorded
    (call_id, change_seq, floor_subject, entries), = first
    # A call of its own, numbered after the recorded ones, with its history entry on it.
    assert call_id > recorded_id and change_seq > recorded_seq
    assert floor_subject == subject and entries == recorded_entries >= 1


def test_the_recording_holds_every_statement_a_createcall_sends(tmp_path):
    """Nothing goes around the recording (a statement SQLAlchemy ran itself would): what
    the SQLite driver saw, less its transaction control, is what was recorded."""
    url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    with SqlUnitOfWork(make_session_factory(engine)) as uow:
        admin.add_customer(uow, workload.CUSTOMER, "Bench customer")
    with SqlUnitOfWork(make_session_factory(engine)) as uow:
        admin.add_login(uow, workload.LOGIN, workload.CUSTOMER, workload.PASSWORD)
    engine.dispose()
    app = create_app(Config(database_url=url))
    try:
        call(app, workload.create_call("warm"))
        log = []
        with _recording(log), statements_run() as sent:  # without BEGIN, COMMIT, ROLLBACK
            status, _ = call(app, workload.create_call("traced"))
    finally:
        app.close()
    assert status.startswith("200")
    assert len(log) == len(sent) >= 4  # the login's versions, the lookup, the counter, the inserts
    assert [s.split()[0] for s in sent] == [s.sql.split()[0] for s in log]


def test_a_replay_refuses_recordings_of_different_statements():
    from bench.write_floor import Statement

    with pytest.raises(RuntimeError, match="different statements"):
        Replay([Statement("SELECT 1", (), [(1,)])], [Statement("SELECT 2", (), [(1,)])], ("a", "b"))


def test_record_runs_createcall_through_the_gateway_and_fails_loudly_if_it_fails(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)  # no bench login: CreateCall is refused
    engine.dispose()
    with pytest.raises(RuntimeError, match="CreateCall failed while recording"):
        record(Config(database_url=url), ("a", "b"), "warm")
