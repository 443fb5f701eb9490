"""What the gateway remembers between requests, and when a change gets through.

Credentials: a cached verification never outlives a password change, in any
worker. Logins (with their portals): cached per worker under the reference and
account versions that triggers keep. Sessions: read on every request. Settings,
statuses and customers: cached per worker under the reference version. Any
change shows at once, whoever makes it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from helpdesk_soap.config import Config
from helpdesk_soap.domain.model import Stage, Status
from helpdesk_soap.services import admin
from helpdesk_soap.soap.app import create_app
from helpdesk_soap.store import fast
from helpdesk_soap.store.cache import ReferenceCache
from helpdesk_soap.store.unit_of_work import SqlUnitOfWork

from tests.support.statements import Statements, statements_run
from tests.support.wsgi_soap import call, envelope, fault_of

GET = "<h:CallId>424242</h:CallId>"  # CallNotFound: authentication passed


@pytest.fixture
def app(engine, seeded, database_url):
    gateway = create_app(Config(database_url=database_url))
    yield gateway
    gateway.close()


def code_of(app, **credentials) -> str:
    return fault_of(call(app, body=envelope("GetCallData", GET, **credentials))[2])[0]


def test_password_change_elsewhere_ends_cached_credentials_at_once(app, uow_factory):
    assert code_of(app) == "Client.CallNotFound"  # verified, now cached
    assert code_of(app) == "Client.CallNotFound"
    with uow_factory() as uow:  # as the CLI does, in another process
        admin.set_password(uow, "acme-tts", "another-password")
    assert code_of(app) == "Client.AuthenticationFailed"
    assert code_of(app, password="another-password") == "Client.CallNotFound"


def test_change_password_operation_ends_the_old_one_at_once(app):
    assert code_of(app) == "Client.CallNotFound"
    status, _, _ = call(app, body=envelope("ChangePassword", "<h:OldPassword>acme-password</h:OldPassword>"
                                           "<h:NewPassword>acme-password-2</h:NewPassword>"))
    assert status == "200 OK"
    assert code_of(app) == "Client.AuthenticationFailed"
    assert code_of(app, password="acme-password-2") == "Client.CallNotFound"


def test_portal_switched_off_elsewhere_counts_at_once(app, uow_factory):
    assert code_of(app) == "Client.CallNotFound"
    with uow_factory() as uow:
        admin.set_portal_active(uow, False, customer_number="ACME")
    assert code_of(app) == "Client.ServiceUnavailable"
    with uow_factory() as uow:
        admin.set_portal_active(uow, True, customer_number="ACME")
    assert code_of(app) == "Client.CallNotFound"


def test_portal_changed_in_the_same_unit_of_work_is_not_answered_from_the_login_query(seeded, uow_factory):
    with uow_factory() as uow:
        principal = uow.logins.by_name("acme-tts").principal
        assert not uow.portals.inactive_for(principal.customer_id, principal.organisation_id)
        uow.begin_write()
        uow.portals.set(customer_id=principal.customer_id, active=False, now=datetime.now(UTC))
        assert uow.portals.inactive_for(principal.customer_id, principal.organisation_id)


def test_settings_and_statuses_changed_elsewhere_show_at_once(engine, seeded, uow_factory):
    """The CLI (another process, no cache) changes them; the cached worker sees it next time."""
    from helpdesk_soap.store.engine import make_session_factory

    cache = ReferenceCache()
    factory = make_session_factory(engine)
    with SqlUnitOfWork(factory, cache=cache) as uow:
        first = uow.settings.get()
        assert first.session_idle_minutes == 60
        assert uow.statuses.get("TRIAGE") is None
    with SqlUnitOfWork(factory, cache=cache) as uow:
        assert uow.settings.get() is first  # nothing changed: served from the cache
    with uow_factory() as uow:
        admin.set_setting(uow, "session_idle_minutes", "15")
    with SqlUnitOfWork(factory, cache=cache) as uow:
        assert uow.settings.get().session_idle_minutes == 15
    with uow_factory() as uow:
        admin.add_status(uow, Status("TRIAGE", "Triage", Stage.OPEN))
    with SqlUnitOfWork(factory, cache=cache) as uow:
        assert uow.statuses.get("TRIAGE").name == "Triage"


def test_a_change_by_plain_sql_invalidates_the_cache_too(engine, seeded):
    """Triggers keep the reference version, so even an administrator's SQL counts."""
    from sqlalchemy import text

    from helpdesk_soap.store.engine import make_session_factory

    cache = ReferenceCache()
    factory = make_session_factory(engine)
    with SqlUnitOfWork(factory, cache=cache) as uow:
        assert uow.settings.get().lockout_threshold == 5
        assert uow.statuses.get("NEW").name != "Renamed"
    with engine.begin() as conn:
        conn.execute(text("UPDATE settings SET value = '9' WHERE key = 'lockout_threshold'"))
    with SqlUnitOfWork(factory, cache=cache) as uow:
        assert uow.settings.get().lockout_threshold == 9
    with engine.begin() as conn:
        conn.execute(text("UPDATE call_statuses SET name = 'Renamed' WHERE code = 'NEW'"))
    with SqlUnitOfWork(factory, cache=cache) as uow:
        assert uow.statuses.get("NEW").name == "Renamed"
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM settings WHERE key = 'lockout_threshold'"))
    with SqlUnitOfWork(factory, cache=cache) as uow:
        assert uow.settings.get().lockout_threshold == 5  # back to the default


