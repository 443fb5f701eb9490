"""One-time tokens: confirmed registration (source document 002) and password resets.

Staff invite an address for a customer; the invitee gets a token by mail and
sets a login name and password with it (``activate``). A password reset
sends a token to the login's address, and the same ``activate`` sets the new
password. A token is random; only its SHA-256 is stored; it expires and
works once (a conditional update decides, so two concurrent uses cannot
both succeed). Unknown, expired and used tokens are refused alike.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..domain.errors import AlreadyExists, InvalidArgument, TokenInvalid, UnknownReference
from ..domain.model import Principal, Role, links_base
from ..security import hash_password
from . import admin
from .auth import require_role, token_hash
from .calls import utcnow
from .notify import send_to_address
from .unit_of_work import UnitOfWork

INVITE, RESET = "invite", "reset"
LIFETIME = {INVITE: timedelta(days=7), RESET: timedelta(hours=1)}
#: At most one reset mail per login in this time: the anonymous operation cannot flood a mailbox.
RESET_INTERVAL = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Issued:
    token: str
    expires_at: datetime
    email: str


def _link(uow: UnitOfWork, token: str, public_url: str) -> str:
    """The web page that uses the token (web/auth.py serves /activate for both purposes)."""
    base = links_base(uow.settings.get().web_base_url, public_url)
    return f"{base}/activate?token={token}" if base else f"Token: {token}"


def purpose_of(uow: UnitOfWork, token: str, now: datetime | None = None) -> str:
    """What a usable token is for (INVITE or RESET), so a page can ask for the right fields;
    unknown, expired and used tokens are refused alike (TokenInvalid)."""
    record = uow.tokens.get(token_hash(token or ""))
    if record is None or record.used_at is not None or record.expires_at <= (now or utcnow()):
        raise TokenInvalid()
    return record.purpose


def invite_login(uow: UnitOfWork, author: Principal | str, customer_number: str, email: str,
                 now: datetime | None = None, public_url: str = "") -> Issued:
    """Invite an address to become a customer login of ``customer_number`` (staff and admins)."""
    if isinstance(author, Principal):
        require_role(author, Role.STAFF, Role.ADMIN)
        author = author.login_name
    email = admin.normalise_email(email, field="Email")
    now = now or utcnow()
    uow.begin_write()
    customer = uow.customers.by_number(customer_number.strip())
    if customer is None:
        raise UnknownReference(f"Customer {customer_number!r} does not exist.", field="CustomerId")
    if uow.logins.by_email(email) is not None:
        raise AlreadyExists(f"A login with e-mail {email!r} already exists.", field="Email")
    issued = _issue(uow, INVITE, email, author, now, customer_id=customer.id)
    send_to_address(uow, email, f"Invitation to the {customer.name} helpdesk",
                    f"You are invited to the helpdesk for {customer.name}.\n\n"
                    f"Choose a login name and a password with this one-time link (valid until "
                    f"{issued.expires_at:%Y-%m-%d %H:%M} UTC):\n\n"
                    f"{_link(uow, issued.token, public_url)}\n",
                    now, "invite")
    uow.commit()
    return issued


def request_password_reset(uow: UnitOfWork, identifier: str, now: datetime | None = None,
                           public_url: str = "") -> Issued | None:
    """Mail a reset token to the login named (by name or address), if it exists and has an address.

    The caller answers the same either way; the return value is for the admin CLI only.
    """
    now = now or utcnow()
    record = uow.logins.by_identifier((identifier or "").strip()) if identifier else None
    if record is None or not record.active or not record.email:
        return None
    uow.begin_write()
    if uow.tokens.issued_since(record.principal.login_id, RESET, now - RESET_INTERVAL):
        return None  # the mail sent moments ago is still valid
    issued = _issue(uow, RESET, record.email, record.principal.login_name, now,
                    login_id=record.principal.login_id)
    send_to_address(uow, record.email, "Password reset for the helpdesk",
                    f"A new password was requested for the login {record.principal.login_name}.\n\n"
                    f"Set it with this one-time link (valid until {issued.expires_at:%Y-%m-%d %H:%M} "
                    f"UTC):\n\n{_link(uow, issued.token, public_url)}\n\n"
                    "If you did not ask for it, ignore this mail.\n",
                    now, "reset")
    uow.commit()
    return issued


def activate(uow: UnitOfWork, token: str, login_name: str | None, password: str,
             now: datetime | None = None) -> str:
    """Use a token: an invitation creates the login, a reset sets its password. The login's name."""
    now = now or utcnow()
    key = token_hash(token or "")
    uow.begin_write()
    record = uow.tokens.get(key)
    if record is None or record.used_at is not None or record.expires_at <= now:
        raise TokenInvalid()
    admin.check_password_rules(password, field="Password")
    if not uow.tokens.use(key, now):  # a concurrent use won
        raise TokenInvalid()
    if record.purpose == INVITE:
        if not (login_name or "").strip():
            raise InvalidArgument("An invitation needs a login name.", field="LoginName")
        customer = uow.customers.get(record.customer_id)
        info = admin.add_login(uow, login_name, customer.number, password, role=Role.CUSTOMER,
                               email=record.email)  # commits, with the token's use
        return info.name
    login = uow.logins.by_id(record.login_id)
    if login is None or not login.active:
        raise TokenInvalid()
    if login_name and login_name.strip() not in (login.principal.login_name, login.email):
        raise TokenInvalid()
    uow.logins.set_password_hash(login.principal.login_id, hash_password(password))
    uow.sessions.delete_for_login(login.principal.login_id)
    uow.commit()
    return login.principal.login_name


def _issue(uow: UnitOfWork, purpose: str, email: str, author: str, now: datetime, **owner) -> Issued:
    token = secrets.token_urlsafe(32)
    expires = now + LIFETIME[purpose]
    uow.tokens.add(token_hash(token), purpose, email, author, now, expires, **owner)
    return Issued(token, expires, email)
