"""The staff desk through the test client, on both stores: landing, isolation, the queue,
the call view and each of its forms, concurrent edits."""

from __future__ import annotations

import re

import pytest

from helpdesk_soap.domain.model import AssignmentState, EntryKind, Visibility
from helpdesk_soap.services import calls, staff, workflow
from helpdesk_soap.web import desk_admin as desk_admin_view
from tests.integration.webapp import same_page

#: Every desk and admin URL, GET and POST, for a call that exists (filled in per test).
DESK_URLS = [("get", "/desk/"), ("get", "/desk/?unread=1"), ("get", "/desk/calls/{id}"),
             ("post", "/desk/calls/{id}/entry"), ("post", "/desk/calls/{id}/status"),
             ("post", "/desk/calls/{id}/result"), ("post", "/desk/calls/{id}/solution"),
             ("post", "/desk/calls/{id}/assign"), ("post", "/desk/calls/{id}/unassign"),
             ("post", "/desk/calls/{id}/time"), ("post", "/desk/calls/{id}/attach"),
             ("get", "/desk/calls/{id}/attachments/{att}"), ("get", "/desk/me"),
             ("post", "/desk/me"), ("post", "/desk/calls/{id}/visibility"),
             ("get", "/desk/admin/"),
             # every admin form's action, the new ones included
             *(("post", f"/desk/admin/{action}") for action in desk_admin_view.ACTIONS)]
ADMIN_URLS = [u for u in DESK_URLS if u[1].startswith("/desk/admin")]
#: One form that would change something on any of them, were it let through.
ANY_FORM = {"text": "x", "status": "CLOSED", "technician": "tech", "state": "Assigned",
            "active": "0", "customer": "ACME", "login": "tech", "role": "Admin",
            "visibility": "Internal", "code": "NEW", "stage": "Cancelled", "is_final": "1",
            "category": "Question", "field": "Description", "customers": "GLOBEX",
            "number": "X1", "name": "X1", "organisation": "", "email": "x@acme.example",
            "key": "lockout_threshold", "value": "9"}


def test_the_isolation_list_names_every_desk_url(desk):
    """A desk or admin page added later is in DESK_URLS, or this fails."""
    listed = {re.sub(r"\{\w+\}", "<>", url.split("?")[0]) for _method, url in DESK_URLS}
    for rule in desk.app.url_map.iter_rules():
        if rule.rule.startswith("/desk"):
            path = re.sub(r"<[^>]+>", "<>", rule.rule)
            if path == "/desk/admin/<>":
                continue  # the actions, each listed by name
            assert path in listed, rule.rule


def _attachment(desk, call_id):
    from helpdesk_soap.services import attachments
    with desk.uow() as uow:
        return attachments.add_attachment(uow, desk.principal("tech"), call_id, "log.txt",
                                          "text/plain", b"hello",
                                          visibility=Visibility.INTERNAL).id


def test_staff_and_admins_land_on_the_queue(desk):
    for name in ("tech", "boss"):
        browser = desk.client()
        assert browser.login(name).location == "/desk/"
        page = browser.get("/desk/")
        assert page.status_code == 200 and "Queue" in page.text


@pytest.mark.parametrize("login", ["acme-web", "globex-web"])
def test_a_customer_login_gets_not_found_on_every_desk_url(desk, login):
    call_id = desk.file_call()
    att = _attachment(desk, call_id)
    browser = desk.logged_in(login)
    missing = browser.get("/desk/no-such-page")
    assert missing.status_code == 404
    for method, url in DESK_URLS:
        url = url.format(id=call_id, att=att)
        response = browser.get(url) if method == "get" else browser.post(url, ANY_FORM)
        assert response.status_code == 404, url
        assert same_page(response, missing), url  # the not-found page, word for word
    with desk.uow() as uow:  # nothing changed
        view = staff.get_call(uow, desk.principal("tech"), call_id)
        assert not uow.statuses.get("NEW").is_final and not uow.calls.get(call_id).internal
        assert uow.customers.by_number("X1") is None and not uow.desk.customers_of_all()
    assert view.status.code != "CLOSED" and not view.assignments
    assert [e.author for e in view.entries] == ["acme-web", "tech"]