def test_a_change_through_the_cached_unit_of_work_shows_in_it_at_once(engine, seeded):
    from helpdesk_soap.store.engine import make_session_factory

    cache = ReferenceCache()
    factory = make_session_factory(engine)
    with SqlUnitOfWork(factory, cache=cache) as uow:
        assert uow.settings.get().lockout_threshold == 5
        admin.set_setting(uow, "lockout_threshold", "7")
        assert uow.settings.get().lockout_threshold == 7
    with SqlUnitOfWork(factory, cache=cache) as uow:
        assert uow.settings.get().lockout_threshold == 7
        assert uow.statuses.get("TRIAGE") is None
        admin.add_status(uow, Status("TRIAGE", "Triage", Stage.OPEN))
        assert uow.statuses.get("TRIAGE") is not None


def test_customers_changed_elsewhere_show_at_once(engine, seeded, uow_factory):
    """Renamed by plain SQL, renumbered, added by the CLI: the cached worker sees each."""
    from sqlalchemy import text

    from helpdesk_soap.store.engine import make_session_factory

    cache = ReferenceCache()
    factory = make_session_factory(engine)
    with SqlUnitOfWork(factory, cache=cache) as uow:
        acme = uow.customers.by_number("ACME")
        assert acme.name == "Acme Airline"
        assert uow.customers.by_number("INITECH") is None
    with SqlUnitOfWork(factory, cache=cache) as uow:
        assert uow.customers.get(acme.id) is acme  # nothing changed: served from the cache
    with engine.begin() as conn:
        conn.execute(text("UPDATE customers SET name = 'Acme Airways' WHERE number = 'ACME'"))
    with SqlUnitOfWork(factory, cache=cache) as uow:
        assert uow.customers.get(acme.id).name == "Acme Airways"
    with engine.begin() as conn:
        conn.execute(text("UPDATE customers SET number = 'ACME-1' WHERE number = 'ACME'"))
    with SqlUnitOfWork(factory, cache=cache) as uow:
        assert uow.customers.by_number("ACME") is None
        assert uow.customers.get(acme.id).number == "ACME-1"
    with uow_factory() as uow:
        admin.add_customer(uow, "INITECH", "Initech")
    with SqlUnitOfWork(factory, cache=cache) as uow:
        assert uow.customers.by_number("INITECH").name == "Initech"
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM customers WHERE number = 'INITECH'"))
    with SqlUnitOfWork(factory, cache=cache) as uow:
        assert uow.customers.by_number("INITECH") is None


def test_a_customer_added_through_the_cached_unit_of_work_shows_in_it_at_once(engine, seeded):
    from helpdesk_soap.store.engine import make_session_factory

    cache = ReferenceCache()
    factory = make_session_factory(engine)
    with SqlUnitOfWork(factory, cache=cache) as uow:
        assert uow.customers.by_number("INITECH") is None
        admin.add_customer(uow, "INITECH", "Initech")
        assert uow.customers.by_number("INITECH").name == "Initech"
        admin.set_customer_mail_domain(uow, "INITECH", "initech.example")
        assert uow.customers.by_mail_domain("initech.example").number == "INITECH"
    with SqlUnitOfWork(factory, cache=cache) as uow:
        assert uow.customers.by_number("INITECH").name == "Initech"


def statements_of(app, body: bytes) -> tuple[bytes, Statements]:
    """The answer to the request, and the statements the drivers ran for it (any engine's)."""
    with statements_run() as statements:
        status, _, answer = call(app, body=body)
    assert status == "200 OK", answer
    return answer, statements


