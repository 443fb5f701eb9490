"""The desk's plain rules: who wants a notification, and how forms become values."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from helpdesk_soap.domain.desk import NotifyEvent, TechnicianPrefs
from helpdesk_soap.domain.errors import InvalidArgument
from helpdesk_soap.domain.model import ContactType, EntryKind, Visibility
from helpdesk_soap.web import desk_forms


def test_notifications_are_opted_into_and_never_reach_the_unavailable():
    assert not TechnicianPrefs().wants(NotifyEvent.NEW_CALL)
    chosen = TechnicianPrefs(events=frozenset({NotifyEvent.REPLY}))
    assert chosen.wants(NotifyEvent.REPLY) and not chosen.wants(NotifyEvent.SOLUTION)
    away = TechnicianPrefs(available=False, events=frozenset(NotifyEvent))
    assert not any(away.wants(e) for e in NotifyEvent)


def test_queue_filter_from_the_query_string():
    where = desk_forms.queue_filter(MultiDict({"q": "  belt ", "mine": "1", "unread": "0",
                                               "status": ""}))
    assert where.text == "belt" and where.mine and not where.unread and where.status is None


def test_entry_form_values():
    assert desk_forms.entry(MultiDict({"kind": "Contact", "contact_type": "Phone",
                                       "visibility": "Internal"})) == dict(
        kind=EntryKind.CONTACT, visibility=Visibility.INTERNAL, contact_type=ContactType.PHONE)
    history = desk_forms.entry(MultiDict({"kind": "History", "contact_type": "Phone"}))
    assert history["contact_type"] is None and history["visibility"] is Visibility.PUBLIC
    with pytest.raises(InvalidArgument):
        desk_forms.entry(MultiDict({"kind": "Gossip"}))


def test_version_and_minutes():
    assert desk_forms.version(MultiDict({"version": "7"})) == 7
    assert desk_forms.version(MultiDict({"version": "x"})) is None
    assert desk_forms.minutes(MultiDict({"minutes": " 30 "})) == 30
    with pytest.raises(InvalidArgument):
        desk_forms.minutes(MultiDict({"minutes": "-5"}))


def test_prefs_form():
    prefs = desk_forms.prefs(MultiDict({"available": "0", "channel": "email", "Reply": "1"}))
    assert prefs == TechnicianPrefs(False, "email", frozenset({NotifyEvent.REPLY}))
