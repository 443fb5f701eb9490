"""The tests' databases: an empty one, or a copy of the schema migrated once per session.

Running every migration costs seconds per database; copying a migrated one costs
milliseconds. So each session migrates one template per backend, the first time a test
asks for it, and a test that does not test the migrations gets a copy: a file copy on
SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL. A copy is byte for byte what
``upgrade`` leaves on a new database. Tests of the migrations themselves (and of what
a first run on a new database does) take an empty database instead.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

BACKENDS = [b.strip() for b in
            os.environ.get("HELPDESK_TEST_BACKENDS", "sqlite,postgresql").split(",") if b.strip()]
SQLITE_NAME = "helpdesk.sqlite3"


class Templates:
    """The session's migrated templates, each made the first time it is needed."""

    def __init__(self, directory: Path):
        self.directory = directory
        self._sqlite: Path | None = None
        self._postgresql: dict[int, str] = {}  # server port -> template database

    def sqlite(self) -> Path:
        if self._sqlite is None:
            path = self.directory / SQLITE_NAME
            _migrate(f"sqlite:///{path}")
            for leftover in ("-wal", "-shm"):  # the last connection's close folded the WAL back
                assert not Path(f"{path}{leftover}").exists(), f"{path}{leftover} left behind"
            self._sqlite = path
        return self._sqlite

    def postgresql(self, server) -> str:
        if server.port not in self._postgresql:
            name = server.create_database()
            _migrate(server.url(name))
            self._postgresql[server.port] = name
        return self._postgresql[server.port]


def _migrate(url: str) -> None:
    from helpdesk_soap.store.engine import make_engine
    from helpdesk_soap.store.migrate import upgrade

    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def make_database(backend: str, request, directory: Path) -> tuple[str, callable]:
    """A fresh, empty database of the backend: (url, cleanup)."""
    if backend == "sqlite":
        return f"sqlite:///{directory / SQLITE_NAME}", lambda: None
    server = request.getfixturevalue("postgres")
    name = server.create_database()
    return server.url(name), lambda: server.drop_database(name)


def make_migrated_database(backend: str, request, directory: Path) -> tuple[str, callable]:
    """A fresh database of the backend at the latest schema, copied from the session's
    template: (url, cleanup)."""
    templates: Templates = request.getfixturevalue("database_templates")
    if backend == "sqlite":
        path = directory / SQLITE_NAME
        shutil.copyfile(templates.sqlite(), path)
        return f"sqlite:///{path}", lambda: None
    server = request.getfixturevalue("postgres")
    name = server.create_database(template=templates.postgresql(server))
    return server.url(name), lambda: server.drop_database(name)
