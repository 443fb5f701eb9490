"""The admin pages through the test client, on both stores: admins only; customers and
organisations, portals, logins, statuses, settings, request types."""

from __future__ import annotations

from tests.integration.deskapp import outbox_to


def _admin(desk):
    browser = desk.logged_in("boss")
    page = browser.get("/desk/admin/")
    assert page.status_code == 200
    return browser, page.text


def test_the_admin_page_lists_everything(desk):
    _browser, text = _admin(desk)
    for anchor in ("customers", "portals", "logins", "statuses", "settings", "request-types"):
        assert f'id="{anchor}"' in text
    assert "Acme Airline" in text and "GLOBEX" in text and "acme-web" in text
    assert "SOLUTION_PROPOSED" in text and "session_idle_minutes" in text
    assert "AffectedDomain" in text  # the request types, read-only


def test_customers_and_organisations(desk):
    browser, _ = _admin(desk)
    assert browser.post("/desk/admin/add-customer", {"number": "INITECH",
                                                     "name": "Initech"}).status_code == 302
    twice = browser.post("/desk/admin/add-customer", {"number": "INITECH", "name": "x"})
    assert twice.status_code == 400 and "already exists" in twice.text
    assert browser.post("/desk/admin/add-organisation", {"name": "Acme Group"}).status_code == 302
    assert browser.post("/desk/admin/customer-organisation",
                        {"number": "ACME-N", "organisation": "Acme Group"}).status_code == 302
    text = browser.get("/desk/admin/").text
    assert "Initech" in text and "Acme Group" in text


def test_deactivating_a_portal_shuts_its_people_out(desk):
    call_id = desk.file_call()
    customer = desk.logged_in()
    browser, _ = _admin(desk)
    off = browser.post("/desk/admin/portal", {"customer": "ACME", "active": "0"})
    assert off.status_code == 302
    page = customer.get(f"/calls/{call_id}")
    assert page.status_code == 503 and "Service unavailable" in page.text
    assert "inactive" in browser.get("/desk/admin/").text
    browser.post("/desk/admin/portal", {"customer": "ACME", "active": "1"})
    assert desk.logged_in().get(f"/calls/{call_id}").status_code == 200
    both = browser.post("/desk/admin/portal", {"active": "0"})
    assert both.status_code == 400


def test_logins_invite_role_unlock_deactivate(desk):
    browser, _ = _admin(desk)
    assert browser.post("/desk/admin/invite", {"customer": "ACME",
                                               "email": "new@acme.example"}).status_code == 302
    assert outbox_to(desk, "new@acme.example") == ["Invitation to the Acme Airline helpdesk"]
    bad = browser.post("/desk/admin/invite", {"customer": "ACME", "email": "not-an-address"})
    assert bad.status_code == 400
    assert browser.post("/desk/admin/role", {"login": "tech2", "role": "Admin"}).status_code == 302
    assert desk.principal("tech2").role.value == "Admin"
    across = browser.post("/desk/admin/role", {"login": "acme-web", "role": "Admin"})
    assert across.status_code == 400 and "within its side" in across.text
    own = browser.post("/desk/admin/active", {"login": "boss", "active": "0"})
    assert own.status_code == 400
    tech = desk.logged_in("tech")
    assert browser.post("/desk/admin/active", {"login": "tech", "active": "0"}).status_code == 302
    assert tech.get("/desk/").status_code == 302  # its session ended
    assert desk.client().login("tech").status_code == 401
    assert browser.post("/desk/admin/active", {"login": "tech", "active": "1"}).status_code == 302
    assert desk.client().login("tech").status_code == 302
    for _ in range(6):
        desk.client().login("acme-web", "wrong-password")
    assert "locked" in browser.get("/desk/admin/").text
    assert browser.post("/desk/admin/unlock", {"login": "acme-web"}).status_code == 302
    assert desk.client().login("acme-web").status_code == 302


