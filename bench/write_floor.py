"""The write floor: the floor plus the database work of one CreateCall, on the driver alone.

    python -m bench.write_floor HOST:PORT RESPONSE_FILE

Serves the database of ``HELPDESK_DATABASE_URL`` with the same gunicorn settings as
``helpdesk-soap serve``. Each worker first runs two CreateCalls through the gateway itself,
in-process, and records what the store sends the database's driver for them: the
statements, their parameters and the rows they return (``record``). Every request then
runs those statements again on the driver's own connection in one writing transaction
(``Replay``), and is answered as the floor answers it (``FloorApp``). On SQLite
the transaction is the store's: behind its writer lock, BEGIN IMMEDIATE, and its
checkpoints.

What differs between requests is derived, not kept by hand: the ExternalTicketId is a new
one each time, and a parameter that took a value an earlier statement returned (the new
call's id, its change number) takes what that statement returns now. Parsing, checking,
authentication, SOAP and everything of ours between the statements are left out: what
remains is what a CreateCall cannot do without on this database, so the gateway's
CreateCall can get no nearer the floor than this does. Never a way to run the service.
"""

from __future__ import annotations

import itertools
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from helpdesk_soap.config import Config
from helpdesk_soap.store.fast import prepared
from helpdesk_soap.store.engine import checkpoint_if_due, make_engine

from . import workload
from .floor import FloorApp, FloorServer

#: The ExternalTicketIds of the two recorded CreateCalls of a process (``record``).
RECORDED_IDS = ("write-floor-{pid}-a", "write-floor-{pid}-b")
#: A CreateCall run first and not recorded: the first fills the worker's caches (logins,
#: settings, statuses), so its statements are not those of the requests after it.
WARM_ID = "write-floor-{pid}-warm"


@dataclass
class Statement:
    sql: str
    params: Any  # as the driver takes them: a tuple, or a dict by name
    rows: list | None  # what it returned; None where it returns nothing


class _Recording:
    """A driver's cursor that notes each statement, its parameters and its rows."""

    def __init__(self, cursor, log: list[Statement]):
        self._cursor, self._log = cursor, log

    def execute(self, sql, params=()):
        self._log.append(Statement(sql, params, None))
        return self._cursor.execute(sql, params)

    def executemany(self, sql, params):
        raise NotImplementedError("CreateCall runs no executemany; the write floor replays none")

    def fetchall(self):
        rows = self._cursor.fetchall()
        self._log[-1].rows = [tuple(row) for row in rows]
        return rows

    def __getattr__(self, name):
        return getattr(self._cursor, name)


@contextmanager
def _recording(log: list[Statement]):
    """The store's statements (store/fast/prepared.py) go through a _Recording meanwhile."""
    original = prepared._cursor

    def recording_cursor(connection):
        cursor, kept = original(connection)
        return _Recording(cursor, log), kept

    prepared._cursor = recording_cursor
    try:
        yield
    finally:
        prepared._cursor = original


def record(config: Config, external_ids: tuple[str, str], warm_id: str
           ) -> tuple[list[Statement], list[Statement]]:
    """The statements of two CreateCalls (with these ExternalTicketIds) through the gateway,
    after one with ``warm_id``."""
    from helpdesk_soap.soap.app import create_app

    from .inprocess import call

    app = create_app(config)
    recorded = []
    try:
        call(app, workload.create_call(warm_id))
        for external_id in external_ids:
            log: list[Statement] = []
            with _recording(log):
                status, body = call(app, workload.create_call(external_id))
            if not status.startswith("200"):
                raise RuntimeError(f"CreateCall failed while recording: {status} {body[:300]!r}")
            recorded.append(log)
    finally:
        app.close()
    return recorded[0], recorded[1]


#: How a replayed parameter gets its value: kept as recorded, the request's ExternalTicketId,
#: or what an earlier statement returned (its index, row and column).
_EXTERNAL = "external"


