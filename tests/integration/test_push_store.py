"""Push events in the store: written with the change or not at all, to the right listeners,
claimed one per call at a time."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta

import pytest

from helpdesk_soap.domain.errors import InvalidArgument, UnknownReference
from helpdesk_soap.domain.events import EventType
from helpdesk_soap.services import admin, calls, delivery, listeners, staff, workflow
from helpdesk_soap.push.sender import Outcome
from helpdesk_soap.push.settings import PushSettings
from tests.support.services import request

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)
SETTINGS = PushSettings(retry_first=60, retry_jitter=0, max_attempts=2)


def _listen(uow_factory, principal, events=()):
    with uow_factory() as uow:
        return listeners.register(uow, principal, "http://127.0.0.1:9/hook", events, "JSON",
                                  LOOPBACK).listener.id


def _claim(uow_factory, at=None, limit=50):
    with uow_factory() as uow:
        return delivery.claim(uow, SETTINGS, limit, False, clock=lambda: at or datetime.now(UTC))


def test_a_change_that_rolls_back_leaves_no_event(uow_factory, seeded):
    _listen(uow_factory, seeded["acme-tts"])
    with uow_factory() as uow:
        call_id = calls.create_call(uow, seeded["acme-sl"], request()).call.id
    with uow_factory() as uow:
        uow.begin_write()
        call = uow.calls.get(call_id)
        from helpdesk_soap.services import push
        from helpdesk_soap.domain.model import Entry, EntryKind
        call.record(Entry(EntryKind.HISTORY, "never committed", "x", datetime.now(UTC)))
        push.save(uow, call, [EventType.PUBLIC_ENTRY_ADDED], None, datetime.now(UTC))
        uow.rollback()
    assert [i.event_type for i in _claim(uow_factory)] == ["CallCreated"]


def test_events_go_to_listeners_that_see_the_call_and_want_the_event(uow_factory, seeded):
    acme = _listen(uow_factory, seeded["acme-tts"], ["StatusChanged"])
    globex = _listen(uow_factory, seeded["globex-tts"])
    with uow_factory() as uow:
        call_id = calls.create_call(uow, seeded["acme-sl"], request()).call.id
    with uow_factory() as uow:
        staff.set_status(uow, call_id, "IN_PROGRESS", author="tech")
    items = _claim(uow_factory)
    assert [(i.listener_id, i.event_type) for i in items] == [(acme, "StatusChanged")]
    assert globex not in {i.listener_id for i in items}
    assert items[0].state["Status"]["Code"] == "IN_PROGRESS"


def test_an_organisation_login_hears_of_its_sister_customers_calls(uow_factory, seeded):
    with uow_factory() as uow:
        admin.add_organisation(uow, "Conglomerate")
        admin.set_customer_organisation(uow, "ACME", "Conglomerate")
        admin.set_customer_organisation(uow, "GLOBEX", "Conglomerate")
    with uow_factory() as uow:
        globex = uow.logins.by_name("globex-tts").principal
    listener = _listen(uow_factory, globex)
    with uow_factory() as uow:
        calls.create_call(uow, seeded["acme-sl"], request())
    assert [i.listener_id for i in _claim(uow_factory)] == [listener]


def test_one_delivery_per_call_at_a_time_and_parking_holds_the_rest(uow_factory, seeded):
    _listen(uow_factory, seeded["acme-tts"])
    with uow_factory() as uow:
        call_id = calls.create_call(uow, seeded["acme-sl"], request()).call.id
    for text in ("one", "two"):
        with uow_factory() as uow:
            workflow.add_note(uow, seeded["acme-sl"], call_id, text)
    first = _claim(uow_factory)
    assert [i.event_type for i in first] == ["CallCreated"]
    assert _claim(uow_factory) == []  # leased; the notes wait behind it
    with uow_factory() as uow:  # refused for good: parked, and the notes stay behind it
        delivery.record(uow, first[0], Outcome(False, False, "HTTP 400"), SETTINGS)
    later = datetime.now(UTC) + timedelta(hours=2)
    assert _claim(uow_factory, later) == []
    with uow_factory() as uow:
        assert listeners.status(uow)[0].parked == 1
        assert listeners.redeliver(uow, seeded["acme-tts"]) == 1
    again = _claim(uow_factory)
    assert [i.event_uid for i in again] == [first[0].event_uid]
    with uow_factory() as uow:
        delivery.record(uow, again[0], Outcome(True, False), SETTINGS)
    assert [i.state["NewEntries"][0]["Text"] for i in _claim(uow_factory)] == ["one"]


def test_retries_back_off_then_park(uow_factory, seeded):
    _listen(uow_factory, seeded["acme-tts"])
    with uow_factory() as uow:
        calls.create_call(uow, seeded["acme-sl"], request())
    now = datetime.now(UTC)
    item = _claim(uow_factory, now)[0]
    with uow_factory() as uow:
        assert delivery.record(uow, item, Outcome(False, True, "HTTP 503", 600), SETTINGS,
                               clock=lambda: now) == "retry"
    assert _claim(uow_factory, now + timedelta(seconds=599)) == []  # Retry-After honoured
    item = _claim(uow_factory, now + timedelta(seconds=601))[0]
    with uow_factory() as uow:
        assert delivery.record(uow, item, Outcome(False, True, "HTTP 503"), SETTINGS) == "parked"


def test_listeners_belong_to_their_login(uow_factory, seeded):
    listener = _listen(uow_factory, seeded["acme-tts"])
    with uow_factory() as uow:
        with pytest.raises(UnknownReference):
            listeners.remove(uow, seeded["globex-tts"], listener)
        with pytest.raises(InvalidArgument):
            listeners.register(uow, seeded["acme-tts"], "http://10.0.0.1/", (), "JSON", LOOPBACK)
        with pytest.raises(InvalidArgument):
            listeners.register(uow, seeded["acme-tts"], "http://127.0.0.1/", ["Nope"], "JSON",
                               LOOPBACK)
        assert [l.id for l in listeners.mine(uow, seeded["acme-tts"])] == [listener]
        assert listeners.mine(uow, seeded["globex-tts"]) == []