def test_statuses_and_settings(desk):
    browser, _ = _admin(desk)
    assert browser.post("/desk/admin/add-status", {"code": "WAITING", "name": "Waiting for parts",
                                                   "stage": "InProgress",
                                                   "result_visible": "1"}).status_code == 302
    assert "Waiting for parts" in browser.get("/desk/admin/").text
    bad_stage = browser.post("/desk/admin/add-status", {"code": "X", "name": "X", "stage": "Nope"})
    assert bad_stage.status_code == 400 and "Unknown stage" in bad_stage.text
    assert browser.post("/desk/admin/setting", {"key": "lockout_threshold",
                                                "value": "7"}).status_code == 302
    with desk.uow() as uow:
        assert uow.settings.get().lockout_threshold == 7
    bad = browser.post("/desk/admin/setting", {"key": "lockout_threshold", "value": "many"})
    assert bad.status_code == 400
    assert browser.post("/desk/admin/nonsense", {}).status_code == 404


def test_an_existing_status_s_flags_are_edited_within_the_domain_s_rules(desk):
    browser, text = _admin(desk)
    assert "status-flags" in text
    ok = browser.post("/desk/admin/status-flags", {"code": "IN_PROGRESS", "stage": "Assigned",
                                                   "result_visible": "1"})
    assert ok.status_code == 302
    with desk.uow() as uow:
        status = uow.statuses.get("IN_PROGRESS")
    flags = (status.stage.value, status.result_visible, status.is_final)
    assert flags == ("Assigned", True, False)
    refused = {"final outside Closed/Cancelled": ({"code": "IN_PROGRESS", "stage": "InProgress",
                                                   "is_final": "1"}, "Closed or Cancelled"),
               "Closed not final": ({"code": "CLOSED", "stage": "Closed"}, "must be final"),
               "new calls' status final": ({"code": "NEW", "stage": "Cancelled",
                                            "is_final": "1"}, "new_call_status"),
               "unknown stage": ({"code": "NEW", "stage": "Nope"}, "Unknown stage"),
               "unknown status": ({"code": "NOPE", "stage": "Open"}, "does not exist")}
    for why, (form, message) in refused.items():
        page = browser.post("/desk/admin/status-flags", form)
        assert page.status_code == 400 and message in page.text, why
        assert 'id="statuses"' in page.text, why  # the page again, with its forms
    with desk.uow() as uow:
        assert uow.statuses.get("CLOSED").is_final and not uow.statuses.get("NEW").is_final
        assert uow.statuses.get("IN_PROGRESS").stage.value == "Assigned"


def test_request_types_are_edited_and_reset_from_the_admin_page(desk):
    from helpdesk_soap.domain.model import Category
    from helpdesk_soap.services import workflow

    browser, text = _admin(desk)
    assert "request-field" in text
    ok = browser.post("/desk/admin/request-field", {
        "category": "TechnicalSupport", "field": "Browser", "state": "Required",
        "label": "Which browser?", "max_length": "40"})
    assert ok.status_code == 302
    with desk.uow() as uow:
        rule = next(r for r in workflow.request_types(uow)[Category.TECHNICAL_SUPPORT]
                    if r.name == "Browser")
    assert (rule.required, rule.label, rule.max_length) == (True, "Which browser?", 40)
    page = browser.get("/desk/admin/").text
    assert "Which browser?" in page and "request-reset" in page
    for form, message in (({"field": "Subject", "state": "Optional"}, "stays required"),
                          ({"field": "Browser", "state": "Required", "max_length": "many"},
                           "not a number"),
                          ({"field": "Browser", "state": "Sometimes"}, "Unknown state"),
                          ({"field": "Nope", "state": "Optional"}, "not a field")):
        bad = browser.post("/desk/admin/request-field", {"category": "TechnicalSupport",
                                                         "label": "", **form})
        assert bad.status_code == 400 and message in bad.text, form
    assert browser.post("/desk/admin/request-reset",
                        {"category": "TechnicalSupport"}).status_code == 302
    with desk.uow() as uow:
        rule = next(r for r in workflow.request_types(uow)[Category.TECHNICAL_SUPPORT]
                    if r.name == "Browser")
    assert rule.label != "Which browser?"
    bad = browser.post("/desk/admin/request-reset", {"category": "Gardening"})
    assert bad.status_code == 400 and "Unknown category" in bad.text
