"""The per-worker cache of settings and statuses: how long it keeps what it read."""

from __future__ import annotations

from helpdesk_soap.domain.model import Stage, Status
from helpdesk_soap.domain.settings import Settings
from helpdesk_soap.store.cache import ReferenceCache


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def counting(value):
    calls = []

    def load():
        calls.append(1)
        return value() if callable(value) else value
    return load, calls


def test_settings_are_kept_for_ttl_seconds_then_read_again():
    clock = Clock()
    cache = ReferenceCache(5, clock)
    current = [Settings()]
    load, calls = counting(lambda: current[0])
    assert cache.settings(load).session_idle_minutes == 60
    current[0] = Settings(session_idle_minutes=5)
    clock.now += 4.9
    assert cache.settings(load).session_idle_minutes == 60 and len(calls) == 1
    clock.now += 0.2
    assert cache.settings(load).session_idle_minutes == 5 and len(calls) == 2


def test_clear_forgets_at_once_and_ttl_zero_never_keeps():
    cache = ReferenceCache(5, Clock())
    load, calls = counting(Settings())
    cache.settings(load)
    cache.clear()
    cache.settings(load)
    assert len(calls) == 2
    off = ReferenceCache(0, Clock())
    for _ in range(3):
        off.settings(load)
        off.status("NEW", lambda: [])
    assert len(calls) == 5


def test_one_load_serves_every_status_and_unknown_codes_are_none():
    clock = Clock()
    cache = ReferenceCache(5, clock)
    statuses = [Status("NEW", "New", Stage.OPEN, False, False),
                Status("DONE", "Done", Stage.DONE, True, True)]
    load, calls = counting(statuses)
    assert cache.status("NEW", load).name == "New"
    assert cache.status("DONE", load).is_final
    assert cache.status("MISSING", load) is None
    assert len(calls) == 1
    clock.now += 6
    cache.status("NEW", load)
    assert len(calls) == 2
