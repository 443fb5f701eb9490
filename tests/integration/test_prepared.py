"""The repositories' statements on the driver's cursor (store/prepared.py), on both stores:
the same rows, values and types as SQLAlchemy's own execution, and SQLAlchemy's
handling wherever the shortcut would change anything."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import bindparam, column, event, func, insert, select, table
from sqlalchemy.exc import DBAPIError, MultipleResultsFound, NoResultFound

from helpdesk_soap.domain.errors import Conflict, StoreUnavailable
from helpdesk_soap.domain.model import CallRequest, Category, Principal, Priority, Visibility
from helpdesk_soap.services import auth, calls, workflow
from helpdesk_soap.services.auth import token_hash
from helpdesk_soap.store.fast import prepared
from helpdesk_soap.store.repositories import accounts, attachments, call_rows, logins, reference
from helpdesk_soap.store.engine import make_engine, make_session_factory
from helpdesk_soap.store.models import CallRow, EntryRow, StatusRow
from helpdesk_soap.store.unit_of_work import SqlUnitOfWork
from tests.support.databases import make_migrated_database
from tests.support.fast import fast_path_only

pytestmark = fast_path_only

REQUEST = CallRequest(customer_number="ACME", subject="Phones down", priority=Priority.HIGH,
                      category=Category.QUESTION, description="No dial tone in sales.",
                      external_ticket_id="INC-1")


@pytest.fixture
def stored(uow_factory, seeded):
    """A call with customer-visible and internal entries, an attachment, and a session."""
    acme: Principal = seeded["acme-tts"]
    with uow_factory() as uow:
        call = calls.create_call(uow, acme, REQUEST).call
    with uow_factory() as uow:
        workflow.add_note(uow, acme, call.id, "Still no dial tone.")
    with uow_factory() as uow:
        uow.begin_write()
        attachment = uow.attachments.add(call.id, "trace.txt", "text/plain", 3, "ab" * 32,
                                         Visibility.PUBLIC, "acme-tts", calls.utcnow())
        uow.commit()
    with uow_factory() as uow:
        uow.begin_write()
        uow.sessions.add(token_hash("a-token"), acme.login_id, calls.utcnow(),
                         calls.utcnow() + timedelta(minutes=30))
        uow.commit()
    return call, attachment


def reads(call, attachment) -> list[tuple[object, dict]]:
    """Every SELECT the repositories run through _core, with arguments that find rows."""
    return [
        (call_rows._CALL_BY_ID, {"call_id": call.id}),
        (call_rows._CALL_BY_ID_LOCKED, {"call_id": call.id}),
        (call_rows._CALL_BY_EXTERNAL_ID, {"origin": call.origin_customer_id,
                                          "external": call.external_ticket_id}),
        (call_rows._ENTRIES, {"call_id": call.id}),
        (call_rows._ENTRIES_VISIBLE, {"call_id": call.id, "visibility": Visibility.PUBLIC.value}),
        (attachments._ATTACHMENT_BY_ID, {"id": attachment.id}),
        (attachments._ATTACHMENTS, {"call_id": call.id}),
        (attachments._ATTACHMENTS_VISIBLE, {"call_id": call.id, "visibility": Visibility.PUBLIC.value}),
        (accounts._CUSTOMER_BY_ID, {"id": call.customer_id}),
        (accounts._CUSTOMER_BY_NUMBER, {"number": "ACME"}),
        (accounts._CUSTOMER_BY_MAIL_DOMAIN, {"domain": "nowhere.example"}),
        (accounts._CUSTOMERS_BY_NUMBER, {}),
        (reference._STATUS_BY_CODE, {"code": call.status_code}),
        (reference._STATUSES_BY_CODE, {}),
        (logins._LOGIN_BY_NAME, {"name": "acme-tts"}),
        (logins._LOGIN_BY_ID, {"id": 1}),
        (logins._LOGIN_BY_EMAIL, {"email": "nobody@example.com"}),
        (logins._LOGIN_BY_SESSION, {"hash": token_hash("a-token")}),
        (logins._SESSION_BY_HASH, {"hash": token_hash("a-token")}),
        (reference._SETTINGS, {}),
        (reference._REFERENCE_VERSION, {}),
    ]


def test_every_repository_read_gives_what_sqlalchemy_gives(engine, stored):
    found_rows = 0
    with engine.begin() as connection:
        for statement, params in reads(*stored):
            expected = [tuple(row) for row in connection.execute(statement, params)]
            got = prepared.execute(connection, statement, params)
            assert isinstance(got, prepared.Rows), statement  # the driver's cursor ran it
            assert got == expected, statement
            for row, want in zip(got, expected):
                assert [type(v) for v in row] == [type(v) for v in want], statement
                for value in row:
                    if isinstance(value, datetime):
                        assert value.utcoffset() == timedelta(0)  # UTCDateTime's processor ran
            found_rows += len(got)
    assert found_rows > 20  # the arguments did find rows


def test_the_services_work_through_it_end_to_end(uow_factory, seeded, stored):
    call, attachment = stored
    acme = seeded["acme-tts"]
    with uow_factory() as uow:
        principal = auth.authenticate_session(uow, "a-token")
        data = calls.get_call_data(uow, principal, call.id)
    assert principal == acme
    assert [e.text for e in data.history][-1] == "Still no dial tone."
    assert [a.id for a in data.attachments] == [attachment.id]
    with uow_factory() as uow:
        assert uow.customers.get(call.customer_id).number == "ACME"
        assert uow.statuses.get(call.status_code).code == call.status_code
        assert uow.sessions.get(token_hash("a-token"))[0] == acme.login_id


def test_a_listened_to_statement_goes_through_sqlalchemy(engine, stored):
    seen: list[str] = []
    listener = lambda conn, cursor, sql, params, context, many: seen.append(sql)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        with engine.begin() as connection:
            row = prepared.execute(connection, call_rows._CALL_BY_ID, {"call_id": stored[0].id}).first()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert row.id == stored[0].id  # a SQLAlchemy Row
    assert len(seen) == 1 and "FROM calls" in seen[0]


def test_an_expanding_in_list_goes_through_sqlalchemy(engine, stored):
    statement = select(CallRow.id).where(CallRow.id.in_(bindparam("ids", expanding=True)))
    with engine.begin() as connection:
        rows = prepared.execute(connection, statement, {"ids": [stored[0].id, 10**6]}).all()
    assert [tuple(r) for r in rows] == [(stored[0].id,)]
    assert prepared._PREPARED[(statement, engine.dialect, ("ids",), False)] is None


def test_a_drivers_error_comes_out_as_sqlalchemys(engine):
    missing = select(table("no_such_table", column("x")))
    with engine.connect() as connection:
        connection.begin()
        with pytest.raises(DBAPIError) as raised:
            prepared.execute(connection, missing, {})
    assert "no_such_table" in str(raised.value)
    assert prepared._PREPARED[(missing, engine.dialect, (), False)] is not None  # the shortcut ran it
    assert not raised.value.connection_invalidated


def test_rows_keep_the_result_methods_contract():
    assert prepared.Rows([]).first() is None and prepared.Rows([]).one_or_none() is None
    assert prepared.Rows([(1, 2)]).scalar_one() == 1
    with pytest.raises(MultipleResultsFound):
        prepared.Rows([(1,), (2,)]).one_or_none()
    with pytest.raises(MultipleResultsFound):
        prepared.Rows([(1,), (2,)]).scalar_one()
    with pytest.raises(NoResultFound):
        prepared.Rows([]).scalar_one()


def test_a_connection_the_postgresql_server_dropped_is_invalidated(request, tmp_path):
    url, cleanup = make_migrated_database("postgresql", request, tmp_path)
    engine = make_engine(url, pool_size=1, max_overflow=0)
    killer = make_engine(url)
    factory = make_session_factory(engine)
    try:
        with pytest.raises(StoreUnavailable):
            with SqlUnitOfWork(factory) as uow:
                pid = uow.session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
                with killer.connect() as conn:
                    assert conn.exec_driver_sql(f"SELECT pg_terminate_backend({pid})").scalar()
                uow.settings.get()  # a prepared read on the dropped connection
        with SqlUnitOfWork(factory) as uow:  # the pool replaced it
            assert uow.session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar() != pid
            assert uow.settings.get().session_idle_minutes > 0
    finally:
        engine.dispose()
        killer.dispose()
        cleanup()


# -- writes -------------------------------------------------------------------------------

def stored_rows(connection, table, where) -> list[tuple]:
    return [tuple(r) for r in connection.execute(select(table).where(where).order_by(table.c.id))]


def test_an_insert_writes_what_sqlalchemys_writes(engine, stored):
    call = stored[0]
    entries = EntryRow.__table__
    now = calls.utcnow()
    one = {"call_id": call.id, "kind": "Note", "visibility": "Public", "contact_type": None,
           "author": "ü-author", "text": "line\nline <&>", "path": None, "created_at": now}
    many = [dict(one, text=f"entry {n}", contact_type="Phone") for n in range(3)]
    with engine.begin() as connection:
        first = entries.c.id > connection.execute(select(func.max(entries.c.id))).scalar()
        for params in (one, many):
            assert isinstance(prepared.execute(connection, call_rows._INSERT_ENTRY, params), prepared.Rows)
            connection.execute(call_rows._INSERT_ENTRY, params)  # SQLAlchemy's own, the same values
        written = stored_rows(connection, entries, first)
    ours, theirs = [written[0], *written[2:5]], [written[1], *written[5:8]]
    assert len(written) == 8
    assert [r[1:] for r in ours] == [r[1:] for r in theirs]  # all but the id
    assert ours[0][-1] == now and ours[0][-1].utcoffset() == timedelta(0)


def test_returning_and_rowcount(engine, stored):
    call = stored[0]
    with engine.begin() as connection:
        sequence = [prepared.execute(connection, call_rows._NEXT_CHANGE, {}).scalar_one(),
                    connection.execute(call_rows._NEXT_CHANGE, {}).scalar_one(),
                    prepared.execute(connection, call_rows._NEXT_CHANGE, {}).scalar_one()]
        assert sequence == [sequence[0], sequence[0] + 1, sequence[0] + 2]
        version = connection.execute(select(CallRow.version).where(CallRow.id == call.id)).scalar_one()
        params = {f"v_{name}": value for name, value in call_rows._call_values(call).items()}
        params.update(w_id=call.id, v_version=version + 1, v_subject="Renamed")
        stale = prepared.execute(connection, call_rows._SAVE_CALL, dict(params, w_version=version - 1))
        assert isinstance(stale, prepared.Rows) and stale.rowcount == 0
        assert prepared.execute(connection, call_rows._SAVE_CALL, dict(params, w_version=version)).rowcount == 1
        row = connection.execute(select(CallRow.subject, CallRow.version, CallRow.components)
                                 .where(CallRow.id == call.id)).one()
    assert tuple(row) == ("Renamed", version + 1, list(call.components))


def test_a_unique_violation_is_sqlalchemys_integrity_error(uow_factory, seeded, stored):
    with uow_factory() as uow:
        uow.begin_write()
        twin = uow.calls.get(stored[0].id)
        twin.id = None
        with pytest.raises(Conflict):  # the same external ticket id: CallRepository.add's mapping
            uow.calls.add(twin)


def test_an_insert_that_needs_a_python_default_goes_through_sqlalchemy(engine):
    statuses = StatusRow.__table__
    statement = insert(statuses)
    with engine.begin() as connection:
        prepared.execute(connection, statement, {"code": "X-DEFAULTS", "name": "x", "stage": "Open"})
        row = connection.execute(select(statuses.c.result_visible, statuses.c.is_final)
                                 .where(statuses.c.code == "X-DEFAULTS")).one()
    assert tuple(row) == (False, False)  # the model's defaults, which only SQLAlchemy computes
    assert prepared._PREPARED[(statement, engine.dialect, ("code", "name", "stage"), False)] is None


def test_a_statement_runs_on_a_cursor_of_its_own_connection(engine, stored):
    """psycopg's cursor is kept with its driver connection and used again (prepared._cursor);
    SQLite's is made for each statement and closed."""
    with engine.connect() as one, engine.connect() as other:
        for connection in (one, other):
            connection.begin()
            assert prepared.execute(connection, reference._REFERENCE_VERSION, {}).scalar_one() >= 0
        cursors = [prepared._cursor(c) for c in (one, one, other)]
        drivers = [c.connection.dbapi_connection for c in (one, one, other)]
        for (cursor, kept), driver in zip(cursors, drivers):
            assert cursor.connection is driver
            assert kept == (engine.dialect.name != "sqlite")
            if not kept:
                cursor.close()
        if engine.dialect.name != "sqlite":
            assert cursors[0][0] is cursors[1][0] and cursors[0][0] is not cursors[2][0]


def test_after_a_statement_fails_the_connection_runs_the_next_one(uow_factory, seeded, stored):
    call = stored[0]
    with uow_factory() as uow:
        uow.begin_write()
        twin = uow.calls.get(call.id)
        twin.id = None
        with pytest.raises(Conflict):
            uow.calls.add(twin)
        uow.rollback()
        assert uow.calls.get(call.id).subject == call.subject  # on the same connection
