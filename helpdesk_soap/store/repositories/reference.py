"""Reference data: statuses, settings, and the versions (reference and account) a unit of
work reads them under; with the versions, the row of the call a unit of work expects to
read first (expect_call)."""

from __future__ import annotations

from dataclasses import fields

from sqlalchemy import bindparam, select

from ...domain.model import Stage, Status
from ...domain.settings import Settings
from ..models import ACCOUNT_VERSION, REFERENCE_VERSION, SettingRow, StatusRow
from ..session import StoreSession
from .base import core
from .call_rows import _CALLS, _COUNTER


_REFERENCE_VERSION = select(_COUNTER.c.value).where(_COUNTER.c.id == REFERENCE_VERSION)
#: Where a unit of work's session keeps the reference version it first read (see
#: reference_version).
_VERSION_SEEN = "helpdesk_reference_version"


def reference_version(session: StoreSession) -> int:
    """The version of the settings and statuses (ChangeCounterRow) as this unit of work
    first saw it: authentication reads it (with the account version, ``versions``, or in
    the login's query), so a request mostly needs no query of its own. A request therefore
    works with the reference data as of its start, as if it had run just before any change
    made while it ran."""
    seen = session.info.get(_VERSION_SEEN)
    if seen is None:
        seen = session.info[_VERSION_SEEN] = core(session, _REFERENCE_VERSION, {}).scalar_one()
    return seen


def forget_reference_version(session: StoreSession) -> None:
    """After this unit of work changed the settings or statuses: read the version again."""
    session.info.pop(_VERSION_SEEN, None)
    session.info.pop(_ACCOUNTS_SEEN, None)


#: The logins and portals' version (migration 0007), read with the reference version.
_ACCOUNT_VERSION = select(_COUNTER.c.value).where(_COUNTER.c.id == ACCOUNT_VERSION)
_VERSIONS = select(_REFERENCE_VERSION.scalar_subquery(), _ACCOUNT_VERSION.scalar_subquery())
_ACCOUNTS_SEEN = "helpdesk_account_version"


def versions(session: StoreSession) -> tuple[int, int]:
    """The reference and account versions as this unit of work first saw them (one query
    for both): what a worker's copy of a login is kept under (store/cache.py). With them
    comes the row of the call the unit of work expects to read (``expect_call``)."""
    info = session.info
    reference, accounts = info.get(_VERSION_SEEN), info.get(_ACCOUNTS_SEEN)
    if reference is None or accounts is None:
        call_id = _expecting(session)
        if call_id is not None:
            row = core(session, _VERSIONS_AND_CALL, {"call_id": call_id}).first()
            _read_expected(session, row[2:] if row is not None else None)
            if row is not None:
                return _saw_versions(session, row[0], row[1])
        return _saw_versions(session, *core(session, _VERSIONS, {}).first())
    return reference, accounts


#: The call a unit of work expects to read first (expect_call): (its id, its row once read).
_EXPECTED_CALL = "helpdesk_expected_call"
_VERSIONS_AND_CALL = select(_REFERENCE_VERSION.scalar_subquery(), _ACCOUNT_VERSION.scalar_subquery(),
                            *_CALLS.columns).where(_CALLS.c.id == bindparam("call_id"))


def expect_call(session: StoreSession, call_id: int) -> None:
    """Note that this unit of work will read the call ``call_id`` (CallRepository.get)
    right after authenticating. Where every statement is a round trip to the server,
    authentication's query (``versions``, or a session token's, LoginRepository.session_of)
    then reads the call's row too, and the call's first read takes it from there: a
    GetCallData on PostgreSQL is one round trip, not two. The row is one statement's
    snapshot, as a read of its own would be; it serves one read, made before the unit of
    work writes (a writer reads the call under a lock) or ends a transaction
    (``drop_expected_call``)."""
    if session.round_trips:
        session.info[_EXPECTED_CALL] = (call_id, None)


def drop_expected_call(session: StoreSession) -> None:
    """The unit of work ended a transaction: its reads go to the store again."""
    session.info.pop(_EXPECTED_CALL, None)


def _expecting(session: StoreSession) -> int | None:
    """The id of the call this unit of work expects to read, if its row is still to be read."""
    expected = session.info.get(_EXPECTED_CALL)
    return expected[0] if expected is not None and expected[1] is None else None


def _read_expected(session: StoreSession, row) -> None:
    """Keep the expected call's row, read with the versions, under its id. No row, or the
    outer join's row of NULLs (id None, which no call has), means no such call: the call's
    read (CallRepository.get) then runs on its own, and finds none."""
    if row is None:
        session.info.pop(_EXPECTED_CALL, None)
    else:
        session.info[_EXPECTED_CALL] = (row[0], row)


def _expected_call_row(session: StoreSession, call_id: int):
    """The row read for ``call_id`` with the versions (expect_call), once; or None."""
    expected = session.info.get(_EXPECTED_CALL)
    if expected is None or expected[0] != call_id or expected[1] is None:
        return None
    del session.info[_EXPECTED_CALL]
    return expected[1]


def _saw_versions(session: StoreSession, reference: int, accounts: int) -> tuple[int, int]:
    """Note versions read by this unit of work; the first seen of each stays."""
    info = session.info
    return info.setdefault(_VERSION_SEEN, reference), info.setdefault(_ACCOUNTS_SEEN, accounts)


_STATUSES = select(StatusRow.code, StatusRow.name, StatusRow.stage, StatusRow.result_visible,
                   StatusRow.is_final)  # Status's fields, in order
_STATUS_BY_CODE = _STATUSES.where(StatusRow.code == bindparam("code"))
_STATUSES_BY_CODE = _STATUSES.order_by(StatusRow.code)


class StatusRepository:
    def __init__(self, session: StoreSession):
        self.session = session

    @staticmethod
    def _status(row) -> Status:
        """A Status from a row of _STATUSES."""
        code, name, stage, result_visible, is_final = row
        return Status(code, name, Stage(stage), result_visible, is_final)

    def get(self, code: str) -> Status | None:
        row = core(self.session, _STATUS_BY_CODE, {"code": code}).first()
        return self._status(row) if row is not None else None

    def list(self) -> list[Status]:
        return [self._status(r) for r in core(self.session, _STATUSES_BY_CODE, {})]

    def add(self, status: Status) -> None:
        self.session.add(StatusRow(code=status.code, name=status.name, stage=status.stage.value,
                                   result_visible=status.result_visible, is_final=status.is_final))
        self.session.flush()


_SETTINGS = select(SettingRow.key, SettingRow.value).order_by(SettingRow.key)


class SettingsRepository:
    def __init__(self, session: StoreSession):
        self.session = session

    #: The rows last read and what they parse to: parsing is the dear part, and the
    #: rows are read on every call, so a change shows at once.
    _parsed: tuple[tuple, Settings] | None = None

    def get(self) -> Settings:
        rows = tuple(tuple(r) for r in core(self.session, _SETTINGS, {}))
        parsed = SettingsRepository._parsed
        if parsed is not None and parsed[0] == rows:
            return parsed[1]
        settings = Settings.from_mapping(dict(rows))
        SettingsRepository._parsed = (rows, settings)
        return settings

    def set(self, key: str, value: str) -> None:
        assert key in {f.name for f in fields(Settings)}
        self.session.merge(SettingRow(key=key, value=value))
        self.session.flush()
