"""The calls' and entries' prebuilt statements and their mapping to the domain's Call and
Entry (shared by calls.py, call_queries.py and the versions' query in reference.py)."""

from __future__ import annotations

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
_ENTRY_TABLE = EntryRow.__table__
#: The columns an entry gives (its id is the database's, its call the statement's).
_ENTRY_COLUMNS = tuple(c.key for c in _ENTRY_TABLE.columns if c.key not in ("id", "call_id"))


def _entry_values(call_id: int | None, entry: Entry) -> dict:
    return {"call_id": call_id, "kind": entry.kind.value, "visibility": entry.visibility.value,
            "contact_type": entry.contact_type.value if entry.contact_type else None,
            "author": entry.author, "text": entry.text, "path": entry.path,
            "created_at": entry.created_at}


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
