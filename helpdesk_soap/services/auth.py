"""Who is calling: credentials in, a Principal out, or AuthenticationFailed."""

from __future__ import annotations

from ..domain.errors import AuthenticationFailed
from ..domain.model import Principal
from ..security import PasswordVerifier
from .unit_of_work import UnitOfWork


def authenticate(uow: UnitOfWork, verifier: PasswordVerifier, login_name: str | None,
                 password: str | None) -> Principal:
    if not login_name or password is None:
        raise AuthenticationFailed()
    record = uow.logins.by_name(login_name)
    # Verify even for an unknown login, so both cost the same time.
    ok = verifier.verify(record.password_hash if record else None, password)
    if not ok or record is None or not record.active:
        raise AuthenticationFailed()
    return record.principal
