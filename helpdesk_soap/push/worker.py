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

    def _deliver(self, item):
        """Send one delivery (in a pool thread); the main loop records the outcome."""
        try:
            return item, send_one(item, self.settings)
        except Exception as exc:  # a bug in building the body: retried, and logged
            log.exception("push: delivery %s could not be sent", item.delivery_id)
            return item, sender.Outcome(False, True, f"{type(exc).__name__}")

    def run(self, parent_pid: int | None = None) -> None:
        """Loop: record what finished and claim what is due in one transaction, send the
        claims on the pool, wait for one to finish (or the poll interval)."""
        log.info("push: delivery worker %s started", os.getpid())
        pool = ThreadPoolExecutor(self.settings.concurrency, thread_name_prefix="push")
        inflight: set = set()
        finished: list = []
        try:
            while not self.stop.is_set():
                if parent_pid is not None and os.getppid() != parent_pid:
                    log.info("push: serve is gone; the delivery worker stops")
                    break
                free = self.settings.concurrency - len(inflight)
                try:
                    with self.unit_of_work() as uow:
                        items = delivery.settle(uow, finished, self.settings, free,
                                                self.skip_locked)
                    finished = []
                except Exception as exc:  # the store is busy or away: a line, not a trace
                    log.warning("push: the store did not take the worker's transaction "
                                "(%s: %s); trying again", type(exc).__name__,
                                str(exc).splitlines()[0][:200] if str(exc) else "")
                    self.stop.wait(min(self.settings.poll_interval, 0.5))
                    continue
                for item in items:
                    inflight.add(pool.submit(self._deliver, item))
                if inflight:
                    done, _ = wait(inflight, timeout=self.settings.poll_interval,
                                   return_when=FIRST_COMPLETED)
                    for future in done:
                        inflight.discard(future)
                        finished.append(future.result())
                else:
                    self.stop.wait(self.settings.poll_interval)
            for future in inflight:  # stopping: record what is in flight (else its lease lapses)
                finished.append(future.result())
            if finished:
                with self.unit_of_work() as uow:
                    delivery.settle(uow, finished, self.settings, 0, self.skip_locked)
        finally:
            pool.shutdown(wait=True)


def run_worker(config, parent_pid: int | None = None) -> None:
    """Build the store from ``config`` and deliver until stopped (SIGTERM) or orphaned."""
    import signal

    from ..server import configure_logging
    from ..store.engine import make_engine, make_session_factory
    from ..store.unit_of_work import SqlUnitOfWork

    configure_logging(config.log_level)
    engine = make_engine(config.database_url, fast_path=config.store_fast)
    factory = make_session_factory(engine)
    worker = Worker(lambda: SqlUnitOfWork(factory), config.push,
                    engine.dialect.name == "postgresql")
    signal.signal(signal.SIGTERM, lambda *_: worker.stop.set())
    signal.signal(signal.SIGINT, lambda *_: worker.stop.set())
    try:
        worker.run(parent_pid)
    finally:
        engine.dispose()
