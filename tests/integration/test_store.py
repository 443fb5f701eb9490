"""Repositories and the unit of work against a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from helpdesk_soap.domain.model import (Call, Category, ContactType, Entry, EntryKind, Priority,
                                        SolutionState, Visibility)
from helpdesk_soap.domain.errors import Conflict

NOW = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)


def new_call(customer_id: int, ext: str | None = "INC-1") -> Call:
    call = Call(customer_id=customer_id, origin_customer_id=customer_id, created_by_login_id=None,
                reported_customer_number="ACME", subject="Phones down", description="Dept 4",
                priority=Priority.HIGH, category=Category.TECHNICAL_SUPPORT, status_code="NEW",
                created_at=NOW, updated_at=NOW, external_ticket_id=ext, components=("PBX", "Handset"))
    call.record(Entry(EntryKind.HISTORY, "created", "tester", NOW))
    call.record(Entry(EntryKind.HISTORY, "internal", "tester", NOW + timedelta(seconds=1),
                      visibility=Visibility.INTERNAL))
    return call


def stored(uow_factory, call: Call) -> Call:
    """``call``, added and committed in a unit of work of its own."""
    with uow_factory() as uow:
        uow.begin_write()
        uow.calls.add(call)
        uow.commit()
    return call


def test_call_round_trips_with_entries(uow_factory, seeded):
    customer_id = seeded["acme-tts"].customer_id
    call = stored(uow_factory, new_call(customer_id))
    with uow_factory() as uow:
        loaded = uow.calls.get(call.id)
        public = uow.calls.entries(call.id, visibility=Visibility.PUBLIC)
        everything = uow.calls.entries(call.id)
    assert loaded.subject == "Phones down" and loaded.components == ("PBX", "Handset")
    assert loaded.priority is Priority.HIGH and loaded.solution_state is SolutionState.NONE
    assert loaded.created_at == NOW and loaded.created_at.tzinfo is not None
    assert [e.text for e in public] == ["created"]
    assert [e.text for e in everything] == ["created", "internal"]


def test_uncommitted_work_is_rolled_back(uow_factory, seeded):
    with uow_factory() as uow:
        uow.begin_write()
        call = new_call(seeded["acme-tts"].customer_id)
        uow.calls.add(call)
        # no commit
    with uow_factory() as uow:
        assert uow.calls.get(call.id) is None


def test_external_ticket_id_is_unique_per_customer_side(uow_factory, seeded):
    acme, globex = seeded["acme-tts"].customer_id, seeded["globex-tts"].customer_id
    with uow_factory() as uow:
        uow.begin_write()
        uow.calls.add(new_call(acme))
        uow.calls.add(new_call(globex))  # same ExternalTicketId, other customer side: fine
        uow.commit()
    with uow_factory() as uow:
        uow.begin_write()
        with pytest.raises(Conflict):
            uow.calls.add(new_call(acme))


def test_visible_changes_are_numbered_in_order_and_a_stale_save_keeps_none(uow_factory, seeded):
    """A customer-visible change takes the next change number with the call's own write
    (on PostgreSQL in the same statement: CallRepository.add and save). A save that loses
    the optimistic check takes none: the number it drew goes with its rollback."""
    customer_id = seeded["acme-tts"].customer_id
    call = stored(uow_factory, new_call(customer_id))
    start = call.change_seq
    with uow_factory() as uow:
        stale = uow.calls.get(call.id)
    with uow_factory() as uow:
        uow.begin_write()
        fresh = uow.calls.get(call.id)
        fresh.record(Entry(EntryKind.HISTORY, "visible", "tester", NOW + timedelta(minutes=1)))
        uow.calls.save(fresh)
        uow.commit()
    assert fresh.change_seq == start + 1
    with uow_factory() as uow:
        uow.begin_write()
        stale.record(Entry(EntryKind.HISTORY, "stale", "tester", NOW + timedelta(minutes=2)))
        with pytest.raises(Conflict):
            uow.calls.save(stale)
    other = stored(uow_factory, new_call(customer_id, ext="INC-2"))
    assert other.change_seq == start + 2
    with uow_factory() as uow:
        assert [uow.calls.get(c).change_seq for c in (call.id, other.id)] == [start + 1, start + 2]
        assert [e.text for e in uow.calls.entries(call.id)] == ["created", "internal", "visible"]


def test_many_new_entries_are_stored_in_the_order_they_were_made(uow_factory, seeded):
    """On PostgreSQL the call's own statement writes up to eight new entries (repository.py:
    fast.folded.FOLDED_ENTRIES), and any more follow in a statement of their own: all are stored, in
    order, on a new call and on a saved one."""
    call = new_call(seeded["acme-tts"].customer_id)
    for n in range(10):
        call.record(Entry(EntryKind.HISTORY, f"first {n}", "tester", NOW + timedelta(minutes=n)))
    stored(uow_factory, call)
    assert call.new_entries == []
    with uow_factory() as uow:
        uow.begin_write()
        again = uow.calls.get(call.id)
        for n in range(10):
            contact = n % 2 == 1
            again.record(Entry(EntryKind.CONTACT if contact else EntryKind.HISTORY, f"then {n}",
                               "tester", NOW + timedelta(hours=1, minutes=n),
                               contact_type=ContactType.PHONE if contact else None))
        uow.calls.save(again)
        uow.commit()
    assert again.new_entries == []
    with uow_factory() as uow:
        entries = uow.calls.entries(call.id)
    assert [e.text for e in entries] == ["created", "internal", *(f"first {n}" for n in range(10)),
                                         *(f"then {n}" for n in range(10))]
    assert [e.kind for e in entries[-2:]] == [EntryKind.HISTORY, EntryKind.CONTACT]
    assert entries[-1].contact_type is ContactType.PHONE
    assert entries[-1].created_at == NOW + timedelta(hours=1, minutes=9)


def test_save_of_a_stale_call_raises_conflict(uow_factory, seeded):
    with uow_factory() as uow:
        uow.begin_write()
        call = new_call(seeded["acme-tts"].customer_id)
        uow.calls.add(call)
        uow.commit()
    with uow_factory() as uow:
        first = uow.calls.get(call.id)
    with uow_factory() as uow:
        second = uow.calls.get(call.id)
        uow.begin_write()
        second.subject = "changed by someone else"
        uow.calls.save(second)
        uow.commit()
    with uow_factory() as uow:
        uow.begin_write()
        first.subject = "stale write"
        with pytest.raises(Conflict):
            uow.calls.save(first)
    with uow_factory() as uow:
        assert uow.calls.get(call.id).subject == "changed by someone else"
