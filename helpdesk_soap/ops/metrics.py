"""/metrics: Prometheus text format, summed across gunicorn workers.

Counters and the latency histogram are written by each worker to prometheus_client's
multiprocess directory (PROMETHEUS_MULTIPROC_DIR, set up by ``serve`` before the workers
fork; see serving.py) and summed at scrape time. What the database knows (sessions open,
outbox pending and failed, mail taken in) is read at scrape time instead of counted, with
a short cache, so every worker reports the same truth and a restart loses nothing.

prometheus_client is imported only here, inside the worker, after the directory is set.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

#: Request latency buckets, in seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
GAUGE_CACHE_SECONDS = 5.0


class Metrics:
    def __init__(self, database_url: str, quarantine_dir: Path | None,
                 operations: dict[str, frozenset[str]]):
        from prometheus_client import CollectorRegistry, Counter, Histogram

        self.multiprocess = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
        self.registry = CollectorRegistry()
        #: Only known services and operations become label values (a path or a Body
        #: element name is the caller's choice: unbounded labels would swamp Prometheus).
        self.operations = operations
        self.requests = Counter("helpdesk_requests", "SOAP requests answered.",
                                ["service", "operation"], registry=self.registry)
        self.faults = Counter("helpdesk_faults", "SOAP faults answered, by fault code.",
                              ["service", "operation", "code"], registry=self.registry)
        self.latency = Histogram("helpdesk_request_duration_seconds",
                                 "Time from receiving a request to its answer.",
                                 ["service", "operation"], buckets=BUCKETS, registry=self.registry)
        self.auth_failures = Counter("helpdesk_auth_failures", "Failed authentications "
                                     "(wrong or missing credentials, locked logins included).",
                                     ["service"], registry=self.registry)
        self.lockouts = Counter("helpdesk_auth_locked", "Attempts refused because the login "
                                "is locked after too many failures.", ["service"],
                                registry=self.registry)
        self._children: dict[tuple[str, str], tuple] = {}
        self.store = StoreGauges(database_url, quarantine_dir)
        self.registry.register(self.store)

    def observe(self, service: str, facts: dict, seconds: float) -> None:
        known = self.operations.get(service)
        if known is None:
            return
        operation = facts.get("operation")
        operation = operation if operation in known else "-"
        key = (service, operation)
        children = self._children.get(key)
        if children is None:  # labels() looks the child up under a lock: once per pair
            children = self._children[key] = (self.requests.labels(*key), self.latency.labels(*key))
        children[0].inc()
        children[1].observe(seconds)
        code = facts.get("fault")
        if code:
            self.faults.labels(service, operation, _bounded_code(code)).inc()
            if code == "Client.AuthenticationFailed":
                self.auth_failures.labels(service).inc()
                if facts.get("reason") == "locked":
                    self.lockouts.labels(service).inc()

    def render(self) -> tuple[bytes, str]:
        from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

        registry = self.registry
        if self.multiprocess:
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            registry.register(self.store)
        return generate_latest(registry), CONTENT_TYPE_LATEST

    def close(self) -> None:
        self.store.close()


def _bounded_code(code: str) -> str:
    from ..soap.faults import CATALOGUE

    return code if code in CATALOGUE else "other"


class StoreGauges:
    """A collector reading the database's counts at scrape time (cached briefly)."""

    def __init__(self, database_url: str, quarantine_dir: Path | None):
        self._url = database_url
        self._quarantine = quarantine_dir
        self._engine = None
        self._lock = threading.Lock()
        self._cached: tuple[float, dict] | None = None

    def describe(self):
        return []  # not known before the first read; keeps registration free of queries

    def collect(self):
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        values = self._values()
        up = GaugeMetricFamily("helpdesk_store_up", "1 if the database answered the last read.")
        up.add_metric([], 1 if values else 0)
        yield up
        if not values:
            return
        sessions = GaugeMetricFamily("helpdesk_sessions_open", "Session tokens not yet expired.")
        sessions.add_metric([], values["sessions"])
        yield sessions
        outbox = GaugeMetricFamily("helpdesk_outbox_messages", "Outgoing mail by state "
                                   "(pending: waiting to be sent; failed: given up).", labels=["state"])
        for state in ("pending", "failed", "expired", "sent"):
            outbox.add_metric([state], values["outbox"].get(state, 0))
        yield outbox
        intake = CounterMetricFamily("helpdesk_mail_intake", "Incoming mail taken in, by outcome "
                                     "(accepted: a new call; threaded: added to a call; ignored: "
                                     "automated; quarantined: kept aside with a reason).",
                                     labels=["outcome"])
        for outcome in ("accepted", "threaded", "ignored", "quarantined"):
            intake.add_metric([outcome], values["intake"].get(outcome, 0))
        yield intake
        push = GaugeMetricFamily("helpdesk_push_deliveries", "Push deliveries to listeners by "
                                 "state (pending: due or retrying; parked: given up, waiting "
                                 "for a redelivery; delivered).", labels=["state"])
        for state in ("pending", "parked", "delivered"):
            push.add_metric([state], values["push"].get(state, 0))
        yield push
        failing = GaugeMetricFamily("helpdesk_push_listeners_failing", "Active listeners whose "
                                    "last delivery failed (docs/push.md).")
        failing.add_metric([], values["push_failing"])
        yield failing

    def _values(self) -> dict | None:
        now = time.monotonic()
        cached = self._cached
        if cached is not None and now - cached[0] < GAUGE_CACHE_SECONDS:
            return cached[1]
        with self._lock:
            values = self._read()
            self._cached = (time.monotonic(), values)
        return values

    def _read(self) -> dict | None:
        from ..services.calls import utcnow
        from ..store.models import (ListenerRow, MailMessageRow, OutboxRow, PushDeliveryRow,
                                    SessionRow)
        from .health import probe_engine

        if self._engine is None:
            self._engine = probe_engine(self._url)
        names = {"created": "accepted", "contact": "threaded", "ignored": "ignored"}
        try:
            with self._engine.connect() as conn:
                sessions = conn.execute(select(func.count()).select_from(SessionRow)
                                        .where(SessionRow.expires_at > utcnow())).scalar_one()
                outbox = dict(conn.execute(select(OutboxRow.state, func.count())
                                           .group_by(OutboxRow.state)).all())
                intake = {names[o]: n for o, n in conn.execute(
                    select(MailMessageRow.outcome, func.count())
                    .where(MailMessageRow.direction == "in")
                    .group_by(MailMessageRow.outcome)).all() if o in names}
                push = dict(conn.execute(select(PushDeliveryRow.state, func.count())
                                         .group_by(PushDeliveryRow.state)).all())
                push_failing = conn.execute(select(func.count()).select_from(ListenerRow).where(
                    ListenerRow.active.is_(True), ListenerRow.consecutive_failures > 0)).scalar_one()
        except Exception:
            return None
        intake["quarantined"] = self._quarantined()
        return {"sessions": sessions, "outbox": outbox, "intake": intake, "push": push,
                "push_failing": push_failing}

    def _quarantined(self) -> int:
        try:
            return sum(1 for _ in self._quarantine.glob("*.eml")) if self._quarantine else 0
        except OSError:
            return 0

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
