"""Engines and session factories, built explicitly from a URL: nothing at import time."""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
from functools import partial
from pathlib import Path
from typing import Callable

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from . import fast

SQLITE_BUSY_TIMEOUT_MS = 10_000
#: WAL pages after which the committing connection copies the WAL back into the database
#: itself (SQLite's default is 1,000). Only a safety net: the gateway does it sooner, after
#: a response has been sent (checkpoint_if_due).
WAL_AUTOCHECKPOINT_PAGES = 10_000
#: A process's writes between its checkpoints (checkpoint_if_due). Small batches keep each
#: checkpoint's fsync short, and writers stall behind that fsync: ``python -m
#: bench.checkpoints 3 10 50 200`` measures the choice.
CHECKPOINT_EVERY_WRITES = 10

log = logging.getLogger(__name__)


def make_engine(url: str, *, pool_size: int = 5, max_overflow: int = 5,
                pool_recycle: int = 1800, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS,
                checkpoint_every: int = CHECKPOINT_EVERY_WRITES,
                fast_path: bool | None = None) -> Engine:
    """An engine for the URL. Pools are per process: build it after gunicorn forks.
    ``fast_path``: whether the store may reach under SQLAlchemy on it (store/fast/; None:
    as ``HELPDESK_STORE_FAST`` says, on unless it is 0).

    PostgreSQL: each worker holds up to ``pool_size + max_overflow``
    connections; ``pool_pre_ping`` replaces connections the server dropped
    (restart, failover), and ``pool_recycle`` retires old ones before a
    firewall or pgbouncer does. (Pinging only connections idle for a while
    saved a round trip per request, but let the first requests after a
    server restart fail on connections used just before it: reverted. The
    gateway's units of work keep their connection between requests instead,
    and look at its socket before they use it: fast.IdleConnections.)
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(parsed, busy_timeout_ms, checkpoint_every)
    else:
        engine = create_engine(parsed, pool_pre_ping=True, pool_recycle=pool_recycle,
                               pool_size=pool_size, max_overflow=max_overflow, pool_timeout=10)
    fast.install(engine, fast.default() if fast_path is None else fast_path)
    return engine


def _sqlite_engine(url, busy_timeout_ms: int, checkpoint_every: int) -> Engine:
    on_disk = bool(url.database) and url.database != ":memory:"
    if on_disk:
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (fast.install).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
        cur.close()

    # Every transaction begins with a plain (deferred) BEGIN (fast.install); begin_writing
    # makes a writer's BEGIN IMMEDIATE.
    if on_disk:
        engine.dialect.helpdesk_writer_lock = WriterLock(
            Path(url.database).expanduser().with_name(Path(url.database).name + "-writer.lock"),
            busy_timeout_ms / 1000, checkpoint_every)
        engine.dialect.helpdesk_checkpointer = Checkpointer(Path(url.database).expanduser())
    return engine


class WriterLock:
    """A file lock the SQLite writers of this store queue on, one process at a time.

    SQLite's own busy handler makes a waiting writer sleep 1, 2, 5, 10... ms and look
    again, so under concurrent writes the unlucky request waits tens of milliseconds for
    a lock that was free after two. A writer here first takes this lock (``flock``,
    queued in the kernel: see _queue), and only then SQLite's; SQLite's busy handler remains
    for writers that don't take it (another tool on the same file). The lock is opened
    per process: a descriptor inherited across fork would share one lock between both.
    One thread of a process writes at a time (gunicorn's sync workers, the CLI).
    """

    def __init__(self, path: Path, timeout: float, checkpoint_every: int = CHECKPOINT_EVERY_WRITES):
        self.path = path
        self.timeout = timeout
        self._fd: int | None = None
        self._held_fd: int | None = None
        self._pid = 0
        self._waiter: _Waiter | None = None
        self.held = False
        #: Writes this process finished since its last checkpoint (checkpoint_if_due).
        self.writes = 0
        self.checkpoint_every = checkpoint_every

    def acquire(self) -> None:
        if self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
            self._waiter = None  # its thread stayed behind in the parent
            self.held = False
            self.writes = 0
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            self._held_fd = self._fd
        except BlockingIOError:
            self._held_fd = self._queue()
        self.held = True

    def _queue(self) -> int:
        """Wait in the kernel's queue for the lock, for at most ``timeout``; return the
        descriptor that holds it. The holder's unlock wakes a blocked flock at once, where a
        poll woke on its own clock and, on a busy machine, mostly found the lock taken again
        by the worker that had just let it go (writes' p99 was five times their median).
        flock cannot time out, so the process's waiter thread waits in it (_Waiter)."""
        if self._waiter is None:
            self._waiter = _Waiter(self.path)
        if self._waiter.wait(self.timeout):
            return self._waiter.fd
        raise OperationalError("BEGIN IMMEDIATE", (), _Locked("database is locked")) from None

    def release(self) -> None:
        if self.held:
            self.held = False
            self.writes += 1
            fcntl.flock(self._held_fd, fcntl.LOCK_UN)


class _Waiter:
    """A thread of the process's own, started at its first wait, that blocks in ``flock``
    on a descriptor of its own whenever a writer asks it to, and hands the lock over.

    A thread started for each wait cost a contended write about 45 µs of CPU more (its
    creation and teardown; ``python -m bench`` measures writes). If the writer has given
    up by the time the lock comes, the thread lets it go at once.
    """

    def __init__(self, path: Path):
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        self._changed = threading.Condition(threading.Lock())
        self._wanted = self._got = False
        threading.Thread(target=self._run, name="sqlite-writer-lock", daemon=True).start()

    def wait(self, timeout: float) -> bool:
        """Whether the lock came, on ``fd``, within ``timeout`` seconds."""
        with self._changed:
            self._wanted, self._got = True, False
            self._changed.notify_all()
            if self._changed.wait_for(lambda: self._got, timeout):
                self._got = False
                return True
            self._wanted = False
            return False

    def _run(self) -> None:
        changed = self._changed
        while True:
            with changed:
                changed.wait_for(lambda: self._wanted)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            with changed:
                if self._wanted:
                    self._wanted, self._got = False, True
                    changed.notify_all()
                    continue
            fcntl.flock(self.fd, fcntl.LOCK_UN)  # given up meanwhile


class _Locked(Exception):
    pass


def begin_writing(connection: Connection) -> WriterLock | None:
    """Make the transaction just begun on ``connection`` a writing one; return the lock to
    release once it ends (SQLite on disk), else None.

    SQLite: a writer takes the write lock when its transaction begins. A deferred
    transaction that reads first and writes later can fail with "database is locked" at
    once, busy timeout or not, when another writer got in between. So the deferred
    transaction (with whatever snapshot its reads took, e.g. authentication's) is rolled
    back on the same connection and BEGIN IMMEDIATE starts the writing one: every read of
    the use case then sees the latest data under the write lock. PostgreSQL: its writers
    lock rows (FOR UPDATE); the unit of work's reads so far ran in autocommit, and the
    next statement begins the transaction.
    """
    if connection.dialect.name != "sqlite":
        if not connection.in_transaction():
            connection.begin()
        fast.end_reads(connection)  # the reads so far may have run in autocommit
        return None
    lock = getattr(connection.dialect, "helpdesk_writer_lock", None)
    if lock is not None:
        lock.acquire()
    try:
        fast.begin_immediate(connection)
    except sqlite3.Error as exc:  # "database is locked" after the busy timeout
        if lock is not None:
            lock.release()
        raise OperationalError("BEGIN IMMEDIATE", (), exc) from exc
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    return lock


class Checkpointer:
    """Copies a SQLite database's WAL back into the database file, on a thread of its own.

    SQLite's automatic checkpoint runs inside the commit that crosses its threshold: that
    request waits for the copy and the fsync, and so does every writer queued behind the
    writer lock; it made the slowest write in a hundred about five times slower than the
    median. The gateway wakes this instead, once a response has been sent
    (checkpoint_if_due). The checkpoint is PASSIVE: it takes no lock that readers or
    writers wait on, and the driver releases the GIL while it runs. The thread and its
    connection are the process's own, started on first use (so after gunicorn forks).
    """

    def __init__(self, path: Path):
        self.path = path
        #: Checkpoints this process has run (for tests and diagnostics).
        self.runs = 0
        self._pid = 0
        self._wake = threading.Event()
        self._stopping = False

    def wake(self) -> None:
        if self._pid != os.getpid():
            self._pid, self._wake, self._stopping = os.getpid(), threading.Event(), False
            threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True).start()
        self._wake.set()

    def stop(self) -> None:
        if self._pid == os.getpid():
            self._stopping = True
            self._wake.set()

    def _run(self) -> None:
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            while True:
                self._wake.wait()
                self._wake.clear()
                if self._stopping:
                    return
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.runs += 1
                except sqlite3.Error:  # the next wake, or SQLite's own checkpoint, will do it
                    log.warning("WAL checkpoint failed", exc_info=True)
        finally:
            connection.close()


def checkpoint_if_due(engine: Engine) -> None:
    """Wake the checkpointer if this process has finished ``checkpoint_every`` writes since
    it last did (SQLite on disk; else nothing). Cheap: call it after every response."""
    lock = getattr(engine.dialect, "helpdesk_writer_lock", None)
    if lock is not None and lock.writes >= lock.checkpoint_every:
        lock.writes = 0
        engine.dialect.helpdesk_checkpointer.wake()


def after_responses(engine: Engine) -> Callable[[], None] | None:
    """The upkeep to run after each response on this engine (the checkpoint of a SQLite
    file), or None where there is none: a server then need not wrap its responses."""
    if getattr(engine.dialect, "helpdesk_checkpointer", None) is None:
        return None
    return partial(checkpoint_if_due, engine)


def stop_checkpoints(engine: Engine) -> None:
    checkpointer = getattr(engine.dialect, "helpdesk_checkpointer", None)
    if checkpointer is not None:
        checkpointer.stop()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
