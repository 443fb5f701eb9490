"""The per-worker cache of settings and statuses: kept while the reference version holds."""

from __future__ import annotations

from helpdesk_soap.domain.model import Stage, Status
from helpdesk_soap.domain.settings import Settings
from helpdesk_soap.store.cache import ReferenceCache


def counting(value):
    calls = []

    def load():
        calls.append(1)
        return value() if callable(value) else value
    return load, calls


def test_settings_are_kept_while_the_version_holds_and_read_again_when_it_moves():
    cache = ReferenceCache()
    current = [Settings()]
    load, calls = counting(lambda: current[0])
    assert cache.settings(1, load).session_idle_minutes == 60
    current[0] = Settings(session_idle_minutes=5)
    assert cache.settings(1, load).session_idle_minutes == 60 and len(calls) == 1
    assert cache.settings(2, load).session_idle_minutes == 5 and len(calls) == 2
    assert cache.settings(2, load).session_idle_minutes == 5 and len(calls) == 2


def test_clear_forgets_at_once():
    cache = ReferenceCache()
    load, calls = counting(Settings())
    cache.settings(1, load)
    cache.clear()
    cache.settings(1, load)
    assert len(calls) == 2


def test_one_load_serves_every_status_and_unknown_codes_are_none():
    cache = ReferenceCache()
    statuses = [Status("NEW", "New", Stage.OPEN, False, False),
                Status("DONE", "Done", Stage.DONE, True, True)]
    load, calls = counting(statuses)
    assert cache.status(7, "NEW", load).name == "New"
    assert cache.status(7, "DONE", load).is_final
    assert cache.status(7, "MISSING", load) is None
    assert len(calls) == 1
    cache.status(8, "NEW", load)
    assert len(calls) == 2


def test_a_new_version_drops_both_settings_and_statuses():
    cache = ReferenceCache()
    load_settings, settings_calls = counting(Settings())
    load_statuses, status_calls = counting([Status("NEW", "New", Stage.OPEN, False, False)])
    cache.settings(1, load_settings)
    cache.status(1, "NEW", load_statuses)
    cache.status(2, "NEW", load_statuses)
    cache.settings(2, load_settings)
    assert len(settings_calls) == 2 and len(status_calls) == 2
