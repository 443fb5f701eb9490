"""A per-worker cache of the settings and call statuses, exact to the last change.

Nearly every request reads both; an admin changes them now and then. Triggers
bump a reference version whenever either table changes, whoever changes it
(the service, the CLI, an administrator's SQL; migration 0005), and the
login's query reads that version along with the login. A worker keeps the
settings and statuses it read under the version they belong to and reads
them again as soon as a request brings a different one: a change shows at
once, in every worker, and a request costs no query for either.

Nothing that decides who may do what is cached here: logins, sessions,
passwords and portals are read from the database on every request.
"""

from __future__ import annotations

from typing import Callable

from ..domain.model import Status
from ..domain.settings import Settings


class ReferenceCache:
    def __init__(self):
        self._version: int | None = None
        self._settings: Settings | None = None
        self._statuses: dict[str, Status] | None = None

    def _at(self, version: int) -> None:
        if version != self._version:
            self._version, self._settings, self._statuses = version, None, None

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

    def clear(self) -> None:
        self._version = self._settings = self._statuses = None


class CachedSettings:
    """The settings repository, read through the cache."""

    def __init__(self, inner, cache: ReferenceCache, version: Callable[[], int],
                 forget_version: Callable[[], None]):
        self._inner, self._cache = inner, cache
        self._version, self._forget_version = version, forget_version

    def get(self) -> Settings:
        return self._cache.settings(self._version(), self._inner.get)

    def set(self, key: str, value: str) -> None:
        self._inner.set(key, value)
        self._cache.clear()
        self._forget_version()  # the trigger moved it: read it again


class CachedStatuses:
    """The status repository, read through the cache (one query loads them all)."""

    def __init__(self, inner, cache: ReferenceCache, version: Callable[[], int],
                 forget_version: Callable[[], None]):
        self._inner, self._cache = inner, cache
        self._version, self._forget_version = version, forget_version

    def get(self, code: str) -> Status | None:
        return self._cache.status(self._version(), code, self._inner.list)

    def list(self) -> list[Status]:
        return self._inner.list()

    def add(self, status: Status) -> None:
        self._inner.add(status)
        self._cache.clear()
        self._forget_version()
