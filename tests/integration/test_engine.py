"""How the store's engines connect and begin: SQLite's writer queue, PostgreSQL's pre-ping."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy.exc import OperationalError

from helpdesk_soap.store.engine import WriterLock, make_engine

from tests.conftest import make_database


def test_sqlite_writers_queue_on_the_writer_lock_and_time_out(tmp_path):
    first = WriterLock(tmp_path / "db-writer.lock", timeout=5)
    second = WriterLock(tmp_path / "db-writer.lock", timeout=5)  # its own descriptor: another writer
    first.acquire()
    got = threading.Event()
    waiter = threading.Thread(target=lambda: (second.acquire(), got.set()))
    waiter.start()
    assert not got.wait(0.2)  # queued behind the first
    released = time.monotonic()
    first.release()
    assert got.wait(5)
    assert time.monotonic() - released < 0.05  # polled finely, not SQLite's 1-2-5-10 ms steps
    waiter.join()
    impatient = WriterLock(tmp_path / "db-writer.lock", timeout=0.1)
    with pytest.raises(OperationalError, match="locked"):
        impatient.acquire()
    second.release()
    impatient.acquire()
    impatient.release()


def test_sqlite_transactions_read_a_snapshot_and_writers_begin_immediate(tmp_path):
    from sqlalchemy import text

    from helpdesk_soap.store.engine import begin_writing

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
