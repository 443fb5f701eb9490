"""The client package and the ops command against a live server."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest
import requests

from helpdesk_soap.client import HelpdeskClient, StaffClient
from helpdesk_soap.client import errors as e
from helpdesk_soap.client.models import CallCreated, CallData
from tests.support.server import PASSWORDS


class Proxy:
    """Forwards to the server; counts WSDL fetches; can drop the answer to the next POSTs."""

    def __init__(self, upstream: str):
        self.upstream, self.wsdl_fetches, self.drop_next = upstream, 0, 0
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _forward(self, method):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if method == "GET" and "wsdl" in self.path:
                    proxy.wsdl_fetches += 1
                answer = requests.request(method, proxy.upstream + self.path, data=body, timeout=30,
                                          headers={k: v for k, v in self.headers.items() if k.lower() != "host"})
                if method == "POST" and proxy.drop_next > 0:
                    proxy.drop_next -= 1  # the server has acted; the caller never hears of it
                    self.close_connection = True
                    return
                payload = answer.content.replace(proxy.upstream.encode(), f"http://127.0.0.1:{self.server.server_port}".encode())
                self.send_response(answer.status_code)
                self.send_header("Content-Type", answer.headers.get("Content-Type", "text/xml"))
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):
                self._forward("GET")

            def do_POST(self):
                self._forward("POST")

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def proxy(server):
    p = Proxy(server.url)
    yield p
    p.close()


def test_typed_calls_return_plain_objects(server):
    server.cli("login", "add", "tech-c", "--role", "staff", "--password-stdin", stdin="tech-password\n")
    client = HelpdeskClient(server.url, "acme-tts", PASSWORDS["acme-tts"])
    created = client.create_call("ACME", "Client ✈ test", "PBX dead.", priority="High", components=["PBX"])
    assert isinstance(created, CallCreated) and created.created and created.external_ticket_id.startswith("hdc-")
    staff = StaffClient(server.url, "tech-c", "tech-password")
    assert any(c["CallId"] == created.call_id for c in staff.list_calls(customer_id="ACME", page_size=2))
    staff.propose_solution(created.call_id, "Replaced the PSU")
    assert client.reject_solution(created.call_id, "no").solution_state == "Rejected"
    staff.propose_solution(created.call_id, "Replaced the line card")
    answer = client.accept_solution(created.call_id, "yes")
    assert answer.changed and answer.status.code == "SOLUTION_ACCEPTED"
    data = client.get_call_data(created.call_id)
    assert isinstance(data, CallData) and data.subject == "Client ✈ test" and data.components == ("PBX",)
    assert all(type(h).__module__ == "helpdesk_soap.client.models" for h in data.history)
    assert staff.get_call(created.call_id)["SolutionState"] == "Accepted"


def test_faults_become_typed_exceptions(server):
    client = HelpdeskClient(server.url, "acme-tts", PASSWORDS["acme-tts"])
    with pytest.raises(e.CallNotFound) as exc:
        client.get_call_data(10**9)
    assert exc.value.code == "Client.CallNotFound" and exc.value.detail["Code"] == "Client.CallNotFound"
    assert isinstance(exc.value, e.ClientFault) and not exc.value.retryable
    with pytest.raises(e.NoSolutionProposed):
        client.accept_solution(client.create_call("ACME", "nothing proposed", "n/a").call_id)
    with pytest.raises(e.AuthenticationFailed):
        HelpdeskClient(server.url, "acme-tts", "wrong-password").get_call_data(1)
    with pytest.raises(e.TransportError):
        HelpdeskClient("http://127.0.0.1:9", "x", "y", retries=0)


def test_a_retried_create_resends_its_external_ticket_id(server, proxy):
    client = HelpdeskClient(proxy.url, "acme-tts", PASSWORDS["acme-tts"], backoff=0.01)
    proxy.drop_next = 1  # the first CreateCall reaches the server, its answer is lost
    created = client.create_call("ACME", "Answer lost in transit", "Lost.")
    assert not created.created, "the retry found the call the first attempt had made"
    assert any(w.code == "ExistingCallReturned" for w in created.warnings)
    rows = server.sql("SELECT count(*) FROM calls WHERE external_ticket_id = :x", x=created.external_ticket_id)
    assert rows[0][0] == 1


def test_the_wsdl_is_loaded_once_per_process(proxy):
    clients = [HelpdeskClient(proxy.url, "acme-tts", PASSWORDS["acme-tts"]) for _ in range(5)]
    assert proxy.wsdl_fetches == 1 and len({id(c._zeep) for c in clients}) == 1


def test_configuration_from_the_environment_and_explicit_timeouts(server, monkeypatch):
    monkeypatch.setenv("HELPDESK_URL", server.url)
    monkeypatch.setenv("HELPDESK_LOGIN", "acme-tts")
    monkeypatch.setenv("HELPDESK_PASSWORD", PASSWORDS["acme-tts"])
    client = HelpdeskClient.from_env(timeout=(2, 10))
    assert client.timeout == (2, 10) and client.create_call("ACME", "from env", "Env.").created
    for bad in (None, (0, 10), (5, None)):
        with pytest.raises(ValueError):
            HelpdeskClient(server.url, "a", "b", timeout=bad)


def test_sessions_poll_and_relogin_after_expiry(server):
    client = HelpdeskClient(server.url, "acme-tts", PASSWORDS["acme-tts"])
    session = client.login()
    assert session.role == "Integration" and client.token == session.token
    a, b = (client.create_call("ACME", f"poll {n}", "Poll.").call_id for n in (1, 2))
    mark = {a: client.get_call_data(a).changed_at, b: client.get_call_data(b).changed_at}
    assert list(client.poll([a, b], since=mark)) == []
    server.cli("call", "add-history", str(b), "news for b")
    assert [d.call_id for d in client.poll([a, b], since=mark)] == [b]
    server.sql("UPDATE sessions SET expires_at = :t", t=datetime.now(UTC) - timedelta(seconds=1))
    assert client.get_call_data(a).call_id == a  # logged in again by itself
    assert client.token != session.token
    client.logout()
    assert client.token is None


def smoke(server, *args, password=None, login="acme-tts"):
    env = dict(os.environ, HELPDESK_LOGIN=login, HELPDESK_PASSWORD=password or PASSWORDS["acme-tts"])
    for name in ("HELPDESK_CUSTOMER_ID", "HELPDESK_STAFF_LOGIN", "HELPDESK_STAFF_PASSWORD"):
        env.pop(name, None)
    return subprocess.run([sys.executable, "-c", "from helpdesk_soap.client.cli import run; run()", *args],
                          env=env, capture_output=True, text=True, timeout=120)


def test_the_workflow_through_the_bundled_client(server):
    client = HelpdeskClient(server.url, "acme-tts", PASSWORDS["acme-tts"])
    assert "AffectedDomain" in {f["Name"] for f in client.request_types()["TechnicalSupport"]}
    assert "CLOSED" in {s["Code"] for s in client.statuses()}
    watermark = client.changed_calls(0, page_size=100).watermark
    while (changes := client.changed_calls(watermark)).more_available:
        watermark = changes.watermark
    watermark = changes.watermark
    call_id = client.create_call("ACME", "Client workflow", "Details.").call_id
    client.add_note(call_id, "More details")
    info = client.add_attachment(call_id, "notes.txt", b"line 1\n", "text/plain")
    assert client.get_attachment(call_id, info.attachment_id).content == b"line 1\n"
    data = client.get_call_data(call_id)
    assert data.attachments == (info,) and data.history[-1].text.startswith("Attachment added")
    changes = client.changed_calls(watermark)
    assert [c.call_id for c in changes.calls] == [call_id] and changes.watermark > watermark
    page = client.list_calls(subject_contains="client workflow", page_size=1)
    assert page.calls[0].call_id == call_id and page.calls[0].public_activities == 3


def test_smoke_passes_against_serve_and_fails_loudly_otherwise(server):
    server.cli("login", "add", "tech-s", "--role", "staff", "--password-stdin", stdin="tech-password\n")
    ok = smoke(server, "smoke", server.url, "--customer", "ACME", "--staff-login", "tech-s",
               "--staff-password", "tech-password")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "smoke test passed" in ok.stdout and "FAIL" not in ok.stdout
    for step in ("login", "create call", "read back", "staff: propose solution", "accept solution"):
        assert step in ok.stdout
    repeated = smoke(server, "--json", "smoke", server.url, "--customer", "ACME", "--repeat", "3")
    report = json.loads(repeated.stdout)
    assert repeated.returncode == 0 and report["ok"] and report["rounds"] == 3
    wrong = smoke(server, "smoke", server.url, "--customer", "ACME", password="wrong-password")
    assert wrong.returncode == 1 and "AuthenticationFailed" in wrong.stdout and "FAILED" in wrong.stdout
    stopped = smoke(server, "--timeout", "1,2", "smoke", "http://127.0.0.1:9", "--customer", "ACME")
    assert stopped.returncode == 1 and "FAILED" in stopped.stdout
    assert smoke(server, "--url", server.url, "get", "not-a-number").returncode == 2


def test_login_answers_with_the_logins_own_customer(server):
    assert HelpdeskClient(server.url, "acme-tts", PASSWORDS["acme-tts"]).login().customer_id == "ACME"
    server.cli("login", "add", "tech-own", "--role", "staff", "--password-stdin", stdin="tech-password\n")
    assert StaffClient(server.url, "tech-own", "tech-password").login().customer_id is None


def test_smoke_files_its_call_for_the_logins_own_customer_by_default(server):
    ok = smoke(server, "smoke", server.url, login="globex-tts", password=PASSWORDS["globex-tts"])
    assert ok.returncode == 0, ok.stdout + ok.stderr
    [(number,)] = server.sql(
        "SELECT c.number FROM calls k JOIN customers c ON c.id = k.customer_id "
        "WHERE k.subject LIKE '[SMOKE TEST]%' ORDER BY k.id DESC LIMIT 1")
    assert number == "GLOBEX"


def test_smoke_stops_at_an_authentication_fault_and_warns_of_the_lockout(server):
    server.cli("login", "add", "smoke-lock", "--customer", "ACME", "--password-stdin",
               stdin="right-password\n")
    for _ in range(4):  # the lockout threshold is 5: four runs must not lock the login
        wrong = smoke(server, "smoke", server.url, "--repeat", "3", login="smoke-lock",
                      password="wrong-password")
        assert wrong.returncode == 1 and "AuthenticationFailed" in wrong.stdout
        assert "stopped after one attempt" in wrong.stderr and "lock the login" in wrong.stderr
    [(failed,)] = server.sql("SELECT failed_logins FROM logins WHERE name = 'smoke-lock'")
    assert failed == 4, "one failed attempt per run"
    ok = smoke(server, "smoke", server.url, login="smoke-lock", password="right-password")
    assert ok.returncode == 0, ok.stdout + ok.stderr


@pytest.mark.parametrize("url", ["not-a-url", "file:///etc/passwd", "WSDL", "ftp://127.0.0.1/x"])
def test_smoke_takes_only_http_urls_and_never_reads_a_local_file(server, tmp_path, url):
    local = tmp_path / "WSDL"
    local.write_bytes(requests.get(server.wsdl_url, timeout=10).content)  # a WSDL zeep could read
    env_url = str(local) if url == "WSDL" else url
    out = smoke(server, "smoke", env_url)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "is not an http:// or https:// URL" in out.stderr and "step" not in out.stdout
    assert smoke(server, "--url", env_url, "get", "1").returncode == 2
