"""Shared fixtures.

* Passwords are hashed at Argon2id's lowest cost (HELPDESK_ARGON2_*), in the tests'
  own process and in the servers and commands they start.
* Tests may only talk to this machine: any other address fails.
* Every test that takes ``database_url`` runs once per backend: a SQLite file
  and a database on a real PostgreSQL server started for the session. It is at
  the latest schema, copied from a template migrated once per session
  (tests/support/databases.py); ``empty_database_url`` is a new, empty one, for
  the tests of the migrations.
  HELPDESK_TEST_BACKENDS=sqlite (or =postgresql) narrows that on a machine
  without PostgreSQL; CI runs both.
* Statement counts come from the drivers (tests/support/statements.py), which
  remembers every pooled connection from here on.
"""

from __future__ import annotations

import ipaddress
import os
import socket

import pytest

from tests.support.databases import BACKENDS, Templates, make_database, make_migrated_database
from tests.support.postgres import PostgresServer
from tests.support.statements import track_connections

# Before any engine is made: statements_run counts on every connection a pool holds.
track_connections()

# Passwords are hashed at Argon2id's lowest cost (security.COST_PREFIX), here and in every
# server and command the tests start: the default cost takes a tenth of a second a hash,
# and the suite hashes thousands. What is tested of hashing does not depend on the cost.
for _variable, _value in (("HELPDESK_ARGON2_TIME_COST", "1"), ("HELPDESK_ARGON2_MEMORY_KIB", "8"),
                          ("HELPDESK_ARGON2_PARALLELISM", "1")):
    os.environ.setdefault(_variable, _value)

_unknown = set(BACKENDS) - {"sqlite", "postgresql"}
if _unknown:
    raise pytest.UsageError(f"HELPDESK_TEST_BACKENDS: unknown backend(s) {sorted(_unknown)}")

_real_connect = socket.socket.connect


def _guarded_connect(sock, address):
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise OSError(f"tests may not connect to {host!r}: loopback only")
    return _real_connect(sock, address)


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture(scope="session")
def postgres():
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_replica(postgres):
    replica = PostgresServer().start_replica_of(postgres)
    yield replica
    replica.stop()


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory) -> Templates:
    return Templates(tmp_path_factory.mktemp("templates"))


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def database_url(backend, request, tmp_path):
    """A new database at the latest schema."""
    url, cleanup = make_migrated_database(backend, request, tmp_path)
    yield url
    cleanup()


@pytest.fixture
def empty_database_url(backend, request, tmp_path):
    """A new, empty database: no schema, no migrations run."""
    url, cleanup = make_database(backend, request, tmp_path)
    yield url
    cleanup()
