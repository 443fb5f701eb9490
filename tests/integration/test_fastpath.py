"""The fast codec answers byte for byte as Spyne does, faults included."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from helpdesk_soap.config import Config
from helpdesk_soap.domain.model import CallRequest, Category, ContactType, EntryKind, Priority
from helpdesk_soap.services import admin, attachments, calls, staff
from helpdesk_soap.soap.app import FAST_OPERATIONS, create_app
from helpdesk_soap.store.files import FileStore

from tests.support.wsgi_soap import CREATE, call, envelope


@pytest.fixture
def apps(engine, seeded, database_url):
    config = Config(database_url=database_url, max_request_bytes=64 * 1024)
    fast, spyne = create_app(config), create_app(config, fast=False)
    assert fast.endpoints["/helpdesk"].fast is not None
    assert set(fast.endpoints["/helpdesk"].fast.ops) == set(FAST_OPERATIONS["/helpdesk"])
    assert spyne.endpoints["/helpdesk"].fast is None
    yield fast, spyne
    fast.close()
    spyne.close()


@pytest.fixture
def call_id(uow_factory, seeded, database_url):
    with uow_factory() as uow:
        admin.set_setting(uow, "web_base_url", "https://helpdesk.example/")
    with uow_factory() as uow:
        cid = calls.create_call(uow, seeded["acme-tts"], CallRequest(
            "ACME", "Phones <down> & out", Priority.HIGH, Category.TECHNICAL_SUPPORT,
            description="Ünïcödé 😀", components=("PBX", "Trunk"), affected_domain="pbx.acme.example",
            first_occurred_at=datetime(2026, 11, 23, 7, 40, tzinfo=UTC))).call.id
    for k in range(3):
        with uow_factory() as uow:
            staff.add_entry(uow, cid, EntryKind.HISTORY, f"note {k} <b> &amp; > \r\n\t ]]> \"q\" 'a'", author="tech")
    with uow_factory() as uow:
        staff.add_entry(uow, cid, EntryKind.CONTACT, "called", author="tech",
                        contact_type=ContactType.PHONE, path="c/1")
    with uow_factory() as uow:
        staff.add_entry(uow, cid, EntryKind.CONTACT, "note without path", author="tech")
    with uow_factory() as uow:
        staff.add_entry(uow, cid, EntryKind.HISTORY, "internal", author="tech",
                        visibility=staff.Visibility.INTERNAL)
    with uow_factory() as uow:  # in the store the apps read (Config's default beside the file)
        uow.files = FileStore(Config(database_url=database_url).attachment_root)
        attachments.add_attachment(uow, seeded["acme-tts"], cid, "plan <1>.pdf", "application/pdf",
                                   b"%PDF-1.4")
    return cid


def both(apps, body: bytes, normalise=lambda b: b):
    (s1, h1, b1), (s2, h2, b2) = (call(app, body=body) for app in apps)
    assert (s1, h1) == (s2, h2)
    assert normalise(b1) == normalise(b2)
    return s1, b1


def _ids_and_times(body: bytes) -> bytes:
    body = re.sub(rb"<tns:CallId>\d+<", b"<tns:CallId>N<", body)
    body = re.sub(rb"<tns:Token>[^<]+<", b"<tns:Token>T<", body)
    return re.sub(rb"\d{4}-\d\d-\d\dT[\d:.]+\+00:00", b"TIME", body)


def test_get_call_data_is_identical(apps, call_id):
    status, body = both(apps, envelope("GetCallData", f"<h:CallId>{call_id}</h:CallId>"))
    assert status.startswith("200") and b"note 2 &lt;b&gt;" in body and b"internal" not in body
    assert b"<tns:FileName>plan _1_.pdf</tns:FileName>" in body


def test_a_poll_copies_the_answer_it_wrote_until_the_call_or_its_reference_data_change(
        apps, call_id, uow_factory, engine, monkeypatch):
    """The answer is written once per call version and reference data (the text is kept
    with the worker's copy of the call's content), and it stays Spyne's, byte for byte."""
    from helpdesk_soap.soap import fastpath

    escaped = []
    real_escape = fastpath.escape
    monkeypatch.setattr(fastpath, "escape", lambda text: escaped.append(text) or real_escape(text))
    get = envelope("GetCallData", f"<h:CallId>{call_id}</h:CallId>")

    _, first = both(apps, get)
    assert any(text.startswith("note 0") for text in escaped)
    escaped.clear()
    _, again = both(apps, get)
    assert again == first and b"note 0 &lt;b&gt;" in again
    assert not any(text.startswith("note 0") or text == "plan _1_.pdf" for text in escaped)

    with uow_factory() as uow:  # a new version: written again, with the new entry
        staff.add_entry(uow, call_id, EntryKind.HISTORY, "one more", author="tech")
    escaped.clear()
    _, changed = both(apps, get)
    assert b"<tns:Text>one more</tns:Text>" in changed
    assert any(text.startswith("note 0") for text in escaped)

    with uow_factory() as uow:  # the contacts' links follow the settings, not the call
        admin.set_setting(uow, "web_base_url", "https://elsewhere.example/")
    _, moved = both(apps, get)
    assert b"https://elsewhere.example/c/1" in moved and b"https://helpdesk.example/" not in moved

    from sqlalchemy import text

    status = re.search(rb"<tns:Status><tns:Code>([^<]+)<", moved).group(1).decode()
    with engine.begin() as conn:  # the call's status renamed, by an administrator's SQL
        conn.execute(text("UPDATE call_statuses SET name = 'Renamed <now>' WHERE code = :c"), {"c": status})
    _, renamed = both(apps, get)
    assert b"<tns:Name>Renamed &lt;now&gt;</tns:Name>" in renamed
    with engine.begin() as conn:  # the call's row edited by plain SQL, its version left alone
        conn.execute(text("UPDATE calls SET subject = 'Edited' WHERE id = :id"), {"id": call_id})
    _, edited = both(apps, get)
    assert b"<tns:Subject>Edited</tns:Subject>" in edited


