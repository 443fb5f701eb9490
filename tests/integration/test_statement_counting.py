"""tests/support/statements.py counts what the drivers run, on the path production takes:
while it counts, the store's fast path still runs its statements on the driver's cursor."""

from __future__ import annotations

import psycopg
import pytest

from helpdesk_soap.store import fast
from helpdesk_soap.store.engine import make_engine, make_session_factory
from helpdesk_soap.store.fast import prepared
from helpdesk_soap.store.repositories import reference
from helpdesk_soap.store.unit_of_work import SqlUnitOfWork
from tests.support.statements import statements_run


@pytest.fixture(params=[True, False], ids=["fast", "plain"])
def switched(request, database_url):
    engine = make_engine(database_url, fast_path=request.param)
    yield engine, request.param
    engine.dispose()


def test_counting_leaves_the_fast_path_on_and_counts_both_paths_alike(switched):
    engine, on = switched
    with engine.connect() as warm, warm.begin():  # a connection in the pool before counting
        fast.execute(warm, reference._REFERENCE_VERSION, {})
    with statements_run(engine) as statements:
        with engine.connect() as connection, connection.begin():
            result = fast.execute(connection, reference._REFERENCE_VERSION, {})
            assert isinstance(result, prepared.Rows) is on  # the driver's cursor, not SQLAlchemy
            assert not prepared._listened(connection)
    assert len(statements) == 1 and "change_counter" in statements[0], statements
    assert statements.control == (["BEGIN", "COMMIT"] if engine.dialect.name == "sqlite" else [])


def test_a_connection_kept_idle_before_counting_is_counted(engine):
    """The store's idle connections (and, on PostgreSQL, the cursor the fast path keeps with
    each) were made before the count began."""
    factory = make_session_factory(engine)
    idle = fast.idle_connections(engine)
    try:
        with SqlUnitOfWork(factory, idle=idle) as uow:
            uow.settings.get()
        with statements_run(engine) as statements:
            for _ in range(2):
                with SqlUnitOfWork(factory, idle=idle) as uow:
                    uow.settings.get()
    finally:
        if idle is not None:
            idle.close()
    assert len(statements) == 2 and all("FROM settings" in s for s in statements), statements


def test_a_write_counts_once_whatever_its_triggers_do_and_the_pools_ping_never(engine):
    """SQLite reports a write again for each trigger it fires (settings' keep the reference
    version); the pool pings a PostgreSQL connection at each checkout."""
    factory = make_session_factory(engine)
    with SqlUnitOfWork(factory) as uow:
        uow.settings.get()
    with statements_run(engine) as statements:
        with SqlUnitOfWork(factory) as uow:
            uow.begin_write()
            uow.settings.set("web_base_url", "https://help.example")
            uow.commit()
    writes = [s for s in statements if s.lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert len(writes) == 1 and "settings" in writes[0], statements
    assert not [s for s in statements if s.strip().upper() in ("SELECT 1", ";")]
    if engine.dialect.name == "sqlite":
        assert statements.control[0].startswith("BEGIN") and statements.control[-1] == "COMMIT"


def test_only_the_engines_named_and_only_inside_the_block(engine, database_url):
    other = make_engine(database_url)
    try:
        with statements_run(engine) as statements:
            with other.connect() as connection, connection.begin():
                fast.execute(connection, reference._REFERENCE_VERSION, {})
        assert statements == []
        with statements_run() as everywhere:  # no engine named: every engine's
            with other.connect() as connection, connection.begin():
                fast.execute(connection, reference._REFERENCE_VERSION, {})
        with engine.connect() as connection, connection.begin():
            fast.execute(connection, reference._REFERENCE_VERSION, {})
    finally:
        other.dispose()
    assert len(everywhere) == 1
    assert psycopg.Cursor.execute.__module__ == "psycopg.cursor"  # the driver's own again