def test_staff_get_not_found_on_the_admin_pages(desk):
    browser = desk.logged_in("tech")
    missing = browser.get("/desk/no-such-page")
    for method, url in ADMIN_URLS:
        response = browser.get(url) if method == "get" else browser.post(url, ANY_FORM)
        assert response.status_code == 404 and same_page(response, missing), url
    assert missing.status_code == 404
    assert desk.logged_in("acme-web").get("/").status_code == 200  # the portal stayed on


def test_a_logged_out_visitor_is_sent_to_the_login(desk):
    response = desk.client().get("/desk/calls/1")
    assert response.status_code == 302 and "/login?next=/desk/calls/1" in response.location


def test_queue_lists_every_customers_calls_newest_change_first(desk):
    older = desk.file_call(subject="Boiler <b>leaking</b>")
    newer = desk.file_call(login="globex-web", subject="Globex printer",
                           external_ticket_id="GX-4711")
    text = desk.logged_in("tech").get("/desk/").text
    assert text.index(f"#{newer}<") < text.index(f"#{older}<")
    assert "Boiler &lt;b&gt;leaking&lt;/b&gt;" in text and "<b>leaking" not in text
    assert "GX-4711" in text
    with desk.uow() as uow:  # a change moves the older call to the top
        staff.add_entry(uow, older, EntryKind.HISTORY, "x", author="tech")
    text = desk.logged_in("tech").get("/desk/").text
    assert text.index(f"#{older}<") < text.index(f"#{newer}<")


def test_queue_filters(desk):
    a = desk.file_call(subject="Boiler leaking", external_ticket_id="EXT-77")
    b = desk.file_call(login="globex-web", subject="Printer jam")
    with desk.uow() as uow:
        staff.assign(uow, a, "tech", AssignmentState.ASSIGNED, author="boss")
    with desk.uow() as uow:
        staff.set_status(uow, b, "CLOSED", author="tech")
    browser = desk.logged_in("tech")

    def ids(query):
        page = browser.get("/desk/" + query)
        assert page.status_code == 200, page.text
        return {int(n) for n in re.findall(r'href="/desk/calls/(\d+)"', page.text)}
    assert ids("") == {a, b}
    assert ids("?q=boiler") == {a} and ids("?q=EXT-7") == {a} and ids("?q=%25") == set()
    assert ids("?status=CLOSED") == {b} and ids("?stage=Closed") == {b}
    assert ids("?customer=GLOBEX") == {b}
    assert ids("?category=Question") == {a, b} and ids("?category=Improvement") == set()
    assert ids("?priority=High") == {a, b} and ids("?priority=Low") == set()
    assert ids("?mine=1") == {a} and ids("?unassigned=1") == {b}
    assert desk.logged_in("tech2").get("/desk/?mine=1").text.count('href="/desk/calls/') == 0
    assert browser.get("/desk/?category=Nonsense").status_code == 400
    assert browser.get("/desk/?cursor=garbage").status_code == 400


def test_unread_replies_stand_out_until_a_technician_opens_the_call(desk):
    call_id = desk.file_call()
    with desk.uow() as uow:
        workflow.add_note(uow, desk.principal("acme-web"), call_id, "Any news?")
    browser = desk.logged_in("tech")
    queue = browser.get("/desk/?unread=1").text
    assert f'href="/desk/calls/{call_id}"' in queue and 'class="unread"' in queue
    assert "New reply" in queue
    first = browser.get(f"/desk/calls/{call_id}").text
    assert "The customer has replied" in first  # shown this once
    assert "The customer has replied" not in browser.get(f"/desk/calls/{call_id}").text
    assert f'href="/desk/calls/{call_id}"' not in browser.get("/desk/?unread=1").text


def test_queue_pages_by_cursor(desk):
    ids = [desk.file_call(subject=f"Call number {n}") for n in range(30)]
    browser = desk.logged_in("tech")
    first = browser.get("/desk/").text
    assert f"#{ids[-1]}<" in first and f"#{ids[0]}<" not in first
    cursor = re.search(r'href="(/desk/\?cursor=[^"]+)"', first).group(1).replace("&amp;", "&")
    second = browser.get(cursor).text
    assert f"#{ids[0]}<" in second and f"#{ids[-1]}<" not in second


