"""A module's live server (tests/support/server.py) with two customers and their logins."""

from __future__ import annotations

import pytest

from tests.support.databases import BACKENDS, make_migrated_database
from tests.support.server import PASSWORDS, start_server, stop_server


@pytest.fixture(scope="module", params=BACKENDS)
def server(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("server")
    database_url, drop_database = make_migrated_database(request.param, request, tmp)
    proc, srv = start_server(tmp, database_url)
    try:
        srv.cli("customer", "add", "ACME", "--name", "Acme Airline")
        srv.cli("customer", "add", "GLOBEX", "--name", "Globex")
        for login, customer in (("acme-tts", "ACME"), ("globex-tts", "GLOBEX")):
            srv.cli("login", "add", login, "--customer", customer, "--password-stdin",
                    stdin=PASSWORDS[login] + "\n")
        srv.cli("login", "add", "acme-sl", "--customer", "ACME", "--password-stdin",
                "--can-set-service-level", stdin=PASSWORDS["acme-sl"] + "\n")
        yield srv
    finally:
        stop_server(proc)
        drop_database()
        log = srv.log.read_text()
        assert "Traceback" not in log, log


# The browser journeys' fixtures (tests/support/browser.py).
from tests.support.browser import browser, images, page  # noqa: E402,F401
