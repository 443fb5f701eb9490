"""A call's entries and attachments of one visibility, read together (what GetCallData
and the portal's call page show), and a worker's copies of them for the callers that poll.

Entries and attachments are only ever added, and whatever adds one saves the call in the
same transaction, which moves the call's version (CallRepository.save). So a call's id,
creation time and version name one content: the version is read with the call on every
request, and a change shows at once, in every worker. That is the one key of the copies,
and the store's own version invalidates them: nothing above the store knows they exist.
"""

from __future__ import annotations

from typing import Callable

from ...domain.model import Call, Visibility
from ...domain.records import CallContent
from ...weighted import WeightedLRU


class ContentRepository:
    """``of(call, visibility)``: the call's content as of the version ``call`` was read at.

    The entries come from the unit of work's own session, or from a read replica's
    (``replica``, another unit of work's ContentRepository) when the replica's copy of the
    call has the same version: every write to a call or its entries moves the version in
    the same transaction, so a replica that lags behind is never read, and a caller always
    sees its own writes. A unit of work that writes (``writing()``) neither takes nor keeps
    copies: what it sees may not be committed."""

    def __init__(self, calls, attachments, cache: CallContentCache | None,
                 writing: Callable[[], bool]):
        self._calls, self._attachments = calls, attachments
        self._cache, self._writing = cache, writing

    def of(self, call: Call, visibility: Visibility | None,
           replica: ContentRepository | None = None) -> CallContent:
        def read() -> CallContent:
            source = replica if replica is not None and replica._mirrors(call) else self
            return source._read(call.id, visibility)

        if self._cache is None or self._writing():
            return read()
        return self._cache.get(call, visibility, read)

    def _mirrors(self, call: Call) -> bool:
        mirrored = self._calls.get(call.id)
        return mirrored is not None and mirrored.version == call.version

    def _read(self, call_id: int, visibility: Visibility | None) -> CallContent:
        return CallContent(tuple(self._calls.entries(call_id, visibility=visibility)),
                           tuple(self._attachments.for_call(call_id, visibility=visibility)))


class CallContentCache:
    """A worker's copies of calls' content, keyed by (call id, visibility) and stamped with
    the call's (version, creation time): a copy with another stamp is read again.

    A call keeps one copy per visibility (a new version replaces the old), and the least
    recently used calls go once the copies weigh more than ``max_bytes`` in all (an
    estimate: ``weight``)."""

    def __init__(self, max_bytes: int):
        self.kept: WeightedLRU[CallContent] = WeightedLRU(max_bytes)

    def get(self, call: Call, visibility: Visibility | None,
            load: Callable[[], CallContent]) -> CallContent:
        key, stamp = (call.id, visibility), (call.version, call.created_at)
        content = self.kept.get(key, stamp)
        if content is None:
            content = load()
            self.kept.put(key, stamp, content, weight(content))
        return content


#: What a kept entry or attachment takes beside its text, in bytes (the objects, the dates,
#: the short strings, its place in the split by kind); COPY_BYTES: a copy's own (its key,
#: stamp and tuples). Measured with tracemalloc (bench/memory_estimates.py), rounded up.
ITEM_BYTES = 600
COPY_BYTES = 4_500


def weight(content: CallContent) -> int:
    """About the memory a kept copy takes: its entries' text (a character taken as a byte,
    as most are), and COPY_BYTES and ITEM_BYTES."""
    return (COPY_BYTES + ITEM_BYTES * (len(content.entries) + len(content.attachments))
            + sum(len(e.text) for e in content.entries))
