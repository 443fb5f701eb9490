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


def test_upgrade_from_empty_then_downgrade_to_base(database_url):
    engine = make_engine(database_url)
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
