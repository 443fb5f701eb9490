"""The delivery worker: ``helpdesk-soap push run``, or the process ``serve`` starts.

One loop claims due deliveries (each the head of its listener and call) and hands
them to a pool of threads, so a slow receiver holds up only its own call. Any
number of workers may share a database: on PostgreSQL claims skip each other's
rows (FOR UPDATE SKIP LOCKED); on SQLite the single write lock serialises them.
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from ..services import delivery
from . import payload, sender
from .settings import PushSettings

log = logging.getLogger("helpdesk_soap.push")


def send_one(item, settings: PushSettings) -> sender.Outcome:
    body, content_type = payload.body_of(item, item.format)
    headers = sender.signed_headers(item.secret, body, item.event_uid, item.event_type)
    if item.format == "SOAP":
        headers["SOAPAction"] = '"CallChanged"'
    return sender.send(item.url, body, content_type, headers, settings, soap=item.format == "SOAP")


class Worker:
    def __init__(self, unit_of_work, settings: PushSettings, skip_locked: bool):
        self.unit_of_work = unit_of_work
        self.settings = settings
        self.skip_locked = skip_locked
        self.stop = threading.Event()

    def _deliver(self, item) -> None:
        try:
            outcome = send_one(item, self.settings)
        except Exception as exc:  # a bug in building the body: retried, and logged
            log.exception("push: delivery %s could not be sent", item.delivery_id)
            outcome = sender.Outcome(False, True, f"{type(exc).__name__}")
        for attempt in range(1, 6):  # the store may be busy (SQLite's lock): try again
            try:
                with self.unit_of_work() as uow:
                    delivery.record(uow, item, outcome, self.settings)
                return
            except Exception as exc:
                if attempt == 5:
                    raise  # the lease lapses and the delivery goes out again
                log.warning("push: recording delivery %s failed (%s); trying again",
                            item.delivery_id, type(exc).__name__)
                self.stop.wait(0.2 * attempt)

    def run(self, parent_pid: int | None = None) -> None:
        log.info("push: delivery worker %s started", os.getpid())
        pool = ThreadPoolExecutor(self.settings.concurrency, thread_name_prefix="push")
        inflight: set = set()
        try:
            while not self.stop.is_set():
                if parent_pid is not None and os.getppid() != parent_pid:
                    log.info("push: serve is gone; the delivery worker stops")
                    break
                items = []
                free = self.settings.concurrency - len(inflight)
                if free > 0:
                    try:
                        with self.unit_of_work() as uow:
                            items = delivery.claim(uow, self.settings, free, self.skip_locked)
                    except Exception as exc:  # the store is busy or away: a line, not a trace
                        log.warning("push: claiming deliveries failed (%s: %s); trying again",
                                    type(exc).__name__, str(exc).splitlines()[0][:200])
                        self.stop.wait(self.settings.poll_interval)
                        continue
                for item in items:
                    inflight.add(pool.submit(self._deliver, item))
                if inflight:
                    done, _ = wait(inflight, timeout=self.settings.poll_interval,
                                   return_when=FIRST_COMPLETED)
                    for future in done:
                        inflight.discard(future)
                        if future.exception() is not None:
                            log.error("push: recording a delivery failed: %r", future.exception())
                elif not items:
                    self.stop.wait(self.settings.poll_interval)
        finally:
            pool.shutdown(wait=True)


def run_worker(config, parent_pid: int | None = None) -> None:
    """Build the store from ``config`` and deliver until stopped (SIGTERM) or orphaned."""
    import signal

    from ..server import configure_logging
    from ..store.engine import make_engine, make_session_factory
    from ..store.unit_of_work import SqlUnitOfWork

    configure_logging(config.log_level)
    engine = make_engine(config.database_url)
    factory = make_session_factory(engine)
    worker = Worker(lambda: SqlUnitOfWork(factory), config.push,
                    engine.dialect.name == "postgresql")
    signal.signal(signal.SIGTERM, lambda *_: worker.stop.set())
    signal.signal(signal.SIGINT, lambda *_: worker.stop.set())
    try:
        worker.run(parent_pid)
    finally:
        engine.dispose()
