"""``helpdesk-soap demo``: a whole small world to try the service with.

A customer, the integration login its ticket system uses (``/helpdesk``) and a staff
login for the helpdesk's side (``/staff``), so that a newcomer can go create → staff
proposes → accept. The database keeps only Argon2id hashes, so the passwords the demo
hands out are also kept in a file only the user can read (beside a SQLite database,
else in the per-user data directory); a second run prints them again, unchanged,
unless it is asked to make new ones.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from .config import Config
from .domain.model import Role
from .security import PasswordVerifier
from .services import admin


@dataclass(frozen=True)
class DemoLogin:
    name: str
    role: Role
    password: str
    kept: bool  # the password of an earlier run, unchanged


@dataclass(frozen=True)
class DemoWorld:
    customer: str
    integration: DemoLogin
    staff: DemoLogin
    passwords_file: Path


def passwords_file(config: Config) -> Path:
    """Where the demo's passwords are kept for this database."""
    prefix = "sqlite:///"
    if config.database_url.startswith(prefix) and ":memory:" not in config.database_url:
        db = Path(config.database_url[len(prefix):].split("?", 1)[0])
        return db.with_name(db.stem + "-demo-logins.json")
    digest = hashlib.sha256(config.database_url.encode()).hexdigest()[:16]
    return Path(platformdirs.user_data_dir("helpdesk-soap")) / f"demo-logins-{digest}.json"


def _read(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)} \
        if isinstance(data, dict) else {}


def _write(path: Path, passwords: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(passwords, out, indent=2)
    os.chmod(path, 0o600)  # an older file may have had other modes


def set_up(uow, config: Config, *, customer: str = "DEMO", integration: str = "demo",
           staff: str = "demo-staff", reset_passwords: bool = False) -> DemoWorld:
    """Create what is missing; keep the passwords of logins that exist unless told otherwise."""
    path = passwords_file(config)
    saved = _read(path)
    verifier = PasswordVerifier(ttl=0)
    if uow.customers.by_number(customer) is None:
        admin.add_customer(uow, customer, "Demo Airline")
    logins = []
    wanted = ((integration, Role.INTEGRATION, customer), (staff, Role.STAFF, None))
    for name, role, number in wanted:
        record = uow.logins.by_name(name)
        known = saved.get(name)
        if record is None:
            password = secrets.token_urlsafe(12)
            admin.add_login(uow, name, number, password, role=role)
            logins.append(DemoLogin(name, role, password, kept=False))
        elif not reset_passwords and known and verifier.verify(record.password_hash, known):
            logins.append(DemoLogin(name, role, known, kept=True))
        else:  # asked to, or its password is not the one the demo handed out
            password = secrets.token_urlsafe(12)
            admin.set_password(uow, name, password)
            logins.append(DemoLogin(name, role, password, kept=False))
    _write(path, {**saved, **{login.name: login.password for login in logins}})
    return DemoWorld(customer, logins[0], logins[1], path)


def _age(login: DemoLogin) -> str:
    return "kept" if login.kept else "new"


def screen(world: DemoWorld, config: Config) -> str:
    """What the demo prints: the world, and what to do next."""
    host, _, port = config.bind.rpartition(":")
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '[::]', '') else host}:{port}"
    i, s = world.integration, world.staff
    if i.kept and s.kept:
        passwords = "Passwords kept from the last run (--reset-passwords makes new ones)."
    else:
        passwords = "New passwords; running demo again keeps them (--reset-passwords makes new ones)."
    return f"""\
helpdesk-soap demo: ready in {config.database_url}

  customer           {world.customer}  (Demo Airline)
  integration login  {i.name:<11} password {i.password} ({_age(i)})  for its ticket system: {url}/helpdesk
  staff login        {s.name:<11} password {s.password} ({_age(s)})  for the helpdesk's side: {url}/staff

{passwords}
They are saved in {world.passwords_file} (readable by you only).

Next: start the service with `helpdesk-soap serve`; the WSDLs are
{url}/helpdesk?wsdl and {url}/staff?wsdl.
In another shell, set these and paste the README's example (create, propose, accept):

export HELPDESK_URL={url} HELPDESK_LOGIN={i.name} HELPDESK_PASSWORD={i.password} HELPDESK_STAFF_LOGIN={s.name} HELPDESK_STAFF_PASSWORD={s.password}

Or check the whole round trip with: helpdesk-soap-client smoke

In a browser, {url}/ is the web front end: log in as {i.name} to see and answer the
customer's calls, or as {s.name} for the helpdesk's desk.
"""
