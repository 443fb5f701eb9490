"""The communication log (issue 28): record a login's requests and answers, for a while.

* Only an administrator switches recording on or off (for one login, or for all), and
  only for a limited time: 1 minute to 7 days. The CLI acts as an administrator.
* Staff and administrators read the entries; nobody else does.
* Entries are kept for the retention period (HELPDESK_COMMLOG_RETENTION_DAYS, 14 by
  default) and then purged, by ``helpdesk-soap commlog purge`` or along the way.
* What is recorded was masked before it reached this module (ops/commlog.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..domain.commlog import Exchange
from ..domain.errors import InvalidArgument, UnknownReference
from ..domain.model import Principal, Role
from .auth import require_role
from .calls import utcnow
from .unit_of_work import UnitOfWork

MAX_MINUTES = 7 * 24 * 60
MAX_PAGE = 200
#: ListCommlog's page when the caller names none.
DEFAULT_PAGE = 50


def _actor(principal: Principal | None, *roles: Role) -> str:
    """The acting login's name; None is the CLI (the machine's operator)."""
    if principal is None:
        return "cli"
    require_role(principal, *roles)
    return principal.login_name


def _login_id(uow: UnitOfWork, login_name: str | None) -> int | None:
    if not login_name:
        return None
    record = uow.logins.by_name(login_name)
    if record is None:
        raise UnknownReference(f"Login {login_name!r} does not exist.", field="LoginName")
    return record.principal.login_id


def enable(uow: UnitOfWork, principal: Principal | None, login_name: str | None, minutes: int,
           now: datetime | None = None) -> datetime:
    """Record ``login_name``'s exchanges (everyone's, when None) for ``minutes``; returns
    when recording stops."""
    by = _actor(principal, Role.ADMIN)
    if not 1 <= minutes <= MAX_MINUTES:
        raise InvalidArgument(f"Minutes must be from 1 to {MAX_MINUTES}.", field="Minutes",
                              limit=MAX_MINUTES)
    now = now or utcnow()
    uow.begin_write()
    until = now + timedelta(minutes=minutes)
    uow.commlog.switch_on(_login_id(uow, login_name), by, now, until)
    uow.commit()
    return until


def disable(uow: UnitOfWork, principal: Principal | None, login_name: str | None) -> bool:
    """Stop recording ``login_name`` (the switch for all, when None); False if it was off."""
    _actor(principal, Role.ADMIN)
    uow.begin_write()
    stopped = uow.commlog.switch_off(_login_id(uow, login_name)) > 0
    uow.commit()
    return stopped


def switches(uow: UnitOfWork, principal: Principal | None, now: datetime | None = None) -> list:
    _actor(principal, Role.STAFF, Role.ADMIN)
    return uow.commlog.active(now or utcnow())


def entries(uow: UnitOfWork, principal: Principal | None, login_name: str | None = None,
            before_id: int | None = None, limit: int | None = None) -> list:
    """The newest entries first (of one login, or all); page on with ``before_id``."""
    _actor(principal, Role.STAFF, Role.ADMIN)
    limit = DEFAULT_PAGE if limit is None else limit
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidArgument(f"PageSize must be from 1 to {MAX_PAGE}.", field="PageSize", limit=MAX_PAGE)
    return uow.commlog.entries(_login_id(uow, login_name), before_id, limit)


def entry(uow: UnitOfWork, principal: Principal | None, entry_id: int):
    _actor(principal, Role.STAFF, Role.ADMIN)
    found = uow.commlog.get(entry_id)
    if found is None:
        raise UnknownReference(f"Communication log entry {entry_id} does not exist.", field="EntryId")
    return found


def purge(uow: UnitOfWork, principal: Principal | None, retention_days: int,
          now: datetime | None = None) -> int:
    """Delete entries older than the retention period; returns how many went."""
    _actor(principal, Role.ADMIN)
    if retention_days < 0:
        raise InvalidArgument("The retention must not be negative.", field="RetentionDays")
    now = now or utcnow()
    uow.begin_write()
    count = uow.commlog.purge(now - timedelta(days=retention_days), now)
    uow.commit()
    return count


def active_switches(uow: UnitOfWork, now: datetime | None = None) -> list:
    """For the recorder (no caller): which logins are recorded now."""
    return uow.commlog.active(now or utcnow())


def record(uow: UnitOfWork, exchange: Exchange) -> None:
    """For the recorder (no caller): keep one exchange."""
    uow.begin_write()
    uow.commlog.add(exchange)
    uow.commit()
