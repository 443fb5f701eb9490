"""The use cases over the real SQLite store: the rules every entry point shares."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from helpdesk_soap.domain import errors
from helpdesk_soap.domain.model import EntryKind, SolutionState, Visibility
from helpdesk_soap.security import PasswordVerifier
from helpdesk_soap.services import admin, auth, calls, staff
from tests.support.services import create


def test_known_customer_opens_in_the_new_call_status(uow_factory, seeded):
    out = create(uow_factory, seeded["acme-tts"])
    assert out.created and out.warnings == ()
    assert out.status.code == "NEW"
    with uow_factory() as uow:
        data = calls.get_call_data(uow, seeded["acme-tts"], out.call.id)
    assert data.customer_number == "ACME"
    assert [e.text for e in data.history] == ["Call created by acme-tts."]


def test_unknown_customer_goes_to_the_fallback_and_keeps_what_was_sent(uow_factory, seeded):
    out = create(uow_factory, seeded["acme-tts"], customer_number="NO-SUCH-NUMBER")
    assert out.created
    assert [w.code for w in out.warnings] == ["CustomerUnknown"]
    assert out.status.code == "CUSTOMER_UNKNOWN"
    with uow_factory() as uow:
        data = calls.get_call_data(uow, seeded["acme-tts"], out.call.id)
        internal = uow.calls.entries(out.call.id, visibility=Visibility.INTERNAL)
    assert data.customer_number == "UNKNOWN"
    assert data.call.reported_customer_number == "NO-SUCH-NUMBER"
    assert any("NO-SUCH-NUMBER" in e.text for e in internal)
    assert all("NO-SUCH-NUMBER" not in e.text for e in data.history)


def test_foreign_customer_number_is_handled_like_an_unknown_one(uow_factory, seeded):
    out = create(uow_factory, seeded["acme-tts"], customer_number="GLOBEX")
    assert [w.code for w in out.warnings] == ["CustomerUnknown"]
    with uow_factory() as uow:
        with pytest.raises(errors.CallNotFound):
            calls.get_call_data(uow, seeded["globex-tts"], out.call.id)


def test_service_level_needs_permission_or_the_option(uow_factory, seeded):
    denied = create(uow_factory, seeded["acme-tts"], service_level="GOLD")
    assert denied.created and denied.call.service_level is None
    assert [w.code for w in denied.warnings] == ["ServiceLevelIgnored"]

    allowed = create(uow_factory, seeded["acme-sl"], service_level="GOLD")
    assert allowed.call.service_level == "GOLD" and allowed.warnings == ()

    with uow_factory() as uow:
        admin.set_setting(uow, "with_service_level", "true")
    optioned = create(uow_factory, seeded["acme-tts"], service_level="SILVER")
    assert optioned.call.service_level == "SILVER" and optioned.warnings == ()


def test_retry_with_the_same_external_ticket_returns_the_same_call(uow_factory, seeded):
    first = create(uow_factory, seeded["acme-tts"], external_ticket_id="INC-7")
    again = create(uow_factory, seeded["acme-tts"], external_ticket_id="INC-7", subject="changed")
    assert again.call.id == first.call.id and not again.created
    assert again.call.subject == first.call.subject
    assert [w.code for w in again.warnings] == ["ExistingCallReturned"]
    other_side = create(uow_factory, seeded["globex-tts"], customer_number="GLOBEX",
                        external_ticket_id="INC-7")
    assert other_side.created and other_side.call.id != first.call.id


def test_result_is_visible_only_in_result_visible_statuses(uow_factory, seeded):
    p = seeded["acme-tts"]
    call_id = create(uow_factory, p).call.id
    with uow_factory() as uow:
        staff.set_result(uow, call_id, "PSU replaced", author="tech")
    with uow_factory() as uow:
        assert calls.get_call_data(uow, p, call_id).result is None  # NEW is not result-visible
    with uow_factory() as uow:
        staff.set_status(uow, call_id, "CLOSED", author="tech")
    with uow_factory() as uow:
        assert calls.get_call_data(uow, p, call_id).result == "PSU replaced"


def test_contact_urls_need_a_base_url_and_internal_entries_stay_inside(uow_factory, seeded):
    p = seeded["acme-tts"]
    call_id = create(uow_factory, p).call.id
    with uow_factory() as uow:
        staff.add_entry(uow, call_id, EntryKind.CONTACT, "Called back", author="tech", path="/c/9")
    with uow_factory() as uow:
        staff.add_entry(uow, call_id, EntryKind.CONTACT, "secret", author="tech",
                        visibility=Visibility.INTERNAL, path="/c/10")
    with uow_factory() as uow:
        data = calls.get_call_data(uow, p, call_id)
    assert [(c.entry.text, c.url) for c in data.contacts] == [("Called back", None)]
    with uow_factory() as uow:
        admin.set_setting(uow, "web_base_url", "https://esweb.example.com/base/")
    with uow_factory() as uow:
        data = calls.get_call_data(uow, p, call_id)
    assert [c.url for c in data.contacts] == ["https://esweb.example.com/base/c/9"]


def test_solution_answer_flow_and_idempotency(uow_factory, seeded):
    p = seeded["acme-tts"]
    call_id = create(uow_factory, p).call.id
    with uow_factory() as uow:
        with pytest.raises(errors.NoSolutionProposed):
            calls.set_solution_acceptance(uow, p, call_id, True)
    with uow_factory() as uow:
        staff.propose_solution(uow, call_id, "Replaced the PSU", author="tech")
    with uow_factory() as uow:
        out = calls.set_solution_acceptance(uow, p, call_id, False, "still dead")
    assert out.changed and out.status.code == "SOLUTION_REJECTED"
    with uow_factory() as uow:
        assert not calls.set_solution_acceptance(uow, p, call_id, False, "still dead").changed
    with uow_factory() as uow:
        with pytest.raises(errors.SolutionAlreadyAnswered):
            calls.set_solution_acceptance(uow, p, call_id, True)
    with uow_factory() as uow:
        staff.propose_solution(uow, call_id, "Replaced the line card", author="tech")
    with uow_factory() as uow:
        out = calls.set_solution_acceptance(uow, p, call_id, True, "works")
    assert out.changed and out.call.solution_state is SolutionState.ACCEPTED
    assert out.status.code == "SOLUTION_ACCEPTED"
    with uow_factory() as uow:
        history = [e.text for e in calls.get_call_data(uow, p, call_id).history]
    assert sum("rejected" in t for t in history) == 1
    assert sum("accepted" in t for t in history) == 1
    assert any("Comment: works" in t for t in history)


def test_foreign_and_missing_calls_are_indistinguishable(uow_factory, seeded):
    call_id = create(uow_factory, seeded["acme-tts"]).call.id
    with uow_factory() as uow:
        staff.propose_solution(uow, call_id, "fix", author="tech")
    for target in (call_id, call_id + 1000):
        with uow_factory() as uow:
            with pytest.raises(errors.CallNotFound) as foreign:
                calls.get_call_data(uow, seeded["globex-tts"], target)
        with uow_factory() as uow:
            with pytest.raises(errors.CallNotFound):
                calls.set_solution_acceptance(uow, seeded["globex-tts"], target, True)
        assert foreign.value.message == errors.CallNotFound.default_message


def test_authentication_fails_alike_for_wrong_password_and_unknown_login(uow_factory, seeded):
    verifier = PasswordVerifier()
    with uow_factory() as uow:
        assert auth.authenticate(uow, verifier, "acme-tts", "acme-password") == seeded["acme-tts"]
        messages = set()
        for name, password in (("acme-tts", "wrong"), ("nobody", "acme-password"), ("acme-tts", None),
                               (None, "x")):
            with pytest.raises(errors.AuthenticationFailed) as exc:
                auth.authenticate(uow, verifier, name, password)
            messages.add(exc.value.message)
    assert len(messages) == 1


def test_a_session_is_renewed_once_a_tenth_of_its_idle_period_is_used_as_set_now(uow_factory,
                                                                                  seeded):
    start = datetime.now(UTC).replace(microsecond=0)
    with uow_factory() as uow:
        _, grant = auth.open_session(uow, PasswordVerifier(), "acme-tts", "acme-password", start)
    key = auth.token_hash(grant.token)

    def use(minutes: int) -> datetime:
        with uow_factory() as uow:
            auth.authenticate_session(uow, grant.token, start + timedelta(minutes=minutes))
        with uow_factory() as uow:
            return uow.sessions.get(key)[1]

    assert grant.expires_at == start + timedelta(minutes=60)
    assert use(5) == start + timedelta(minutes=60), "55 of 60 minutes left: no write"
    assert use(7) == start + timedelta(minutes=67), "53 left: renewed for a full period"
    with uow_factory() as uow:
        admin.set_setting(uow, "session_idle_minutes", "120")
    assert use(8) == start + timedelta(minutes=128), "59 of 120 left: the new period counts"
    assert use(20) == start + timedelta(minutes=128)


def test_admin_rejects_bad_references(uow_factory, seeded):
    with uow_factory() as uow:
        with pytest.raises(errors.UnknownReference):
            admin.set_setting(uow, "solution_accepted_status", "NO_SUCH_STATUS")
        with pytest.raises(errors.UnknownReference):
            admin.set_setting(uow, "unknown_customer_number", "NO_SUCH_CUSTOMER")
        with pytest.raises(errors.AlreadyExists):
            admin.add_customer(uow, "ACME", "again")
        with pytest.raises(errors.InvalidArgument):
            admin.add_login(uow, "short", "ACME", "short")
    with uow_factory() as uow:
        assert admin.show_settings(uow).solution_accepted_status == "SOLUTION_ACCEPTED"


def test_the_rules_of_the_staff_methods_live_in_the_services(uow_factory, seeded):
    """SetPortalActive's admin check, ListCalls' page size and RecordTime's technician are the
    service's: /staff, the desk and the CLI (as the OPERATOR system admin) all get them."""
    from helpdesk_soap.domain.model import Role
    from helpdesk_soap.services import desk_admin

    with uow_factory() as uow:
        admin.add_login(uow, "tech", None, "tech-password", role=Role.STAFF)
        tech = uow.logins.by_name("tech").principal
    with uow_factory() as uow:
        with pytest.raises(errors.AccessDenied):
            desk_admin.set_portal_active(uow, tech, False, customer_number="ACME")
        with pytest.raises(errors.AccessDenied):
            desk_admin.set_portal_active(uow, seeded["acme-tts"], False, customer_number="ACME")
    with uow_factory() as uow:
        desk_admin.set_portal_active(uow, auth.OPERATOR, False, customer_number="ACME")
    with uow_factory() as uow:
        with pytest.raises(errors.ServiceUnavailable):
            auth.check_portal(uow, seeded["acme-tts"])

    ids = [create(uow_factory, seeded["globex-tts"], customer_number="GLOBEX",
                  subject=f"call {n}").call.id for n in range(staff.DEFAULT_PAGE + 1)]
    with uow_factory() as uow:
        page = staff.list_calls(uow, staff.CallFilter(), None, None)
    assert len(page.rows) == staff.DEFAULT_PAGE == 50 and page.next_cursor

    with uow_factory() as uow:
        staff.record_time(uow, ids[0], 15, None, technician=None, author="tech")
    with uow_factory() as uow:
        staff.record_time(uow, ids[0], 5, "", technician="", author="tech")
    with uow_factory() as uow:
        records = uow.time_records.for_call(ids[0])
    got = [(r.technician, r.minutes, r.note) for r in records]
    assert got == [("tech", 15, ""), ("tech", 5, "")]