def test_a_request_costs_no_query_for_settings_statuses_or_customers(app, engine):
    """Authentication reads the reference version with the login; while it holds, the
    worker's cache answers. CreateCall needs the settings, the request types, the call's
    status and the customer named in it; GetCallData the call's customer's number."""
    from tests.support.wsgi_soap import CREATE, TNS

    from lxml import etree

    created = call(app, body=envelope("CreateCall", CREATE))  # fills the cache
    assert created[0] == "200 OK"
    call_id = etree.fromstring(created[2]).findtext(f".//{{{TNS}}}CallId")
    _, statements = statements_of(app, envelope("CreateCall", CREATE))
    assert any("INSERT INTO calls" in s for s in statements)
    cached = ("FROM settings", "FROM call_statuses", "FROM customers", "FROM request_type_fields")
    # Push's listener lookup (store/repositories/push.py) names the customers table for the
    # organisation's members, inside its one statement: it reads no cached table apart.
    assert not [s for s in statements if any(table in s for table in cached)
                and "FROM push_listeners" not in s]
    answer, statements = statements_of(app, envelope("GetCallData", f"<h:CallId>{call_id}</h:CallId>"))
    assert b">ACME<" in answer
    assert any("FROM call_entries" in s for s in statements)
    assert not [s for s in statements if any(table in s for table in cached)]


def create_call(app) -> int:
    from tests.support.wsgi_soap import CREATE, TNS

    from lxml import etree

    status, _, body = call(app, body=envelope("CreateCall", CREATE))
    assert status == "200 OK", body
    return int(etree.fromstring(body).findtext(f".//{{{TNS}}}CallId"))


def history_of(body: bytes) -> list[str]:
    from tests.support.wsgi_soap import TNS

    from lxml import etree

    return [e.findtext(f"{{{TNS}}}Text") for e in etree.fromstring(body).iter(f"{{{TNS}}}HistoryEntry")]


def test_a_polled_call_is_read_once_per_version_and_changes_show_at_once(app, engine, seeded, database_url):
    """GetCallData keeps a call's entries and attachments under the call's version. Another
    worker (a second app on the same store) adds a note and an attachment: the next poll
    here shows both."""
    call_id = create_call(app)
    get = envelope("GetCallData", f"<h:CallId>{call_id}</h:CallId>")
    first, statements = statements_of(app, get)
    assert any("FROM call_entries" in s for s in statements)
    again, statements = statements_of(app, get)
    assert again == first
    assert not [s for s in statements if "FROM call_entries" in s or "FROM call_attachments" in s]
    assert any("FROM calls" in s for s in statements)  # the version is read every time

    other = create_app(Config(database_url=database_url))
    try:
        note = envelope("AddCallNote", f"<h:CallId>{call_id}</h:CallId><h:Text>Still down on floor 3</h:Text>")
        assert call(other, body=note)[0] == "200 OK"
        body, _ = statements_of(app, get)
        assert history_of(body)[-1] == "Still down on floor 3"
        attach = envelope("AddAttachment", f"<h:CallId>{call_id}</h:CallId><h:FileName>trace.txt</h:FileName>"
                                           "<h:ContentType>text/plain</h:ContentType>"
                                           "<h:Content>cmluZyByaW5n</h:Content>")
        assert call(other, body=attach)[0] == "200 OK"
    finally:
        other.close()
    body, _ = statements_of(app, get)
    assert b"trace.txt" in body and history_of(body)[-1].startswith("Attachment added: trace.txt")


@pytest.mark.parametrize("credentials", ["ws-security", "session token"])
def test_a_poll_of_an_unchanged_call_is_two_statements(app, engine, credentials):
    """Authentication's query (the versions', or the session token's with them) and the
    call's row: the entries, the attachments and the answer come from the worker's copies
    at that version, on either store."""
    call_id = create_call(app)
    get = envelope("GetCallData", f"<h:CallId>{call_id}</h:CallId>")
    if credentials == "session token":
        get = session_envelope("GetCallData", f"<h:CallId>{call_id}</h:CallId>", log_in(app))
    first, _ = statements_of(app, get)  # fills the worker's copy of the entries
    again, statements = statements_of(app, get)
    assert again == first and f">{call_id}</".encode() in again
    assert len(statements) == 2, statements


def folded(engine) -> bool:
    """Whether the gateway's store folds statements (store/fast: on PostgreSQL, with the
    fast path on, as the gateway's Config has it from HELPDESK_STORE_FAST)."""
    return engine.dialect.name == "postgresql" and fast.default()


