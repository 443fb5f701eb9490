"""The delivery worker's settings, from HELPDESK_PUSH_* (see docs/push.md)."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass

from .. import envvars


def _networks(raw: str) -> tuple:
    return tuple(ipaddress.ip_network(part.strip(), strict=False)
                 for part in raw.split(",") if part.strip())


@dataclass(frozen=True)
class PushSettings:
    #: ``serve`` starts a delivery worker process beside gunicorn.
    worker: bool = True
    #: Private, loopback and link-local networks callbacks may still point into.
    allow_networks: tuple = ()
    #: Retry schedule: first retry after ``retry_first`` s, then times ``retry_factor``,
    #: capped at ``retry_cap`` s, with up to +-``retry_jitter`` of it at random.
    retry_first: float = 60.0
    retry_factor: float = 2.0
    retry_cap: float = 3600.0
    retry_jitter: float = 0.2
    #: Attempts before a delivery is parked, and the age after which it is parked anyway.
    max_attempts: int = 10
    max_age: float = 86400.0
    #: Connect and read timeout of one delivery, seconds.
    timeout: float = 10.0
    #: Bytes of a receiver's answer read at most.
    max_response_bytes: int = 65536
    #: Deliveries in flight at once per worker (each a different call).
    concurrency: int = 8
    #: Seconds between looks for due deliveries when idle.
    poll_interval: float = 1.0
    #: Consecutive failures after which a listener counts as failing (health).
    failing_after: int = 5

    @property
    def lease(self) -> float:
        """How long a claimed delivery is someone's: past it, a crashed worker's claim lapses."""
        return self.timeout * 2 + 5

    @classmethod
    def from_env(cls, environ=None) -> PushSettings:
        env = os.environ if environ is None else environ
        values = envvars.read(env, "HELPDESK_PUSH_", (
            ("worker", envvars.boolean), ("allow_networks", _networks),
            ("retry_first", float), ("retry_factor", float), ("retry_cap", float),
            ("retry_jitter", float), ("max_attempts", int), ("max_age", float),
            ("timeout", float), ("max_response_bytes", int), ("concurrency", int),
            ("poll_interval", float), ("failing_after", int)), "{name}={raw!r} is not valid")
        settings = cls(**values)
        if settings.max_attempts < 1 or settings.concurrency < 1 or settings.timeout <= 0:
            raise ValueError("HELPDESK_PUSH_MAX_ATTEMPTS, _CONCURRENCY and _TIMEOUT must be positive")
        return settings
