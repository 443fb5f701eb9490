"""How the store's engines connect and begin: SQLite's writer queue, PostgreSQL's pre-ping."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from helpdesk_soap.store.engine import (WriterLock, after_responses, begin_writing, checkpoint_if_due,
                                        make_engine)

from tests.support.databases import make_database


def handoff(first: WriterLock, second: WriterLock) -> float:
    """Seconds from the first writer's release to the queued second writer's lock."""
    first.acquire()
    got = threading.Event()
    waiter = threading.Thread(target=lambda: (second.acquire(), got.set()))
    waiter.start()
    assert not got.wait(0.2)  # queued behind the first
    released = time.monotonic()
    first.release()
    assert got.wait(5)
    waited = time.monotonic() - released
    waiter.join()
    return waited


def test_sqlite_writers_queue_on_the_writer_lock_and_time_out(tmp_path):
    first = WriterLock(tmp_path / "db-writer.lock", timeout=5)
    second = WriterLock(tmp_path / "db-writer.lock", timeout=5)  # its own descriptor: another writer
    waits = []
    for _ in range(5):  # the best of five: a busy machine may hold up any one thread's wake-up
        waits.append(handoff(first, second))
        second.release()
    # Polled finely, not in SQLite's busy-handler steps (up to 100 ms after a long wait).
    assert min(waits) < 0.05, waits
    second.acquire()
    impatient = WriterLock(tmp_path / "db-writer.lock", timeout=0.1)
    with pytest.raises(OperationalError, match="locked"):
        impatient.acquire()
    assert not impatient.held
    second.release()
    # The abandoned wait got the lock after it was given up, and let it go at once.
    other = WriterLock(tmp_path / "db-writer.lock", timeout=0.1)
    other.acquire()
    other.release()
    impatient.acquire()  # its waiter serves the next wait
    assert impatient.held
    impatient.release()


def test_a_writer_lock_waits_with_one_thread_of_its_own_however_often_it_waits(tmp_path):
    holder = WriterLock(tmp_path / "db-writer.lock", timeout=5)
    writer = WriterLock(tmp_path / "db-writer.lock", timeout=5)
    before = threading.active_count()
    for _ in range(20):
        holder.acquire()
        threading.Timer(0.005, holder.release).start()
        writer.acquire()  # queued: the holder still has it
        assert not holder.held
        writer.release()
    assert wait_for(lambda: threading.active_count() == before + 1)  # the timers ended


def test_sqlite_transactions_read_a_snapshot_and_writers_begin_immediate(tmp_path):
    from sqlalchemy import text

    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (v INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
    with engine.connect() as reader, engine.connect() as writer:
        assert reader.execute(text("SELECT v FROM t")).scalar() == 1  # BEGIN: a snapshot from here
        lock = begin_writing(writer)
        assert lock is not None and lock.held
        writer.execute(text("UPDATE t SET v = 2"))
        writer.commit()
        lock.release()
        assert reader.execute(text("SELECT v FROM t")).scalar() == 1  # still its snapshot
        reader.rollback()
        assert reader.execute(text("SELECT v FROM t")).scalar() == 2
    engine.dispose()


def rows_in_the_database_file_alone(path: Path, table: str) -> int:
    """What a reader sees of ``table`` in the database file without its WAL: only what a
    checkpoint has copied there."""
    copy = path.with_name("copy-" + path.name)
    shutil.copyfile(path, copy)
    try:
        with closing(sqlite3.connect(copy)) as db:
            return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        copy.unlink()


def checkpoint_everything(path: Path) -> None:
    """Copy the whole WAL into the database file: a test's starting point."""
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def wait_for(predicate, seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_sqlite_commits_leave_the_checkpoint_to_the_checkpointer_thread(tmp_path):
    from sqlalchemy import text

    path = tmp_path / "x.sqlite3"
    # 50 writes of 25 pages: SQLite's default (1,000 pages) would checkpoint in a commit.
    engine = make_engine(f"sqlite:///{path}", checkpoint_every=50)
    lock, checkpointer = engine.dialect.helpdesk_writer_lock, engine.dialect.helpdesk_checkpointer
    assert lock.checkpoint_every == 50
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (v TEXT)"))
    checkpoint_everything(path)  # the empty table into the file
    pad = "x" * 100_000
    for n in range(1, lock.checkpoint_every + 1):
        with engine.connect() as conn:
            begin_writing(conn)
            conn.execute(text("INSERT INTO t VALUES (:v)"), {"v": pad})
            conn.commit()
            lock.release()
        if n == lock.checkpoint_every - 1:
            checkpoint_if_due(engine)  # one write short: not yet
            assert checkpointer.runs == 0
    assert rows_in_the_database_file_alone(path, "t") == 0  # no commit checkpointed
    checkpoint_if_due(engine)
    assert wait_for(lambda: checkpointer.runs == 1)
    assert rows_in_the_database_file_alone(path, "t") == lock.checkpoint_every
    assert lock.writes == 0
    checkpointer.stop()
    engine.dispose()


def test_only_a_sqlite_file_has_upkeep_to_run_after_responses(engine, database_url):
    # Elsewhere the gateway need not wrap its responses at all.
    assert (after_responses(engine) is not None) == database_url.startswith("sqlite:///")
    memory = make_engine("sqlite://")
    assert after_responses(memory) is None
    memory.dispose()


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_gateway_checkpoints_after_sending_a_response(engine, seeded, database_url):
    from helpdesk_soap.config import Config
    from helpdesk_soap.soap.app import create_app
    from tests.support.wsgi_soap import CREATE, call, envelope

    path = Path(database_url.removeprefix("sqlite:///"))
    checkpoint_everything(path)  # the seeded database into the file
    before = rows_in_the_database_file_alone(path, "calls")
    app = create_app(Config(database_url=database_url))
    try:
        body = envelope("CreateCall", CREATE)
        for _ in range(60):  # more writes than a checkpoint waits for; call() closes each response
            status, _, answer = call(app, body=body)
            assert status.startswith("200") and b"CallId" in answer
        assert wait_for(lambda: rows_in_the_database_file_alone(path, "calls") >= before + 50)
    finally:
        app.close()


def test_postgresql_replaces_a_pooled_connection_the_server_dropped(request, tmp_path):
    url, cleanup = make_database("postgresql", request, tmp_path)
    engine = make_engine(url, pool_size=1, max_overflow=0)
    killer = make_engine(url)
    try:
        with engine.connect() as conn:
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with killer.connect() as conn:
            assert conn.exec_driver_sql(f"SELECT pg_terminate_backend({pid})").scalar()
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() != pid
    finally:
        engine.dispose()
        killer.dispose()
        cleanup()