def test_on_postgresql_a_write_of_a_call_is_one_statement(app, engine):
    """The change sequence's UPDATE and the new entries' INSERT are round trips of their own
    unless they ride in the call's INSERT or UPDATE (data-modifying CTEs, PostgreSQL only,
    on the store's fast path). On SQLite, which has none, they stay statements of their own."""
    from tests.support.wsgi_soap import CREATE

    folds = folded(engine)
    for body in (envelope("CreateCall", CREATE), envelope(
            "AddCallNote", f"<h:CallId>{create_call(app)}</h:CallId><h:Text>Still down.</h:Text>")):
        _, statements = statements_of(app, body)
        counter_alone = [s for s in statements if s.lstrip().startswith("UPDATE change_counter")]
        writes = [s for s in statements
                  if "change_seq" in s and not s.lstrip().startswith("SELECT")]
        assert len(writes) == 1, statements
        entries_alone = [s for s in statements if s.lstrip().startswith("INSERT INTO call_entries")]
        assert len(counter_alone) == len(entries_alone) == (0 if folds else 1), statements
        assert ("next_change" in writes[0]) is folds


def test_a_writing_unit_of_work_never_fills_the_call_cache(engine, seeded, uow_factory):
    """What a writer reads may be rolled back; another writer may then commit the same
    version with other entries. Only committed reads are kept."""
    from helpdesk_soap.domain.model import Entry, EntryKind
    from helpdesk_soap.services import calls, workflow
    from helpdesk_soap.store.repositories import CallContentCache
    from helpdesk_soap.store.engine import make_session_factory

    from tests.support.services import request

    acme = seeded["acme-tts"]
    with uow_factory() as uow:
        call_id = calls.create_call(uow, acme, request()).call.id
    contents = CallContentCache(1 << 20)
    factory = make_session_factory(engine)
    with SqlUnitOfWork(factory, contents=contents) as uow:
        uow.begin_write()
        call = uow.calls.get(call_id)
        call.record(Entry(EntryKind.HISTORY, "never committed", "x", datetime.now(UTC)))
        uow.calls.save(call)
        seen = calls.get_call_data(uow, acme, call_id)
        assert seen.history[-1].text == "never committed"
        uow.rollback()
    with uow_factory() as uow:
        workflow.add_note(uow, acme, call_id, "committed")  # the same version the rollback had
    with SqlUnitOfWork(factory, contents=contents) as uow:
        texts = [e.text for e in calls.get_call_data(uow, acme, call_id).history]
    assert "never committed" not in texts and texts[-1] == "committed"


def test_no_call_cache_when_it_is_switched_off(engine, seeded, database_url):
    gateway = create_app(Config(database_url=database_url, call_cache_mb=0))
    try:
        get = envelope("GetCallData", f"<h:CallId>{create_call(gateway)}</h:CallId>")
        for _ in range(2):
            _, statements = statements_of(gateway, get)
            assert any("FROM call_entries" in s for s in statements)
    finally:
        gateway.close()


def test_reference_data_read_after_an_uncommitted_change_is_never_kept(engine, seeded, uow_factory):
    """A unit of work changes a setting (its transaction moves the version to V+1), reads
    statuses and customers, then rolls back. Another writer then commits a change that
    takes V+1 for real: the cache must show that, not what the rolled-back one read."""
    from sqlalchemy import text

    from helpdesk_soap.store.engine import make_session_factory

    cache = ReferenceCache()
    factory = make_session_factory(engine)
    with SqlUnitOfWork(factory, cache=cache) as uow:
        assert uow.settings.get().lockout_threshold == 5
        uow.begin_write()
        uow.settings.set("lockout_threshold", "7")
        assert uow.settings.get().lockout_threshold == 7  # its own change, from the database
        assert uow.statuses.get("NEW").name != "Renamed"
        assert uow.customers.by_number("ACME").name == "Acme Airline"
        uow.rollback()
        assert uow.settings.get().lockout_threshold == 5
    with engine.begin() as conn:  # takes the version the rolled-back change had
        conn.execute(text("UPDATE call_statuses SET name = 'Renamed' WHERE code = 'NEW'"))
        conn.execute(text("UPDATE customers SET name = 'Acme Airways' WHERE number = 'ACME'"))
    with SqlUnitOfWork(factory, cache=cache) as uow:
        assert uow.statuses.get("NEW").name == "Renamed"
        assert uow.customers.by_number("ACME").name == "Acme Airways"
        assert uow.settings.get().lockout_threshold == 5


