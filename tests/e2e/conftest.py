"""A module's live server (tests/support/server.py) with two customers and their logins."""

from __future__ import annotations

import pytest

from helpdesk_soap.services import admin
from tests.support.databases import BACKENDS, make_migrated_database
from tests.support.server import PASSWORDS, start_server, stop_server


@pytest.fixture(scope="module", params=BACKENDS)
def server(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("server")
    database_url, drop_database = make_migrated_database(request.param, request, tmp)
    proc, srv = start_server(tmp, database_url)
    try:
        # Through the services in this process: what `customer add` and `login add` do,
        # without a process each (the CLI's own tests start it).
        with srv.unit_of_work() as uow:
            admin.add_customer(uow, "ACME", "Acme Airline")
            admin.add_customer(uow, "GLOBEX", "Globex")
            for login, customer in (("acme-tts", "ACME"), ("globex-tts", "GLOBEX")):
                admin.add_login(uow, login, customer, PASSWORDS[login])
            admin.add_login(uow, "acme-sl", "ACME", PASSWORDS["acme-sl"], can_set_service_level=True)
        yield srv
    finally:
        stop_server(proc)
        drop_database()
        log = srv.log.read_text()
        assert "Traceback" not in log, log


# The browser journeys' fixtures (tests/support/browser.py).
from tests.support.browser import browser, images, page  # noqa: E402,F401
