"""The per-worker cache of settings, statuses, customers and logins, kept while the
reference version holds (calls' content: test_content_cache.py)."""

from __future__ import annotations

from helpdesk_soap.domain.model import Customer, Stage, Status
from helpdesk_soap.domain.settings import Settings
from helpdesk_soap.store import cache as cache_module
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


def customers_loader(customers):
    """Loaders by id and by number over a dict of customers, counting what they read."""
    reads = []

    def by_id(customer_id):
        reads.append(customer_id)
        return next((c for c in customers.values() if c.id == customer_id), None)

    def by_number(number):
        reads.append(number)
        return customers.get(number)
    return by_id, by_number, reads


def test_customers_are_kept_by_id_and_by_number_while_the_version_holds():
    acme = Customer(1, "ACME", "Acme Airlines")
    customers = {"ACME": acme}
    by_id, by_number, reads = customers_loader(customers)
    cache = ReferenceCache()
    assert cache.customer(3, 1, by_id) == acme
    assert cache.customer_by_number(3, "ACME", by_number) == acme  # kept under both keys
    assert cache.customer(3, 1, by_id) == acme
    assert reads == [1]
    customers["ACME"] = Customer(1, "ACME", "Acme Airways")
    assert cache.customer(3, 1, by_id).name == "Acme Airlines"
    assert cache.customer(4, 1, by_id).name == "Acme Airways"  # the version moved
    assert cache.customer_by_number(4, "ACME", by_number).name == "Acme Airways"
    assert reads == [1, 1]


def test_unknown_customers_are_not_kept():
    by_id, by_number, reads = customers_loader({})
    cache = ReferenceCache()
    assert cache.customer_by_number(1, "NOPE", by_number) is None
    assert cache.customer_by_number(1, "NOPE", by_number) is None
    assert cache.customer(1, 9, by_id) is None
    assert reads == ["NOPE", "NOPE", 9]


def test_customers_are_bounded_and_clear_drops_them(monkeypatch):
    monkeypatch.setattr(cache_module, "MAX_CUSTOMERS", 3)
    customers = {f"C{i}": Customer(i, f"C{i}", f"Customer {i}") for i in range(5)}
    by_id, by_number, reads = customers_loader(customers)
    cache = ReferenceCache()
    for i in range(3):
        cache.customer(1, i, by_id)
    cache.customer(1, 3, by_id)  # the fourth: the cache starts again from none
    assert len(cache._customers) == 1
    cache.customer(1, 0, by_id)
    assert reads == [0, 1, 2, 3, 0]
    cache.clear()
    cache.customer(1, 0, by_id)
    assert reads[-1] == 0 and len(reads) == 6


def test_logins_are_kept_per_versions_and_bounded(monkeypatch):
    monkeypatch.setattr(cache_module, "MAX_LOGINS", 2)
    cache = ReferenceCache()
    reads = []

    def load(value):
        def read():
            reads.append(value)
            return value
        return read

    assert cache.account((1, 1), "a", load("A")) == "A"
    assert cache.account((1, 1), "a", load("A2")) == "A"  # kept
    assert cache.account((1, 2), "a", load("A3")) == "A3"  # the accounts moved
    assert cache.account((2, 2), "a", load("A4")) == "A4"  # the reference data moved
    assert cache.account((2, 2), "nobody", load(None)) is None
    assert cache.account((2, 2), "nobody", load(None)) is None  # unknown: never kept
    cache.account((2, 2), "b", load("B"))
    cache.account((2, 2), "c", load("C"))  # the third: the cache starts again from none
    assert cache.account((2, 2), "a", load("A5")) == "A5"
    cache.clear()
    assert cache.account((2, 2), "a", load("A6")) == "A6"
    assert reads == ["A", "A3", "A4", None, None, "B", "C", "A5", "A6"]
