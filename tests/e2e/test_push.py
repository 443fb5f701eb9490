"""Push (issue 27) end to end: serve with its delivery worker, real receivers on loopback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from zeep.exceptions import Fault

from helpdesk_soap.push import signing
from tests.support.databases import BACKENDS, make_migrated_database
from tests.support.server import PASSWORDS, start_server, stop_server

FAST_RETRIES = {"HELPDESK_PUSH_ALLOW_NETWORKS": "127.0.0.0/8", "HELPDESK_PUSH_RETRY_FIRST": "0.2",
                "HELPDESK_PUSH_RETRY_FACTOR": "2", "HELPDESK_PUSH_RETRY_CAP": "1",
                "HELPDESK_PUSH_MAX_ATTEMPTS": "4", "HELPDESK_PUSH_TIMEOUT": "2",
                "HELPDESK_PUSH_POLL_INTERVAL": "0.1"}
LIVENESS = 90  # seconds: generous, never a measure of speed


class Receiver:
    """A JSON webhook receiver: records every request, answers as ``answer`` says."""

    def __init__(self):
        self.requests: list[dict] = []
        self.count = 0
        self.secret = ""
        self.answer = lambda n: 200  # n: the number of this request, from 1
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.count += 1
                    n = receiver.count
                status = receiver.answer(n)  # outside the lock: an answer may take its time
                with receiver.lock:
                    receiver.requests.append({
                        "event": json.loads(body), "status": status,
                        "signed": signing.verify(receiver.secret, body,
                                                 self.headers.get(signing.HEADER))})
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/hook"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def accepted(self, call_id=None) -> list[dict]:
        with self.lock:
            return [r["event"] for r in self.requests if r["status"] == 200
                    and (call_id is None or r["event"]["CallId"] == call_id)]

    def wait_for(self, predicate, what: str):
        deadline = time.monotonic() + LIVENESS
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        pytest.fail(f"the receiver never got {what}; it got {self.requests}")

    def close(self):
        self.http.shutdown()
        self.http.server_close()


def _seed(srv):
    srv.cli("customer", "add", "ACME", "--name", "Acme Airline")
    srv.cli("customer", "add", "GLOBEX", "--name", "Globex")
    for login, customer in (("acme-tts", "ACME"), ("acme-sl", "ACME"), ("globex-tts", "GLOBEX")):
        srv.cli("login", "add", login, "--customer", customer, "--password-stdin",
                stdin=PASSWORDS[login] + "\n")


@pytest.fixture(scope="module", params=BACKENDS)
def push_server(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("push")
    database_url, drop_database = make_migrated_database(request.param, request, tmp)
    proc, srv = start_server(tmp, database_url, workers=1, extra_env=FAST_RETRIES)
    try:
        _seed(srv)
        yield srv
    finally:
        stop_server(proc)
        drop_database()
        log = srv.log.read_text()
        assert "Traceback" not in log, log


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def _listen(srv, receiver, login="acme-tts", **kwargs):
    client = srv.client(login)
    registered = client.service.RegisterListener(CallbackUrl=receiver.url, **kwargs)
    receiver.secret = registered.Secret
    return client, registered.Listener.ListenerId


def _new_call(client, subject="Printer on fire") -> int:
    return client.service.CreateCall(Call={"CustomerId": "ACME", "Subject": subject,
                                           "Priority": "High", "Category": "Question",
                                           "Description": "It smokes."}).CallId


def _remove(client, listener_id):
    client.service.RemoveListener(ListenerId=listener_id)


def test_each_event_type_arrives_once_signed_and_in_order(push_server, receiver):
    client, listener = _listen(push_server, receiver)
    try:
        call_id = _new_call(push_server.client("acme-sl"))
        for args in (("add-history", str(call_id), "We are on it."),
                     ("set-status", str(call_id), "IN_PROGRESS"),
                     ("propose-solution", str(call_id), "Swap the toner."),
                     ("set-result", str(call_id), "Toner swapped."),
                     ("set-status", str(call_id), "CLOSED")):
            push_server.cli("call", *args)
        wanted = {"CallCreated", "PublicEntryAdded", "StatusChanged", "SolutionProposed",
                  "ResultVisible", "CallClosed"}
        receiver.wait_for(lambda: wanted <= {e["EventType"] for e in receiver.accepted(call_id)},
                          "every event type")
        receiver.wait_for(lambda: len(receiver.accepted(call_id)) >= 8, "eight events")
        events = receiver.accepted(call_id)
        assert all(r["signed"] for r in receiver.requests)
        assert len({e["EventId"] for e in events}) == len(events)  # each once
        assert [e["EventType"] for e in events].count("CallClosed") == 1
        marks = [e["Watermark"] for e in events]
        assert marks == sorted(marks)
        closed = next(e for e in events if e["EventType"] == "CallClosed")
        assert closed["Call"]["Status"]["Code"] == "CLOSED"
        assert closed["Call"]["Result"] == "Toner swapped."
        assert all("internal" not in json.dumps(e).lower() for e in events)
        # what the poller sees: the same watermark sequence
        assert client.service.GetChangedCalls(Since=0).Watermark >= marks[-1]
    finally:
        _remove(client, listener)


def test_the_authors_own_change_is_not_echoed(push_server, receiver):
    client, listener = _listen(push_server, receiver)
    try:
        call_id = _new_call(client, "Filed by the listener's own login")
        client.service.AddCallNote(CallId=call_id, Text="my own note")
        push_server.cli("call", "add-history", str(call_id), "Staff answer.")
        receiver.wait_for(lambda: any(e["EventType"] == "PublicEntryAdded"
                                      for e in receiver.accepted(call_id)), "the staff answer")
        events = receiver.accepted(call_id)
        # neither the creation nor the note came back to the login that made them
        assert [e["EventType"] for e in events] == ["PublicEntryAdded"]
        assert events[0]["Call"]["NewEntries"][0]["Text"] == "Staff answer."
    finally:
        _remove(client, listener)


def test_a_receiver_failing_three_times_gets_every_event_once_in_order(push_server, receiver):
    receiver.answer = lambda n: 503 if n <= 3 else 200
    client, listener = _listen(push_server, receiver)
    try:
        call_id = _new_call(push_server.client("acme-sl"))
        for i in range(3):
            push_server.cli("call", "add-history", str(call_id), f"step {i}")
        receiver.wait_for(lambda: len(receiver.accepted(call_id)) >= 4, "four events")
        events = receiver.accepted(call_id)
        assert len(events) == 4 == len({e["EventId"] for e in events})
        assert [e["EventType"] for e in events] == ["CallCreated"] + ["PublicEntryAdded"] * 3
        assert [e["Call"]["NewEntries"][-1]["Text"] for e in events[1:]] == ["step 0", "step 1", "step 2"]
        assert [r["status"] for r in receiver.requests[:3]] == [503, 503, 503]
    finally:
        _remove(client, listener)


def test_order_per_call_under_four_concurrent_writers(push_server, receiver):
    client, listener = _listen(push_server, receiver, Events={"EventType": ["PublicEntryAdded"]})
    try:
        writer = push_server.client("acme-sl")
        calls = [_new_call(writer, f"concurrent {i}") for i in range(2)]

        def write(n):
            c = push_server.client("acme-sl")
            for i in range(5):
                c.service.AddCallNote(CallId=calls[(n + i) % 2], Text=f"w{n}-{i}")

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(write, range(4)))
        receiver.wait_for(lambda: len(receiver.accepted()) >= 20, "twenty notes")
        for call_id in calls:
            marks = [e["Watermark"] for e in receiver.accepted(call_id)]
            assert marks == sorted(marks) and len(set(marks)) == len(marks) == 10
    finally:
        _remove(client, listener)


def _wait_for_metric(server, sample: str) -> None:
    """Until /metrics shows ``sample`` at 1 or more (its gauges are read every few seconds)."""
    deadline = time.monotonic() + LIVENESS
    while True:
        text = requests.get(server.url + "/metrics", timeout=10).text
        values = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                  if line.startswith(sample + " ")]
        if values and values[0] >= 1:
            return
        assert time.monotonic() < deadline, f"{sample} never reached 1:\n{text}"
        time.sleep(0.5)


def test_a_receiver_down_throughout_is_parked_then_redelivered_by_the_cli(push_server, receiver):
    receiver.answer = lambda n: 500
    client, listener = _listen(push_server, receiver)
    try:
        call_id = _new_call(push_server.client("acme-sl"))
        deadline = time.monotonic() + LIVENESS
        while client.service.ListListeners()[0].Parked < 1:
            assert time.monotonic() < deadline, push_server.cli("push", "status")
            time.sleep(0.2)
        assert "FAILING" in push_server.cli("push", "status")
        assert len(receiver.requests) == 4  # MAX_ATTEMPTS, then parked
        _wait_for_metric(push_server, 'helpdesk_push_deliveries{state="parked"}')
        _wait_for_metric(push_server, "helpdesk_push_listeners_failing")
        receiver.answer = lambda n: 200
        assert "1 deliveries" in push_server.cli("push", "redeliver", "--listener", str(listener))
        receiver.wait_for(lambda: len(receiver.accepted(call_id)) == 1, "the redelivery")
        assert receiver.accepted(call_id)[0]["EventType"] == "CallCreated"
    finally:
        _remove(client, listener)


@pytest.mark.parametrize("url", ["http://10.1.2.3/hook", "http://169.254.169.254/latest",
                                 "http://[::1]:8080/", "ftp://127.0.0.1/x", "http://user:pw@127.0.0.1/"])
def test_a_callback_on_a_refused_network_is_refused(push_server, url):
    with pytest.raises(Fault) as failure:
        push_server.client("acme-tts").service.RegisterListener(CallbackUrl=url)
    assert failure.value.code.endswith("InvalidArgument")


def test_listeners_are_scoped_to_their_login(push_server, receiver):
    client, listener = _listen(push_server, receiver)
    try:
        other = push_server.client("globex-tts")
        assert not other.service.ListListeners()
        with pytest.raises(Fault) as failure:
            other.service.RemoveListener(ListenerId=listener)
        assert failure.value.code.endswith("UnknownReference")
    finally:
        _remove(client, listener)


def test_a_signature_that_does_not_verify_is_detected(push_server, receiver):
    from helpdesk_soap.client.receiver import BadSignature, parse_push

    client, listener = _listen(push_server, receiver)
    try:
        receiver.secret = "not-the-secret"
        call_id = _new_call(push_server.client("acme-sl"))
        receiver.wait_for(lambda: receiver.requests, "a delivery")
        assert receiver.requests[0]["signed"] is False
        body = json.dumps(receiver.requests[0]["event"]).encode()
        with pytest.raises(BadSignature):
            parse_push(body, signing.sign("not-the-secret", body) + "0", "not-the-secret")
        assert parse_push(body, signing.sign("k", body), "k")["CallId"] == call_id
    finally:
        _remove(client, listener)


@pytest.fixture(scope="module", params=BACKENDS)
def bare_server(request, tmp_path_factory):
    """serve without its worker: the test runs and kills `push run` processes itself."""
    tmp = tmp_path_factory.mktemp("push-bare")
    database_url, drop_database = make_migrated_database(request.param, request, tmp)
    proc, srv = start_server(tmp, database_url, workers=1,
                             extra_env={**FAST_RETRIES, "HELPDESK_PUSH_WORKER": "0"})
    try:
        _seed(srv)
        yield srv
    finally:
        stop_server(proc)
        drop_database()


def _worker(srv):
    env = dict(os.environ, HELPDESK_DATABASE_URL=srv.database_url, **FAST_RETRIES)
    return subprocess.Popen([sys.executable, "-m", "helpdesk_soap", "push", "run"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_a_worker_killed_mid_delivery_loses_nothing(bare_server, receiver):
    release = threading.Event()
    first = threading.Event()

    def answer(n):
        if n == 1:
            first.set()
            release.wait(LIVENESS)  # hold the first delivery until its worker is dead
        return 200

    receiver.answer = answer
    client, listener = _listen(bare_server, receiver)
    call_id = _new_call(bare_server.client("acme-sl"))
    worker = _worker(bare_server)
    try:
        assert first.wait(LIVENESS)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        release.set()
        worker = _worker(bare_server)  # the lease lapses, and the delivery goes out again
        receiver.wait_for(lambda: len(receiver.requests) >= 2, "the delivery again")
        events = [r["event"] for r in receiver.requests]
        assert events[0]["EventId"] == events[1]["EventId"]  # at least once, same id
        assert events[1]["CallId"] == call_id
    finally:
        worker.kill()
        worker.wait()
        _remove(client, listener)


class SoapReceiver:
    """A listener built from the listener WSDL's definition with Spyne (schema-validating)."""

    def __init__(self):
        import io
        from socketserver import ThreadingMixIn
        from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

        from spyne.server.wsgi import WsgiApplication

        from helpdesk_soap.soap.listener_wsdl import listener_application

        self.events, self.signed, self.secret = [], [], ""
        spyne_app = WsgiApplication(listener_application(lambda ctx, event: self.events.append(event)))

        def app(environ, start_response):
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            self.signed.append(signing.verify(self.secret, body, environ.get("HTTP_X_HELPDESK_SIGNATURE")))
            environ["wsgi.input"] = io.BytesIO(body)
            return spyne_app(environ, start_response)

        class Server(ThreadingMixIn, WSGIServer):
            daemon_threads = True

        class Quiet(WSGIRequestHandler):
            def log_message(self, *args):
                pass

        self.http = make_server("127.0.0.1", 0, app, server_class=Server, handler_class=Quiet)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/listener"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def close(self):
        self.http.shutdown()
        self.http.server_close()


