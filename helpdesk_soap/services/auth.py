"""Who is calling: credentials or a session token in, a Principal out.

* A login authenticates with its name, its e-mail address, or its
  customer's number (as customers know it, source document 001) where that
  customer has exactly one active login; an ambiguous number matches nothing.
* After ``lockout_threshold`` failed logins in a row the login is locked for
  ``lockout_minutes``; the fault is the same as for a wrong password.
* Session tokens are random; only their SHA-256 is stored. A token expires
  after ``session_idle_minutes`` without use, and every use renews it (at
  most one write per tenth of that period), so a poller never ages out.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..domain.errors import (AccessDenied, AuthenticationFailed, InvalidArgument, LoginLocked,
                             ServiceUnavailable, SessionExpired)
from ..domain.model import Principal, Role
from ..domain.settings import Settings
from ..security import PasswordVerifier, hash_password
from .admin import check_password_rules
from .calls import utcnow
from .unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class SessionGrant:
    token: str
    expires_at: datetime
    idle_minutes: int


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def authenticate(uow: UnitOfWork, verifier: PasswordVerifier, identifier: str | None,
                 password: str | None, now: datetime | None = None) -> Principal:
    if not identifier or password is None:
        raise AuthenticationFailed()
    record = uow.logins.by_identifier(identifier)
    if record is not None and record.locked_until is not None:
        now = now or utcnow()  # only a lock needs the clock: most requests have none
        if record.locked_until > now:
            verifier.verify(None, password)  # same cost as a wrong password: timing tells nothing
            raise LoginLocked()  # locked: not even a right password gets in
    # Verify even for an unknown login, so both cost the same time.
    ok = verifier.verify(record.password_hash if record else None, password)
    if record is None:
        raise AuthenticationFailed()
    login_id = record.principal.login_id
    if not ok:
        settings: Settings = uow.settings.get()
        uow.begin_write()
        uow.logins.record_failure(login_id, settings.lockout_threshold,
                                  (now or utcnow()) + timedelta(minutes=settings.lockout_minutes))
        uow.commit()  # the request fails, but the count must stay
        raise AuthenticationFailed()
    if not record.active:
        raise AuthenticationFailed()
    if record.locked_until is not None:  # an expired lock, or failures to forget
        uow.begin_write()
        uow.logins.unlock(login_id)
        uow.commit()
    return record.principal


def open_session(uow: UnitOfWork, verifier: PasswordVerifier, identifier: str | None,
                 password: str | None, now: datetime | None = None) -> tuple[Principal, SessionGrant]:
    now = now or utcnow()
    principal = authenticate(uow, verifier, identifier, password, now)
    check_portal(uow, principal)
    idle = uow.settings.get().session_idle_minutes
    token = secrets.token_urlsafe(32)
    uow.begin_write()
    uow.sessions.delete_expired(now)
    expires = now + timedelta(minutes=idle)
    uow.sessions.add(token_hash(token), principal.login_id, now, expires)
    uow.commit()
    return principal, SessionGrant(token, expires, idle)


def own_customer_number(uow: UnitOfWork, principal: Principal) -> str | None:
    """The number of the login's own customer (None for staff and admins)."""
    if principal.customer_id is None:
        return None
    customer = uow.customers.get(principal.customer_id)
    return customer.number if customer is not None else None


def authenticate_session(uow: UnitOfWork, token: str, now: datetime | None = None) -> Principal:
    now = now or utcnow()
    key = token_hash(token)
    found = uow.logins.by_session(key)  # the session and its login in one query
    if found is None or found[1] <= now:
        raise SessionExpired()
    record, expires_at = found
    if not record.active:
        raise SessionExpired()
    idle, renew_below = _session_periods(uow.settings.get().session_idle_minutes)
    if expires_at - now < renew_below:
        uow.begin_write()
        uow.sessions.renew(key, now + idle)
        uow.commit()  # renewed even if the operation itself then fails
    return record.principal


@functools.lru_cache(maxsize=16)
def _session_periods(idle_minutes: int) -> tuple[timedelta, timedelta]:
    """A session's idle period, and the time left below which a use renews it (at most one
    write per tenth of the period). Worked out once per setting: on every request with a
    session it was a fifth of what authentication added (6 of 30 µs in-process)."""
    idle = timedelta(minutes=idle_minutes)
    return idle, idle * 0.9


def close_session(uow: UnitOfWork, token: str | None) -> None:
    if token:
        uow.begin_write()
        uow.sessions.delete(token_hash(token))
        uow.commit()


def change_password(uow: UnitOfWork, verifier: PasswordVerifier, principal: Principal, old: str,
                    new: str, current_token: str | None = None) -> None:
    """Change the caller's password. Other sessions of the login end; the current one stays."""
    record = uow.logins.by_id(principal.login_id)
    if record is None or not verifier.verify(record.password_hash, old):
        raise AuthenticationFailed()
    if new == old:
        raise InvalidArgument("The new password must differ from the old one.", field="NewPassword")
    check_password_rules(new, field="NewPassword")
    uow.begin_write()
    uow.logins.set_password_hash(principal.login_id, hash_password(new))
    uow.sessions.delete_for_login(principal.login_id, keep=token_hash(current_token) if current_token else None)
    uow.commit()


def check_portal(uow: UnitOfWork, principal: Principal) -> None:
    """A customer-side login whose portal is inactive may do nothing (source document 004)."""
    if principal.customer_id is not None and uow.portals.inactive_for(principal.customer_id,
                                                                      principal.organisation_id):
        raise ServiceUnavailable()


#: The machine's operator. The CLI acts as this system admin, explicitly: whoever may run
#: ``helpdesk-soap`` against the database is trusted like an admin (there is no login row;
#: changes are recorded as made by "cli", as the communication log's are).
OPERATOR = Principal(None, "cli", None, role=Role.ADMIN)


def require_role(principal: Principal, *roles: Role) -> None:
    if principal.role not in roles:
        raise AccessDenied()
