"""Request types as stored configuration, on both backends: the migration's seed, the admin
services, CreateCall and GetRequestTypes following them, and the workers' caches."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lxml import etree
from sqlalchemy import inspect, select, text

from helpdesk_soap.config import Config
from helpdesk_soap.domain import errors
from helpdesk_soap.domain.model import CallRequest, Category, Priority, Role, Visibility
from helpdesk_soap.domain.request_types import DEFAULT, FieldState
from helpdesk_soap.services import admin, calls, request_types, workflow
from helpdesk_soap.soap.app import create_app
from helpdesk_soap.store.cache import ReferenceCache
from helpdesk_soap.store.engine import make_engine, make_session_factory
from helpdesk_soap.store.migrate import downgrade, upgrade
from helpdesk_soap.store.models import RequestTypeFieldRow
from helpdesk_soap.store.unit_of_work import SqlUnitOfWork

from tests.support.cli import cli
from tests.support.mail_intake import corpus
from tests.support.wsgi_soap import TNS, call, envelope, fault_of

TECH = Category.TECHNICAL_SUPPORT
T0 = datetime(2026, 11, 23, 7, 40, tzinfo=UTC)
#: A TechnicalSupport call from someone with no web domain to name (an airline's phones).
PHONES = CallRequest("ACME", "Phones down", Priority.HIGH, TECH, "All phones are dead.",
                     first_occurred_at=T0)


@pytest.fixture
def people(uow_factory, seeded):
    """seeded's principals, with an admin, a technician and a person at ACME."""
    with uow_factory() as uow:
        admin.add_login(uow, "boss", None, "boss-password", role=Role.ADMIN)
        admin.add_login(uow, "tech", None, "tech-password", role=Role.STAFF)
        admin.add_login(uow, "pat", "ACME", "pat-password", role=Role.CUSTOMER)
        return {**seeded, **{n: uow.logins.by_name(n).principal for n in ("boss", "tech", "pat")}}


def stored_rows(engine) -> list[tuple]:
    t = RequestTypeFieldRow.__table__
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(t.c.category, t.c.position, t.c.name, t.c.required, t.c.label, t.c.max_length)
            .order_by(t.c.category, t.c.position))]


def default_rows() -> list[tuple]:
    return sorted((c.value, n, r.name, r.required, r.label, r.max_length)
                  for c, rules in DEFAULT.items() for n, r in enumerate(rules, 1))


def test_the_migration_seeds_the_table_that_was_built_in(engine, uow_factory):
    assert stored_rows(engine) == default_rows()
    with uow_factory() as uow:
        assert dict(workflow.request_types(uow)) == dict(DEFAULT)


def test_upgrading_an_existing_database_keeps_its_rules_and_downgrading_drops_them(
        empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine, "0007")
        assert "request_type_fields" not in inspect(engine).get_table_names()
        upgrade(engine)
        assert stored_rows(engine) == default_rows()
        downgrade(engine, "0007")
        assert "request_type_fields" not in inspect(engine).get_table_names()
        with engine.begin() as conn:  # the reference version's other triggers still work
            before = conn.execute(text("SELECT value FROM change_counter WHERE id = 2")).scalar()
            conn.execute(text("UPDATE settings SET value = '7' WHERE key = 'lockout_threshold'"))
            assert conn.execute(text("SELECT value FROM change_counter WHERE id = 2")).scalar() > before
        upgrade(engine)
        assert stored_rows(engine) == default_rows()
    finally:
        engine.dispose()


def test_an_admin_relaxes_a_rule_and_create_call_and_get_request_types_follow(engine, uow_factory, people):
    with uow_factory() as uow, pytest.raises(errors.MissingField) as exc:
        calls.create_call(uow, people["acme-tts"], PHONES)
    assert exc.value.field == "AffectedDomain"
    with uow_factory() as uow:
        changed = request_types.set_field(uow, people["boss"], TECH, "AffectedDomain", FieldState.OPTIONAL)
    assert changed.customised
    assert {f.name: f.state for f in changed.fields}["AffectedDomain"] is FieldState.OPTIONAL
    with uow_factory() as uow:
        assert calls.create_call(uow, people["acme-tts"], PHONES).created
    with uow_factory() as uow:
        published = {r.name: r.required for r in workflow.request_types(uow)[TECH]}
    assert published["AffectedDomain"] is False and published["FirstOccurredAt"] is True

    with uow_factory() as uow:
        again = request_types.reset(uow, people["boss"], TECH)
    assert not again.customised
    with uow_factory() as uow, pytest.raises(errors.MissingField):
        calls.create_call(uow, people["acme-tts"], PHONES)
    assert stored_rows(engine) == default_rows()