def test_a_soap_listener_generated_from_the_listener_wsdl_receives_events(push_server):
    receiver = SoapReceiver()
    client = push_server.client("acme-tts")
    try:
        registered = client.service.RegisterListener(CallbackUrl=receiver.url, Format="SOAP")
        receiver.secret = registered.Secret
        call_id = _new_call(push_server.client("acme-sl"))
        push_server.cli("call", "set-status", str(call_id), "CANCELLED")
        deadline = time.monotonic() + LIVENESS
        while len(receiver.events) < 3:
            assert time.monotonic() < deadline, receiver.events
            time.sleep(0.1)
        assert [str(e.EventType) for e in receiver.events] == ["CallCreated", "StatusChanged",
                                                            "CallClosed"]
        assert all(receiver.signed)
        closed = receiver.events[-1]
        assert closed.CallId == call_id and closed.Call.Status.Code == "CANCELLED"
        assert closed.Call.Status.IsFinal is True
        # The worker records a delivery once the receiver has answered: wait for the third.
        deadline = time.monotonic() + LIVENESS
        while client.service.ListListeners()[0].Delivered < 3:
            assert time.monotonic() < deadline, client.service.ListListeners()
            time.sleep(0.2)
        assert client.service.ListListeners()[0].Delivered == 3
    finally:
        receiver.close()
        _remove(client, registered.Listener.ListenerId)


