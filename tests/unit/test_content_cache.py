"""The store's per-worker copies of calls' content (store/repositories/contents.py): kept
per call version and visibility, bounded by weight."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from helpdesk_soap.domain.model import Entry, EntryKind, Visibility
from helpdesk_soap.domain.records import CallContent
from helpdesk_soap.store.repositories.contents import COPY_BYTES, ITEM_BYTES, CallContentCache, weight


def a_call(call_id=1, version=1, created_at=datetime(2026, 1, 1, tzinfo=UTC)):
    return SimpleNamespace(id=call_id, version=version, created_at=created_at, description="")


def entries(n, kind=EntryKind.HISTORY):
    return tuple(Entry(kind, f"entry {i}", "staff", datetime(2026, 1, 1, tzinfo=UTC), id=i)
                 for i in range(n))


def content(n) -> CallContent:
    return CallContent(entries(n), ())


def test_call_content_is_kept_per_version():
    cache = CallContentCache(1 << 20)
    reads = []

    def read(n):
        def load():
            reads.append(n)
            return content(n)
        return load

    first = cache.get(a_call(version=1), Visibility.PUBLIC, read(2))
    assert cache.get(a_call(version=1), Visibility.PUBLIC, read(99)) is first
    assert len(first.entries) == 2 and reads == [2]
    assert len(cache.get(a_call(version=2), Visibility.PUBLIC, read(3)).entries) == 3  # a new version
    assert len(cache.get(a_call(version=2), Visibility.PUBLIC, read(99)).entries) == 3
    assert len(cache.get(a_call(version=2), None, read(4)).entries) == 4  # another visibility
    # A call made again under the same id (a restored or rebuilt store) is another call.
    other = a_call(version=2, created_at=datetime(2026, 2, 1, tzinfo=UTC))
    assert len(cache.get(other, Visibility.PUBLIC, read(5)).entries) == 5
    assert reads == [2, 3, 4, 5]


def test_call_content_splits_its_entries_by_kind_and_cannot_be_changed():
    both = CallContent(entries(2) + entries(3, EntryKind.CONTACT), ())
    assert [e.kind for e in both.history] == [EntryKind.HISTORY] * 2
    assert [e.kind for e in both.contacts] == [EntryKind.CONTACT] * 3
    assert isinstance(both.entries, tuple)  # nobody can append to a shared copy
    try:
        both.entries = ()
    except AttributeError:
        pass
    else:
        raise AssertionError("a CallContent could be changed")


def test_call_content_weighs_its_text_and_its_items():
    three = content(3)
    assert weight(three) == COPY_BYTES + 3 * ITEM_BYTES + sum(len(e.text) for e in three.entries)


def test_call_content_is_bounded_by_weight_least_recently_used_first():
    load = lambda n: (lambda: content(n))  # noqa: E731
    three = weight(content(3))
    cache = CallContentCache(2 * three + three // 2)  # room for two calls of three entries
    cache.get(a_call(1), None, load(3))
    cache.get(a_call(2), None, load(3))
    cache.get(a_call(1), None, load(99))  # used again: call 2 is now the oldest
    cache.get(a_call(3), None, load(3))  # no room for three: call 2 goes
    assert len(cache.get(a_call(1), None, load(99)).entries) == 3
    assert len(cache.get(a_call(3), None, load(99)).entries) == 3
    assert len(cache.get(a_call(2), None, load(3)).entries) == 3  # read again; call 1 goes
    assert len(cache.get(a_call(1), None, load(2)).entries) == 2
    assert cache.get(a_call(4), None, load(200)).entries  # heavier than the whole cache: not kept
    assert len(cache.get(a_call(4), None, load(0)).entries) == 0
    assert cache.kept.bytes <= cache.kept.max_bytes
