"""Internal calls (source document 003's visibility) and the technicians' customers (004),
through the test client and the real SOAP application, on both stores: a customer never
sees an internal call, through any entry point; new-call notices, the fleet's offers and
the queue's "my customers" follow the customers a technician is responsible for."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from lxml import etree
from sqlalchemy import insert, select

from helpdesk_soap.domain.desk import NotifyEvent, TechnicianPrefs
from helpdesk_soap.domain.events import EventType
from helpdesk_soap.domain.model import AssignmentState, Role
from helpdesk_soap.services import admin, desk as desk_service, staff
from helpdesk_soap.soap.app import create_app
from helpdesk_soap.soap.types import TNS
from helpdesk_soap.soap.wsse import PASSWORD_TEXT, WSSE
from helpdesk_soap.store.models import ListenerRow, OutboxRow, PushEventRow
from tests.integration.deskapp import outbox_to
from tests.integration.webapp import PASSWORD, same_page

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"


@pytest.fixture
def gateway(desk):
    with desk.uow() as uow:
        admin.add_login(uow, "acme-tts", "ACME", PASSWORD, role=Role.INTEGRATION)
    app = create_app(desk.config)
    yield app
    app.close()


def soap(app, operation: str, inner: str = "") -> etree._Element:
    body = (f'<soap:Envelope xmlns:soap="{SOAP}" xmlns:h="{TNS}"><soap:Header>'
            f'<wsse:Security xmlns:wsse="{WSSE}"><wsse:UsernameToken>'
            f'<wsse:Username>acme-tts</wsse:Username><wsse:Password Type="{PASSWORD_TEXT}">'
            f'{PASSWORD}</wsse:Password></wsse:UsernameToken></wsse:Security></soap:Header>'
            f'<soap:Body><h:{operation}>{inner}</h:{operation}></soap:Body>'
            f'</soap:Envelope>').encode()
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/helpdesk", "QUERY_STRING": "",
               "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "text/xml; charset=utf-8",
               "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http",
               "HTTP_HOST": "gateway.test", "SERVER_NAME": "gateway.test",
               "SERVER_PORT": "80", "wsgi.errors": io.StringIO()}
    response = app(environ, lambda status, headers, exc_info=None: None)
    data = b"".join(response)
    if hasattr(response, "close"):
        response.close()
    return etree.fromstring(data)


def _ids(doc) -> set[int]:
    return {int(e.text) for e in doc.iter(f"{{{TNS}}}CallId")}


def _fault(doc) -> str | None:
    return doc.findtext(f".//{{{SOAP}}}Fault/faultcode")


def _browser(desk, name="acme-web"):
    """Logged in, with the CSRF token of a page it saw (the session's own)."""
    browser = desk.logged_in(name)
    browser.get("/desk/" if name != "acme-web" else "/")
    return browser


def _version(desk, call_id) -> int:
    with desk.uow() as uow:
        return uow.calls.get(call_id).version


def _events(desk, call_id) -> int:
    return len(desk.execute(select(PushEventRow.id).where(PushEventRow.call_id == call_id)))


def _customer_mails(desk) -> int:
    return len(desk.execute(select(OutboxRow.id).where(OutboxRow.recipient ==
                                                       "anna@acme.example")))


def test_an_internal_call_is_never_shown_to_the_customer(desk, gateway):
    tts = desk.principal("acme-tts")  # its system listens for every change (push)
    desk.execute(insert(ListenerRow).values(
        login_id=tts.login_id, customer_id=tts.customer_id, url="https://tts.acme.example/",
        format="json", events=",".join(e.value for e in EventType), secret="s" * 32,
        active=True, created_at=datetime.now(UTC), consecutive_failures=0))
    secret = desk.file_call(subject="Quietly broken")
    public = desk.file_call(subject="Openly broken")
    tech = _browser(desk, "tech")
    made = tech.post(f"/desk/calls/{secret}/visibility",
                     {"visibility": "Internal", "version": _version(desk, secret)})
    assert made.status_code == 302
    page = tech.get(f"/desk/calls/{secret}").text
    assert "Only staff see this call" in page and "Make public" in page
    assert "Visibility changed to internal." in page  # the call's life names it

    # Every customer entry point: the portal's pages ...
    customer = _browser(desk)
    missing = customer.get("/calls/999999")
    assert same_page(customer.get(f"/calls/{secret}"), missing)
    listing = customer.get("/").text
    assert "Quietly broken" not in listing and "Openly broken" in listing
    assert customer.post(f"/calls/{secret}/reply", {"text": "hello?"}).status_code == 404
    # ... and SOAP: GetCallData, ListCalls, GetChangedCalls.
    assert _fault(soap(gateway, "GetCallData", f"<h:CallId>{secret}</h:CallId>")).endswith(
        "CallNotFound")
    assert _fault(soap(gateway, "GetCallData", f"<h:CallId>{public}</h:CallId>")) is None
    assert _ids(soap(gateway, "ListCalls")) == {public}
    assert _ids(soap(gateway, "GetChangedCalls", "<h:Since>0</h:Since>")) == {public}
    # Work on the internal call tells the customer nothing, by mail or push.
    before, pushed = _customer_mails(desk), _events(desk, secret)
    assert tech.post(f"/desk/calls/{secret}/status", {"status": "IN_PROGRESS",
                                                      "version": _version(desk, secret)}
                     ).status_code == 302
    assert _customer_mails(desk) == before and _events(desk, secret) == pushed
    tech.post(f"/desk/calls/{public}/status", {"status": "IN_PROGRESS"})
    assert _events(desk, public) > 0 and _customer_mails(desk) > before  # as a public one's

    # A stale form is refused like any other; public again, the customer sees it again.
    stale = tech.post(f"/desk/calls/{secret}/visibility", {"visibility": "Public",
                                                           "version": "1"})
    assert stale.status_code == 409 and "Someone else changed this call" in stale.text
    bad = tech.post(f"/desk/calls/{secret}/visibility", {"visibility": "Secret"})
    assert bad.status_code == 400
    assert tech.post(f"/desk/calls/{secret}/visibility",
                     {"visibility": "Public", "version": _version(desk, secret)}
                     ).status_code == 302
    assert customer.get(f"/calls/{secret}").status_code == 200
    assert _ids(soap(gateway, "GetChangedCalls", "<h:Since>0</h:Since>")) == {public, secret}
    assert _fault(soap(gateway, "GetCallData", f"<h:CallId>{secret}</h:CallId>")) is None


def _opt_in(desk, name, available=True):
    with desk.uow() as uow:
        desk_service.set_prefs(uow, desk.principal(name), TechnicianPrefs(
            available, "email", frozenset({NotifyEvent.NEW_CALL})))


def test_technicians_customers_steer_notices_offers_and_the_queue(desk):
    boss = _browser(desk, "boss")
    page = boss.get("/desk/admin/").text
    assert 'id="technicians"' in page and "every customer" in page
    assert boss.post("/desk/admin/technician-customers",
                     {"login": "tech", "customers": ["ACME"]}).status_code == 302
    assert boss.post("/desk/admin/technician-customers",
                     {"login": "tech2", "customers": ["GLOBEX", "ACME-N"]}).status_code == 302
    for form, message in (({"login": "tech", "customers": ["NOPE"]}, "does not exist"),
                          ({"login": "acme-web", "customers": ["ACME"]}, "No technician"),
                          ({"login": "nobody"}, "No technician")):
        bad = boss.post("/desk/admin/technician-customers", form)
        assert bad.status_code == 400 and message in bad.text, form
    for name in ("tech", "tech2", "boss"):  # boss is named for no customer: all of them
        _opt_in(desk, name)

    acme = desk.file_call(subject="Acme's new call")
    assert [s for s in outbox_to(desk, "tech@helpdesk.example") if "Acme's new" in s]
    assert not outbox_to(desk, "tech2@helpdesk.example")
    assert outbox_to(desk, "boss@helpdesk.example")
    globex = desk.file_call(login="globex-web", subject="Globex's new call")
    assert len(outbox_to(desk, "tech2@helpdesk.example")) == 1
    assert len(outbox_to(desk, "tech@helpdesk.example")) == 1
    _opt_in(desk, "tech2", available=False)  # unavailable: no notice, whatever the customer
    desk.file_call(login="globex-web", subject="Globex again")
    assert len(outbox_to(desk, "tech2@helpdesk.example")) == 1

    # The queue's "my customers".
    mine = desk.logged_in("tech").get("/desk/?my_customers=1").text
    assert "Acme&#39;s new call" in mine and "Globex" not in mine
    everyone = boss.get("/desk/?my_customers=1").text
    assert "Acme&#39;s new call" in everyone and "Globex&#39;s new call" in everyone

    # The fleet offers only available technicians responsible for the customer.
    with desk.uow() as uow:
        offered = [t.name for t in desk_service.open_call(uow, desk.principal("tech"),
                                                          acme).candidates]
    assert offered == ["boss", "tech"]
    with desk.uow() as uow:
        offered = [t.name for t in desk_service.open_call(uow, desk.principal("tech"),
                                                          globex).candidates]
    assert offered == ["boss"]  # tech2 is unavailable, tech is not Globex's
    refused = _browser(desk, "tech").post(f"/desk/calls/{globex}/assign",
                                          {"technician": "tech", "state": "Requested"})
    assert refused.status_code == 400 and "not responsible for this customer" in refused.text
    with desk.uow() as uow:  # assigning stays possible
        staff.assign(uow, globex, "tech", AssignmentState.ASSIGNED, author="boss")

    assert boss.post("/desk/admin/technician-customers", {"login": "tech"}).status_code == 302
    assert "Globex" in desk.logged_in("tech").get("/desk/?my_customers=1").text
