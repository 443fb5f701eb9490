"""/healthz and /readyz: is the process up, and can it serve (database and schema).

The readiness probe has its own tiny engine (no pool, a short connect and statement
timeout), so a probe never waits behind the requests' pool nor holds one of its
connections; SQLite is opened read-only, so a missing file is "not ready", not created.
Answers are cached for a second: a load balancer polling every second costs one query.
"""

from __future__ import annotations

import json
import threading
import time

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

#: Seconds the database has to answer the probe.
TIMEOUT_SECONDS = 2
CACHE_SECONDS = 1.0


def probe_engine(database_url: str):
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        path = url.database or ""
        if not path or path == ":memory:":
            return create_engine(url, poolclass=NullPool)
        return create_engine(f"sqlite:///file:{path}?mode=ro&uri=true", poolclass=NullPool,
                             connect_args={"timeout": TIMEOUT_SECONDS})
    args = {}
    if url.get_backend_name() == "postgresql":
        args = {"connect_timeout": TIMEOUT_SECONDS,
                "options": f"-c statement_timeout={TIMEOUT_SECONDS * 1000}"}
    return create_engine(url, poolclass=NullPool, connect_args=args)


class Readiness:
    def __init__(self, database_url: str):
        self._url = database_url
        self._engine = None
        self._heads: frozenset[str] | None = None
        self._lock = threading.Lock()
        self._cached: tuple[float, bool, dict] | None = None

    def check(self) -> tuple[bool, dict]:
        now = time.monotonic()
        cached = self._cached
        if cached is not None and now - cached[0] < CACHE_SECONDS:
            return cached[1], cached[2]
        with self._lock:
            ok, body = self._check()
            self._cached = (time.monotonic(), ok, body)
        return ok, body

    def _check(self) -> tuple[bool, dict]:
        if self._heads is None:
            from ..store.migrate import head_revisions  # Alembic only once a probe comes

            self._heads = head_revisions()
        if self._engine is None:
            self._engine = probe_engine(self._url)
        try:
            with self._engine.connect() as conn:
                rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        except Exception as exc:  # any failure means "not ready"; say which kind, not the URL
            return False, {"status": "unavailable", "database": "error", "error": type(exc).__name__}
        current = frozenset(rows)
        if current != self._heads:
            return False, {"status": "unavailable", "database": "ok", "migrations": "pending",
                           "schema": sorted(current), "expected": sorted(self._heads)}
        return True, {"status": "ok", "database": "ok", "migrations": "current",
                      "schema": sorted(current)}

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def answer(start_response, ok: bool, body: dict, head: bool) -> list[bytes]:
    data = (json.dumps(body, sort_keys=True) + "\n").encode()
    start_response("200 OK" if ok else "503 Service Unavailable",
                   [("Content-Type", "application/json"), ("Content-Length", str(len(data))),
                    ("Cache-Control", "no-store")])
    return [b"" if head else data]