def test_a_field_newly_required_is_asked_of_every_call_of_its_category(uow_factory, people):
    with uow_factory() as uow:
        request_types.set_field(uow, people["boss"], Category.QUESTION, "reporterphone", FieldState.REQUIRED,
                                label="Call-back number", max_length=30)
    question = CallRequest("ACME", "Manual?", Priority.LOW, Category.QUESTION, "Where is it?")
    with uow_factory() as uow, pytest.raises(errors.MissingField) as exc:
        calls.create_call(uow, people["acme-tts"], question)
    assert exc.value.fields == ("ReporterPhone",) and "Call-back number" in exc.value.message
    with uow_factory() as uow, pytest.raises(errors.InvalidArgument) as exc:
        calls.create_call(uow, people["acme-tts"], CallRequest(
            "ACME", "Manual?", Priority.LOW, Category.QUESTION, "Where is it?", reporter_phone="0" * 31))
    assert (exc.value.field, exc.value.limit) == ("ReporterPhone", 30)
    with uow_factory() as uow:
        created = calls.create_call(uow, people["acme-tts"], CallRequest(
            "ACME", "Manual?", Priority.LOW, Category.QUESTION, "Where is it?", reporter_phone="+43 1 234"))
    assert created.call.reporter_phone == "+43 1 234"


@pytest.mark.parametrize("who", ["tech", "acme-tts", "pat"])
def test_only_admins_may_see_or_change_the_configuration(uow_factory, people, who):
    with uow_factory() as uow:
        with pytest.raises(errors.AccessDenied):
            request_types.configuration(uow, people[who])
        with pytest.raises(errors.AccessDenied):
            request_types.set_field(uow, people[who], TECH, "AffectedDomain", FieldState.ABSENT)
        with pytest.raises(errors.AccessDenied):
            request_types.reset(uow, people[who], TECH)
    with uow_factory() as uow:
        assert dict(uow.request_types.get()) == dict(DEFAULT)


@pytest.mark.parametrize("name, state, max_length, field", [
    ("Subject", FieldState.ABSENT, None, "State"),
    ("ServiceLevel", FieldState.REQUIRED, None, "Field"),
    ("AffectedDomain", FieldState.REQUIRED, 5000, "MaxLength"),
])
def test_an_invalid_change_is_refused_and_stores_nothing(uow_factory, people, name, state, max_length, field):
    with uow_factory() as uow, pytest.raises(errors.InvalidArgument) as exc:
        request_types.set_field(uow, people["boss"], TECH, name, state, max_length=max_length)
    assert exc.value.field == field
    with uow_factory() as uow:
        assert dict(uow.request_types.get()) == dict(DEFAULT)


def test_the_admin_view_lists_every_field_a_category_may_ask_for(uow_factory, people):
    with uow_factory() as uow:
        request_types.set_field(uow, people["boss"], TECH, "AffectedDomain", FieldState.ABSENT)
        view = {c.category: c for c in request_types.configuration(uow, people["boss"])}
    tech = {f.name: f for f in view[TECH].fields}
    assert tech["AffectedDomain"].state is FieldState.ABSENT and tech["AffectedDomain"].wire_max_length == 200
    assert tech["Subject"].fixed and not tech["Browser"].fixed
    assert [f.name for f in view[TECH].fields][:3] == ["Subject", "Description", "Priority"]
    assert view[TECH].customised and not view[Category.QUESTION].customised
    assert len(view[Category.QUESTION].fields) == len(tech)


def test_an_unattended_caller_may_get_its_incomplete_call_filed_by_setting(uow_factory, people):
    with uow_factory() as uow:
        admin.set_setting(uow, "accept_incomplete_integration_calls", "true")
    incomplete = CallRequest("ACME", "Phones down", Priority.HIGH, TECH, "All phones are dead.")
    with uow_factory() as uow:
        outcome = calls.create_call(uow, people["acme-tts"], incomplete)
    assert outcome.created
    assert [w.code for w in outcome.warnings] == ["MissingFieldsAccepted"]
    assert "AffectedDomain, FirstOccurredAt" in outcome.warnings[0].message
    with uow_factory() as uow:
        internal = uow.calls.entries(outcome.call.id, visibility=Visibility.INTERNAL)
    assert len(internal) == 1 and "AffectedDomain, FirstOccurredAt" in internal[0].text
    # A person, who can answer the fault, still gets it.
    with uow_factory() as uow, pytest.raises(errors.MissingField):
        calls.create_call(uow, people["pat"], incomplete)


def test_mail_is_filed_whatever_its_request_type_asks_for(intake, uow_factory, people):  # noqa: F811
    with uow_factory() as uow:
        request_types.set_field(uow, people["boss"], Category.QUESTION, "ReporterPhone", FieldState.REQUIRED)
    result = intake.take(corpus("plain_utf8.eml"))
    assert result.kind == "created"
    with uow_factory() as uow:
        internal = uow.calls.entries(result.call_id, visibility=Visibility.INTERNAL)
    assert [e.text for e in internal if "ReporterPhone" in e.text]


# -- the workers' caches -------------------------------------------------------------------

