"""Logging in and out of the portal, passwords, and the one-time links we mail."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from helpdesk_soap.services import admin, tokens
from helpdesk_soap.store.models import LoginTokenRow, SessionRow
from tests.integration.webapp import PASSWORD, same_page

WRONG = "Login failed. Check your login and password."


def test_login_by_customer_number_email_and_name_lands_on_the_overview(portal):
    for identifier in ("ACME", "anna@acme.example", "acme-web"):
        browser = portal.client()
        response = browser.login(identifier)
        assert response.status_code == 302 and response.location == "/"
        assert "My calls" in browser.get("/").text


def test_wrong_password_unknown_login_and_locked_login_read_alike(portal):
    browser = portal.client()
    unknown = browser.login("nobody", "whatever-password")
    wrong = browser.login("acme-web", "not-the-password")
    assert unknown.status_code == wrong.status_code == 401
    assert WRONG in unknown.text and WRONG in wrong.text
    for _ in range(5):
        browser.login("acme-web", "not-the-password")
    locked = browser.login("acme-web", PASSWORD)  # the right password, but locked
    assert locked.status_code == 401 and WRONG in locked.text
    assert browser.get("/").status_code == 302


def test_no_page_without_login_and_the_next_page_after_it(portal):
    browser = portal.client()
    response = browser.get("/calls/new")
    assert response.status_code == 302 and response.location.startswith("/login?next=")
    browser.get(response.location)
    login = browser.post(response.location, {"identifier": "ACME", "password": PASSWORD})
    assert login.location == "/calls/new"


def test_next_never_leads_to_another_site(portal):
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        browser = portal.client()
        browser.get("/login")
        response = browser.post(f"/login?next={target}",
                                {"identifier": "ACME", "password": PASSWORD})
        assert response.location == "/"


def test_logout_ends_the_session_in_the_store(portal):
    browser = portal.logged_in()
    cookie = browser.http.get_cookie("helpdesk_session").value
    browser.get("/")
    assert browser.post("/logout").location == "/login"
    assert browser.get("/").status_code == 302
    # The old cookie, replayed, no longer gets in: the token is gone from the store.
    replay = portal.client()
    replay.http.set_cookie("helpdesk_session", cookie)
    assert replay.get("/").status_code == 302


def test_every_login_gets_a_fresh_token(portal):
    browser = portal.logged_in()
    first = browser.http.get_cookie("helpdesk_session").value
    browser.login("acme-web")
    assert browser.http.get_cookie("helpdesk_session").value != first
    stale = portal.client()
    stale.http.set_cookie("helpdesk_session", first)
    assert stale.get("/").status_code == 302  # the token before the new login is closed


def test_the_session_cookie_is_httponly_and_samesite(portal):
    browser = portal.client()
    browser.get("/login")
    response = browser.post("/login", {"identifier": "ACME", "password": PASSWORD})
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header
    browser = portal.client()
    browser.get("/login", base_url="https://portal.test")
    # Over https, CSRF also checks the Referer (a browser sends it: Referrer-Policy same-origin).
    response = browser.post("/login", {"identifier": "ACME", "password": PASSWORD},
                            base_url="https://portal.test",
                            headers={"Referer": "https://portal.test/login"})
    assert "Secure" in response.headers["Set-Cookie"]


def test_an_idle_session_expires(portal):
    browser = portal.logged_in()
    portal.execute(update(SessionRow).values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    assert browser.get("/").status_code == 302


def test_inactive_portal_lets_nothing_through(portal):
    browser = portal.logged_in()
    with portal.uow() as uow:
        admin.set_portal_active(uow, False, customer_number="ACME")
    page = browser.get("/")
    assert page.status_code == 503
    assert "Service unavailable. Sorry for the inconvenience." in page.text
    fresh = portal.client()
    login = fresh.login("ACME")
    assert login.status_code == 503 and "Service unavailable" in login.text
    assert fresh.get("/").status_code == 302
    assert portal.logged_in("globex-web").get("/").status_code == 200


def test_staff_land_on_the_desk_and_customers_never_reach_it(portal):
    staff = portal.client()
    assert staff.login("tech").location == "/desk/"
    assert staff.get("/desk/").status_code == 200
    assert staff.get("/").status_code == 404  # the portal is for customers
    customer = portal.logged_in()
    denied = customer.get("/desk/")
    missing = customer.get("/desk/no-such-page")
    assert denied.status_code == 404 and same_page(denied, missing)


def test_change_password(portal):
    browser = portal.logged_in()
    other = portal.logged_in()  # a second session of the same login
    browser.get("/password")
    new = {"new": "new-password-22", "repeat": "new-password-22"}
    wrong = browser.post("/password", {"old": "nope", **new})
    assert wrong.status_code == 400 and "current password is not right" in wrong.text
    differ = browser.post("/password", {"old": PASSWORD, **new, "repeat": "other-pass-22"})
    assert differ.status_code == 400 and "differ" in differ.text
    short = browser.post("/password", {"old": PASSWORD, "new": "x", "repeat": "x"})
    assert short.status_code == 400
    ok = browser.post("/password", {"old": PASSWORD, **new})
    assert ok.status_code == 302
    assert browser.get("/").status_code == 200  # this session stays
    assert other.get("/").status_code == 302    # the other one ends
    assert portal.client().login("acme-web", "new-password-22").status_code == 302


def _invite(portal, email="neu@acme.example"):
    with portal.uow() as uow:
        issued = tokens.invite_login(uow, "tech", "ACME", email, public_url=portal.config.own_url)
    return issued, portal.last_mail()


def test_the_invitation_link_leads_to_activation_and_first_login(portal):
    issued, body = _invite(portal)
    link = re.search(r"http://portal\.test(/activate\?token=\S+)", body).group(1)
    browser = portal.client()
    page = browser.get(link)
    assert page.status_code == 200 and "Choose a login name" in page.text
    differ = browser.post("/activate", {"token": issued.token, "login_name": "neu",
                                        "password": "first-password-1", "repeat": "other"})
    assert differ.status_code == 400
    done = browser.post("/activate", {"token": issued.token, "login_name": "neu",
                                      "password": "first-password-1", "repeat": "first-password-1"})
    assert done.status_code == 302
    assert portal.client().login("neu@acme.example", "first-password-1").location == "/"
    used = portal.client().get(link)
    assert used.status_code == 404 and "Link not valid" in used.text


def test_unknown_and_expired_links_get_the_same_page(portal):
    issued, _ = _invite(portal)
    portal.execute(update(LoginTokenRow).values(expires_at=datetime(2000, 1, 1, tzinfo=UTC)))
    expired = portal.client().get(f"/activate?token={issued.token}")
    unknown = portal.client().get("/activate?token=made-up")
    assert expired.status_code == 404 and same_page(expired, unknown)


def test_reset_answers_the_same_whether_or_not_the_login_exists_and_the_link_works(portal):
    browser = portal.client()
    browser.get("/reset")
    known = browser.post("/reset", {"identifier": "anna@acme.example"})
    unknown = browser.post("/reset", {"identifier": "ghost@nowhere.example"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data() == unknown.get_data()
    body = portal.last_mail()
    link = re.search(r"http://portal\.test(/activate\?token=\S+)", body).group(1)
    page = browser.get(link)
    assert "Set a new password" in page.text and "login_name" not in page.text
    token = link.split("token=")[1]
    done = browser.post("/activate", {"token": token, "password": "reset-password-1",
                                      "repeat": "reset-password-1"})
    assert done.status_code == 302
    assert portal.client().login("acme-web", "reset-password-1").status_code == 302


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(portal):
    browser = portal.client()
    browser.get("/login")
    response = browser.post("/login", {"identifier": "ACME", "password": PASSWORD}, csrf=False)
    assert response.status_code == 400 and "Form expired" in response.text
    assert "Traceback" not in response.text
    forged = browser.post("/login", {"identifier": "ACME", "password": PASSWORD,
                                     "csrf_token": "forged"})
    assert forged.status_code == 400
    assert browser.get("/").status_code == 302
