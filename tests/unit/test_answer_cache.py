"""The gateway's answer cache (soap/answers.py): one answer per call, given again only
while what it was made from compares equal; bounded by weight."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from helpdesk_soap.domain.model import Call, Category, Entry, EntryKind, Priority, Stage, Status
from helpdesk_soap.services.calls import CallData
from helpdesk_soap.soap.answers import WRITTEN, AnswerCache, weight

WHEN = datetime(2026, 1, 1, tzinfo=UTC)
STATUS = Status("NEW", "New", Stage.OPEN, False, False)


def data(call_id=1, version=1, entries=2, subject="Phones down", result=None) -> CallData:
    call = Call(customer_id=1, origin_customer_id=1, created_by_login_id=1,
                reported_customer_number="ACME", subject=subject, description="down",
                priority=list(Priority)[0], category=list(Category)[0], status_code="NEW",
                created_at=WHEN, updated_at=WHEN, id=call_id, version=version)
    history = [Entry(EntryKind.HISTORY, f"entry {i}", "staff", WHEN, id=i) for i in range(entries)]
    return CallData(call, STATUS, "ACME", result, history, [], [])


def test_the_same_answer_while_it_is_made_from_the_same():
    cache = AnswerCache(1 << 20)
    first = cache.call_data(data())
    assert hasattr(first, WRITTEN)  # the fast path keeps the text it writes on it
    assert cache.call_data(data()) is first
    assert cache.call_data(data(version=2)) is not first  # a new version: its entries changed
    second = cache.call_data(data(version=2))
    assert cache.call_data(data(version=2, subject="Edited")) is not second  # the row edited
    assert cache.call_data(data(version=2, subject="Edited", result="x")).Result == "x"


def test_answers_are_bounded_by_weight_least_recently_used_first():
    one = weight(data(entries=3))
    cache = AnswerCache(2 * one + one // 2)  # room for two answers
    kept = {n: cache.call_data(data(call_id=n, entries=3)) for n in (1, 2)}
    assert cache.call_data(data(call_id=1, entries=3)) is kept[1]  # used again: 2 is the oldest
    cache.call_data(data(call_id=3, entries=3))  # no room: call 2's answer goes
    assert cache.call_data(data(call_id=1, entries=3)) is kept[1]
    assert cache.call_data(data(call_id=2, entries=3)) is not kept[2]
    heavy = data(call_id=4, entries=200)
    assert cache.call_data(heavy) is not cache.call_data(heavy)  # heavier than it all: not kept
    assert cache.kept.bytes <= cache.kept.max_bytes


def test_an_answer_keeps_a_copy_of_the_call_it_was_made_from():
    cache = AnswerCache(1 << 20)
    made = data()
    first = cache.call_data(made)
    made.call.subject = "changed by whoever holds the request's call"
    assert cache.call_data(dataclasses.replace(made, call=data().call)) is first
