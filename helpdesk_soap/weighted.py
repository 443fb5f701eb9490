"""A thread-safe map that keeps the most recently used values up to a total weight: what a
worker's caches of calls' content (store) and of GetCallData's answers (soap) are built on."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, Hashable, TypeVar

V = TypeVar("V")


class WeightedLRU(Generic[V]):
    """Values under keys, each with a stamp that must match for a hit, and a weight (an
    estimate of its bytes). Once the values weigh more than ``max_bytes`` in all, the least
    recently used go; a value heavier than that is not kept at all."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._kept: OrderedDict[Hashable, tuple[object, V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, stamp: object) -> V | None:
        """The value kept under ``key`` with an equal ``stamp``, else None."""
        with self._lock:
            found = self._kept.get(key)
            if found is None or found[0] != stamp:
                return None
            self._kept.move_to_end(key)
            return found[1]

    def put(self, key: Hashable, stamp: object, value: V, weight: int) -> None:
        """Keep ``value`` under ``key`` (in place of what was there), if it fits at all."""
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:
                self._bytes -= old[2]
            if weight <= self.max_bytes:
                self._kept[key] = (stamp, value, weight)
                self._bytes += weight
                while self._bytes > self.max_bytes:
                    self._bytes -= self._kept.popitem(last=False)[1][2]

    def pop(self, key: Hashable) -> None:
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:
                self._bytes -= old[2]

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._bytes = 0

    @property
    def bytes(self) -> int:
        return self._bytes
