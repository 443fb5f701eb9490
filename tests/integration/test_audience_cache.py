"""Who hears of a write, kept per worker (store/cache.py, migration 0013).

Every write asks which push listeners it reaches and which technicians chose its
event. A worker keeps those answers under the reference and account versions that
authentication reads anyway, so a write asks nothing while they hold; a listener,
a technician's preferences or the customers a technician is named for, changed by
whoever (the services, another worker, plain SQL), count from the next write on.
"""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from helpdesk_soap.config import Config
from helpdesk_soap.domain.desk import NotifyEvent, TechnicianPrefs
from helpdesk_soap.domain.events import EventType
from helpdesk_soap.domain.model import Role
from helpdesk_soap.services import admin, desk, listeners
from helpdesk_soap.soap.app import create_app
from helpdesk_soap.store.cache import ReferenceCache
from helpdesk_soap.store.engine import make_session_factory
from helpdesk_soap.store.models import OutboxRow, PushDeliveryRow
from helpdesk_soap.store.unit_of_work import SqlUnitOfWork
from tests.support.statements import statements_run
from tests.support.wsgi_soap import CREATE, call, envelope

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)
TECH = "tech@helpdesk.example"
WHO_HEARS = ("push_listeners", "technician_prefs")


@pytest.fixture
def app(engine, seeded, database_url):
    gateway = create_app(Config(database_url=database_url))
    yield gateway
    gateway.close()


@pytest.fixture
def technician(uow_factory):
    """A technician who asked to hear of new calls, responsible for every customer."""
    with uow_factory() as uow:
        admin.add_login(uow, "tech", None, "tech-password", role=Role.STAFF, email=TECH)
        principal = uow.logins.by_name("tech").principal
    with uow_factory() as uow:
        desk.set_prefs(uow, principal, TechnicianPrefs(events=frozenset({NotifyEvent.NEW_CALL})))
    return principal


def create(app) -> list[str]:
    """A CreateCall of acme-tts; the statements it ran."""
    with statements_run() as statements:
        status, _, answer = call(app, body=envelope("CreateCall", CREATE))
    assert status == "200 OK", answer
    return list(statements)


def asking(statements) -> list[str]:
    return [s for s in statements if any(table in s for table in WHO_HEARS)]


def count(engine, query) -> int:
    with engine.connect() as conn:
        return conn.execute(query).scalar_one()


def deliveries(engine) -> int:
    return count(engine, select(func.count()).select_from(PushDeliveryRow))


def mails_to_tech(engine) -> int:
    return count(engine, select(func.count()).select_from(OutboxRow)
                 .where(OutboxRow.recipient == TECH))


def test_a_write_asks_nobody_while_listeners_and_technicians_are_unchanged(app, technician):
    first = create(app)
    assert len(asking(first)) == 2, first  # the listeners, the technicians: then kept
    again = create(app)
    assert any("INSERT INTO calls" in s for s in again)
    assert asking(again) == [], again


def test_a_listener_changed_by_plain_sql_counts_from_the_next_write(app, engine, seeded):
    create(app)  # fills the cache: nobody listens
    assert deliveries(engine) == 0
    with engine.begin() as conn:  # acme-sl listens to the calls of its customer
        conn.execute(text(
            "INSERT INTO push_listeners (login_id, customer_id, url, format, events, secret, "
            "active, created_at, consecutive_failures) VALUES (:login, :customer, "
            "'http://127.0.0.1:9/hook', 'JSON', 'CallCreated', 's', :yes, :now, 0)"),
            {"login": seeded["acme-sl"].login_id, "customer": seeded["acme-sl"].customer_id,
             "yes": True, "now": "2026-12-04 00:00:00"})
    create(app)
    assert deliveries(engine) == 1
    version = count(engine, text("SELECT value FROM change_counter WHERE id = 3"))
    with engine.begin() as conn:  # what the delivery workers stamp moves no version
        conn.execute(text("UPDATE push_listeners SET consecutive_failures = 3"))
    assert count(engine, text("SELECT value FROM change_counter WHERE id = 3")) == version
    with engine.begin() as conn:
        conn.execute(text("UPDATE push_listeners SET active = :no"), {"no": False})
    assert count(engine, text("SELECT value FROM change_counter WHERE id = 3")) == version + 1
    create(app)
    assert deliveries(engine) == 1  # switched off: nothing more


def test_a_listener_registered_through_the_service_hears_the_next_write(app, engine, seeded,
                                                                        uow_factory):
    create(app)
    with uow_factory() as uow:
        listeners.register(uow, seeded["acme-sl"], "http://127.0.0.1:9/hook", ["CallCreated"],
                           "JSON", LOOPBACK)
    create(app)
    assert deliveries(engine) == 1


def test_technicians_preferences_and_customers_count_from_the_next_write(app, engine, seeded,
                                                                         technician, uow_factory):
    create(app)
    assert mails_to_tech(engine) == 1
    with engine.begin() as conn:  # unavailable, by plain SQL
        conn.execute(text("UPDATE technician_prefs SET available = :no"), {"no": False})
    create(app)
    assert mails_to_tech(engine) == 1
    with uow_factory() as uow:
        desk.set_prefs(uow, technician, TechnicianPrefs(events=frozenset({NotifyEvent.NEW_CALL})))
    create(app)
    assert mails_to_tech(engine) == 2
    with engine.begin() as conn:  # named for GLOBEX only: no longer responsible for ACME
        conn.execute(text("INSERT INTO technician_customers (login_id, customer_id) "
                          "VALUES (:login, :customer)"),
                     {"login": technician.login_id, "customer": seeded["globex-tts"].customer_id})
    create(app)
    assert mails_to_tech(engine) == 2


def test_an_uncommitted_listener_is_never_kept(engine, seeded):
    """A unit of work registers a listener (its transaction moves the account version),
    asks who hears of a call of its customer, then rolls back. What it read must not be kept
    under any version another transaction can take."""
    cache = ReferenceCache()
    factory = make_session_factory(engine)
    acme = seeded["acme-sl"]
    with SqlUnitOfWork(factory, cache=cache) as uow:
        uow.begin_write()
        uow.push.add_listener(acme.login_id, acme.customer_id, "http://127.0.0.1:9/hook", "JSON",
                              (EventType.CALL_CREATED,), "s", datetime(2026, 12, 4, tzinfo=UTC))
        assert len(uow.push.audience(acme.customer_id, None, None)) == 1  # its own, uncommitted
        uow.rollback()
    with engine.begin() as conn:  # takes the version the rolled-back change had
        conn.execute(text("UPDATE logins SET email = 'x@acme.example' WHERE name = 'acme-tts'"))
    with SqlUnitOfWork(factory, cache=cache) as uow:
        assert uow.push.audience(acme.customer_id, None, None) == ()
