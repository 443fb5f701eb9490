"""The communication log against a real server: switched on by an admin (CLI and
/staff), it records a login's exchanges with every secret masked; staff read it;
old entries are purged."""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime, timedelta

import pytest
from zeep.exceptions import Fault

from tests.support.databases import BACKENDS, make_migrated_database
from tests.support.server import start_server, stop_server

PW = {"debug-tts": "Debug-Pass-7c1x", "tech": "Tech-Pass-2b8n", "boss": "Boss-Pass-5m3q",
      "other-tts": "Other-Pass-9z4w"}
NEW_PW = "Changed-Pass-6h2k"
CONTENT = b"%PDF-1.4 attachment-secret-0u5e " * 64
NEW_CALL = {"CustomerId": "ACME", "Subject": "Printer on fire", "Description": "Smoke.",
            "Priority": "High", "Category": "Question"}


@pytest.fixture(scope="module", params=BACKENDS)
def srv(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("commlog")
    url, drop = make_migrated_database(request.param, request, tmp)
    proc, server = start_server(tmp, url)
    try:
        server.cli("customer", "add", "ACME", "--name", "Acme")
        for login, args in (("debug-tts", ["--customer", "ACME"]), ("other-tts", ["--customer", "ACME"]),
                            ("tech", ["--role", "staff"]), ("boss", ["--role", "admin"])):
            server.cli("login", "add", login, *args, "--password-stdin", stdin=PW[login] + "\n")
        yield server
    finally:
        stop_server(proc)
        drop()
        log = server.log.read_text()
        assert "Traceback" not in log, log
        for secret in (*PW.values(), NEW_PW):
            assert secret not in log, "a password reached the log"


def entries(srv, login: str) -> list[tuple]:
    return srv.sql("SELECT e.id, e.operation, e.result, e.request, e.response, e.request_id "
                   "FROM commlog_entries e WHERE e.login_name = :n ORDER BY e.id", n=login)


def wait_until_recording(srv, login: str, password: str) -> None:
    """Workers read the switches every few seconds: probe until a probe is recorded."""
    client = srv.client(login, password)
    for _ in range(200):
        client.service.GetStatuses()
        if entries(srv, login):
            return
        time.sleep(0.1)
    pytest.fail("recording never started")


def test_recorded_exchanges_have_every_secret_masked(srv):
    out = srv.cli("commlog", "enable", "debug-tts", "--minutes", "30")
    assert out.startswith("recording debug-tts until ")
    wait_until_recording(srv, "debug-tts", PW["debug-tts"])

    acme = srv.client("debug-tts", PW["debug-tts"])
    call_id = acme.service.CreateCall(Call=NEW_CALL).CallId
    acme.service.AddAttachment(CallId=call_id, FileName="plan.pdf", ContentType="application/pdf",
                               Content=CONTENT)
    attachment_id = srv.sql("SELECT max(id) FROM call_attachments")[0][0]
    acme.service.GetAttachment(CallId=call_id, AttachmentId=attachment_id)
    info = srv.anonymous().service.Login(LoginName="debug-tts", Password=PW["debug-tts"])
    session = srv.anonymous()
    session.set_default_soapheaders({"Session": {"Token": info.Token}})
    session.service.GetCallData(CallId=call_id)
    session.service.ChangePassword(OldPassword=PW["debug-tts"], NewPassword=NEW_PW)
    with pytest.raises(Fault):
        srv.client("debug-tts", "Wrong-Guess-3r8t").service.GetStatuses()
    srv.client("other-tts", PW["other-tts"]).service.GetStatuses()  # not switched on

    recorded = entries(srv, "debug-tts")
    operations = [r[1] for r in recorded]
    for op in ("CreateCall", "AddAttachment", "GetAttachment", "Login", "GetCallData", "ChangePassword"):
        assert op in operations, operations
    assert ("GetStatuses", "Client.AuthenticationFailed") in [(r[1], r[2]) for r in recorded]
    assert not entries(srv, "other-tts")
    text = "\n".join(r[3] + "\n" + r[4] for r in recorded)
    encoded = base64.b64encode(CONTENT).decode()
    for secret in (PW["debug-tts"], NEW_PW, "Wrong-Guess-3r8t", info.Token, encoded[:40],
                   "attachment-secret"):
        assert secret not in text
    assert "***" in text and "base64 characters not recorded" in text
    assert "Printer on fire" in text  # what is not secret is kept

    shown = srv.cli("commlog", "show", str(recorded[1][0]))
    assert recorded[1][5] in shown and "--- request" in shown and "--- response" in shown
    listed = srv.cli("commlog", "list", "--login", "debug-tts")
    assert "on\tdebug-tts\tuntil" in listed and "CreateCall" in listed
    assert srv.cli("commlog", "disable", "debug-tts").startswith("stopped recording debug-tts")


def test_staff_read_it_and_only_admins_switch_it(srv):
    boss = srv.client("boss", PW["boss"], "staff")
    tech = srv.client("tech", PW["tech"], "staff")
    with pytest.raises(Fault) as denied:
        tech.service.CommlogEnable(LoginName="other-tts", Minutes=10)
    assert denied.value.code.endswith("Client.AccessDenied")
    with pytest.raises(Fault) as too_long:
        boss.service.CommlogEnable(LoginName="other-tts", Minutes=7 * 24 * 60 + 1)
    assert too_long.value.code.endswith("Client.InvalidArgument")
    with pytest.raises(Fault) as unknown:
        boss.service.CommlogEnable(LoginName="nobody", Minutes=10)
    assert unknown.value.code.endswith("Client.UnknownReference")
    until = boss.service.CommlogEnable(LoginName="other-tts", Minutes=10)
    assert timedelta(minutes=9) < until - datetime.now(UTC) <= timedelta(minutes=10)
    wait_until_recording(srv, "other-tts", PW["other-tts"])
    # zeep unwraps the one-field CommlogList to its Entries.
    page = tech.service.ListCommlog(LoginName="other-tts", PageSize=10).CommlogSummary
    assert page and all(e.LoginName == "other-tts" for e in page)
    entry = tech.service.GetCommlogEntry(EntryId=page[0].EntryId)
    assert "GetStatuses" in entry.Request and PW["other-tts"] not in entry.Request
    assert "***" in entry.Request
    with pytest.raises(Fault) as customer:
        srv.client("other-tts", PW["other-tts"], "staff").service.ListCommlog()
    assert customer.value.code.endswith("Client.AccessDenied")
    assert boss.service.CommlogDisable(LoginName="other-tts") is True
    assert boss.service.CommlogDisable(LoginName="other-tts") is False
    log = srv.log.read_text()
    assert "configuration change: CommlogEnable by boss" in log
    assert "configuration change: CommlogDisable by boss" in log


def test_purge_removes_entries_older_than_the_retention(srv):
    before = srv.sql("SELECT count(*) FROM commlog_entries")[0][0]
    assert before >= 2
    old = datetime.now(UTC) - timedelta(days=20)
    (oldest,), = srv.sql("SELECT min(id) FROM commlog_entries")
    srv.sql("UPDATE commlog_entries SET at = :at WHERE id = :id", at=old, id=oldest)
    assert srv.cli("commlog", "purge").strip() == "purged 1 entries"
    assert srv.sql("SELECT count(*) FROM commlog_entries")[0][0] == before - 1
    assert srv.cli("commlog", "purge", "--days", "0").strip() == f"purged {before - 1} entries"
