"""GetCallData reads entries from a real streaming replica, but never a stale one."""

from __future__ import annotations

import time

import pytest
from sqlalchemy.engine import make_url

from helpdesk_soap.domain.model import EntryKind
from helpdesk_soap.services import calls, staff
from helpdesk_soap.store.engine import make_engine, make_session_factory
from helpdesk_soap.store.unit_of_work import SqlUnitOfWork
from tests.support.services import create
from tests.support.statements import statements_run

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


@pytest.fixture
def replica_engine(postgres_replica, database_url):
    engine = make_engine(postgres_replica.url(make_url(database_url).database))
    yield engine
    engine.dispose()


def wait_for_replay(replica_engine, call_id, version, seconds=20):
    factory = make_session_factory(replica_engine)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with SqlUnitOfWork(factory) as uow:
                call = uow.calls.get(call_id)
                if call is not None and call.version == version:
                    return
        except Exception:
            pass  # the database may not exist on the standby yet
        time.sleep(0.1)
    pytest.fail("the replica did not catch up")


def test_entries_come_from_an_up_to_date_replica(uow_factory, seeded, replica_engine):
    p = seeded["acme-tts"]
    call = create(uow_factory, p).call
    wait_for_replay(replica_engine, call.id, call.version)
    with statements_run(replica_engine) as statements, uow_factory() as uow, \
            SqlUnitOfWork(make_session_factory(replica_engine)) as replica:
        data = calls.get_call_data(uow, p, call.id, replica)
    assert [e.text for e in data.history] == ["Call created by acme-tts."]
    assert any("FROM call_entries" in sql for sql in statements)


def test_a_lagging_replica_is_not_read(uow_factory, seeded, replica_engine, postgres_replica):
    p = seeded["acme-tts"]
    call = create(uow_factory, p).call
    wait_for_replay(replica_engine, call.id, call.version)
    postgres_replica.sql("SELECT pg_wal_replay_pause()")
    try:
        with uow_factory() as uow:
            staff.add_entry(uow, call.id, EntryKind.HISTORY, "written after the pause", author="tech")
        with statements_run(replica_engine) as statements, uow_factory() as uow, \
                SqlUnitOfWork(make_session_factory(replica_engine)) as replica:
            data = calls.get_call_data(uow, p, call.id, replica)
        assert "written after the pause" in [e.text for e in data.history]
        assert statements, "the replica was asked how far it is"
        assert not any("FROM call_entries" in sql for sql in statements)
    finally:
        postgres_replica.sql("SELECT pg_wal_replay_resume()")
