"""Logins and their sessions."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import and_, bindparam, delete, exists, or_, select, update

from ...domain.model import Principal, Role
from ...domain.records import LoginRecord
from ..models import CustomerRow, LoginRow, PortalRow, SessionRow
from ..session import StoreSession
from .base import core
from .reference import _ACCOUNT_VERSION, _REFERENCE_VERSION, saw_versions

__all__ = ["LoginRecord", "LoginRepository", "SessionRepository"]


#: Whether the login's customer's portal, or its organisation's, is switched off: read in
#: the same query as the login, so authenticating costs one round trip (see PortalRepository).
_PORTAL_OFF = exists().where(
    PortalRow.active.is_(False),
    or_(PortalRow.customer_id == LoginRow.customer_id,
        and_(CustomerRow.organisation_id.is_not(None),
             PortalRow.organisation_id == CustomerRow.organisation_id))).label("portal_off")
_LOGINS = (select(LoginRow.id, LoginRow.name, LoginRow.customer_id, LoginRow.can_set_service_level,
                  LoginRow.role, LoginRow.password_hash, LoginRow.active, LoginRow.locked_until,
                  LoginRow.email, CustomerRow.organisation_id, _PORTAL_OFF,
                  _REFERENCE_VERSION.scalar_subquery().label("reference_version"))
           .select_from(LoginRow).outerjoin(CustomerRow, CustomerRow.id == LoginRow.customer_id))
_LOGIN_BY_NAME = _LOGINS.where(LoginRow.name == bindparam("name"))
_LOGIN_BY_ID = _LOGINS.where(LoginRow.id == bindparam("id"))
_LOGIN_BY_EMAIL = _LOGINS.where(LoginRow.email == bindparam("email"))
_LOGIN_BY_SESSION = (_LOGINS.add_columns(SessionRow.expires_at)
                     .join(SessionRow, SessionRow.login_id == LoginRow.id)
                     .where(SessionRow.token_hash == bindparam("hash")))
_SESSION_AND_VERSIONS = select(SessionRow.login_id, SessionRow.expires_at,
                               _REFERENCE_VERSION.scalar_subquery(),
                               _ACCOUNT_VERSION.scalar_subquery()).where(
    SessionRow.token_hash == bindparam("hash"))


class LoginRepository:
    def __init__(self, session: StoreSession):
        self.session = session

    def _record(self, row) -> LoginRecord | None:
        """A LoginRecord from a row of _LOGINS (the first 12 columns)."""
        if row is None:
            return None
        (login_id, name, customer_id, can_set_service_level, role, password_hash, active, locked_until,
         email, org, portal_off, version) = row[:12]
        seen = self.session.seen
        if seen.reference_version is None:
            seen.reference_version = version
        visible: frozenset[int] = frozenset()
        if customer_id is not None:
            visible = frozenset(self.session.scalars(
                select(CustomerRow.id).where(CustomerRow.organisation_id == org))) if org else \
                frozenset({customer_id})
            portal_off = bool(portal_off)
            seen.portal_off[(customer_id, org)] = portal_off
        else:
            org = portal_off = None
        principal = Principal(login_id, name, customer_id, can_set_service_level, Role(role), visible, org)
        return LoginRecord(principal, password_hash, active, locked_until, email, portal_off)

    def remember(self, record: LoginRecord) -> None:
        """Note what ``record`` says of the portals, as if this unit of work had read it
        (PortalRepository.inactive_for); for a record kept from an earlier request."""
        if record.portal_off is not None:
            p = record.principal
            self.session.seen.portal_off[(p.customer_id, p.organisation_id)] = record.portal_off

    def by_name(self, name: str) -> LoginRecord | None:
        return self._record(core(self.session, _LOGIN_BY_NAME, {"name": name}).one_or_none())

    def by_identifier(self, identifier: str) -> LoginRecord | None:
        """A login by its name, else its e-mail address (case-insensitive), else its
        customer's number where that customer has exactly one active login."""
        row = core(self.session, _LOGIN_BY_NAME, {"name": identifier}).one_or_none()
        if row is None and "@" in identifier:
            row = core(self.session, _LOGIN_BY_EMAIL, {"email": identifier.strip().lower()}).one_or_none()
        if row is None:
            rows = self.session.execute(
                _LOGINS.where(CustomerRow.number == identifier, LoginRow.active.is_(True)).limit(2)).all()
            row = rows[0] if len(rows) == 1 else None
        return self._record(row)

    def by_email(self, email: str) -> LoginRecord | None:
        return self._record(core(self.session, _LOGIN_BY_EMAIL,
                                 {"email": email.strip().lower()}).one_or_none())

    def by_id(self, login_id: int) -> LoginRecord | None:
        return self._record(core(self.session, _LOGIN_BY_ID, {"id": login_id}).one_or_none())

    def session_of(self, token_hash: str) -> tuple[int, datetime] | None:
        """The login id and expiry of a session token, without the login; the versions
        (``versions``) are read in the same query."""
        row = core(self.session, _SESSION_AND_VERSIONS, {"hash": token_hash}).first()
        if row is None:
            return None
        saw_versions(self.session, row[2], row[3])
        return row[0], row[1]

    def by_session(self, token_hash: str) -> tuple[LoginRecord, datetime] | None:
        """The login a session token belongs to, and when the session expires: one query."""
        row = core(self.session, _LOGIN_BY_SESSION, {"hash": token_hash}).one_or_none()
        return (self._record(row), row[12]) if row is not None else None  # + expires_at

    def add(self, name: str, customer_id: int | None, password_hash: str, can_set_service_level: bool,
            role: Role = Role.INTEGRATION, email: str | None = None) -> int:
        row = LoginRow(name=name, customer_id=customer_id, password_hash=password_hash,
                       can_set_service_level=can_set_service_level, active=True, role=role.value,
                       email=email, failed_logins=0, created_at=datetime.now(UTC))
        self.session.add(row)
        self.session.flush()
        return row.id

    def set_password_hash(self, login_id: int, password_hash: str) -> None:
        self.session.execute(update(LoginRow).where(LoginRow.id == login_id)
                             .values(password_hash=password_hash, failed_logins=0, locked_until=None))

    def record_failure(self, login_id: int, threshold: int, lock_until: datetime) -> bool:
        """Count a failed login; at the threshold, lock the login. True if it is now locked."""
        failed = self.session.execute(
            update(LoginRow).where(LoginRow.id == login_id)
            .values(failed_logins=LoginRow.failed_logins + 1).returning(LoginRow.failed_logins)).scalar()
        if failed is not None and failed >= threshold:
            self.session.execute(update(LoginRow).where(LoginRow.id == login_id)
                                 .values(failed_logins=0, locked_until=lock_until))
            return True
        return False

    def reset_failures(self, login_id: int) -> None:
        self.session.execute(update(LoginRow).where(LoginRow.id == login_id, LoginRow.failed_logins > 0)
                             .values(failed_logins=0))

    def unlock(self, login_id: int) -> None:
        self.session.execute(update(LoginRow).where(LoginRow.id == login_id)
                             .values(failed_logins=0, locked_until=None))

    def list(self) -> list[LoginRecord]:
        return [self._record(r) for r in self.session.execute(_LOGINS.order_by(LoginRow.name))]


