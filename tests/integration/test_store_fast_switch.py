"""The store's fast path (store/fast/) switched on and off, on one engine each: off, the
repositories' statements run through SQLAlchemy's Connection.execute, connections come
from SQLAlchemy's pool, and transactions are SQLAlchemy's."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from helpdesk_soap.store import fast
from helpdesk_soap.store.engine import make_engine, make_session_factory
from helpdesk_soap.store.fast import prepared
from helpdesk_soap.store.migrate import upgrade
from helpdesk_soap.store.repositories import reference
from helpdesk_soap.store.unit_of_work import SqlUnitOfWork
from tests.support.statements import statements_run


@pytest.fixture(params=[True, False], ids=["fast", "plain"])
def switched(request, database_url):
    engine = make_engine(database_url, fast_path=request.param)
    upgrade(engine)
    yield engine, request.param
    engine.dispose()


def test_the_switch_decides_how_a_repository_statement_runs(switched):
    engine, on = switched
    assert fast.enabled(engine) is on
    with engine.connect() as connection, connection.begin():
        result = fast.execute(connection, reference._REFERENCE_VERSION, {})
        assert isinstance(result, prepared.Rows) is on
        assert result.scalar_one() >= 0
    assert (fast.idle_connections(engine) is not None) is on


def test_off_the_fast_path_a_writer_begins_through_sqlalchemy(switched):
    """Whether SQLAlchemy sees the BEGIN IMMEDIATE is the point here, so this test (unlike
    the statement counts, tests/support/statements.py) listens to SQLAlchemy's statement
    events; the driver runs the BEGIN IMMEDIATE both ways."""
    engine, on = switched
    statements = []
    event.listen(engine, "before_cursor_execute", lambda c, cur, sql, *rest: statements.append(sql))
    idle = fast.idle_connections(engine)
    try:
        with statements_run(engine) as driver_ran:
            _write_and_read_back(engine, on, idle, statements)
    finally:
        if idle is not None:
            idle.close()  # the connection it keeps, before the fixture disposes of the engine
    if engine.dialect.name == "sqlite":
        assert "BEGIN IMMEDIATE" in driver_ran.control


def _write_and_read_back(engine, on, idle, statements):
    with SqlUnitOfWork(make_session_factory(engine), idle=idle) as uow:
        uow.settings.get()
        if engine.dialect.name == "postgresql":
            driver = uow.session.connection().connection.driver_connection
            assert driver.autocommit is on  # reads before a write: autocommit on the fast path only
        uow.begin_write()
        uow.settings.set("web_base_url", "https://help.example")
        uow.commit()
    with SqlUnitOfWork(make_session_factory(engine)) as uow:
        assert uow.settings.get().web_base_url == "https://help.example"
    if engine.dialect.name == "sqlite":
        # The fast path begins on the driver, unseen by SQLAlchemy's statement events.
        assert ("BEGIN IMMEDIATE" in statements) is not on
