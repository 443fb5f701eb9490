from __future__ import annotations

import pytest

from helpdesk_soap.services import admin
from helpdesk_soap.store.engine import make_engine, make_session_factory
from helpdesk_soap.store.unit_of_work import SqlUnitOfWork


@pytest.fixture
def engine(database_url):
    """An engine on a new database at the latest schema (a copy of the session's template)."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def uow_factory(engine):
    factory = make_session_factory(engine)
    return lambda: SqlUnitOfWork(factory)


@pytest.fixture
def seeded(uow_factory):
    """Two unrelated customers with one login each; returns their principals."""
    with uow_factory() as uow:
        admin.add_customer(uow, "ACME", "Acme Airline")
        admin.add_customer(uow, "GLOBEX", "Globex")
        admin.add_login(uow, "acme-tts", "ACME", "acme-password")
        admin.add_login(uow, "globex-tts", "GLOBEX", "globex-password")
        admin.add_login(uow, "acme-sl", "ACME", "acme-password", can_set_service_level=True)
        return {name: uow.logins.by_name(name).principal
                for name in ("acme-tts", "globex-tts", "acme-sl")}


# The portal's Flask app on the real store (tests/integration/webapp.py).
from tests.integration.webapp import portal  # noqa: E402,F401
# The staff desk's set-up on top of it: two more technicians and an admin (deskapp.py).
from tests.integration.deskapp import desk  # noqa: E402,F401
# The real mail intake on the store, and its file store (tests/support/mail_intake.py).
from tests.support.mail_intake import files, intake  # noqa: E402,F401
