"""Folded statements (the fast path, where each statement is a round trip: PostgreSQL):
a call's INSERT or UPDATE that also takes the next change number and writes the call's
new entries, as data-modifying CTEs (CallRepository.add and save, when fast.folds)."""

from __future__ import annotations

import functools

from sqlalchemy import bindparam, insert, select

from ..repositories.call_rows import (_CALL_COLUMNS, _CALLS, _ENTRY_COLUMNS, _ENTRY_TABLE, _NEXT_CHANGE,
                                      _entry_values, _save_statement)

#: New entries written in their call's statement at most; more go in a statement of their own.
FOLDED_ENTRIES = 8
#: Where every statement is a round trip (PostgreSQL), a write of a call is one statement:
#: the change sequence's UPDATE and the INSERT of the call's new entries ride in the call's
#: INSERT or UPDATE as data-modifying CTEs, where each was a statement of its own. They run
#: once, whatever the outer statement matches (a save that loses the optimistic check
#: raises Conflict, and its transaction is rolled back), and the counter's row stays locked
#: until the transaction ends, as before. SQLite has no data-modifying CTEs.
_NEXT_CHANGE_CTE = _NEXT_CHANGE.cte("next_change")
_NEXT_CHANGE_VALUE = select(_NEXT_CHANGE_CTE.c.value).scalar_subquery()


def _new_entries_cte(call_id, count: int):
    """The INSERT of ``count`` entries of the call ``call_id`` (an SQL expression), as a CTE;
    the i-th entry's values are the parameters e{i}_kind, e{i}_visibility... (entry_params)."""
    return insert(_ENTRY_TABLE).values([
        {"call_id": call_id,
         **{c: bindparam(f"e{i}_{c}", type_=_ENTRY_TABLE.c[c].type) for c in _ENTRY_COLUMNS}}
        for i in range(count)]).cte("new_entries")


@functools.cache
def insert_call_folded(entries: int):
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
def save_call_folded(numbered: bool, entries: int):
    """The call's UPDATE, with the next change number if ``numbered``, and the INSERT of
    ``entries`` new entries (PostgreSQL). It returns a row if the optimistic check passed."""
    statement = _save_statement([*_CALL_COLUMNS, "version"])
    if numbered:
        statement = statement.values(change_seq=_NEXT_CHANGE_VALUE).add_cte(_NEXT_CHANGE_CTE)
    if entries:
        statement = statement.add_cte(_new_entries_cte(bindparam("w_id"), entries))
    return statement.returning(_CALLS.c.change_seq)


def entry_params(entries) -> dict:
    """The parameters of _new_entries_cte for these entries."""
    params = {}
    for i, entry in enumerate(entries):
        values = _entry_values(None, entry)
        params.update((f"e{i}_{c}", values[c]) for c in _ENTRY_COLUMNS)
    return params
