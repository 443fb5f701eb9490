"""The portal through Flask's test client, on a real store (both backends), with the same
Runtime a worker builds (soap/app.py make_runtime)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from helpdesk_soap.config import Config
from helpdesk_soap.domain.model import CallRequest, Category, Priority, Role
from helpdesk_soap.services import admin, calls
from helpdesk_soap.soap.app import make_runtime
from helpdesk_soap.store.engine import make_engine
from helpdesk_soap.store.migrate import upgrade
from helpdesk_soap.web import create_web_app

PASSWORD = "portal-password-1"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Portal:
    app: object
    runtime: object
    config: Config

    def uow(self):
        return self.runtime.unit_of_work()

    def principal(self, name):
        with self.uow() as uow:
            return uow.logins.by_name(name).principal

    def execute(self, statement):
        """Run a SQLAlchemy statement on the store directly (e.g. to let time pass)."""
        with self.runtime.session_factory() as session:
            result = session.execute(statement)
            rows = result.all() if statement.is_select else None
            session.commit()
            return rows

    def last_mail(self) -> str:
        from sqlalchemy import select

        from helpdesk_soap.store.models import OutboxRow
        return self.execute(select(OutboxRow.body).order_by(OutboxRow.id.desc()))[0][0]

    def client(self):
        return Browser(self.app.test_client())

    def logged_in(self, identifier="acme-web", password=PASSWORD):
        browser = self.client()
        response = browser.login(identifier, password)
        assert response.status_code == 302, response.text
        return browser

    def file_call(self, login="acme-web", subject="Printer on fire", **extra):
        with self.uow() as uow:
            principal = uow.logins.by_name(login).principal
            number = uow.customers.get(principal.customer_id).number
        request = CallRequest(customer_number=number, subject=subject, priority=Priority.HIGH,
                              category=Category.QUESTION, description="It smokes.", **extra)
        with self.uow() as uow:
            return calls.create_call(uow, principal, request).call.id


class Browser:
    """A test client that sends the CSRF token of the page it last saw, like a browser."""

    def __init__(self, client):
        self.http = client
        self.token = None

    def get(self, url, **kwargs):
        response = self.http.get(url, **kwargs)
        response.get_data()
        response.close()  # a streamed file (static, download) is read by now
        found = CSRF.search(response.get_data(as_text=True))
        if found:
            self.token = found.group(1)
        return response

    def post(self, url, data=None, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            if self.token is None:
                self.get("/login")
            data.setdefault("csrf_token", self.token)
        response = self.http.post(url, data=data, **kwargs)
        response.get_data()
        response.close()
        return response

    def login(self, identifier, password=PASSWORD):
        self.get("/login", follow_redirects=True)  # logged in already: the landing page's token
        return self.post("/login", {"identifier": identifier, "password": password})


def same_page(a, b) -> bool:
    """Two responses are the same page, but for the language links (they name the path) and
    the logout form's CSRF token (it carries the time it was made)."""
    def strip(response):
        text = re.sub(r'href="[^"]*\?lang=', 'href="?lang=', response.get_data(as_text=True))
        return CSRF.sub('name="csrf_token" value=""', text)
    return a.status_code == b.status_code and strip(a) == strip(b)


@pytest.fixture
def portal(database_url, tmp_path):
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    config = Config(database_url=database_url, attachment_dir=str(tmp_path / "files"),
                    public_url="http://portal.test", max_request_bytes=2 * 1024 * 1024)
    runtime = make_runtime(config)
    with runtime.unit_of_work() as uow:
        admin.add_customer(uow, "ACME", "Acme Airline")
    with runtime.unit_of_work() as uow:
        admin.add_customer(uow, "ACME-N", "Acme North")
    with runtime.unit_of_work() as uow:
        admin.add_customer(uow, "GLOBEX", "Globex")
    for name, number, email, role in (("acme-web", "ACME", "anna@acme.example", Role.CUSTOMER),
                                      ("globex-web", "GLOBEX", "gus@globex.example", Role.CUSTOMER),
                                      ("tech", None, "tech@helpdesk.example", Role.STAFF)):
        with runtime.unit_of_work() as uow:
            admin.add_login(uow, name, number, PASSWORD, role=role, email=email)
    yield Portal(create_web_app(runtime, config, testing=True), runtime, config)
    runtime.close()
