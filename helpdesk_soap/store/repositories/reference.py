"""Reference data: statuses, settings, and the versions (reference and account) a unit of
work reads them under."""

from __future__ import annotations

from dataclasses import fields

from sqlalchemy import bindparam, select

from ...domain.model import Stage, Status
from ...domain.settings import Settings
from ..models import ACCOUNT_VERSION, REFERENCE_VERSION, SettingRow, StatusRow
from ..session import StoreSession
from .base import core
from .call_rows import _COUNTER


_REFERENCE_VERSION = select(_COUNTER.c.value).where(_COUNTER.c.id == REFERENCE_VERSION)


def reference_version(session: StoreSession) -> int:
    """The version of the settings and statuses (ChangeCounterRow) as this unit of work
    first saw it: authentication reads it (with the account version, ``versions``, or in
    the login's query), so a request mostly needs no query of its own. A request therefore
    works with the reference data as of its start, as if it had run just before any change
    made while it ran."""
    seen = session.seen
    if seen.reference_version is None:
        seen.reference_version = core(session, _REFERENCE_VERSION, {}).scalar_one()
    return seen.reference_version


def forget_reference_version(session: StoreSession) -> None:
    """After this unit of work changed the settings or statuses: read the version again."""
    session.seen.reference_version = session.seen.account_version = None


#: The logins and portals' version (migration 0007), read with the reference version.
_ACCOUNT_VERSION = select(_COUNTER.c.value).where(_COUNTER.c.id == ACCOUNT_VERSION)
_VERSIONS = select(_REFERENCE_VERSION.scalar_subquery(), _ACCOUNT_VERSION.scalar_subquery())


def versions(session: StoreSession) -> tuple[int, int]:
    """The reference and account versions as this unit of work first saw them (one query
    for both): what a worker's copy of a login is kept under (store/cache.py)."""
    seen = session.seen
    if seen.reference_version is None or seen.account_version is None:
        return saw_versions(session, *core(session, _VERSIONS, {}).first())
    return seen.reference_version, seen.account_version


def saw_versions(session: StoreSession, reference: int, accounts: int) -> tuple[int, int]:
    """Note versions read by this unit of work; the first seen of each stays."""
    seen = session.seen
    if seen.reference_version is None:
        seen.reference_version = reference
    if seen.account_version is None:
        seen.account_version = accounts
    return seen.reference_version, seen.account_version


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