@pytest.mark.parametrize("operation, inner", [
    ("GetCallData", "<h:CallId>424242</h:CallId>"),
    ("GetCallData", "<h:CallId>abc</h:CallId>"),
    ("GetCallData", ""),
    ("CreateCall", CREATE.replace("<h:Subject>Phones down</h:Subject>", "")),
    ("CreateCall", CREATE.replace(">High<", ">Urgent<")),
    ("CreateCall", CREATE.replace("Phones down", "x" * 201)),
    ("SetSolutionAcceptance", "<h:CallId>1</h:CallId><h:Accepted>maybe</h:Accepted>"),
    ("Logout", ""),
])
def test_faults_are_identical(apps, call_id, operation, inner):
    status, body = both(apps, envelope(operation, inner.replace("CALL", str(call_id))))
    assert status.startswith("500") or operation == "Logout"


def test_solution_not_proposed_and_bad_credentials_are_identical(apps, call_id):
    body = f"<h:CallId>{call_id}</h:CallId><h:Accepted>true</h:Accepted>"
    assert b"NoSolutionProposed" in both(apps, envelope("SetSolutionAcceptance", body))[1]
    assert b"AuthenticationFailed" in both(apps, envelope("GetCallData", f"<h:CallId>{call_id}</h:CallId>",
                                                          password="wrong-password"))[1]
    assert b"AccessDenied" not in both(apps, envelope("GetCallData", "<h:CallId>1</h:CallId>", user=None))[1]


def test_writes_answer_alike(apps, call_id, uow_factory):
    fast, spyne = apps
    answers = [call(app, body=envelope("CreateCall", CREATE.replace(
        "</h:CustomerId>", f"</h:CustomerId><h:ExternalTicketId>T-{i}</h:ExternalTicketId>")))
        for i, app in enumerate(apps)]
    assert answers[0][0] == answers[1][0] == "200 OK"
    assert (_ids_and_times(answers[0][2]).replace(b"T-0", b"T-1") == _ids_and_times(answers[1][2]))
    # A replay of one ticket: the same answer from both.
    both(apps, envelope("CreateCall", CREATE.replace(
        "</h:CustomerId>", "</h:CustomerId><h:ExternalTicketId>T-0</h:ExternalTicketId>")))
    proposed = []
    for _ in apps:
        with uow_factory() as uow:
            cid = calls.create_call(uow, uow.logins.by_name("acme-tts").principal, CallRequest(
                "ACME", "answer me", Priority.LOW, Category.QUESTION, "d")).call.id
        with uow_factory() as uow:
            staff.propose_solution(uow, cid, "fixed", author="tech")
        proposed.append(cid)
    replies = [call(app, body=envelope("SetSolutionAcceptance", f"<h:CallId>{cid}</h:CallId>"
                                       "<h:Accepted>false</h:Accepted><h:Comment>no</h:Comment>"))
               for app, cid in zip(apps, proposed)]
    assert _ids_and_times(replies[0][2]) == _ids_and_times(replies[1][2])
    logins = [call(app, body=envelope("Login", "<h:LoginName>acme-tts</h:LoginName>"
                                      "<h:Password>acme-password</h:Password>", user=None))
              for app in apps]
    assert _ids_and_times(logins[0][2]) == _ids_and_times(logins[1][2])
    for app, (_, _, body) in zip(apps, logins):
        token = re.search(rb"<tns:Token>([^<]+)<", body).group(1).decode()
        session = (f'<soap:Header><h:Session><h:Token>{token}</h:Token></h:Session></soap:Header>')
        get = envelope("GetCallData", f"<h:CallId>{call_id}</h:CallId>", user=None).replace(
            b"<soap:Body>", session.encode() + b"<soap:Body>")
        assert call(app, body=get)[0] == "200 OK"
        logout = envelope("Logout", "", user=None).replace(b"<soap:Body>", session.encode() + b"<soap:Body>")
        assert call(app, body=logout)[0] == "200 OK"
        assert b"SessionExpired" in call(app, body=get)[2]


def test_spyne_path_uses_the_tree_the_guard_parsed(apps, call_id, monkeypatch):
    import spyne.protocol.soap.soap11 as soap11

    def parse_again(*args, **kwargs):
        raise AssertionError("the body was parsed a second time")

    monkeypatch.setattr(soap11, "_parse_xml_string", parse_again)
    fast, spyne = apps
    status, _, body = call(spyne, body=envelope("GetCallData", f"<h:CallId>{call_id}</h:CallId>"))
    assert status == "200 OK" and b"GetCallDataResult" in body
    status, _, body = call(spyne, body=envelope("GetCallData", "<h:CallId>abc</h:CallId>"))
    assert b"Client.SchemaValidationError" in body
