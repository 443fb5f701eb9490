"""Configuration: explicit, from the environment, with safe defaults.

Nothing reads the environment at import time; ``Config.from_env`` is called
by the CLI (or a test) and the result is passed down.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import platformdirs

from .push.settings import PushSettings

ENV_PREFIX = "HELPDESK_"


def default_quarantine_dir() -> Path:
    return Path(platformdirs.user_data_dir("helpdesk-soap")) / "mail-quarantine"


def default_database_url() -> str:
    path = Path(platformdirs.user_data_dir("helpdesk-soap")) / "helpdesk.sqlite3"
    return f"sqlite:///{path}"


@dataclass(frozen=True)
class Config:
    #: SQLAlchemy URL. Default: a SQLite file in the per-user data directory.
    database_url: str
    #: host:port that ``serve`` listens on.
    bind: str = "127.0.0.1:8080"
    #: gunicorn worker processes.
    workers: int = 2
    #: Largest request body accepted, in bytes.
    max_request_bytes: int = 10 * 1024 * 1024
    #: How long a verified password is remembered, in seconds (0 disables the cache).
    auth_cache_seconds: float = 300.0
    #: Log level of the service's own loggers.
    log_level: str = "info"
    #: Optional read replica (PostgreSQL streaming standby) for GetCallData's entries.
    database_replica_url: str | None = None
    #: Connections each worker keeps open to the database (PostgreSQL).
    db_pool_size: int = 5
    #: Extra connections a worker may open under load, closed again afterwards.
    db_max_overflow: int = 5
    #: Seconds after which a pooled connection is replaced.
    db_pool_recycle: int = 1800
    #: SQLite: how long a request waits for a lock before it answers Server.Unavailable.
    sqlite_busy_timeout_ms: int = 10_000
    #: SQLite: a worker's writes between its WAL checkpoints (store/engine.py).
    sqlite_checkpoint_every: int = 10
    #: Megabytes a worker keeps of the entries and attachments GetCallData reads (0: none).
    call_cache_mb: int = 32
    #: Outgoing mail. No host: nothing is ever sent (notifications wait in the outbox).
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    #: starttls (default), ssl (implicit TLS, port 465) or none (loopback relays only).
    smtp_security: str = "starttls"
    mail_from: str = "helpdesk@localhost"
    #: Incoming mail larger than this is quarantined unread.
    mail_max_bytes: int = 25 * 1024 * 1024
    #: Where mail that cannot be taken in is kept, with the reason next to it.
    mail_quarantine_dir: str | None = None
    #: The IMAP poller: always over TLS (ssl, or starttls on port 143).
    imap_host: str | None = None
    imap_port: int = 993
    imap_user: str | None = None
    imap_password: str | None = field(default=None, repr=False)
    imap_folder: str = "INBOX"
    imap_security: str = "ssl"
    #: Directory of attachment contents. Default: beside a SQLite file (``<name>-attachments``),
    #: else in the per-user data directory. Servers sharing a database must share it.
    attachment_dir: str | None = None
    #: Pushing changes to customers' systems (HELPDESK_PUSH_*, push/settings.py).
    push: PushSettings = field(default_factory=PushSettings)

    @property
    def attachment_root(self) -> Path:
        if self.attachment_dir:
            return Path(self.attachment_dir)
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix) and ":memory:" not in self.database_url:
            db = Path(self.database_url[len(prefix):].split("?", 1)[0])
            return db.with_name(db.stem + "-attachments")
        return Path(platformdirs.user_data_dir("helpdesk-soap")) / "attachments"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> Config:
        env = os.environ if environ is None else environ
        values: dict = {"database_url": env.get("HELPDESK_DATABASE_URL") or default_database_url()}
        for key, conv in (("bind", str), ("workers", int), ("max_request_bytes", int),
                          ("auth_cache_seconds", float), ("log_level", str),
                          ("database_replica_url", str), ("db_pool_size", int),
                          ("db_max_overflow", int), ("db_pool_recycle", int),
                          ("sqlite_busy_timeout_ms", int), ("sqlite_checkpoint_every", int),
                          ("call_cache_mb", int), ("smtp_host", str), ("smtp_port", int),
                          ("smtp_user", str), ("smtp_password", str), ("smtp_security", str),
                          ("mail_from", str), ("mail_max_bytes", int), ("mail_quarantine_dir", str),
                          ("imap_host", str), ("imap_port", int), ("imap_user", str),
                          ("imap_password", str), ("imap_folder", str), ("imap_security", str),
                          ("attachment_dir", str)):
            raw = env.get(ENV_PREFIX + key.upper())
            if raw:
                try:
                    values[key] = conv(raw)
                except ValueError:
                    raise ValueError(f"{ENV_PREFIX}{key.upper()}={raw!r} is not a valid {conv.__name__}") from None
        for key in ("smtp_security", "imap_security"):
            if key in values:
                values[key] = values[key].lower()
        if values.get("smtp_security", "starttls") not in ("starttls", "ssl", "none"):
            raise ValueError("HELPDESK_SMTP_SECURITY must be starttls, ssl or none")
        if values.get("imap_security", "ssl") not in ("ssl", "starttls"):
            raise ValueError("HELPDESK_IMAP_SECURITY must be ssl or starttls")
        if values.get("sqlite_checkpoint_every", 1) < 1:
            raise ValueError("HELPDESK_SQLITE_CHECKPOINT_EVERY must be at least 1")
        if values.get("call_cache_mb", 0) < 0:
            raise ValueError("HELPDESK_CALL_CACHE_MB must not be negative")
        values["push"] = PushSettings.from_env(env)
        config = cls(**values)
        return replace(config, **{k: v for k, v in overrides.items() if v is not None})
