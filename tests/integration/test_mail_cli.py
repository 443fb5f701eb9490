"""`helpdesk-soap mail ...` and `login invite|reset` as real processes (what an MTA pipe runs)."""

from __future__ import annotations

import mailbox
import os
import subprocess
import sys

from tests.mail_corpus.generate import HERE as CORPUS


def run(database_url, tmp_path, *args, stdin: bytes | None = None, **env_extra):
    env = dict(os.environ, HELPDESK_DATABASE_URL=database_url,
               HELPDESK_MAIL_QUARANTINE_DIR=str(tmp_path / "quarantine"),
               HELPDESK_ATTACHMENT_DIR=str(tmp_path / "files"), **env_extra)
    env.pop("HELPDESK_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "helpdesk_soap", *args], input=stdin, env=env,
                          capture_output=True, timeout=120)


def test_mta_pipe_reads_stdin_and_exits_0_for_stored_duplicate_ignored_quarantined(database_url, tmp_path):
    assert run(database_url, tmp_path, "customer", "add", "ACME", "--name", "Acme").returncode == 0
    assert run(database_url, tmp_path, "customer", "set-mail-domain", "ACME", "acme.example").returncode == 0
    raw = (CORPUS / "plain_utf8.eml").read_bytes()
    first = run(database_url, tmp_path, "mail", "ingest", "--sender", "bob@acme.example", stdin=raw)
    assert first.returncode == 0, first.stderr
    assert first.stdout.decode().startswith("stdin: created call ")
    again = run(database_url, tmp_path, "mail", "ingest", stdin=raw)
    assert (again.returncode, again.stdout.decode().split(" (")[0]) == (0, "stdin: duplicate")
    bounce = run(database_url, tmp_path, "mail", "ingest", "--sender", "",
                 stdin=(CORPUS / "unknown_sender.eml").read_bytes())
    assert bounce.returncode == 0 and "ignored (null sender (bounce))" in bounce.stdout.decode()
    files = run(database_url, tmp_path, "mail", "ingest", str(CORPUS / "malformed_no_from.eml"),
                str(CORPUS / "latin1.eml"))
    assert files.returncode == 0, files.stderr
    out = files.stdout.decode().splitlines()
    assert out[0].endswith("malformed_no_from.eml: quarantined (unparseable: no sender address in From: '')")
    assert "latin1.eml: created call" in out[1]
    assert len(list((tmp_path / "quarantine").glob("*.eml"))) == 1
    assert "Traceback" not in (first.stderr + files.stderr).decode()


def test_an_unavailable_store_is_a_temporary_failure_and_nothing_is_quarantined(tmp_path):
    """`mail ingest` turns TemporaryFailure into exit status 75 (EX_TEMPFAIL): the MTA retries."""
    import pytest

    from helpdesk_soap.domain.errors import StoreUnavailable
    from helpdesk_soap.mail.intake import MailIntake, TemporaryFailure

    class Down:
        def __enter__(self):
            raise StoreUnavailable()

        def __exit__(self, *exc):
            return False

    intake = MailIntake(Down, tmp_path / "quarantine", 1024 * 1024)
    with pytest.raises(TemporaryFailure):
        intake.take((CORPUS / "plain_utf8.eml").read_bytes())
    assert not (tmp_path / "quarantine").exists()


def test_intake_checks_the_schema_version_and_never_migrates(empty_database_url, tmp_path):
    """A database behind the code: exit 75 (the MTA keeps the message) naming the command.
    It starts empty, so that it can be migrated only as far as 0010."""
    from helpdesk_soap.store.engine import make_engine
    from helpdesk_soap.store.migrate import current_revisions, head_revisions, upgrade

    engine = make_engine(empty_database_url)
    try:
        upgrade(engine, "0010")
        raw = (CORPUS / "plain_utf8.eml").read_bytes()
        behind = run(empty_database_url, tmp_path, "mail", "ingest", stdin=raw)
        assert behind.returncode == 75
        err = behind.stderr.decode()
        assert "run `helpdesk-soap db upgrade` first" in err and "at 0010," in err
        assert "Traceback" not in err and behind.stdout == b""
        assert current_revisions(engine) == {"0010"}  # not migrated behind the operator's back
        assert not (tmp_path / "quarantine").exists()
        assert run(empty_database_url, tmp_path, "db", "upgrade").returncode == 0
        assert current_revisions(engine) == head_revisions()
        again = run(empty_database_url, tmp_path, "mail", "ingest", stdin=raw)
        assert again.returncode == 0, again.stderr
        assert again.stdout.decode().startswith("stdin: created call ")
    finally:
        engine.dispose()


def test_maildir_poller_takes_in_and_removes_each_message(database_url, tmp_path):
    assert run(database_url, tmp_path, "db", "upgrade").returncode == 0  # intake does not migrate
    box = mailbox.Maildir(tmp_path / "Maildir", create=True)
    for name in ("plain_utf8.eml", "auto_reply.eml", "malformed_no_from.eml"):
        box.add((CORPUS / name).read_bytes())
    out = run(database_url, tmp_path, "mail", "poll-maildir", str(tmp_path / "Maildir"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.decode().strip() == "created 1, ignored 1, quarantined 1"
    assert len(box) == 0
    again = run(database_url, tmp_path, "mail", "poll-maildir", str(tmp_path / "Maildir"))
    assert again.stdout.decode().strip() == "no mail"


def test_invite_and_reset_from_the_command_line(database_url, tmp_path):
    run(database_url, tmp_path, "customer", "add", "ACME", "--name", "Acme")
    invited = run(database_url, tmp_path, "login", "invite", "new@acme.example", "--customer", "ACME",
                  "--show-token")
    assert invited.returncode == 0, invited.stderr
    lines = invited.stdout.decode().splitlines()
    assert lines[0].startswith("invitation for new@acme.example queued") and len(lines[1]) >= 40
    unknown = run(database_url, tmp_path, "login", "reset", "nobody@acme.example")
    assert unknown.returncode == 1 and b"No active login" in unknown.stderr
    nothing = run(database_url, tmp_path, "mail", "send-outbox")
    assert nothing.returncode == 0 and b"SMTP is not configured" in nothing.stderr