_SESSION_BY_HASH = select(SessionRow.login_id, SessionRow.expires_at).where(
    SessionRow.token_hash == bindparam("hash"))


class SessionRepository:
    def __init__(self, session: StoreSession):
        self.session = session

    def add(self, token_hash: str, login_id: int, now: datetime, expires_at: datetime) -> None:
        self.session.add(SessionRow(token_hash=token_hash, login_id=login_id, created_at=now,
                                    expires_at=expires_at))
        self.session.flush()

    def get(self, token_hash: str) -> tuple[int, datetime] | None:
        row = core(self.session, _SESSION_BY_HASH, {"hash": token_hash}).first()
        return (row[0], row[1]) if row is not None else None  # login_id, expires_at

    def renew(self, token_hash: str, expires_at: datetime) -> None:
        self.session.execute(update(SessionRow).where(SessionRow.token_hash == token_hash)
                             .values(expires_at=expires_at))

    def delete(self, token_hash: str) -> None:
        self.session.execute(delete(SessionRow).where(SessionRow.token_hash == token_hash))

    def delete_for_login(self, login_id: int, keep: str | None = None) -> None:
        stmt = delete(SessionRow).where(SessionRow.login_id == login_id)
        if keep is not None:
            stmt = stmt.where(SessionRow.token_hash != keep)
        self.session.execute(stmt)

    def delete_expired(self, now: datetime) -> None:
        self.session.execute(delete(SessionRow).where(SessionRow.expires_at < now))
