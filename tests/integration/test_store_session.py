"""A unit of work's store session (store/session.py), on both stores: Core statements and
ORM rows share one transaction, which commits or rolls back as one; an ORM session is
made only where a repository asks for one, and lives one transaction."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, select

from helpdesk_soap.domain.model import CallRequest, Category, Entry, EntryKind, Priority
from helpdesk_soap.services import calls
from helpdesk_soap.domain.errors import Conflict
from helpdesk_soap.store.engine import make_engine, make_session_factory
from helpdesk_soap.store.models import CustomerRow, EntryRow
from helpdesk_soap.store.repositories import versions
from helpdesk_soap.store.fast import IdleConnections, idle_connections
from helpdesk_soap.store.unit_of_work import SqlUnitOfWork
from tests.support.fast import fast_path_only
from tests.support.statements import statements_run

REQUEST = CallRequest(customer_number="ACME", subject="Phones down", priority=Priority.HIGH,
                      category=Category.QUESTION, description="No dial tone in sales.")


@pytest.fixture
def factory(engine):
    return make_session_factory(engine)


@pytest.fixture
def call_id(factory, seeded):
    with SqlUnitOfWork(factory) as uow:
        return calls.create_call(uow, seeded["acme-tts"], REQUEST).call.id


def orm_sessions_begun(factory) -> list:
    begun = []
    event.listen(factory, "after_begin", lambda session, transaction, connection: begun.append(session))
    return begun


def write_both(uow, call_id: int, number: str) -> None:
    """A Core UPDATE and INSERT (the call and its entry) and an ORM row (the customer)."""
    uow.begin_write()
    call = uow.calls.get(call_id)
    call.record(Entry(EntryKind.HISTORY, f"entry for {number}", "tech", datetime.now(UTC)))
    uow.calls.save(call)
    uow.customers.add(number, f"Customer {number}")


def stored(factory, call_id: int) -> tuple[list[str], list[str]]:
    with SqlUnitOfWork(factory) as uow:
        texts = [e.text for e in uow.calls.entries(call_id)]
        numbers = [c.number for c in uow.customers.list()]
    return texts, numbers


def test_core_statements_and_orm_rows_commit_together(factory, call_id):
    with SqlUnitOfWork(factory) as uow:
        write_both(uow, call_id, "NEW")
        uow.commit()
    texts, numbers = stored(factory, call_id)
    assert "entry for NEW" in texts and "NEW" in numbers


def test_without_a_commit_neither_is_kept(factory, call_id):
    with SqlUnitOfWork(factory) as uow:
        write_both(uow, call_id, "GONE")
    with SqlUnitOfWork(factory) as uow:
        write_both(uow, call_id, "ROLLED")
        uow.rollback()
    texts, numbers = stored(factory, call_id)
    assert not {"entry for GONE", "entry for ROLLED"} & set(texts)
    assert not {"GONE", "ROLLED"} & set(numbers)


def test_reads_take_no_orm_session_and_a_repository_that_adds_rows_does(factory, seeded, call_id):
    begun = orm_sessions_begun(factory)
    with SqlUnitOfWork(factory) as uow:
        data = calls.get_call_data(uow, seeded["acme-tts"], call_id)
        assert data.call.id == call_id
    assert begun == []
    with SqlUnitOfWork(factory) as uow:
        uow.begin_write()
        uow.customers.add("ORM", "Added through the ORM")
        uow.commit()
    assert len(begun) == 1


def test_each_transaction_has_its_own_orm_session(factory, call_id):
    begun = orm_sessions_begun(factory)
    with SqlUnitOfWork(factory) as uow:
        write_both(uow, call_id, "FIRST")
        uow.commit()
        write_both(uow, call_id, "SECOND")
        uow.commit()
    assert len(begun) == 2 and begun[0] is not begun[1]
    texts, numbers = stored(factory, call_id)
    assert {"entry for FIRST", "entry for SECOND"} <= set(texts)
    assert {"FIRST", "SECOND"} <= set(numbers)


def test_a_row_that_fails_at_commit_is_a_conflict_and_takes_the_core_writes_with_it(factory, call_id):
    with SqlUnitOfWork(factory) as uow:
        uow.begin_write()
        call = uow.calls.get(call_id)
        call.record(Entry(EntryKind.HISTORY, "written before the conflict", "tech", datetime.now(UTC)))
        uow.calls.save(call)
        uow.session.add(CustomerRow(number="ACME", name="a second ACME", created_at=datetime.now(UTC)))
        with pytest.raises(Conflict):
            uow.commit()
        # The unit of work goes on, in a new transaction on the same connection.
        write_both(uow, call_id, "AFTER")
        uow.commit()
    texts, numbers = stored(factory, call_id)
    assert "written before the conflict" not in texts and "entry for AFTER" in texts
    assert numbers.count("ACME") == 1 and "AFTER" in numbers


def test_the_connection_goes_back_to_the_pool(engine, factory, call_id):
    checked_out = engine.pool.checkedout()
    for _ in range(3):
        with SqlUnitOfWork(factory) as uow:
            write_both(uow, call_id, f"N{_}")
            assert engine.pool.checkedout() == checked_out + 1
            uow.commit()
        with SqlUnitOfWork(factory) as uow:
            uow.calls.get(call_id)
    assert engine.pool.checkedout() == checked_out
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(EntryRow)
                                   .where(EntryRow.call_id == call_id)).scalar()
    assert count == 1 + 3  # "Call created" and the three committed entries


# --- Connections kept between units of work (IdleConnections) ---------------------------

@pytest.fixture
def idle(engine):
    kept = idle_connections(engine)
    yield kept
    kept.close()


def driver_of(uow):
    return uow.session.connection().connection.driver_connection


@fast_path_only
def test_the_next_unit_of_work_takes_the_connection_the_last_one_left(factory, idle, call_id):
    with SqlUnitOfWork(factory, idle=idle) as uow:
        first = driver_of(uow)
        uow.calls.get(call_id)
    with SqlUnitOfWork(factory, idle=idle) as uow:
        assert driver_of(uow) is first
        assert uow.calls.get(call_id).id == call_id


@fast_path_only
def test_a_kept_connection_holds_nothing_of_the_unit_of_work_that_left_it(factory, idle, call_id):
    with SqlUnitOfWork(factory, idle=idle) as uow:
        write_both(uow, call_id, "LEFT")  # written, never committed
    with SqlUnitOfWork(factory, idle=idle) as uow:
        texts = [e.text for e in uow.calls.entries(call_id)]
        assert "entry for LEFT" not in texts
        write_both(uow, call_id, "NEXT")  # and it can write: no lock is left behind
        uow.commit()
    texts, numbers = stored(factory, call_id)
    assert "entry for NEXT" in texts and "entry for LEFT" not in texts
    assert "NEXT" in numbers and "LEFT" not in numbers


@fast_path_only
def test_a_kept_connection_sees_what_others_committed_since(engine, factory, idle, call_id):
    with SqlUnitOfWork(factory, idle=idle) as uow:
        before = uow.calls.get(call_id).version
    with SqlUnitOfWork(factory) as other:  # through the pool: another connection
        write_both(other, call_id, "ELSEWHERE")
        other.commit()
    with SqlUnitOfWork(factory, idle=idle) as uow:
        assert uow.calls.get(call_id).version == before + 1


@fast_path_only
def test_no_more_than_keep_wait_and_close_gives_them_back(engine, factory, idle, call_id):
    checked_out = engine.pool.checkedout()
    with SqlUnitOfWork(factory, idle=idle) as a, SqlUnitOfWork(factory, idle=idle) as b, \
            SqlUnitOfWork(factory, idle=idle) as c:
        for uow in (a, b, c):
            uow.calls.get(call_id)
        assert engine.pool.checkedout() == checked_out + 3
    assert engine.pool.checkedout() == checked_out + idle.keep == checked_out + 2
    idle.close()
    assert engine.pool.checkedout() == checked_out


@fast_path_only
def test_after_a_connection_is_invalidated_the_next_unit_of_work_gets_a_new_one(engine, factory, idle, call_id):
    with SqlUnitOfWork(factory, idle=idle) as uow:
        first = driver_of(uow)
        uow.session.connection().invalidate()
    with SqlUnitOfWork(factory, idle=idle) as uow:
        assert driver_of(uow) is not first
        assert uow.calls.get(call_id).id == call_id


# --- PostgreSQL: reads run in autocommit until the unit of work writes ------------------

postgresql_only = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


def server_transaction(uow):
    from psycopg.pq import TransactionStatus
    status = uow.session.connection().connection.driver_connection.info.transaction_status
    return {TransactionStatus.IDLE: "none", TransactionStatus.INTRANS: "open"}.get(status, status)


@fast_path_only
@postgresql_only
def test_a_read_opens_no_transaction_on_the_server(factory, seeded, call_id):
    with SqlUnitOfWork(factory) as uow:
        assert calls.get_call_data(uow, seeded["acme-tts"], call_id).call.id == call_id
        assert server_transaction(uow) == "none"  # no BEGIN was sent, no ROLLBACK is due


@fast_path_only
@postgresql_only
def test_after_begin_write_the_statements_share_one_transaction(factory, call_id):
    with SqlUnitOfWork(factory) as uow:
        uow.calls.get(call_id)
        uow.begin_write()
        uow.calls.get(call_id)
        assert server_transaction(uow) == "open"
        uow.commit()
        uow.calls.get(call_id)  # after the commit: reads on their own again
        assert server_transaction(uow) == "none"


@fast_path_only
@postgresql_only
@pytest.mark.parametrize("kept", [False, True], ids=["from-the-pool", "kept-idle"])
def test_connections_go_back_to_the_pool_out_of_autocommit(request, seeded, kept):
    engine = make_engine(str(request.getfixturevalue("database_url")), pool_size=1, max_overflow=0)
    idle = idle_connections(engine) if kept else None
    try:
        with SqlUnitOfWork(make_session_factory(engine), idle=idle) as uow:
            uow.settings.get()
            assert uow.session.connection().connection.driver_connection.autocommit
        if idle is not None:
            idle.close()
        with engine.connect() as connection:  # the same connection: the pool holds one
            assert connection.connection.driver_connection.autocommit is False
    finally:
        engine.dispose()


def backend_pid(uow) -> int:
    return uow.session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()


def pool_checkouts(engine) -> list:
    seen = []
    event.listen(engine.pool, "checkout", lambda *args: seen.append(1))
    return seen


@fast_path_only
@postgresql_only
def test_a_kept_connection_the_server_ended_is_not_used(engine, factory, idle, call_id):
    with SqlUnitOfWork(factory, idle=idle) as uow:
        pid = backend_pid(uow)
    with engine.connect() as other:  # the server ends the kept connection while it waits
        assert other.exec_driver_sql(f"SELECT pg_terminate_backend({pid})").scalar()
    time.sleep(0.2)  # the backend's goodbye reaches the socket
    with SqlUnitOfWork(factory, idle=idle) as uow:  # no StoreUnavailable: a new connection
        assert uow.calls.get(call_id).id == call_id
        assert backend_pid(uow) != pid


@fast_path_only
@postgresql_only
def test_a_connection_kept_too_long_goes_back_to_the_pool_which_pings_it(engine, factory, call_id):
    idle = IdleConnections(engine, max_idle=0.5)
    checkouts = pool_checkouts(engine)
    try:
        for pause, expected in ((0, 1), (0, 1), (0.7, 2)):
            time.sleep(pause)
            with SqlUnitOfWork(factory, idle=idle) as uow:
                uow.calls.get(call_id)
            assert len(checkouts) == expected
    finally:
        idle.close()


@fast_path_only
@postgresql_only
def test_a_connection_older_than_the_recycle_age_goes_back_to_the_pool(engine, factory, call_id):
    idle = IdleConnections(engine, recycle=0.5)
    checkouts = pool_checkouts(engine)
    try:
        for _ in range(3):  # kept: taken as it is
            with SqlUnitOfWork(factory, idle=idle) as uow:
                uow.calls.get(call_id)
        assert len(checkouts) == 1
        time.sleep(0.6)
        with SqlUnitOfWork(factory, idle=idle) as uow:
            uow.calls.get(call_id)
        assert len(checkouts) == 2
    finally:
        idle.close()


def a_session(factory, principal) -> str:
    """A session token's hash, stored for ``principal``'s login."""
    from datetime import timedelta
    now = datetime.now(UTC)
    with SqlUnitOfWork(factory) as uow:
        uow.begin_write()
        uow.sessions.add("hash-of-a-token", principal.login_id, now, now + timedelta(hours=1))
        uow.commit()
    return "hash-of-a-token"


def test_a_session_tokens_query_reads_the_versions_with_the_session(engine, factory, seeded):
    token_hash = a_session(factory, seeded["acme-tts"])
    with statements_run(engine) as statements, SqlUnitOfWork(factory) as uow:
        login_id, _ = uow.logins.session_of(token_hash)
        assert login_id == seeded["acme-tts"].login_id
        assert versions(uow.session) == reference_and_account_versions(factory)
    assert len(statements) == 2  # the session's query, and reference_and_account_versions'


def test_an_unknown_session_token_is_none_and_the_versions_are_read_on_their_own(factory):
    with SqlUnitOfWork(factory) as uow:
        assert uow.logins.session_of("no-such-hash") is None
        assert versions(uow.session) == reference_and_account_versions(factory)


def reference_and_account_versions(factory) -> tuple[int, int]:
    with SqlUnitOfWork(factory) as uow:
        return versions(uow.session)
