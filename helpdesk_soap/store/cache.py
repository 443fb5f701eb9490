"""A per-worker cache of the settings, call statuses, request types and customers, exact to
the last change.

Nearly every request reads them; an admin changes them now and then. Triggers
bump a reference version whenever one of these tables changes, whoever changes
it (the service, the CLI, an administrator's SQL; migrations 0005, 0006, 0008),
and the login's query reads that version along with the login. A worker keeps
what it read under the version it belongs to and reads it again as soon as a
request brings a different one: a change shows at once, in every worker, and a
request costs no query for any of them.

Customers are kept one by one as requests look them up (by id or by number),
up to ``MAX_CUSTOMERS``; a number that names no customer is not kept, so
unknown numbers cannot fill the cache.

Logins are kept the same way, by the identifier a request named them with (or
their id, for a session's), under the reference version and an account version
that triggers bump on every change to the logins or the portals (migration
0007): a password change, a lockout, a deactivation or a portal switched off
shows at once, in every worker. A request reads both versions in one query
(repository.versions), where it read the login before. Sessions are not kept:
every request reads its session, so a logout or an expiry shows at once. A
password is verified against the stored hash as before (security.py).

Who hears of a write is kept under the same two versions: the push listeners a
change of a customer's call reaches, and the technicians who chose an event
(of a customer's new call: those responsible for it). The listeners, the
technicians' preferences and the customers they are named for move the account
version too (migration 0013). A write uses what its request found when it
started, as the reference data: a listener registered while a write runs hears
of the writes that start after its registration returned. A unit of work that
changes any of them reads the database until it ends (``bypass``), so nothing
it has not committed is kept.
"""

from __future__ import annotations

from typing import Callable

from ..domain.model import Customer, Status
from ..domain.settings import Settings

#: Customers a worker keeps at most; past that it starts again from none.
MAX_CUSTOMERS = 10_000
#: Logins, audiences and subscriber lists a worker keeps at most; past that it starts
#: again from none.
MAX_LOGINS = 10_000


class ReferenceCache:
    def __init__(self):
        self._version: int | None = None
        self._settings: Settings | None = None
        self._statuses: dict[str, Status] | None = None
        #: Reference data read whole, by name (the request types, repositories/request_types.py).
        self._tables: dict[str, object] = {}
        self._customers: dict[int, Customer] = {}
        self._customer_numbers: dict[str, Customer] = {}
        #: What is kept under the (reference, account) versions: logins and who hears of what.
        self._account_versions: tuple[int, int] | None = None
        self._accounts: dict = {}

    def _at(self, version: int) -> None:
        if version != self._version:
            self._version, self._settings, self._statuses = version, None, None
            self._customers, self._customer_numbers, self._tables = {}, {}, {}

    def settings(self, version: int, load: Callable[[], Settings]) -> Settings:
        self._at(version)
        if self._settings is None:
            self._settings = load()
        return self._settings

    def status(self, version: int, code: str, load_all: Callable[[], list[Status]]) -> Status | None:
        self._at(version)
        if self._statuses is None:
            self._statuses = {s.code: s for s in load_all()}
        return self._statuses.get(code)

    def table(self, version: int, name: str, load: Callable[[], object]):
        """Reference data read whole (one query), kept under ``name`` at this version."""
        self._at(version)
        found = self._tables.get(name)
        if found is None:
            found = self._tables[name] = load()
        return found

    def customer(self, version: int, customer_id: int,
                 load: Callable[[int], Customer | None]) -> Customer | None:
        self._at(version)
        found = self._customers.get(customer_id)
        return found if found is not None else self._keep(load(customer_id))

    def customer_by_number(self, version: int, number: str,
                           load: Callable[[str], Customer | None]) -> Customer | None:
        self._at(version)
        found = self._customer_numbers.get(number)
        return found if found is not None else self._keep(load(number))

    def _keep(self, customer: Customer | None) -> Customer | None:
        if customer is not None:
            if len(self._customers) >= MAX_CUSTOMERS:
                self._customers, self._customer_numbers = {}, {}
            self._customers[customer.id] = self._customer_numbers[customer.number] = customer
        return customer

    def account(self, versions: tuple[int, int], key, load: Callable[[], object | None]):
        """What is kept under ``key`` at these (reference, account) versions (a login, an
        audience), or what ``load()`` reads (kept unless None: unknown names fill nothing)."""
        if versions != self._account_versions:
            self._account_versions, self._accounts = versions, {}
        found = self._accounts.get(key)
        if found is None:
            found = load()
            if found is not None:
                if len(self._accounts) >= MAX_LOGINS:
                    self._accounts = {}
                self._accounts[key] = found
        return found

    def clear(self) -> None:
        self._version = self._settings = self._statuses = None
        self._customers, self._customer_numbers, self._tables = {}, {}, {}
        self._account_versions, self._accounts = None, {}


