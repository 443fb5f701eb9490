"""The portal's pages and forms through the test client, on both stores: overview, call
view, reply, attachments, solution, new call; isolation, headers and bad input."""

from __future__ import annotations

import re

import pytest

from helpdesk_soap.domain.model import Category, EntryKind, Visibility
from helpdesk_soap.domain.request_types import DEFAULT
from helpdesk_soap.services import admin, attachments, calls, staff
from tests.integration.webapp import same_page


def test_overview_lists_the_customers_calls_newest_first_with_their_figures(portal):
    older = portal.file_call(subject="Older <script>alert(1)</script>")
    newer = portal.file_call(subject="Newer one")
    portal.file_call(login="globex-web", subject="Globex secret")
    with portal.uow() as uow:
        staff.record_time(uow, newer, 90, "", technician="tech", author="tech")
    page = portal.logged_in().get("/")
    text = page.text
    assert page.status_code == 200
    assert text.index(f"#{newer}") < text.index(f"#{older}")
    assert "Globex secret" not in text
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text  # autoescaped
    assert "1:30" in text  # the row's time spent and the filter's total
    assert "Time spent on the calls of this filter: 1:30 h" in text


def test_overview_filters_by_subject_status_category_and_date(portal):
    portal.file_call(subject="Boiler leaking")
    portal.file_call(subject="Printer jam")
    browser = portal.logged_in()
    hit = browser.get("/?q=boiler").text
    assert "Boiler leaking" in hit and "Printer jam" not in hit
    assert "Printer jam" not in browser.get("/?category=Improvement").text
    assert "Printer jam" in browser.get("/?category=Question").text
    assert "Printer jam" not in browser.get("/?status=CLOSED").text
    assert "Printer jam" not in browser.get("/?year=2001").text
    bad = browser.get("/?month=13&year=2026")
    assert bad.status_code == 400 and "Month must be between 1 and 12." in bad.text
    assert browser.get("/?year=abc").status_code == 400
    assert browser.get("/?category=Nonsense").status_code == 400


def test_overview_pages_by_cursor(portal):
    ids = [portal.file_call(subject=f"Call number {n}") for n in range(30)]
    browser = portal.logged_in()
    first = browser.get("/").text
    assert f"#{ids[-1]}<" in first and f"#{ids[0]}<" not in first
    cursor = re.search(r'href="(/\?cursor=[^"]+)"', first).group(1).replace("&amp;", "&")
    second = browser.get(cursor).text
    assert f"#{ids[0]}<" in second and f"#{ids[-1]}<" not in second
    assert browser.get("/?cursor=garbage").status_code == 400


def test_call_view_shows_public_entries_in_order_and_nothing_internal(portal):
    call_id = portal.file_call()
    with portal.uow() as uow:
        staff.add_entry(uow, call_id, EntryKind.HISTORY, "We ordered the part.", author="tech")
    with portal.uow() as uow:
        staff.add_entry(uow, call_id, EntryKind.HISTORY, "Customer is grumpy", author="tech",
                        visibility=Visibility.INTERNAL)
    with portal.uow() as uow:
        staff.add_entry(uow, call_id, EntryKind.CONTACT, "Phoned <b>Anna</b>", author="tech")
    page = portal.logged_in().get(f"/calls/{call_id}")
    text = page.text
    assert page.status_code == 200
    assert text.index("We ordered the part.") < text.index("Phoned &lt;b&gt;Anna&lt;/b&gt;")
    assert "grumpy" not in text
    assert 'class="step current" aria-current="step">Open' in text


def test_the_contact_url_of_get_call_data_opens_the_call_view_at_the_entry(portal):
    call_id = portal.file_call()
    with portal.uow() as uow:
        staff.add_entry(uow, call_id, EntryKind.CONTACT, "Visited the site", author="tech")
    with portal.uow() as uow:
        data = calls.get_call_data(uow, portal.principal("acme-web"), call_id,
                                   public_url=portal.runtime.public_url)
    url = data.contacts[0].url
    assert url == f"http://portal.test/calls/{call_id}#entry-{data.contacts[0].entry.id}"
    page = portal.logged_in().get(url.removeprefix("http://portal.test").split("#")[0])
    assert f'id="entry-{data.contacts[0].entry.id}"' in page.text