EXAMPLES = __import__("pathlib").Path(__file__).resolve().parents[2] / "examples" / "push"


def test_the_python_receiver_example(push_server):
    from tests.support.server import free_port

    env = dict(os.environ, HELPDESK_URL=push_server.url, HELPDESK_LOGIN="acme-tts",
               HELPDESK_PASSWORD=PASSWORDS["acme-tts"], PUSH_PORT=str(free_port()), PUSH_EXPECT="2")
    proc = subprocess.Popen([sys.executable, str(EXAMPLES / "receiver.py")], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().startswith("listening ")
        call_id = _new_call(push_server.client("acme-sl"))
        push_server.cli("call", "set-status", str(call_id), "IN_PROGRESS")
        out, err = proc.communicate(timeout=LIVENESS)
        assert proc.returncode == 0, err
        assert out.splitlines()[0].startswith(f"CallCreated {call_id} ")
        assert [line.split()[0] for line in out.splitlines()] == ["CallCreated", "StatusChanged"]
        assert out.splitlines()[1].endswith("IN_PROGRESS")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_the_php_receiver_example(push_server, tmp_path):
    from tests.support.server import free_port

    port = free_port()
    client = push_server.client("acme-tts")
    registered = client.service.RegisterListener(CallbackUrl=f"http://127.0.0.1:{port}/")
    log = tmp_path / "events.log"
    env = dict(os.environ, PUSH_SECRET=registered.Secret, PUSH_LOG=str(log))
    php = subprocess.Popen(["php", "-S", f"127.0.0.1:{port}", str(EXAMPLES / "receiver.php")],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        call_id = _new_call(push_server.client("acme-sl"))
        deadline = time.monotonic() + LIVENESS
        while not (log.exists() and log.read_text()):
            assert time.monotonic() < deadline, client.service.ListListeners()
            time.sleep(0.2)
        kind, logged_call, _, status = log.read_text().split()
        assert (kind, int(logged_call), status) == ("CallCreated", call_id, "NEW")
        # a forged delivery is refused with 401
        import requests
        forged = requests.post(f"http://127.0.0.1:{port}/", data=b'{"EventType":"CallClosed"}',
                               headers={"X-Helpdesk-Signature": "sha256=00"}, timeout=10)
        assert forged.status_code == 401
    finally:
        php.kill()
        php.wait()
        client.service.RemoveListener(ListenerId=registered.Listener.ListenerId)


def test_two_workers_on_one_database_deliver_each_event_once(bare_server, receiver):
    client, listener = _listen(bare_server, receiver)
    workers = [_worker(bare_server), _worker(bare_server)]
    try:
        writer = bare_server.client("acme-sl")
        calls = [_new_call(writer, f"scale-out {i}") for i in range(12)]
        for call_id in calls[:4]:
            writer.service.AddCallNote(CallId=call_id, Text="more")
        receiver.wait_for(lambda: len(receiver.requests) >= 16, "sixteen events")
        ids = [r["event"]["EventId"] for r in receiver.requests]
        assert len(ids) == len(set(ids)) == 16  # no event sent twice, none lost
        for call_id in calls[:4]:
            assert [e["EventType"] for e in receiver.accepted(call_id)] == ["CallCreated",
                                                                          "PublicEntryAdded"]
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(30)
        _remove(client, listener)


def test_the_bundled_client_manages_listeners(push_server, receiver):
    from helpdesk_soap.client import HelpdeskClient
    from helpdesk_soap.client.errors import ClientFault

    client = HelpdeskClient(push_server.url, "acme-tts", PASSWORDS["acme-tts"])
    listener, secret = client.register_listener(receiver.url, events=["CallClosed"], fmt="SOAP")
    try:
        assert secret and listener.events == ("CallClosed",) and listener.format == "SOAP"
        changed = client.update_listener(listener.listener_id, events=["CallCreated", "CallClosed"],
                                         fmt="JSON", active=False)
        assert (changed.events, changed.format, changed.active) == (("CallCreated", "CallClosed"),
                                                                    "JSON", False)
        assert [l.listener_id for l in client.list_listeners()] == [listener.listener_id]
        assert client.redeliver_parked() == 0
        with pytest.raises(ClientFault):
            client.update_listener(listener.listener_id, callback_url="http://10.0.0.8/")
    finally:
        client.remove_listener(listener.listener_id)
    assert client.list_listeners() == []