def session_envelope(operation: str, inner: str, token: str) -> bytes:
    header = f"<soap:Header><h:Session><h:Token>{token}</h:Token></h:Session></soap:Header>"
    return envelope(operation, inner, user=None).replace(b"<soap:Body>", header.encode() + b"<soap:Body>")


def log_in(app) -> str:
    import re

    status, _, body = call(app, body=envelope("Login", "<h:LoginName>acme-tts</h:LoginName>"
                                              "<h:Password>acme-password</h:Password>", user=None))
    assert status == "200 OK", body
    return re.search(rb"<tns:Token>([^<]+)<", body).group(1).decode()


@pytest.fixture
def other_worker(engine, seeded, database_url):
    """A second gateway on the same store: another worker, with caches of its own."""
    gateway = create_app(Config(database_url=database_url))
    yield gateway
    gateway.close()


def test_a_request_reads_no_login_while_logins_and_portals_are_unchanged(app, engine):
    """The reference and account versions come in one query in the login's place."""
    get = envelope("GetCallData", f"<h:CallId>{create_call(app)}</h:CallId>")
    _, statements = statements_of(app, get)
    assert not [s for s in statements if "FROM logins" in s or "FROM portals" in s]
    assert len([s for s in statements if "change_counter" in s]) == 1
    token = log_in(app)
    session_get = session_envelope("GetCallData", f"<h:CallId>{create_call(app)}</h:CallId>", token)
    assert call(app, body=session_get)[0] == "200 OK"  # keeps the login by its id
    _, statements = statements_of(app, session_get)
    assert [s for s in statements if "FROM sessions" in s]  # the session: every time
    assert not [s for s in statements if "FROM logins" in s or "FROM portals" in s]


def test_a_login_changed_by_plain_sql_counts_at_once_in_every_worker(app, other_worker, engine):
    from sqlalchemy import text

    assert code_of(app) == code_of(other_worker) == "Client.CallNotFound"  # both keep the login
    with engine.begin() as conn:
        conn.execute(text("UPDATE logins SET active = false WHERE name = 'acme-tts'"))
    assert code_of(app) == code_of(other_worker) == "Client.AuthenticationFailed"
    with engine.begin() as conn:
        conn.execute(text("UPDATE logins SET active = true WHERE name = 'acme-tts'"))
    assert code_of(app) == "Client.CallNotFound"


def test_a_lockout_in_one_worker_counts_in_another_at_once(app, other_worker):
    assert code_of(app) == "Client.CallNotFound"  # kept by the first worker
    for _ in range(5):  # the default lockout threshold
        assert code_of(other_worker, password="wrong") == "Client.AuthenticationFailed"
    assert code_of(app) == "Client.AuthenticationFailed"  # locked: the right password too


def test_a_session_ended_in_one_worker_ends_in_another_at_once(app, other_worker, engine):
    token = log_in(app)
    get = session_envelope("GetCallData", GET, token)
    assert fault_of(call(app, body=get)[2])[0] == "Client.CallNotFound"  # the login is kept
    assert call(other_worker, body=session_envelope("Logout", "", token))[0] == "200 OK"
    assert fault_of(call(app, body=get)[2])[0] == "Client.SessionExpired"


def test_a_role_or_organisation_change_shows_in_the_kept_login(app, engine, uow_factory):
    """What authentication decides from the login beyond the password: its role (the
    customer endpoint refuses staff), its customer and organisation (what it may see)."""
    from sqlalchemy import text

    assert code_of(app) == "Client.CallNotFound"
    with engine.begin() as conn:
        conn.execute(text("UPDATE logins SET role = 'Staff' WHERE name = 'acme-tts'"))
    assert code_of(app) == "Client.AccessDenied"
    with engine.begin() as conn:
        conn.execute(text("UPDATE logins SET role = 'Integration' WHERE name = 'acme-tts'"))
    call_id = create_call(app)
    other = envelope("GetCallData", f"<h:CallId>{call_id}</h:CallId>", user="globex-tts",
                     password="globex-password")
    assert fault_of(call(app, body=other)[2])[0] == "Client.CallNotFound"  # globex's login is kept
    with uow_factory() as uow:  # GLOBEX joins ACME's organisation: it now sees ACME's calls
        admin.add_organisation(uow, "Airlines")
    with uow_factory() as uow:
        admin.set_customer_organisation(uow, "ACME", "Airlines")
    with uow_factory() as uow:
        admin.set_customer_organisation(uow, "GLOBEX", "Airlines")
    assert call(app, body=other)[0] == "200 OK"