class Replay:
    """The recorded statements, ready to run again with a new ExternalTicketId each time."""

    def __init__(self, first: list[Statement], second: list[Statement],
                 external_ids: tuple[str, str]):
        if [s.sql for s in first] != [s.sql for s in second]:
            raise RuntimeError("the two recorded CreateCalls ran different statements")
        self.statements = []  # (sql, params as recorded, {key: source}, returns rows)
        for index, (a, b) in enumerate(zip(first, second)):
            sources = {}
            for key, value_a, value_b in _pairs(a.params, b.params):
                if value_a == value_b:
                    continue
                if (value_a, value_b) == external_ids:
                    sources[key] = _EXTERNAL
                    continue
                source = _returned(first[:index], value_a, second[:index], value_b)
                if source is not None:
                    sources[key] = source
                # else a value of its own each time, such as a time stamp: kept as recorded
            self.statements.append((a.sql, a.params, sources, a.rows is not None))

    def run(self, cursor, external_id: str) -> None:
        returned: list[list | None] = []
        for sql, params, sources, fetch in self.statements:
            if sources:
                params = list(params) if isinstance(params, tuple) else dict(params)
                for key, source in sources.items():
                    params[key] = external_id if source is _EXTERNAL else \
                        returned[source[0]][source[1]][source[2]]
                params = tuple(params) if isinstance(params, list) else params
            cursor.execute(sql, params)
            returned.append(cursor.fetchall() if fetch else None)


def _pairs(a, b):
    if isinstance(a, dict):
        return ((key, a[key], b[key]) for key in a)
    return ((index, x, y) for index, (x, y) in enumerate(zip(a, b)))


def _returned(first: list[Statement], value_a, second: list[Statement], value_b):
    """Where both recordings' earlier statements returned these values, at the same place."""
    for index, (a, b) in enumerate(zip(first, second)):
        for row, (row_a, row_b) in enumerate(zip(a.rows or (), b.rows or ())):
            for column, (x, y) in enumerate(zip(row_a, row_b)):
                if x == value_a and y == value_b:
                    return index, row, column
    return None


class WriteFloorApp(FloorApp):
    """Per request: replay the recorded CreateCall, then answer as the floor does."""

    def __init__(self, config: Config, response: bytes):
        super().__init__(response)
        ids = tuple(external_id.format(pid=os.getpid()) for external_id in RECORDED_IDS)
        self.replay = Replay(*record(config, ids, WARM_ID.format(pid=os.getpid())), ids)
        #: The ExternalTicketIds of the recorded CreateCalls.
        self.replay_ids = ids
        self.engine = make_engine(config.database_url)
        self.connection = self.engine.raw_connection()
        self.driver = self.connection.driver_connection
        self.cursor = self.driver.cursor()
        self.sqlite = self.engine.dialect.name == "sqlite"
        self.lock = getattr(self.engine.dialect, "helpdesk_writer_lock", None)
        self.counter = itertools.count()

    def close(self) -> None:
        self.cursor.close()
        self.connection.close()
        self.engine.dispose()

    def __call__(self, environ, start_response):
        self.write(f"write-floor-{os.getpid()}-{next(self.counter)}")
        return super().__call__(environ, start_response)

    def write(self, external_id: str) -> None:
        if self.lock is not None:
            self.lock.acquire()
        try:
            if self.sqlite:
                self.driver.execute("BEGIN IMMEDIATE")
            try:
                self.replay.run(self.cursor, external_id)
            except BaseException:
                self.driver.rollback()
                raise
            self.driver.commit()
        finally:
            if self.lock is not None:
                self.lock.release()
        checkpoint_if_due(self.engine)


class WriteFloorServer(FloorServer):
    def load(self):
        return WriteFloorApp(self.config, self.response)


def main(argv: list[str] | None = None) -> None:
    bind, response = (argv if argv is not None else sys.argv[1:])[:2]
    WriteFloorServer(replace(Config.from_env(), bind=bind), Path(response).read_bytes()).run()


if __name__ == "__main__":
    main()