def test_call_view_has_the_general_tab_and_both_update_tabs(desk):
    call_id = desk.file_call(external_ticket_id="EXT-1", reporter_name="Anna Berg")
    with desk.uow() as uow:
        staff.add_entry(uow, call_id, EntryKind.HISTORY, "Secret note", author="tech2",
                        visibility=Visibility.INTERNAL)
    page = desk.logged_in("tech").get(f"/desk/calls/{call_id}")
    text = page.text
    assert page.status_code == 200
    for anchor in ("general", "updates", "internal", "solution", "attachments", "fleet", "life"):
        assert f'id="{anchor}"' in text and f'href="#{anchor}"' in text
    assert "EXT-1" in text and "Anna Berg" in text and "ACME" in text
    internal = text[text.index('id="internal"'):text.index('id="solution"')]
    public = text[text.index('id="updates"'):text.index('id="internal"')]
    assert "Secret note" in internal and "Secret note" not in public
    assert 'class="step current" aria-current="step">Open' in text
    assert desk.logged_in("tech").get("/desk/calls/999999").status_code == 404


def test_entries_go_to_the_right_tab_and_only_public_ones_reach_the_customer(desk):
    call_id = desk.file_call()
    browser = desk.logged_in("tech")
    browser.get(f"/desk/calls/{call_id}")
    done = browser.post(f"/desk/calls/{call_id}/entry", {"text": "We ordered the part.",
                                                         "visibility": "Public",
                                                         "kind": "History"})
    assert done.status_code == 302 and done.location.endswith("#updates")
    browser.post(f"/desk/calls/{call_id}/entry", {"text": "Phoned Anna", "visibility": "Public",
                                                  "kind": "Contact", "contact_type": "Phone"})
    browser.post(f"/desk/calls/{call_id}/entry", {"text": "Customer is grumpy",
                                                  "visibility": "Internal", "kind": "History"})
    empty = browser.post(f"/desk/calls/{call_id}/entry", {"text": "  ", "visibility": "Public"})
    assert empty.status_code == 400 and "An entry needs text." in empty.text
    bad = browser.post(f"/desk/calls/{call_id}/entry", {"text": "x", "visibility": "Secret"})
    assert bad.status_code == 400
    with desk.uow() as uow:
        data = calls.get_call_data(uow, desk.principal("acme-web"), call_id)
    texts = [e.text for e in calls.timeline(data)]
    assert "We ordered the part." in texts and "Phoned Anna" in texts
    assert "Customer is grumpy" not in texts
    customer_view = desk.logged_in().get(f"/calls/{call_id}").text
    assert "grumpy" not in customer_view and "Phoned Anna" in customer_view
    life = browser.get(f"/desk/calls/{call_id}").text
    life = life[life.index('id="life"'):]
    assert life.index("We ordered") < life.index("Phoned Anna") < life.index("grumpy")
    assert life.count("<strong>tech</strong>") >= 3  # every change names its author


def test_status_result_and_solution_and_the_customers_answer(desk):
    call_id = desk.file_call()
    browser = desk.logged_in("tech")

    def version():
        page = browser.get(f"/desk/calls/{call_id}").text
        return re.search(r'name="version" value="(\d+)"', page).group(1)
    assert browser.post(f"/desk/calls/{call_id}/status",
                        {"status": "IN_PROGRESS", "version": version()}).status_code == 302
    unknown = browser.post(f"/desk/calls/{call_id}/status", {"status": "NOPE",
                                                             "version": version()})
    assert unknown.status_code == 400 and "does not exist" in unknown.text
    assert browser.post(f"/desk/calls/{call_id}/result",
                        {"result": "Replaced the fuse.", "version": version()}).status_code == 302
    assert browser.post(f"/desk/calls/{call_id}/solution",
                        {"solution": "Fuse replaced; please test.",
                         "version": version()}).status_code == 302
    page = browser.get(f"/desk/calls/{call_id}").text
    assert "Proposed; waiting for the customer" in page and "Replaced the fuse." in page
    with desk.uow() as uow:
        calls.set_solution_acceptance(uow, desk.principal("acme-web"), call_id, True, "Works")
    page = browser.get(f"/desk/calls/{call_id}").text
    assert "The customer accepted the solution." in page
    assert "Solution accepted by the customer. Comment: Works" in page


