"""A per-worker cache of the settings and call statuses.

Nearly every request reads both; an admin changes them now and then. With
``HELPDESK_REFERENCE_CACHE_SECONDS`` above 0 (the default is 0: off), each
worker keeps what it read for that many seconds, so a change made elsewhere
(the CLI, another worker or machine) reaches a running worker only within
that time: a deployment opts into that delay for two queries fewer per
request. A change made through a unit of work of this worker clears its
cache at once.
Nothing that decides who may do what is cached here: logins, sessions,
passwords and portals are read from the database on every request.
"""

from __future__ import annotations

import time
from typing import Callable

from ..domain.model import Status
from ..domain.settings import Settings


class ReferenceCache:
    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self._clock = clock
        self._settings: tuple[float, Settings] | None = None
        self._statuses: tuple[float, dict[str, Status]] | None = None

    def settings(self, load: Callable[[], Settings]) -> Settings:
        now = self._clock()
        cached = self._settings
        if cached is not None and cached[0] > now:
            return cached[1]
        value = load()
        if self.ttl > 0:
            self._settings = (now + self.ttl, value)
        return value

    def status(self, code: str, load_all: Callable[[], list[Status]]) -> Status | None:
        now = self._clock()
        cached = self._statuses
        if cached is None or cached[0] <= now:
            cached = (now + self.ttl, {s.code: s for s in load_all()})
            if self.ttl > 0:
                self._statuses = cached
        return cached[1].get(code)

    def clear(self) -> None:
        self._settings = self._statuses = None


class CachedSettings:
    """The settings repository, read through the cache."""

    def __init__(self, inner, cache: ReferenceCache):
        self._inner, self._cache = inner, cache

    def get(self) -> Settings:
        return self._cache.settings(self._inner.get)

    def set(self, key: str, value: str) -> None:
        self._inner.set(key, value)
        self._cache.clear()


class CachedStatuses:
    """The status repository, read through the cache (one query loads them all)."""

    def __init__(self, inner, cache: ReferenceCache):
        self._inner, self._cache = inner, cache

    def get(self, code: str) -> Status | None:
        return self._cache.status(code, self._inner.list)

    def list(self) -> list[Status]:
        return self._inner.list()

    def add(self, status: Status) -> None:
        self._inner.add(status)
        self._cache.clear()
