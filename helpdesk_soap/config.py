"""Configuration: explicit, from the environment, with safe defaults.

Nothing reads the environment at import time; ``Config.from_env`` is called
by the CLI (or a test) and the result is passed down.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import platformdirs

from . import envvars
from .push.settings import PushSettings
from .security import make_hasher

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
    #: Seconds a new connection has to send its request line and headers (docs/slow-clients.md).
    header_timeout: float = 10.0
    #: Longest pause, in seconds, while a request body arrives.
    request_read_timeout: float = 5.0
    #: Seconds a whole request body may take to arrive (and an answer to be read).
    request_timeout: float = 60.0
    #: Seconds an idle kept-alive connection stays open.
    keepalive_timeout: float = 5.0
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
    #: Megabytes a worker keeps of the entries and attachments GetCallData reads, and of the
    #: answers made from them: half each (0: none).
    call_cache_mb: int = 32
    #: Whether the store takes its fast path under SQLAlchemy (store/fast/); off
    #: (HELPDESK_STORE_FAST=0), plain SQLAlchemy Core and ORM, its pool and transactions.
    #: None: on, unless the process's HELPDESK_STORE_FAST says 0 (store.fast.default).
    store_fast: bool | None = None
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
    #: Request and event logs: text (default) or json (one object per line).
    log_format: str = "text"
    #: If set, /metrics answers only with ``Authorization: Bearer <token>``.
    metrics_token: str | None = field(default=None, repr=False)
    #: Days the communication log keeps its entries.
    commlog_retention_days: int = 14
    #: Characters kept of each recorded request and answer (after masking).
    commlog_max_entry_chars: int = 64 * 1024
    #: The service's own public URL (scheme, host, optional path), for links in mail and
    #: contact URLs when the setting web_base_url is empty. Default: http://<bind>.
    public_url: str | None = None
    #: Signs the web session cookie. Default: generated once and kept beside the attachments
    #: (web/secret.py), so every worker and every restart uses the same key.
    web_secret_key: str | None = field(default=None, repr=False)
    #: The web session cookie's Secure flag: auto (when the request came over https, as
    #: gunicorn reports it), true or false.
    web_secure_cookies: str = "auto"

    @property
    def own_url(self) -> str:
        """The public URL links point to when web_base_url is empty."""
        return (self.public_url or f"http://{self.bind}").rstrip("/")
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
        values.update(envvars.read(env, ENV_PREFIX, (
            ("bind", str), ("workers", int), ("max_request_bytes", int),
            ("header_timeout", float), ("request_read_timeout", float),
            ("request_timeout", float), ("keepalive_timeout", float),
            ("auth_cache_seconds", float), ("log_level", str),
            ("database_replica_url", str), ("db_pool_size", int),
            ("db_max_overflow", int), ("db_pool_recycle", int),
            ("sqlite_busy_timeout_ms", int), ("sqlite_checkpoint_every", int),
            ("call_cache_mb", int), ("smtp_host", str), ("smtp_port", int),
            ("smtp_user", str), ("smtp_password", str), ("smtp_security", str),
            ("mail_from", str), ("mail_max_bytes", int), ("mail_quarantine_dir", str),
            ("imap_host", str), ("imap_port", int), ("imap_user", str),
            ("imap_password", str), ("imap_folder", str), ("imap_security", str),
            ("attachment_dir", str), ("log_format", str), ("metrics_token", str),
            ("commlog_retention_days", int), ("commlog_max_entry_chars", int),
            ("public_url", str), ("web_secret_key", str), ("web_secure_cookies", str)),
            "{name}={raw!r} is not a valid {type}"))
        for key in ("smtp_security", "imap_security", "log_format"):
            if key in values:
                values[key] = values[key].lower()
        if values.get("smtp_security", "starttls") not in ("starttls", "ssl", "none"):
            raise ValueError("HELPDESK_SMTP_SECURITY must be starttls, ssl or none")
        if values.get("imap_security", "ssl") not in ("ssl", "starttls"):
            raise ValueError("HELPDESK_IMAP_SECURITY must be ssl or starttls")
        if values.get("log_format", "text") not in ("text", "json"):
            raise ValueError("HELPDESK_LOG_FORMAT must be text or json")
        if values.get("commlog_retention_days", 0) < 0:
            raise ValueError("HELPDESK_COMMLOG_RETENTION_DAYS must not be negative")
        if values.get("commlog_max_entry_chars", 1) < 1:
            raise ValueError("HELPDESK_COMMLOG_MAX_ENTRY_CHARS must be at least 1")
        if "web_secure_cookies" in values:
            values["web_secure_cookies"] = values["web_secure_cookies"].lower()
        if values.get("web_secure_cookies", "auto") not in ("auto", "true", "false"):
            raise ValueError("HELPDESK_WEB_SECURE_COOKIES must be auto, true or false")
        if not values.get("public_url", "http://").startswith(("http://", "https://")):
            raise ValueError("HELPDESK_PUBLIC_URL must start with http:// or https://")
        if values.get("sqlite_checkpoint_every", 1) < 1:
            raise ValueError("HELPDESK_SQLITE_CHECKPOINT_EVERY must be at least 1")
        if values.get("call_cache_mb", 0) < 0:
            raise ValueError("HELPDESK_CALL_CACHE_MB must not be negative")
        for key in ("header_timeout", "request_read_timeout", "request_timeout"):
            if values.get(key, 1) <= 0:
                raise ValueError(f"{ENV_PREFIX}{key.upper()} must be positive")
        fast = env.get(ENV_PREFIX + "STORE_FAST", "").strip()
        if fast:
            try:
                values["store_fast"] = envvars.boolean(fast)
            except ValueError:
                raise ValueError("HELPDESK_STORE_FAST must be 0 or 1") from None
        values["push"] = PushSettings.from_env(env)
        make_hasher(env)  # a bad Argon2 cost (HELPDESK_ARGON2_*) fails here, not at a login
        config = cls(**values)
        return replace(config, **{k: v for k, v in overrides.items() if v is not None})