def test_the_result_shows_only_where_the_status_makes_it_visible(portal):
    call_id = portal.file_call()
    with portal.uow() as uow:
        staff.set_result(uow, call_id, "Replaced the fuse", author="tech")
    browser = portal.logged_in()
    assert "Replaced the fuse" not in browser.get(f"/calls/{call_id}").text
    with portal.uow() as uow:
        staff.set_status(uow, call_id, "CLOSED", author="tech")
    page = browser.get(f"/calls/{call_id}").text
    assert "Replaced the fuse" in page
    assert 'name="text"' not in page  # no reply form on a closed call


def test_reply_adds_a_public_entry_and_empty_text_gets_the_form_back(portal):
    call_id = portal.file_call()
    browser = portal.logged_in()
    browser.get(f"/calls/{call_id}")
    empty = browser.post(f"/calls/{call_id}/reply", {"text": "   "})
    assert empty.status_code == 400 and "A note needs text." in empty.text
    ok = browser.post(f"/calls/{call_id}/reply", {"text": "Still broken"})
    assert ok.status_code == 302 and ok.location == f"/calls/{call_id}"
    with portal.uow() as uow:
        data = calls.get_call_data(uow, portal.principal("acme-web"), call_id)
    assert [e.text for e in data.history][-1] == "Still broken"


def test_a_closed_call_takes_no_reply(portal):
    call_id = portal.file_call()
    with portal.uow() as uow:
        staff.set_status(uow, call_id, "CLOSED", author="tech")
    browser = portal.logged_in()
    browser.get(f"/calls/{call_id}")
    refused = browser.post(f"/calls/{call_id}/reply", {"text": "hello?"})
    assert refused.status_code == 400 and "closed" in refused.text


def _propose(portal, call_id):
    with portal.uow() as uow:
        staff.propose_solution(uow, call_id, "Turn it off and on", author="tech")


def test_accept_a_proposed_solution(portal):
    call_id = portal.file_call()
    browser = portal.logged_in()
    assert "Accept solution" not in browser.get(f"/calls/{call_id}").text
    _propose(portal, call_id)
    assert "Accept solution" in browser.get(f"/calls/{call_id}").text
    ok = browser.post(f"/calls/{call_id}/solution", {"answer": "accept"})
    assert ok.status_code == 302
    page = browser.get(f"/calls/{call_id}").text
    assert "You accepted this solution." in page and "Accept solution" not in page
    with portal.uow() as uow:
        assert calls.get_call_data(uow, portal.principal("acme-web"),
                                   call_id).call.solution_state.value == "Accepted"


def test_reject_needs_a_comment_and_records_it(portal):
    call_id = portal.file_call()
    _propose(portal, call_id)
    browser = portal.logged_in()
    browser.get(f"/calls/{call_id}")
    bare = browser.post(f"/calls/{call_id}/solution", {"answer": "reject", "comment": " "})
    assert bare.status_code == 400 and "say why" in bare.text
    assert browser.post(f"/calls/{call_id}/solution", {"answer": "maybe"}).status_code == 400
    ok = browser.post(f"/calls/{call_id}/solution", {"answer": "reject", "comment": "Still dead"})
    assert ok.status_code == 302
    assert "Comment: Still dead" in browser.get(f"/calls/{call_id}").text
    again = browser.post(f"/calls/{call_id}/solution", {"answer": "accept"})
    assert again.status_code == 400 and "already answered" in again.text


def test_attach_and_download_with_the_stored_type_never_inline(portal):
    call_id = portal.file_call()
    browser = portal.logged_in()
    browser.get(f"/calls/{call_id}")
    sent = browser.post(f"/calls/{call_id}/attach",
                        {"file": (__import__("io").BytesIO(b"%PDF-1.4 report"), "report.pdf",
                                  "application/pdf")},
                        content_type="multipart/form-data")
    assert sent.status_code == 302
    page = browser.get(f"/calls/{call_id}").text
    link = re.search(r'href="(/calls/\d+/attachments/\d+)"', page).group(1)
    got = browser.get(link)
    assert got.status_code == 200 and got.data == b"%PDF-1.4 report"
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert "report.pdf" in got.headers["Content-Disposition"]
    assert got.headers["X-Content-Type-Options"] == "nosniff"


