"""Alembic migrations on a real SQLite file: the only way the schema changes."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from helpdesk_soap.domain.settings import Settings
from helpdesk_soap.store.engine import make_engine
from helpdesk_soap.store.migrate import downgrade, upgrade
from helpdesk_soap.store.models import Base

TABLES = {"customers", "call_statuses", "settings", "logins", "calls", "call_entries"}


def test_upgrade_from_empty_then_downgrade_to_base(empty_database_url):
    engine = make_engine(empty_database_url)
    upgrade(engine)
    assert TABLES <= set(inspect(engine).get_table_names())
    downgrade(engine, "base")
    assert not TABLES & set(inspect(engine).get_table_names())
    upgrade(engine)
    assert TABLES <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_models_and_migrations_agree(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                Base.metadata)
    assert diff == []


def test_fresh_database_has_working_defaults(engine):
    with engine.connect() as conn:
        settings = Settings.from_mapping(dict(conn.execute(text("select key, value from settings")).all()))
        statuses = {row[0] for row in conn.execute(text("select code from call_statuses"))}
        customers = {row[0] for row in conn.execute(text("select number from customers"))}
    for key in ("new_call_status", "unknown_customer_status", "solution_proposed_status",
                "solution_accepted_status", "solution_rejected_status"):
        assert getattr(settings, key) in statuses, key
    assert settings.unknown_customer_number in customers


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_sqlite_runs_in_wal_mode_with_foreign_keys(engine):
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_upgrading_existing_calls_numbers_them_for_change_polling(empty_database_url):
    """Calls stored before 0003 get change numbers and a customer-visible change time, and
    new changes are numbered after them."""
    from helpdesk_soap.domain.model import CallRequest, Category, Priority
    from helpdesk_soap.services import admin, auth, calls, workflow
    from helpdesk_soap.security import PasswordVerifier
    from helpdesk_soap.store.engine import make_session_factory
    from helpdesk_soap.store.unit_of_work import SqlUnitOfWork

    engine = make_engine(empty_database_url)
    upgrade(engine, "0002")
    with engine.begin() as conn:
        customer = conn.execute(text("SELECT id FROM customers WHERE number = 'UNKNOWN'")).scalar()
        for n in (1, 2):
            conn.execute(text(
                "INSERT INTO calls (customer_id, origin_customer_id, reported_customer_number, subject, "
                "description, priority, category, status_code, components, solution_state, created_at, "
                "updated_at, version) VALUES (:c, :c, 'UNKNOWN', :s, '', 'Low', 'Question', 'NEW', '[]', "
                "'None', :t, :t, 1)"), {"c": customer, "s": f"old {n}", "t": f"2025-0{n}-01 10:00:00"})
    upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, change_seq, changed_at, updated_at FROM calls ORDER BY id")).all()
        counter = conn.execute(text("SELECT value FROM change_counter")).scalar()
    assert [r.change_seq for r in rows] == [r.id for r in rows] and counter == rows[-1].id
    assert all(r.changed_at == r.updated_at for r in rows)

    factory = make_session_factory(engine)
    with SqlUnitOfWork(factory) as uow:
        admin.add_login(uow, "old-tts", "UNKNOWN", "old-password")
    with SqlUnitOfWork(factory) as uow:
        principal = auth.authenticate(uow, PasswordVerifier(), "old-tts", "old-password")
        new = calls.create_call(uow, principal, CallRequest("UNKNOWN", "new", Priority.LOW,
                                                            Category.QUESTION, "d")).call
    assert new.change_seq == counter + 1
    with SqlUnitOfWork(factory) as uow:
        changes = workflow.changed_calls(uow, principal, 0)
    assert [r.call_id for r in changes.rows] == [r.id for r in rows] + [new.id]
    engine.dispose()
