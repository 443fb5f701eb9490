"""Calls and their entries: read, added and saved as the domain's Call (the list queries
are in call_queries.py)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ...domain.errors import Conflict
from ...domain.model import Call, ContactType, Entry, EntryKind, Visibility
from ..models import CallRow
from ..session import StoreSession
from .base import core
from .call_queries import CallQueries
from ..fast.folded import FOLDED_ENTRIES, entry_params, insert_call_folded, save_call_folded
from .call_rows import (_BY_VALUE, _CALL_BY_EXTERNAL_ID, _CALL_BY_ID, _CALL_BY_ID_LOCKED, _ENTRIES,
                        _ENTRIES_VISIBLE, _INSERT_CALL, _INSERT_ENTRY, _NEXT_CHANGE, _SAVE_CALL,
                        _SAVE_CALL_CHANGED, _call_from_row, _call_values, _entry_values)


class CallRepository(CallQueries):
    def __init__(self, session: StoreSession):
        self.session = session
        #: Set by the unit of work for a writing transaction: calls read are locked
        #: (SELECT ... FOR UPDATE on PostgreSQL; SQLite's write lock covers the whole file),
        #: so writers of one call queue up instead of failing the optimistic check, and
        #: every writer takes the call's row before any other row it changes.
        self.lock_reads = False

    def get(self, call_id: int) -> Call | None:
        if self.lock_reads:
            row = core(self.session, _CALL_BY_ID_LOCKED, {"call_id": call_id}).first()
        else:
            row = core(self.session, _CALL_BY_ID, {"call_id": call_id}).first()
        return _call_from_row(row) if row is not None else None

    def find_by_external_id(self, origin_customer_id: int, external_ticket_id: str) -> Call | None:
        row = core(self.session, _CALL_BY_EXTERNAL_ID, {"origin": origin_customer_id,
                                                        "external": external_ticket_id}).one_or_none()
        return _call_from_row(row) if row is not None else None

    def add(self, call: Call) -> None:
        values = {**_call_values(call), "version": 1, "staff_unread": False}
        folded = self._folded_entries(call)  # PostgreSQL: one statement for it all
        if folded is None:
            values["change_seq"] = self._next_change_seq()
            statement = _INSERT_CALL
        else:
            values.update(entry_params(folded))
            statement = insert_call_folded(len(folded))
        try:
            call_id, change_seq = core(self.session, statement, values).first()
        except IntegrityError as exc:
            raise Conflict(str(exc.orig)) from exc
        call.id, call.version, call.change_seq = call_id, 1, change_seq
        call.public_change = False
        del call.new_entries[:len(folded or ())]
        self._insert_entries(call)

    def save(self, call: Call) -> None:
        """Write the call back if nobody changed it since it was read (optimistic lock).

        A customer-visible change also takes the call's next change sequence number.
        Services save last, just before they commit, so the counter's row lock is held
        only for the end of the transaction.
        """
        params = {f"v_{name}": value for name, value in _call_values(call).items()}
        params.update(w_id=call.id, w_version=call.version, v_version=call.version + 1)
        folded = self._folded_entries(call)  # PostgreSQL: one statement for it all
        if folded is not None:
            params.update(entry_params(folded))
            statement = save_call_folded(call.public_change, len(folded))
        elif call.public_change:
            params["v_change_seq"] = self._next_change_seq()
            statement = _SAVE_CALL_CHANGED
        else:
            statement = _SAVE_CALL
        result = core(self.session, statement, params)
        if result.rowcount != 1:
            raise Conflict(f"call {call.id} changed concurrently")
        call.version += 1
        if folded is not None:  # it returns the number the call has now, new or not
            call.change_seq = result.first()[0]
        else:
            call.change_seq = params.get("v_change_seq", call.change_seq)
        del call.new_entries[:len(folded or ())]
        call.public_change = False
        self._insert_entries(call)

    def _folded_entries(self, call: Call) -> list[Entry] | None:
        """Where statements are round trips (PostgreSQL), the call's new entries that its own
        statement writes (all of them, up to FOLDED_ENTRIES); None where they and the change
        number take statements of their own."""
        if not self.session.round_trips:
            return None
        return call.new_entries[:FOLDED_ENTRIES]

    def _next_change_seq(self) -> int:
        """The next number of the store-wide change sequence. The UPDATE locks the counter's
        row until this transaction ends, so numbers are handed out in commit order."""
        return core(self.session, _NEXT_CHANGE, {}).scalar_one()

    def set_staff_unread(self, call_id: int, unread: bool) -> bool:
        return self.session.execute(update(CallRow).where(
            CallRow.id == call_id, CallRow.staff_unread.is_not(unread))
            .values(staff_unread=unread)).rowcount == 1

    def staff_unread(self, call_id: int) -> bool:
        return bool(self.session.scalar(select(CallRow.staff_unread).where(CallRow.id == call_id)))

    def _insert_entries(self, call: Call) -> None:
        if not call.new_entries:
            return
        core(self.session, _INSERT_ENTRY, [_entry_values(call.id, e) for e in call.new_entries])
        call.new_entries.clear()

    def entries(self, call_id: int, visibility: Visibility | None = None) -> list[Entry]:
        if visibility is None:
            rows = core(self.session, _ENTRIES, {"call_id": call_id})
        else:
            rows = core(self.session, _ENTRIES_VISIBLE, {"call_id": call_id,
                                                         "visibility": visibility.value})
        kinds, visibilities, contacts = _BY_VALUE[EntryKind], _BY_VALUE[Visibility], _BY_VALUE[ContactType]
        return [Entry(kind=kinds[kind], text=text, author=author, created_at=created_at,
                      visibility=visibilities[visibility],
                      contact_type=contacts[contact_type] if contact_type else None,
                      path=path, id=entry_id)
                for entry_id, kind, visibility, contact_type, author, text, path, created_at in rows.all()]