def _upload(browser, call_id, content, name="x.txt", kind="text/plain"):
    import io
    browser.get(f"/calls/{call_id}")
    return browser.post(f"/calls/{call_id}/attach", {"file": (io.BytesIO(content), name, kind)},
                        content_type="multipart/form-data")


def test_bad_uploads_get_the_form_back_and_store_nothing(portal):
    call_id = portal.file_call()
    with portal.uow() as uow:
        admin.set_setting(uow, "attachment_max_bytes", "1000")
    browser = portal.logged_in()
    big = _upload(browser, call_id, b"x" * 1001)
    assert big.status_code == 400 and "larger than the allowed size" in big.text
    html = _upload(browser, call_id, b"<script>", "x.exe", "application/x-msdownload")
    assert html.status_code == 400 and "not accepted" in html.text
    browser.get(f"/calls/{call_id}")
    none = browser.post(f"/calls/{call_id}/attach", {}, content_type="multipart/form-data")
    assert none.status_code == 400 and "Choose a file" in none.text
    huge = _huge_upload(browser, call_id, 3 * 1024 * 1024)  # over the request limit
    assert huge.status_code == 413 and "Traceback" not in huge.text
    with portal.uow() as uow:
        assert calls.get_call_data(uow, portal.principal("acme-web"), call_id).attachments == []


def _huge_upload(browser, call_id, size):
    import io

    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart
    browser.get(f"/calls/{call_id}")
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart({"csrf_token": browser.token,
                                       "file": FileStorage(io.BytesIO(b"x" * size), "big.txt",
                                                           content_type="text/plain")})
    response = browser.http.post(f"/calls/{call_id}/attach", input_stream=io.BytesIO(body),
                                 content_type=f"multipart/form-data; boundary={boundary}",
                                 content_length=len(body))
    response.get_data()
    return response


def _staff_attachment(portal, call_id, visibility):
    with portal.uow() as uow:
        return attachments.add_attachment(uow, portal.principal("tech"), call_id, "n.txt",
                                          "text/plain", b"note", visibility=visibility).id


def test_someone_elses_call_or_attachment_is_not_found_on_every_page(portal):
    mine = portal.file_call()
    theirs = portal.file_call(login="globex-web", subject="Globex")
    their_file = _staff_attachment(portal, theirs, Visibility.PUBLIC)
    internal = _staff_attachment(portal, mine, Visibility.INTERNAL)
    _propose(portal, theirs)
    browser = portal.logged_in()
    nowhere = browser.get("/calls/987654")
    assert nowhere.status_code == 404
    pages = [browser.get(f"/calls/{theirs}"),
             browser.get(f"/calls/{theirs}/attachments/{their_file}"),
             browser.get(f"/calls/{mine}/attachments/{their_file}"),  # my call, their file
             browser.get(f"/calls/{mine}/attachments/{internal}"),    # internal file
             browser.get(f"/calls/{mine}/attachments/987654")]
    browser.get(f"/calls/{mine}")
    pages += [browser.post(f"/calls/{theirs}/reply", {"text": "hi"}),
              browser.post(f"/calls/{theirs}/reply", {"text": ""}),
              browser.post(f"/calls/{theirs}/solution", {"answer": "accept"}),
              browser.post(f"/calls/{theirs}/solution", {"answer": "reject", "comment": ""}),
              _upload(browser, theirs, b"x")]
    for page in pages:
        assert same_page(page, nowhere), page.request.path
    with portal.uow() as uow:
        data = calls.get_call_data(uow, portal.principal("globex-web"), theirs)
    assert data.call.solution_state.value == "Proposed" and len(data.attachments) == 1
    assert "hi" not in [e.text for e in data.history]


def test_every_response_carries_the_security_headers(portal):
    browser = portal.logged_in()
    for url in ("/", "/login", "/calls/new", "/calls/1", "/no-such", "/static/style.css"):
        headers = browser.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"]


def test_no_template_has_inline_script_or_style():
    from pathlib import Path

    import helpdesk_soap.web as web
    for template in Path(web.__file__).parent.joinpath("templates").rglob("*.html"):
        text = template.read_text()
        assert "<script" not in text and "<style" not in text and " style=" not in text, template
        assert not re.search(r"\son[a-z]+=", text), template


def test_errors_render_our_pages(portal):
    browser = portal.logged_in()
    missing = browser.get("/nothing/here")
    assert missing.status_code == 404 and "Not found" in missing.text
    wrong_method = browser.http.put("/login")
    assert wrong_method.status_code == 405 and "Helpdesk" in wrong_method.get_data(as_text=True)
    assert browser.get("/calls/abc").status_code == 404