def test_a_cached_worker_sees_a_change_made_elsewhere_at_once(engine, people, uow_factory):
    cache = ReferenceCache()
    factory = make_session_factory(engine)
    with SqlUnitOfWork(factory, cache=cache) as uow:
        first = uow.request_types.get()
    with SqlUnitOfWork(factory, cache=cache) as uow:
        assert uow.request_types.get() is first  # nothing changed: kept
    with uow_factory() as uow:  # as the CLI does, in another process
        request_types.set_field(uow, people["boss"], TECH, "AffectedDomain", FieldState.OPTIONAL)
    with SqlUnitOfWork(factory, cache=cache) as uow:
        assert uow.request_types.get().state(TECH, "AffectedDomain") is FieldState.OPTIONAL
    with engine.begin() as conn:  # an administrator's SQL counts too (the trigger)
        conn.execute(text("UPDATE request_type_fields SET required = :r "
                          "WHERE category = 'TechnicalSupport' AND name = 'AffectedDomain'"), {"r": True})
    with SqlUnitOfWork(factory, cache=cache) as uow:
        assert uow.request_types.get().state(TECH, "AffectedDomain") is FieldState.REQUIRED


def test_a_change_through_a_cached_unit_of_work_shows_in_it_at_once(engine, people):
    cache = ReferenceCache()
    factory = make_session_factory(engine)
    with SqlUnitOfWork(factory, cache=cache) as uow:
        assert uow.request_types.get().state(TECH, "Hosting") is FieldState.OPTIONAL
        request_types.set_field(uow, people["boss"], TECH, "Hosting", FieldState.REQUIRED)
        assert uow.request_types.get().state(TECH, "Hosting") is FieldState.REQUIRED
    with SqlUnitOfWork(factory, cache=cache) as uow:
        assert uow.request_types.get().state(TECH, "Hosting") is FieldState.REQUIRED


CREATE_PHONES = ("<h:Call><h:CustomerId>ACME</h:CustomerId><h:Subject>Phones down</h:Subject>"
                 "<h:Description>All phones are dead.</h:Description><h:Priority>High</h:Priority>"
                 "<h:Category>TechnicalSupport</h:Category>"
                 "<h:FirstOccurredAt>2026-11-23T07:40:00Z</h:FirstOccurredAt></h:Call>")


def affected_domain_required(app) -> bool:
    status, _, body = call(app, body=envelope("GetRequestTypes", ""))
    assert status == "200 OK", body
    doc = etree.fromstring(body)
    for rt in doc.iter(f"{{{TNS}}}RequestType"):
        if rt.findtext(f"{{{TNS}}}Category") == "TechnicalSupport":
            for f in rt.iter(f"{{{TNS}}}RequestField"):
                if f.findtext(f"{{{TNS}}}Name") == "AffectedDomain":
                    return f.findtext(f"{{{TNS}}}Required") == "true"
    raise AssertionError("AffectedDomain not published")


def test_two_running_workers_follow_a_change_made_through_the_cli(engine, seeded, database_url):
    """Two gateways on one store, as two gunicorn workers: both have the rules cached when
    the CLI (another process) relaxes one; the next CreateCall in each sees it."""
    workers = [create_app(Config(database_url=database_url)) for _ in range(2)]
    try:
        for app in workers:
            status, _, body = call(app, body=envelope("CreateCall", CREATE_PHONES))
            assert fault_of(body)[0] == "Client.MissingField" and b">AffectedDomain<" in body
            assert affected_domain_required(app)
        done = cli(database_url, "request-type", "set", "TechnicalSupport", "AffectedDomain", "optional")
        assert done.returncode == 0, done.stderr
        assert "AffectedDomain\toptional" in done.stdout
        for app in workers:
            status, _, body = call(app, body=envelope("CreateCall", CREATE_PHONES))
            assert status == "200 OK", body
            assert not affected_domain_required(app)
        assert cli(database_url, "request-type", "reset", "TechnicalSupport").returncode == 0
        for app in workers:
            assert fault_of(call(app, body=envelope("CreateCall", CREATE_PHONES))[2])[0] == "Client.MissingField"
    finally:
        for app in workers:
            app.close()


@pytest.mark.parametrize("args, fragment", [
    (("request-type", "set", "Question", "Subject", "optional"), "stays required"),
    (("request-type", "set", "Question", "NoSuchField", "required"), "not a field"),
    (("request-type", "set", "Sideways", "Browser", "required"), "Invalid value"),
    (("request-type", "set", "Question", "Browser", "maybe"), "Invalid value"),
    (("request-type", "set", "Question", "Browser", "required", "--max-length", "999"), "between 1 and 200"),
])
def test_the_cli_refuses_an_invalid_change_in_one_line(engine, database_url, args, fragment):
    out = cli(database_url, *args)
    assert out.returncode != 0 and fragment in out.stderr, out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert stored_rows(engine) == default_rows()


def test_the_cli_lists_the_configuration(engine, database_url):
    out = cli(database_url, "request-type", "list", "technicalsupport", "--all")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "TechnicalSupport"
    assert "  AffectedDomain\trequired\tText\t200\tDomain where the problem occurs" in lines
    assert "  ReporterPhone\tabsent\tText\t-\tPhone number of the person reporting" in lines
    assert not [line for line in lines if line.startswith(("Question", "Improvement"))]
