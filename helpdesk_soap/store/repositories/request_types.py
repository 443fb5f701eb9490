"""The request types as stored (table request_type_fields, migration 0008), and read
through the worker's reference cache."""

from __future__ import annotations

import logging

from sqlalchemy import delete, insert, select

from ...domain.errors import ConfigurationError
from ...domain.model import Category
from ...domain.request_types import FIELDS, FieldRule, RequestTypes
from ..cache import _Cached
from ..models import REFERENCE_VERSION, ChangeCounterRow, RequestTypeFieldRow
from ..session import StoreSession

log = logging.getLogger(__name__)

_TABLE = RequestTypeFieldRow.__table__
_ALL = select(_TABLE.c.category, _TABLE.c.name, _TABLE.c.required, _TABLE.c.label,
              _TABLE.c.max_length).order_by(_TABLE.c.category, _TABLE.c.position, _TABLE.c.name)
#: Taken before a change: one admin's change waits for another's to commit, then reads it.
_LOCK = (select(ChangeCounterRow.value).where(ChangeCounterRow.id == REFERENCE_VERSION)
         .with_for_update())
#: The cache's name for them (ReferenceCache.table).
CACHE_KEY = "request_types"


class RequestTypeRepository:
    def __init__(self, session: StoreSession):
        self.session = session

    def get(self) -> RequestTypes:
        """Every category's fields, in their order. A row the domain does not know (written
        by hand, or by a newer version) is left out, with a warning in the log."""
        table: dict[Category, list[FieldRule]] = {c: [] for c in Category}
        for category, name, required, label, max_length in self.session.execute(_ALL):
            spec = FIELDS.get(name)
            if spec is None or category not in table:
                log.warning("request_type_fields: ignoring %s.%s, which no category can ask for",
                            category, name)
                continue
            table[Category(category)].append(FieldRule(spec.name, spec.attribute, spec.type,
                                                       bool(required), label, max_length))
        return RequestTypes({c: tuple(rules) for c, rules in table.items()})

    def latest(self) -> RequestTypes:
        """``get()`` under a lock, in a writing unit of work, to change them from: two admins
        changing fields of one category at once both get their change (SQLite's writers
        hold the database's write lock already; on PostgreSQL this locks the reference
        version's row, which any change to the table moves anyway)."""
        self.session.execute(_LOCK)
        return self.get()

    def save(self, category: Category, rules: tuple[FieldRule, ...]) -> None:
        """Store ``rules`` as the category's fields, in this order, replacing what it had."""
        if not rules:
            raise ConfigurationError(f"A request type without fields ({category.value}).")
        self.session.execute(delete(_TABLE).where(_TABLE.c.category == category.value))
        self.session.execute(insert(_TABLE), [
            {"category": category.value, "name": r.name, "position": position,
             "required": r.required, "label": r.label, "max_length": r.max_length}
            for position, r in enumerate(rules, 1)])
        self.session.flush()


class CachedRequestTypes(_Cached):
    """The request types, read through the reference cache: CreateCall and GetRequestTypes
    cost no query for them while the reference version holds."""

    def get(self) -> RequestTypes:
        if self._bypass():
            return self._inner.get()
        return self._cache.table(self._version(), CACHE_KEY, self._inner.get)

    def latest(self) -> RequestTypes:
        return self._inner.latest()

    def save(self, category: Category, rules: tuple[FieldRule, ...]) -> None:
        self._inner.save(category, rules)
        self._changed()