@pytest.mark.parametrize("category, fields", [
    ("Question", {}),
    ("TechnicalSupport", {"AffectedDomain": "shop.acme.example",
                          "FirstOccurredAt": "2026-11-30T08:15",
                          "Browser": "Firefox", "Components": "checkout, cart"}),
    ("Improvement", {"ResponsibleUser": "Anna"}),
])
def test_new_call_by_request_type(portal, category, fields):
    browser = portal.logged_in()
    form = browser.get(f"/calls/new?category={category}").text
    names = [rule.name for rule in DEFAULT[Category(category)]]  # the seeded configuration
    for name in names:
        assert f'name="{name}"' in form
    created = browser.post(f"/calls/new?category={category}",
                           {"category": category, "Subject": f"A {category}",
                            "Description": "Details", "Priority": "High", **fields})
    assert created.status_code == 302, created.text
    call_id = int(created.location.rsplit("/", 1)[1])
    with portal.uow() as uow:
        call = calls.get_call_data(uow, portal.principal("acme-web"), call_id).call
    assert call.category.value == category and call.subject == f"A {category}"
    if category == "TechnicalSupport":
        assert call.components == ("checkout", "cart")
        assert call.affected_domain == "shop.acme.example"


def test_new_call_enforces_the_request_types_fields_server_side(portal):
    with portal.uow() as uow:
        admin.set_setting(uow, "enforce_request_types", "true")
    browser = portal.logged_in()
    browser.get("/calls/new?category=TechnicalSupport")
    missing = browser.post("/calls/new", {"category": "TechnicalSupport", "Subject": "Down",
                                          "Description": "x", "Priority": "High"})
    assert missing.status_code == 400 and "AffectedDomain" in missing.text
    assert 'value="Down"' in missing.text  # the form comes back filled in
    bad_date = browser.post("/calls/new", {"category": "TechnicalSupport", "Subject": "Down",
                                           "Priority": "High", "AffectedDomain": "a.example",
                                           "FirstOccurredAt": "yesterday"})
    assert bad_date.status_code == 400 and "not a date and time" in bad_date.text
    no_subject = browser.post("/calls/new", {"category": "Question", "Subject": " ",
                                             "Priority": "Low"})
    assert no_subject.status_code == 400 and "Subject must not be empty." in no_subject.text
    bad_priority = browser.post("/calls/new", {"category": "Question", "Subject": "x",
                                               "Priority": "Urgent!"})
    assert bad_priority.status_code == 400
    assert "Down" not in browser.get("/").text  # nothing stored


def test_an_organisation_member_files_for_any_customer_of_the_organisation(portal):
    with portal.uow() as uow:
        admin.add_organisation(uow, "Acme Group")
    for number in ("ACME", "ACME-N"):
        with portal.uow() as uow:
            admin.set_customer_organisation(uow, number, "Acme Group")
    browser = portal.logged_in()
    form = browser.get("/calls/new?category=Question").text
    assert 'value="ACME-N"' in form and "GLOBEX" not in form
    created = browser.post("/calls/new", {"category": "Question", "customer": "ACME-N",
                                          "Subject": "North office", "Description": "x",
                                          "Priority": "Low"})
    assert created.status_code == 302
    call_id = int(created.location.rsplit("/", 1)[1])
    assert "ACME-N" in browser.get(f"/calls/{call_id}").text
    foreign = browser.post("/calls/new", {"category": "Question", "customer": "GLOBEX",
                                          "Subject": "Sneaky", "Description": "x",
                                          "Priority": "Low"})
    assert foreign.status_code == 400 and "Choose one of your customers." in foreign.text


def test_pages_in_german_by_browser_and_by_switch(portal):
    browser = portal.logged_in()
    german = browser.get("/", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert "Meine Tickets" in german.text and '<html lang="de">' in german.text
    switched = browser.get("/?lang=en", headers={"Accept-Language": "de"})
    assert "My calls" in switched.text
    assert "lang=en" in switched.headers["Set-Cookie"]
    assert "My calls" in browser.get("/", headers={"Accept-Language": "de"}).text  # remembered
    assert "Meine Tickets" in browser.get("/?lang=de").text