class _Cached:
    """A repository read through the cache, in one unit of work.

    ``changed()`` tells the unit of work that it changed reference data: the triggers
    moved the version in its transaction, which has not committed and may not. Until it
    ends, ``bypass()`` is true and every cached repository of that unit of work reads the
    database and keeps nothing, since what it would keep might never be committed, under
    a version another transaction may then take."""

    def __init__(self, inner, cache: ReferenceCache, version: Callable[[], int],
                 changed: Callable[[], None], bypass: Callable[[], bool]):
        self._inner, self._cache = inner, cache
        self._version, self._bypass = version, bypass
        self._reported = changed

    def _changed(self) -> None:
        self._cache.clear()
        self._reported()


class CachedSettings(_Cached):
    """The settings repository, read through the cache."""

    def get(self) -> Settings:
        if self._bypass():
            return self._inner.get()
        return self._cache.settings(self._version(), self._inner.get)

    def set(self, key: str, value: str) -> None:
        self._inner.set(key, value)
        self._changed()


class CachedStatuses(_Cached):
    """The status repository, read through the cache (one query loads them all)."""

    def get(self, code: str) -> Status | None:
        if self._bypass():
            return self._inner.get(code)
        return self._cache.status(self._version(), code, self._inner.list)

    def list(self) -> list[Status]:
        return self._inner.list()

    def add(self, status: Status) -> None:
        self._inner.add(status)
        self._changed()


class CachedCustomers(_Cached):
    """The customer repository; look-ups by id and by number read through the cache."""

    def get(self, customer_id: int) -> Customer | None:
        if self._bypass():
            return self._inner.get(customer_id)
        return self._cache.customer(self._version(), customer_id, self._inner.get)

    def by_number(self, number: str) -> Customer | None:
        if self._bypass():
            return self._inner.by_number(number)
        return self._cache.customer_by_number(self._version(), number, self._inner.by_number)

    def add(self, number: str, name: str) -> Customer:
        customer = self._inner.add(number, name)
        self._changed()
        return customer

    def set_mail_domain(self, customer_id: int, domain: str | None) -> None:
        self._inner.set_mail_domain(customer_id, domain)
        self._changed()

    def by_mail_domain(self, domain: str) -> Customer | None:
        return self._inner.by_mail_domain(domain)

    def list(self) -> list[Customer]:
        return self._inner.list()


class CachedLogins:
    """The login repository; authentication's look-ups (by identifier, by session) read
    the login through the cache, as long as this unit of work has written nothing and is
    in its first transaction (``bypass``). Everything else goes to the repository."""

    def __init__(self, inner, cache: ReferenceCache, versions: Callable[[], tuple[int, int]],
                 bypass: Callable[[], bool]):
        self._inner, self._cache = inner, cache
        self._versions, self._bypass = versions, bypass

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def by_identifier(self, identifier: str):
        if self._bypass():
            return self._inner.by_identifier(identifier)
        return self._kept(("identifier", identifier), lambda: self._inner.by_identifier(identifier))

    def by_session(self, token_hash: str):
        if self._bypass():
            return self._inner.by_session(token_hash)
        found = self._inner.session_of(token_hash)
        if found is None:
            return None
        login_id, expires_at = found
        record = self._kept(("id", login_id), lambda: self._inner.by_id(login_id))
        return (record, expires_at) if record is not None else None

    def _kept(self, key, load):
        record = self._cache.account(self._versions(), key, load)
        if record is not None:
            self._inner.remember(record)
        return record


class _Audiences:
    """A repository whose answers to "who hears of this write" read through the cache;
    its other methods go to the repository, and those that change who hears of what
    tell the unit of work (``changed``): until it ends, ``bypass()`` is true."""

    _CHANGES: tuple[str, ...] = ()

    def __init__(self, inner, cache: ReferenceCache, versions: Callable[[], tuple[int, int]],
                 changed: Callable[[], None], bypass: Callable[[], bool]):
        self._inner, self._cache = inner, cache
        self._versions, self._changed, self._bypass = versions, changed, bypass

    def __getattr__(self, name):
        found = getattr(self._inner, name)
        if name not in self._CHANGES:
            return found

        def changing(*args, **kwargs):
            self._changed()
            return found(*args, **kwargs)
        return changing

    def _kept(self, key, load):
        if self._bypass():
            return load()
        return self._cache.account(self._versions(), key, load)


class CachedPush(_Audiences):
    """The push repository; ``audience`` reads through the cache."""

    _CHANGES = ("add_listener", "update_listener", "remove_listener")

    def audience(self, customer_id: int, created_by_login_id: int | None,
                 origin_login_id: int | None):
        return self._kept(("audience", customer_id, created_by_login_id, origin_login_id),
                          lambda: self._inner.audience(customer_id, created_by_login_id,
                                                       origin_login_id))


class CachedDesk(_Audiences):
    """The desk repository; ``subscribers`` reads through the cache."""

    _CHANGES = ("set_customers", "put_prefs")

    def subscribers(self, event, customer_id: int | None = None):
        return self._kept(("subscribers", event, customer_id),
                          lambda: tuple(self._inner.subscribers(event, customer_id)))
