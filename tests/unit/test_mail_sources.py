"""The IMAP poller's protocol steps against a stand-in for imaplib (no IMAP server in the suite)."""

from __future__ import annotations

import pytest

from helpdesk_soap.config import Config
from helpdesk_soap.mail import sources
from helpdesk_soap.mail.intake import IntakeResult, TemporaryFailure


class FakeImap:
    instances: list[FakeImap] = []

    def __init__(self, host, port, ssl_context=None, timeout=None):
        self.host, self.port, self.ssl_context = host, port, ssl_context
        self.calls: list[tuple] = []
        FakeImap.instances.append(self)

    def starttls(self, ssl_context=None):
        self.calls.append(("STARTTLS",))
        self.ssl_context = ssl_context

    def login(self, user, password):
        self.calls.append(("LOGIN", user))

    def select(self, folder):
        self.calls.append(("SELECT", folder))

    def uid(self, command, *args):
        self.calls.append((command, *args))
        if command == "SEARCH":
            return "OK", [b"7 8"]
        if command == "FETCH":
            return "OK", [(b"7 (UID 7 BODY[] {5}", b"mail-" + args[0]), b")"]
        return "OK", [None]

    def expunge(self):
        self.calls.append(("EXPUNGE",))

    def logout(self):
        self.calls.append(("LOGOUT",))


class Intake:
    def __init__(self, fail_on: bytes | None = None):
        self.fail_on = fail_on
        self.taken: list[bytes] = []

    def take(self, raw: bytes) -> IntakeResult:
        if raw == self.fail_on:
            raise TemporaryFailure("store down")
        self.taken.append(raw)
        return IntakeResult("created", 1)


@pytest.fixture(autouse=True)
def fake_imap(monkeypatch):
    FakeImap.instances.clear()
    monkeypatch.setattr(sources.imaplib, "IMAP4_SSL", FakeImap)
    monkeypatch.setattr(sources.imaplib, "IMAP4", FakeImap)


def config(**kw) -> Config:
    return Config(
        database_url="sqlite://", imap_host="imap.example", imap_user="helpdesk", imap_password="pw", **kw)


def test_unseen_messages_are_taken_in_then_flagged_seen_over_verified_tls():
    intake = Intake()
    counts = sources.poll_imap(intake, config())
    imap = FakeImap.instances[0]
    assert counts == {"created": 2} and intake.taken == [b"mail-7", b"mail-8"]
    assert imap.ssl_context is not None and imap.ssl_context.check_hostname
    assert ("STORE", b"7", "+FLAGS", "(\\Seen)") in imap.calls
    assert ("FETCH", b"7", "(BODY.PEEK[])") in imap.calls  # PEEK: not seen until taken in
    assert imap.calls[-1] == ("LOGOUT",)


def test_a_temporary_failure_leaves_the_message_unseen_for_the_next_poll():
    intake = Intake(fail_on=b"mail-7")
    counts = sources.poll_imap(intake, config(imap_security="starttls", imap_port=143))
    imap = FakeImap.instances[0]
    assert counts == {"kept": 1, "created": 1}
    assert imap.calls[0] == ("STARTTLS",)
    stored = [c for c in imap.calls if c[0] == "STORE"]
    assert stored == [("STORE", b"8", "+FLAGS", "(\\Seen)")]


def test_delete_mode_deletes_and_expunges():
    sources.poll_imap(Intake(), config(), delete=True)
    imap = FakeImap.instances[0]
    assert ("STORE", b"8", "+FLAGS", "(\\Seen \\Deleted)") in imap.calls and ("EXPUNGE",) in imap.calls


def test_without_imap_settings_the_poller_refuses_to_start():
    with pytest.raises(ValueError, match="HELPDESK_IMAP_HOST"):
        sources.poll_imap(Intake(), Config(database_url="sqlite://"))
