"""E-mail end to end: the SMTP listener and `mail send-outbox` as real processes, next to a
real server, a local SMTP sink catching what the helpdesk sends, and zeep reading the calls."""

from __future__ import annotations

import email
import os
import signal
import smtplib
import socket
import subprocess
import sys
import time
from email import policy

import pytest
from aiosmtpd.controller import Controller
from zeep.exceptions import Fault

from tests.support.server import free_port
from tests.mail_corpus.generate import HERE as CORPUS


class Sink:
    """A local SMTP server that keeps every message it is given."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture(scope="module")
def mail(server, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mail")
    server.cli("customer", "set-mail-domain", "ACME", "acme.example")
    server.cli("login", "add", "mail-tech", "--role", "staff", "--password-stdin", stdin="tech-password\n")
    port = free_port()
    env = dict(os.environ, HELPDESK_DATABASE_URL=server.database_url,
               HELPDESK_MAIL_QUARANTINE_DIR=str(tmp / "quarantine"))
    with (tmp / "listen.log").open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "helpdesk_soap", "mail", "listen", "--bind",
                                 f"127.0.0.1:{port}"], env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline, (tmp / "listen.log").read_text()
            time.sleep(0.2)
    sink = Sink()
    sink_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink_port)
    controller.start()
    try:
        yield {"port": port, "sink": sink, "sink_port": sink_port, "env": env}
    finally:
        controller.stop()
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
        text = (tmp / "listen.log").read_text()
        assert "Traceback" not in text, text


def send(mail, raw: bytes) -> str:
    with smtplib.SMTP("127.0.0.1", mail["port"], timeout=30) as smtp:
        smtp.ehlo()
        smtp.mail("bob@acme.example")
        smtp.rcpt("helpdesk@installer.example")
        code, reply = smtp.data(raw)
    assert code == 250, reply
    return reply.decode()


def send_outbox(server, mail) -> str:
    env = dict(mail["env"], HELPDESK_SMTP_HOST="127.0.0.1", HELPDESK_SMTP_PORT=str(mail["sink_port"]),
               HELPDESK_SMTP_SECURITY="none", HELPDESK_MAIL_FROM="helpdesk@installer.example")
    out = subprocess.run([sys.executable, "-m", "helpdesk_soap", "mail", "send-outbox"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


def call_of(server, message_id: str) -> int:
    rows = server.sql("select call_id from mail_messages where message_id = :m", m=message_id)
    assert rows and rows[0][0] is not None
    return rows[0][0]


def test_mail_to_the_listener_becomes_a_call_the_customer_reads_with_GetCallData(server, mail):
    reply = send(mail, (CORPUS / "plain_utf8.eml").read_bytes())
    assert "created" in reply
    call_id = call_of(server, "<3f1c2a9e-1d2b-4c5e-9f00-000000000001@acme.example>")
    data = server.client("acme-tts").service.GetCallData(CallId=call_id)
    assert data.CustomerId == "ACME"
    assert data.Subject == "Telefone in Abteilung 4 ausgefallen – dringend"
    assert "überall „Keine Verbindung“" in data.Description
    # Delivered again (an MTA retry): nothing new.
    assert "duplicate" in send(mail, (CORPUS / "plain_utf8.eml").read_bytes())
    assert server.sql("select count(*) from calls where subject = :s", s=data.Subject)[0][0] == 1


def test_notifications_reach_the_sink_with_tag_and_threading_and_replies_thread_back(server, mail):
    raw = (CORPUS / "plain_utf8.eml").read_bytes().replace(b"-000000000001@", b"-000000000099@")
    send(mail, raw)
    original = "<3f1c2a9e-1d2b-4c5e-9f00-000000000099@acme.example>"
    call_id = call_of(server, original)
    server.cli("call", "propose-solution", str(call_id), "Module replaced.", "--author", "tech")
    before = len(mail["sink"].messages)
    assert send_outbox(server, mail).startswith("sent 1,")
    assert send_outbox(server, mail).startswith("sent 0,")  # never twice
    sent = mail["sink"].messages[before:]
    assert len(sent) == 1
    msg = sent[0]
    assert msg["To"] == "bob@acme.example" and msg["From"] == "helpdesk@installer.example"
    assert msg["Subject"].startswith(f"[Call #{call_id}] ")
    assert msg["In-Reply-To"] == original and msg["References"] == original
    assert msg["Auto-Submitted"] == "auto-generated"
    assert "Module replaced." in msg.get_content()
    assert server.sql("select call_id, direction from mail_messages where message_id = :m",
                      m=msg["Message-ID"]) == [(call_id, "out")]
    # The customer answers that mail: In-Reply-To finds the call.
    reply = (CORPUS / "reply_in_reply_to.eml").read_bytes().replace(
        b"__IN_REPLY_TO__", msg["Message-ID"].encode())
    assert "contact" in send(mail, reply)
    data = server.client("acme-tts").service.GetCallData(CallId=call_id)
    assert [c.Text for c in data.ContactEntries.ContactEntry] == ["The solution works for us."]
    assert data.ContactEntries.ContactEntry[0].ContactType == "Email"
    # An out-of-office answer to it changes nothing and is not answered.
    assert "ignored" in send(mail, (CORPUS / "auto_reply.eml").read_bytes())
    assert send_outbox(server, mail).startswith("sent 0,")


def test_invitation_by_mail_then_ActivateLogin_once(server, mail):
    staff = server.client("mail-tech", "tech-password", service="staff")
    staff.service.InviteLogin(CustomerId="ACME", Email="invitee@acme.example")
    before = len(mail["sink"].messages)
    send_outbox(server, mail)
    invitation = mail["sink"].messages[before]
    assert invitation["To"] == "invitee@acme.example"
    # web_base_url is empty: the link goes to this service's own activation page.
    link = invitation.get_content().split(f"{server.url}/activate?token=", 1)[1].split()[0]
    token = link
    anonymous = server.anonymous()
    assert anonymous.service.ActivateLogin(Token=token, LoginName="invitee",
                                           Password="invitee-password") == "invitee"
    assert server.client("invitee", "invitee-password").service.Login(
        LoginName="invitee", Password="invitee-password").Role == "Customer"
    for token_sent in (token, "forged-token"):
        with pytest.raises(Fault) as exc:
            anonymous.service.ActivateLogin(Token=token_sent, LoginName="again", Password="another-password")
        assert exc.value.code.split(":", 1)[-1] == "Client.TokenInvalid"
    # A reset request answers the same for a login that does not exist.
    assert anonymous.service.RequestPasswordReset(LoginName="nobody@acme.example") is None
    assert anonymous.service.RequestPasswordReset(LoginName="invitee@acme.example") is None
    before = len(mail["sink"].messages)
    send_outbox(server, mail)
    assert [m["To"] for m in mail["sink"].messages[before:]] == ["invitee@acme.example"]
