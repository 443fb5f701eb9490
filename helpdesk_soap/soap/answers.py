"""GetCallData's answers, kept per worker for the pollers that ask again and again for
calls that have not changed: the one answer cache of the gateway.

An answer is made from the call, its status, its customer's number, the result shown and
the contacts' links (which follow the settings). The call's version moves with every
write to the call, its entries or its attachments, in the same transaction (the store's
CallRepository.save), so the call as read stands for its whole content. The answer kept
for a call is given again only while all of what it was made from compares equal; the
fast path then copies the text it wrote for it (``keep_written``, fastpath.py).
"""

from __future__ import annotations

import copy

from ..services.calls import CallData
from ..weighted import WeightedLRU
from . import convert
from . import types as t

#: The attribute on a wire value where the fast path keeps the text it wrote for it.
WRITTEN = "_helpdesk_written"


def keep_written(value):
    """Mark a wire value that is answered again as it is: the fast path keeps the text it
    writes for it on it, and copies that text whenever the same value is answered again
    (fastpath.py). Spyne's own writer ignores the mark. Nobody may change the value once
    it is marked."""
    setattr(value, WRITTEN, None)
    return value


class AnswerCache:
    """The last answer per call, least recently used out first once the answers weigh more
    than ``max_bytes`` in all (an estimate: ``weight``)."""

    def __init__(self, max_bytes: int):
        self.kept: WeightedLRU[t.CallDataResult] = WeightedLRU(max_bytes)

    def call_data(self, data: CallData) -> t.CallDataResult:
        """The answer to GetCallData for ``data``: the kept one while it was made from the
        same, else a new one (then kept)."""
        made_from = (data.call, data.status, data.customer_number, data.result,
                     tuple(v.url for v in data.contacts))
        answer = self.kept.get(data.call.id, made_from)
        if answer is None:
            answer = keep_written(convert.call_data(data))
            # A copy of the call: the request's own may still be changed by whoever holds it.
            self.kept.put(data.call.id, (copy.copy(data.call), *made_from[1:]), answer,
                          weight(data))
        return answer


def call_data(data: CallData, cache: AnswerCache | None) -> t.CallDataResult:
    """The answer to GetCallData: through the worker's cache where it has one."""
    return cache.call_data(data) if cache is not None else convert.call_data(data)


#: What a kept answer takes per entry or attachment beside its text, in bytes (its wire
#: object, and its markup once written); CALL_BYTES: the same for the call's own fields,
#: with the copy of the call it was made from. Measured with tracemalloc
#: (bench/memory_estimates.py), rounded up.
ITEM_BYTES = 400
CALL_BYTES = 5_500


def weight(data: CallData) -> int:
    """About the memory a kept answer takes: its entries' text and the call's description
    twice (in the wire values, and in the markup written for them; a character taken as a
    byte, as most are), and CALL_BYTES and ITEM_BYTES."""
    items = len(data.history) + len(data.contacts) + len(data.attachments)
    text = sum(len(e.text) for e in data.history) + sum(len(c.entry.text) for c in data.contacts)
    return CALL_BYTES + ITEM_BYTES * items + 2 * (text + len(data.call.description or ""))
