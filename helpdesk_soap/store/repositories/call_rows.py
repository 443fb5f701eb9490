"""The calls' and entries' prebuilt statements and their mapping to the domain's Call and
Entry (shared by calls.py, call_queries.py and the versions' query in reference.py)."""

from __future__ import annotations

import functools

from sqlalchemy import bindparam, insert, select, update

from ...domain.model import Call, Category, ContactType, Entry, EntryKind, Priority, SolutionState, Visibility
from ..models import CHANGE_SEQUENCE, CallRow, ChangeCounterRow, EntryRow

# Columns copied one-to-one between Call and CallRow. The change sequence and the staff's
# unread flag are written only by their own statements.
_CALL_COLUMNS = [c.key for c in CallRow.__table__.columns
                 if c.key not in ("id", "version", "change_seq", "staff_unread")]
_ENUMS = {"priority": Priority, "category": Category, "solution_state": SolutionState}


_CALLS = CallRow.__table__
# Built once: a Core statement skips the ORM's identity map and attribute
# instrumentation, and SQLAlchemy caches its compiled form.
_CALL_BY_ID = select(_CALLS).where(_CALLS.c.id == bindparam("call_id"))
_CALL_BY_EXTERNAL_ID = select(_CALLS).where(_CALLS.c.origin_customer_id == bindparam("origin"),
                                            _CALLS.c.external_ticket_id == bindparam("external"))
_INSERT_CALL = insert(_CALLS).returning(_CALLS.c.id, _CALLS.c.change_seq)
_CALL_BY_ID_LOCKED = _CALL_BY_ID.with_for_update()


def _save_statement(columns: list[str]):
    return (update(_CALLS)
            .where(_CALLS.c.id == bindparam("w_id"), _CALLS.c.version == bindparam("w_version"))
            .values({name: bindparam(f"v_{name}") for name in columns}))


_SAVE_CALL = _save_statement([*_CALL_COLUMNS, "version"])
_SAVE_CALL_CHANGED = _save_statement([*_CALL_COLUMNS, "version", "change_seq"])
_INSERT_ENTRY = insert(EntryRow.__table__)
_COUNTER = ChangeCounterRow.__table__
_NEXT_CHANGE = (update(_COUNTER).where(_COUNTER.c.id == CHANGE_SEQUENCE)
                .values(value=_COUNTER.c.value + 1).returning(_COUNTER.c.value))
#: Where every statement is a round trip (PostgreSQL), a write of a call is one statement:
#: the change sequence's UPDATE and the INSERT of the call's new entries ride in the call's
#: INSERT or UPDATE as data-modifying CTEs, where each was a statement of its own. They run
#: once, whatever the outer statement matches (a save that loses the optimistic check
#: raises Conflict, and its transaction is rolled back), and the counter's row stays locked
#: until the transaction ends, as before. SQLite has no data-modifying CTEs.
_NEXT_CHANGE_CTE = _NEXT_CHANGE.cte("next_change")
_NEXT_CHANGE_VALUE = select(_NEXT_CHANGE_CTE.c.value).scalar_subquery()
_ENTRY_TABLE = EntryRow.__table__
#: The columns an entry gives (its id is the database's, its call the statement's).
_ENTRY_COLUMNS = tuple(c.key for c in _ENTRY_TABLE.columns if c.key not in ("id", "call_id"))
#: New entries written in their call's statement at most; more go in a statement of their own.
_FOLDED_ENTRIES = 8


def _new_entries_cte(call_id, count: int):
    """The INSERT of ``count`` entries of the call ``call_id`` (an SQL expression), as a CTE;
    the i-th entry's values are the parameters e{i}_kind, e{i}_visibility... (_entry_params)."""
    return insert(_ENTRY_TABLE).values([
        {"call_id": call_id,
         **{c: bindparam(f"e{i}_{c}", type_=_ENTRY_TABLE.c[c].type) for c in _ENTRY_COLUMNS}}
        for i in range(count)]).cte("new_entries")


@functools.cache
def _insert_call_folded(entries: int):
    """The call's INSERT with its change number and its first ``entries`` entries (PostgreSQL)."""
    new_call = (insert(_CALLS)
                .values({name: bindparam(name, type_=_CALLS.c[name].type)
                         for name in (*_CALL_COLUMNS, "version", "staff_unread")})
                .values(change_seq=_NEXT_CHANGE_VALUE)
                .returning(_CALLS.c.id, _CALLS.c.change_seq).cte("new_call"))
    statement = select(new_call.c.id, new_call.c.change_seq).add_cte(_NEXT_CHANGE_CTE)
    if entries:
        call_id = select(new_call.c.id).scalar_subquery()
        statement = statement.add_cte(_new_entries_cte(call_id, entries))
    return statement


@functools.cache
def _save_call_folded(numbered: bool, entries: int):
    """The call's UPDATE, with the next change number if ``numbered``, and the INSERT of
    ``entries`` new entries (PostgreSQL). It returns a row if the optimistic check passed."""
    statement = _save_statement([*_CALL_COLUMNS, "version"])
    if numbered:
        statement = statement.values(change_seq=_NEXT_CHANGE_VALUE).add_cte(_NEXT_CHANGE_CTE)
    if entries:
        statement = statement.add_cte(_new_entries_cte(bindparam("w_id"), entries))
    return statement.returning(_CALLS.c.change_seq)


def _entry_values(call_id: int | None, entry: Entry) -> dict:
    return {"call_id": call_id, "kind": entry.kind.value, "visibility": entry.visibility.value,
            "contact_type": entry.contact_type.value if entry.contact_type else None,
            "author": entry.author, "text": entry.text, "path": entry.path,
            "created_at": entry.created_at}


def _entry_params(entries) -> dict:
    """The parameters of _new_entries_cte for these entries."""
    params = {}
    for i, entry in enumerate(entries):
        values = _entry_values(None, entry)
        params.update((f"e{i}_{c}", values[c]) for c in _ENTRY_COLUMNS)
    return params


#: The columns of ``select(_CALLS)``, in order. A Row's values are read by position or by
#: unpacking throughout this module: by name, each costs about 0.4 µs (a GetCallData of 500
#: entries spent 1.6 ms on it).
_CALL_KEYS = tuple(c.key for c in _CALLS.columns)


def _call_from_row(row) -> Call:
    """A Call from a row of ``select(_CALLS)``."""
    values = dict(zip(_CALL_KEYS, row))
    del values["staff_unread"]
    for name, enum in _ENUMS.items():
        values[name] = enum(values[name])
    values["components"] = tuple(values["components"] or ())
    return Call(**values)


def _call_values(call: Call) -> dict:
    values = {name: getattr(call, name) for name in _CALL_COLUMNS}
    for name in _ENUMS:
        values[name] = values[name].value
    values["components"] = list(call.components)
    return values


#: Each enumeration's members by value: a dict lookup, where calling the Enum costs ~0.4 µs.
_BY_VALUE = {enum: {member.value: member for member in enum} for enum in (EntryKind, Visibility, ContactType)}
_ENTRIES = (select(EntryRow.id, EntryRow.kind, EntryRow.visibility, EntryRow.contact_type,
                   EntryRow.author, EntryRow.text, EntryRow.path, EntryRow.created_at)
            .where(EntryRow.call_id == bindparam("call_id")).order_by(EntryRow.id))
_ENTRIES_VISIBLE = _ENTRIES.where(EntryRow.visibility == bindparam("visibility"))
