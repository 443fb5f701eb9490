"""One-time tokens (invitations, resets) and outbox delivery on the real store."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from helpdesk_soap.domain import errors
from helpdesk_soap.domain.model import EntryKind
from helpdesk_soap.security import PasswordVerifier
from helpdesk_soap.services import admin, auth, outbox, staff, tokens
from helpdesk_soap.services.calls import utcnow


def token_from(mail) -> str:
    return mail.body.split("Token: ", 1)[1].split()[0]


def test_invitation_mails_a_token_that_creates_the_login_once(uow_factory, seeded):
    with uow_factory() as uow:
        issued = tokens.invite_login(uow, "admin", "ACME", "New.Person@Acme.example")
        queued = uow.mail.pending(10)
    assert [m.recipient for m in queued] == ["new.person@acme.example"]
    assert token_from(queued[0]) == issued.token
    with uow_factory() as uow:
        assert uow.tokens.get(auth.token_hash(issued.token)).used_at is None  # only the hash is stored
        assert tokens.activate(uow, issued.token, "new-person", "a-good-password") == "new-person"
    with uow_factory() as uow:
        principal = auth.authenticate(uow, PasswordVerifier(), "new.person@acme.example", "a-good-password")
        assert principal.customer_id == seeded["acme-tts"].customer_id
        with pytest.raises(errors.TokenInvalid):
            tokens.activate(uow, issued.token, "someone-else", "a-good-password")


def test_expired_unknown_and_failed_tokens(uow_factory, seeded):
    now = utcnow()
    with uow_factory() as uow:
        old = tokens.invite_login(uow, "admin", "ACME", "late@acme.example", now=now - timedelta(days=8))
        fresh = tokens.invite_login(uow, "admin", "ACME", "fresh@acme.example")
    with uow_factory() as uow:
        for token in (old.token, "no-such-token", ""):
            with pytest.raises(errors.TokenInvalid) as caught:
                tokens.activate(uow, token, "late", "a-good-password")
            assert caught.value.message == "The token is unknown, expired or already used."
    with uow_factory() as uow:  # a rule failure does not burn the token
        with pytest.raises(errors.AlreadyExists):
            tokens.activate(uow, fresh.token, "acme-tts", "a-good-password")
    with uow_factory() as uow:
        with pytest.raises(errors.InvalidArgument):
            tokens.activate(uow, fresh.token, "fresh", "short")
    with uow_factory() as uow:
        assert tokens.activate(uow, fresh.token, "fresh", "a-good-password") == "fresh"


def test_concurrent_use_of_one_token_succeeds_once(uow_factory, seeded):
    with uow_factory() as uow:
        issued = tokens.invite_login(uow, "admin", "ACME", "race@acme.example")
    outcomes, barrier = [], threading.Barrier(3)

    def use(i):
        barrier.wait()
        try:
            with uow_factory() as uow:
                tokens.activate(uow, issued.token, f"race-{i}", "a-good-password")
            outcomes.append("ok")
        except errors.DomainError as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=use, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["Client.TokenInvalid", "Client.TokenInvalid", "ok"]


def test_invitations_are_for_staff_and_for_new_addresses(uow_factory, seeded):
    with uow_factory() as uow:
        with pytest.raises(errors.AccessDenied):
            tokens.invite_login(uow, seeded["acme-tts"], "ACME", "x@acme.example")
        admin.add_login(uow, "person", "ACME", "a-good-password", email="taken@acme.example")
        with pytest.raises(errors.AlreadyExists):
            tokens.invite_login(uow, "admin", "ACME", "TAKEN@acme.example")
        with pytest.raises(errors.UnknownReference):
            tokens.invite_login(uow, "admin", "NOPE", "y@acme.example")


def test_password_reset_sets_a_new_password_and_ends_sessions(uow_factory, seeded):
    with uow_factory() as uow:
        admin.add_login(uow, "person", "ACME", "old-password", email="person@acme.example")
        _, grant = auth.open_session(uow, PasswordVerifier(), "person", "old-password")
        assert tokens.request_password_reset(uow, "nobody@acme.example") is None
        assert tokens.request_password_reset(uow, "acme-tts") is None  # no address to send to
        issued = tokens.request_password_reset(uow, "person@acme.example")
        assert [m.recipient for m in uow.mail.pending(10)] == ["person@acme.example"]
    with uow_factory() as uow:
        with pytest.raises(errors.TokenInvalid):
            tokens.activate(uow, issued.token, "acme-tts", "new-password")  # not this login's token
    with uow_factory() as uow:
        assert tokens.activate(uow, issued.token, None, "new-password") == "person"
    with uow_factory() as uow:
        assert auth.authenticate(uow, PasswordVerifier(), "person", "new-password").login_name == "person"
        with pytest.raises(errors.AuthenticationFailed):
            auth.authenticate(uow, PasswordVerifier(), "person", "old-password")
        with pytest.raises(errors.SessionExpired):
            auth.authenticate_session(uow, grant.token)


def _call_with_contact(uow_factory, seeded):
    from helpdesk_soap.domain.model import CallRequest, Category, Priority
    from helpdesk_soap.services import calls
    with uow_factory() as uow:
        return calls.create_call(uow, seeded["acme-tts"], CallRequest(
            "ACME", "Phones down", Priority.HIGH, Category.QUESTION, description="dept 4",
            reporter_email="bob@acme.example")).call.id


def test_outbox_sends_once_and_a_failed_send_keeps_the_change(uow_factory, seeded):
    call_id = _call_with_contact(uow_factory, seeded)
    with uow_factory() as uow:
        staff.add_entry(uow, call_id, EntryKind.CONTACT, "first", author="tech")
        staff.add_entry(uow, call_id, EntryKind.CONTACT, "second", author="tech")
    sent, clock = [], [utcnow()]

    def flaky(mail):
        if "first" in mail.body and not any("first" in m.body for m in sent) and not flaky.failed:
            flaky.failed = True
            raise OSError("connection refused")
        sent.append(mail)
    flaky.failed = False

    with uow_factory() as uow:
        report = outbox.deliver(uow, flaky, clock=lambda: clock[0])
    assert (report.sent, report.failed) == (1, 1)
    with uow_factory() as uow:  # the entry stays although its mail failed
        assert [e.text for e in uow.calls.entries(call_id) if e.kind is EntryKind.CONTACT] == ["first", "second"]
        report = outbox.deliver(uow, flaky, clock=lambda: clock[0])
    assert (report.sent, report.failed) == (0, 0)  # waiting for its retry time
    clock[0] += timedelta(minutes=6)
    with uow_factory() as uow:
        report = outbox.deliver(uow, flaky, clock=lambda: clock[0])
        assert (report.sent, report.failed) == (1, 0)
        assert outbox.deliver(uow, flaky, clock=lambda: clock[0]).sent == 0  # never twice
        assert uow.mail.pending(10) == []
    assert sorted(m.body.split(":\n\n")[1].split("\n")[0] for m in sent) == ["first", "second"]


def test_outbox_gives_up_after_max_attempts_and_expires_old_mail(uow_factory, seeded):
    call_id = _call_with_contact(uow_factory, seeded)
    start = utcnow()
    with uow_factory() as uow:
        staff.add_entry(uow, call_id, EntryKind.CONTACT, "x", author="tech", now=start)

    def down(mail):
        raise OSError("down")
    for i in range(3):
        with uow_factory() as uow:
            outbox.deliver(uow, down, max_attempts=3, clock=lambda: start + timedelta(minutes=10 * i))
    with uow_factory() as uow:
        assert uow.mail.pending(10) == []  # failed for good, recorded
        staff.add_entry(uow, call_id, EntryKind.CONTACT, "old", author="tech", now=start)
        report = outbox.deliver(uow, down, clock=lambda: start + timedelta(days=4))
    assert (report.expired, report.failed) == (1, 0)


def test_reset_requests_are_limited_to_one_mail_per_login_every_few_minutes(uow_factory, seeded):
    now = utcnow()
    with uow_factory() as uow:
        admin.add_login(uow, "person", "ACME", "old-password", email="person@acme.example")
        assert tokens.request_password_reset(uow, "person", now=now) is not None
        assert tokens.request_password_reset(uow, "person", now=now + timedelta(minutes=1)) is None
        later = tokens.request_password_reset(uow, "person", now=now + tokens.RESET_INTERVAL * 2)
        assert later is not None
        assert len(uow.mail.pending(10)) == 2
