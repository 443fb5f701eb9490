"""A unit of work's store session (store/session.py), on both stores: Core statements and
ORM rows share one transaction, which commits or rolls back as one; an ORM session is
made only where a repository asks for one, and lives one transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, select

from helpdesk_soap.domain.model import CallRequest, Category, Entry, EntryKind, Priority
from helpdesk_soap.services import calls
from helpdesk_soap.services.unit_of_work import Conflict
from helpdesk_soap.store.engine import make_session_factory
from helpdesk_soap.store.models import CustomerRow, EntryRow
from helpdesk_soap.store.unit_of_work import SqlUnitOfWork

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
