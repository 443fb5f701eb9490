"""The statements the database driver runs, counted where the driver runs them.

The store's fast path (store/fast/prepared.py) runs a statement through plain
SQLAlchemy as soon as a connection or engine has statement listeners
(``before_cursor_execute``), so a test that counted with one measured a path that
production does not take. ``statements_run`` listens to no SQLAlchemy connection or
engine event; it watches the drivers:

* SQLite: the driver connection's ``set_trace_callback``. SQLite reports a write once
  more for each trigger it fires and each statement in the trigger, every time with the
  write's own SQL (its values expanded into it): a run of identical reports of a write
  counts as one statement. (A SELECT fires no trigger: each report is a statement.)
  SQLite also reports an executemany once per parameter set (it runs it so); psycopg's
  executemany counts once, as SQLAlchemy's listeners counted it.
* PostgreSQL (psycopg 3): ``psycopg.Cursor.execute`` and ``executemany``, wrapped while
  counting, for the cursors of the watched connections. That includes the cursor the
  fast path keeps with its connection (prepared._cursor), made before counting began.
  The pool's pre-ping is not counted (SQLAlchemy's listeners never saw it either).

Which connections: every connection any pool made since ``track_connections`` (called
by tests/conftest.py before any test) — those in the pool, those a unit of work or the
store's idle connections (store/fast/pool.py) hold, and the ones made while counting
(hooked at the pool's checkout, after the pool's ``connect`` listeners ran their
PRAGMAs). Only pool events are used: they do not set a Connection's ``_has_events``.

Transaction control the driver issues itself (BEGIN, BEGIN IMMEDIATE, COMMIT, ROLLBACK:
SQLite's trace sees them, psycopg sends them without a cursor) is kept apart, in
``Statements.control``: the counts are of the data statements, as they were.
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from contextlib import contextmanager
from typing import Any, Iterator, NamedTuple

from sqlalchemy import Engine, event
from sqlalchemy.engine.default import DefaultDialect
from sqlalchemy.pool import Pool

__all__ = ["Executed", "Statements", "statements_run", "track_connections"]

_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "END")

#: Every pool connection record made since track_connections (weakly: records go with their pools).
_RECORDS: weakref.WeakSet = weakref.WeakSet()
_ACTIVE: list["_Recorder"] = []
_PINGING = threading.local()


class Executed(NamedTuple):
    sql: str
    #: As the driver got them (PostgreSQL); None on SQLite, whose trace gives the SQL with
    #: its values in it.
    params: Any


class Statements(list):
    """The SQL of the data statements the driver ran, in order; ``executed`` has them with
    their parameters, ``control`` the transaction control statements seen (SQLite)."""

    def __init__(self):
        super().__init__()
        self.executed: list[Executed] = []
        self.control: list[str] = []

    def _add(self, sql: str, params: Any = None) -> None:
        words = sql.split(None, 2)
        if words and words[0].upper() in _CONTROL and not (
                len(words) > 1 and words[0].upper() == "ROLLBACK" and words[1].upper() == "TO"):
            self.control.append(sql)
            return
        self.append(sql)
        self.executed.append(Executed(sql, params))

    def clear(self) -> None:
        super().clear()
        self.executed.clear()
        self.control.clear()


def track_connections() -> None:
    """Remember every connection a pool makes from now on (idempotent)."""
    if not event.contains(Pool, "connect", _remember):
        event.listen(Pool, "connect", _remember)


def _remember(dbapi_connection, record) -> None:
    _RECORDS.add(record)


class _Recorder:
    def __init__(self, engines: tuple[Engine, ...]):
        self.pools = {id(engine.pool) for engine in engines}
        self.statements = Statements()
        #: id(driver connection) -> driver connection, for the connections watched.
        self.drivers: dict[int, Any] = {}
        self._last_traced: dict[int, str] = {}

    def watches(self, record) -> bool:
        # The record's pool has no public name: SQLAlchemy keeps it as __pool.
        return not self.pools or id(record._ConnectionRecord__pool) in self.pools

    def hook(self, record) -> None:
        driver = record.dbapi_connection
        if driver is None or id(driver) in self.drivers or not self.watches(record):
            return
        self.drivers[id(driver)] = driver
        if isinstance(driver, sqlite3.Connection):
            key = id(driver)
            try:
                driver.set_trace_callback(lambda sql: self.traced(key, sql))
            except sqlite3.ProgrammingError:  # closed meanwhile
                del self.drivers[key]

    def traced(self, key: int, sql: str) -> None:
        if self._last_traced.get(key) == sql:  # the write again, for a trigger it fired
            return
        self._last_traced[key] = None if sql.lstrip()[:6].upper() == "SELECT" else sql
        self.statements._add(sql)

    def ran(self, driver, sql, params) -> None:
        if id(driver) in self.drivers and not getattr(_PINGING, "on", False):
            self.statements._add(sql if isinstance(sql, str) else str(sql), params)

    def unhook(self) -> None:
        for driver in self.drivers.values():
            if isinstance(driver, sqlite3.Connection):
                try:
                    driver.set_trace_callback(None)
                except sqlite3.ProgrammingError:
                    pass
        self.drivers.clear()


def _checked_out(dbapi_connection, record, proxy) -> None:
    for recorder in _ACTIVE:
        recorder.hook(record)


@contextmanager
def statements_run(*engines: Engine) -> Iterator[Statements]:
    """Count (and keep the SQL of) the statements the drivers of ``engines`` run inside the
    block; with no engine, those of every engine (another gateway's too)."""
    track_connections()
    recorder = _Recorder(engines)
    for record in list(_RECORDS):
        recorder.hook(record)
    if not _ACTIVE:
        _install()
    _ACTIVE.append(recorder)
    try:
        yield recorder.statements
    finally:
        _ACTIVE.remove(recorder)
        if not _ACTIVE:
            _uninstall()
        recorder.unhook()


_saved: dict[str, Any] = {}


def _install() -> None:
    event.listen(Pool, "checkout", _checked_out)
    _saved["ping"] = DefaultDialect._do_ping_w_event

    def ping(dialect, dbapi_connection):
        _PINGING.on = True
        try:
            return _saved["ping"](dialect, dbapi_connection)
        finally:
            _PINGING.on = False

    DefaultDialect._do_ping_w_event = ping
    try:
        import psycopg
    except ImportError:
        return
    _saved["execute"], _saved["executemany"] = psycopg.Cursor.execute, psycopg.Cursor.executemany

    def execute(cursor, query, params=None, **kwargs):
        for recorder in _ACTIVE:
            recorder.ran(cursor.connection, query, params)
        return _saved["execute"](cursor, query, params, **kwargs)

    def executemany(cursor, query, params_seq, **kwargs):
        params_seq = list(params_seq)
        for recorder in _ACTIVE:
            recorder.ran(cursor.connection, query, params_seq)
        return _saved["executemany"](cursor, query, params_seq, **kwargs)

    psycopg.Cursor.execute, psycopg.Cursor.executemany = execute, executemany


def _uninstall() -> None:
    event.remove(Pool, "checkout", _checked_out)
    DefaultDialect._do_ping_w_event = _saved.pop("ping")
    if "execute" in _saved:
        import psycopg

        psycopg.Cursor.execute = _saved.pop("execute")
        psycopg.Cursor.executemany = _saved.pop("executemany")