def test_a_second_technician_with_an_old_form_gets_the_fresh_state(desk):
    call_id = desk.file_call()
    first, second = desk.logged_in("tech"), desk.logged_in("tech2")
    old = re.search(r'name="version" value="(\d+)"',
                    second.get(f"/desk/calls/{call_id}").text).group(1)
    first.get(f"/desk/calls/{call_id}")
    assert first.post(f"/desk/calls/{call_id}/result",
                      {"result": "First answer", "version": old}).status_code == 302
    stale = second.post(f"/desk/calls/{call_id}/result", {"result": "Second answer",
                                                          "version": old})
    assert stale.status_code == 409
    assert "Someone else changed this call" in stale.text
    assert "First answer" in stale.text  # the fresh state
    with desk.uow() as uow:
        assert staff.get_call(uow, desk.principal("tech"), call_id).call.result == "First answer"


def test_fleet_management_assign_request_unassign_and_seen(desk):
    call_id = desk.file_call()
    browser = desk.logged_in("tech")
    browser.get(f"/desk/calls/{call_id}")
    assert browser.post(f"/desk/calls/{call_id}/assign", {"technician": "tech2",
                                                          "state": "Assigned"}).status_code == 302
    browser.post(f"/desk/calls/{call_id}/assign", {"technician": "tech", "state": "Requested"})
    page = browser.get(f"/desk/calls/{call_id}").text
    fleet = page[page.index('id="fleet"'):page.index('id="attachments"')]
    assigned = fleet[:fleet.index("Requested technicians")]
    assert "tech2" in assigned and "Unseen" in assigned
    requested = fleet[fleet.index("Requested technicians"):fleet.index("Available technicians")]
    assert "Seen" in requested  # tech opened the call after being requested
    desk.logged_in("tech2").get(f"/desk/calls/{call_id}")
    with desk.uow() as uow:
        view = staff.get_call(uow, desk.principal("boss"), call_id)
    assert {a.technician: a.seen for a in view.assignments} == {"tech": True, "tech2": True}
    assert browser.post(f"/desk/calls/{call_id}/unassign",
                        {"technician": "tech2"}).status_code == 302
    nobody = browser.post(f"/desk/calls/{call_id}/unassign", {"technician": "nobody"})
    assert nobody.status_code == 400 and "No technician" in nobody.text
    assert browser.post(f"/desk/calls/{call_id}/assign",
                        {"technician": "tech2", "state": "Boss"}).status_code == 400


def test_attachments_public_and_internal_and_time(desk):
    import io
    call_id = desk.file_call()
    browser = desk.logged_in("tech")
    browser.get(f"/desk/calls/{call_id}")
    for name, visibility in (("public.txt", "Public"), ("internal.txt", "Internal")):
        done = browser.post(f"/desk/calls/{call_id}/attach",
                            {"file": (io.BytesIO(b"data " + name.encode()), name, "text/plain"),
                             "visibility": visibility}, content_type="multipart/form-data")
        assert done.status_code == 302, done.text
    none = browser.post(f"/desk/calls/{call_id}/attach", {"visibility": "Public"})
    assert none.status_code == 400 and "Choose a file" in none.text
    page = browser.get(f"/desk/calls/{call_id}").text
    links = re.findall(rf'href="(/desk/calls/{call_id}/attachments/\d+)"', page)
    assert len(links) == 2
    download = browser.get(links[1])
    assert download.data == b"data internal.txt"
    assert download.headers["Content-Disposition"].startswith("attachment")
    customer = desk.logged_in().get(f"/calls/{call_id}").text
    assert "public.txt" in customer and "internal.txt" not in customer
    assert browser.post(f"/desk/calls/{call_id}/time", {"minutes": "45",
                                                        "note": "On site"}).status_code == 302
    assert "0:45" in browser.get(f"/desk/calls/{call_id}").text
    for bad in ("0", "abc", "100000"):
        assert browser.post(f"/desk/calls/{call_id}/time", {"minutes": bad}).status_code == 400
    assert browser.get(f"/desk/calls/{call_id}/attachments/999999").status_code == 404


def test_desk_forms_need_the_csrf_token(desk):
    call_id = desk.file_call()
    browser = desk.logged_in("tech")
    response = browser.post(f"/desk/calls/{call_id}/entry", {"text": "x"}, csrf=False)
    assert response.status_code == 400 and "Form expired" in response.text


def test_the_desk_speaks_german(desk):
    call_id = desk.file_call()
    browser = desk.logged_in("tech")
    queue = browser.get("/desk/?lang=de").text
    assert "Warteschlange" in queue and "Ungelesene Antworten" in queue
    page = browser.get(f"/desk/calls/{call_id}").text
    assert "Interne Updates" in page and "Flottenmanagement" in page
