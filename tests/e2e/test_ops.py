"""Operations against a real `helpdesk-soap serve`: health, the service page, HEAD and
405, request ids and the request log, no secret in the log, and metrics summed over
two workers."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests
from lxml import etree

from helpdesk_soap.ops.health import CACHE_SECONDS

from tests.support.databases import BACKENDS
from tests.support.server import PASSWORDS, free_port, start_server, stop_server
from tests.support.postgres import PostgresServer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "ops"
WSDL_NS = {"wsdl": "http://schemas.xmlsoap.org/wsdl/"}
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
TNS = "urn:helpdesk-soap:helpdesk:v1"


def envelope(operation: str, body: str = "", login: str | None = None,
             password: str | None = None, token: str | None = None) -> bytes:
    header = ""
    if login is not None:
        header = (f'<soap:Header><wsse:Security xmlns:wsse="{WSSE}"><wsse:UsernameToken>'
                  f"<wsse:Username>{login}</wsse:Username><wsse:Password>{password}</wsse:Password>"
                  "</wsse:UsernameToken></wsse:Security></soap:Header>")
    elif token is not None:
        header = f"<soap:Header><tns:Session><tns:Token>{token}</tns:Token></tns:Session></soap:Header>"
    return (f'<soap:Envelope xmlns:soap="{SOAP}" xmlns:tns="{TNS}">{header}'
            f"<soap:Body><tns:{operation}>{body}</tns:{operation}></soap:Body></soap:Envelope>").encode()


def post(server, data: bytes, **headers) -> requests.Response:
    return requests.post(server.url + "/helpdesk", data=data, timeout=30,
                         headers={"Content-Type": "text/xml; charset=utf-8", **headers})


def log_text(server) -> str:
    return server.log.read_text(errors="replace")


def wait_for_log(server, needle: str) -> str:
    for _ in range(100):  # the worker writes its line right after answering
        text = log_text(server)
        if needle in text:
            return text
        time.sleep(0.05)
    return log_text(server)


def test_health_answers_without_credentials(server):
    health = requests.get(server.url + "/healthz", timeout=10)
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    ready = requests.get(server.url + "/readyz", timeout=10)
    assert ready.status_code == 200
    assert ready.json()["status"] == "ok" and ready.json()["migrations"] == "current"
    assert requests.head(server.url + "/readyz", timeout=10).content == b""


def test_readiness_says_when_migrations_are_not_current(server):
    (version,), = server.sql("SELECT version_num FROM alembic_version")
    server.sql("UPDATE alembic_version SET version_num = '0001'")
    try:
        answer = None
        for _ in range(100):  # the probe caches its answer for a second
            answer = requests.get(server.url + "/readyz", timeout=10)
            if answer.status_code == 503:
                break
            time.sleep(0.1)
        assert answer.status_code == 503
        assert answer.json()["migrations"] == "pending" and answer.json()["schema"] == ["0001"]
        assert requests.get(server.url + "/healthz", timeout=10).status_code == 200
    finally:
        server.sql("UPDATE alembic_version SET version_num = :v", v=version)
        # Each worker caches its answer for CACHE_SECONDS: let every worker's 503 expire, so
        # the next test finds the server ready again.
        time.sleep(CACHE_SECONDS + 0.2)


@pytest.mark.parametrize("service", ["helpdesk", "staff"])
def test_the_service_page_lists_every_operation_of_the_wsdl(server, service):
    wsdl = etree.fromstring(requests.get(f"{server.url}/{service}?wsdl", timeout=10).content)
    operations = [op.get("name") for op in wsdl.iterfind("wsdl:portType/wsdl:operation", WSDL_NS)]
    page = requests.get(f"{server.url}/{service}", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    html = etree.HTML(page.content)
    assert set(html.xpath("//section/@id")) == set(operations)
    assert f"{service}?wsdl" in html.xpath("//a/@href") and f"{service}?xsd" in html.xpath("//a/@href")
    for section in html.xpath("//section"):
        sample = etree.fromstring(section.xpath(".//pre")[0].text.encode())  # well-formed XML
        assert etree.QName(sample.find(f"{{{SOAP}}}Body")[0]).localname == section.get("id")
    xsd = requests.get(f"{server.url}/{service}?xsd", timeout=10)
    assert etree.QName(etree.fromstring(xsd.content)).localname == "schema"


def test_head_answers_without_a_body(server):
    for path in ("/helpdesk", "/staff", "/helpdesk?wsdl", "/nowhere", "/healthz"):
        got = requests.get(server.url + path, timeout=10)
        head = requests.head(server.url + path, timeout=10)
        assert head.status_code == got.status_code, path
        assert head.content == b"", path
    assert "no-body response" not in log_text(server)


def test_405_carries_a_true_allow(server):
    for method in ("PUT", "DELETE", "PATCH"):
        answer = requests.request(method, server.url + "/helpdesk", timeout=10)
        assert answer.status_code == 405
        assert answer.headers["Allow"] == "GET, HEAD, POST"
        assert b"Client.MethodNotAllowed" in answer.content
    # Every method Allow names is served.
    assert requests.get(server.url + "/helpdesk", timeout=10).status_code == 200
    assert requests.head(server.url + "/helpdesk", timeout=10).status_code == 200
    assert post(server, envelope("GetStatuses", login="acme-tts",
                                 password=PASSWORDS["acme-tts"])).status_code == 200


def test_one_log_line_per_request_with_the_request_id_echoed(server):
    answer = post(server, envelope("GetCallData", "<tns:CallId>987654</tns:CallId>", "acme-tts",
                                   PASSWORDS["acme-tts"]), **{"X-Request-ID": "trace-4711"})
    assert answer.headers["X-Request-ID"] == "trace-4711"
    text = wait_for_log(server, "request_id=trace-4711 ")
    lines = [line for line in text.splitlines() if "request_id=trace-4711 " in line]
    assert len(lines) == 1
    line = lines[0]
    for part in ("service=helpdesk", "operation=GetCallData", "login=acme-tts", "call_id=987654",
                 "fault=Client.CallNotFound", "status=500", "duration_ms="):
        assert part in line, line
    assert re.search(r"customer=\d+", line), line
    # A malformed or oversized id is replaced, not echoed.
    for bad in ("two words", "x" * 300, "<script>"):
        got = post(server, envelope("GetStatuses", login="acme-tts", password=PASSWORDS["acme-tts"]),
                   **{"X-Request-ID": bad})
        assert re.fullmatch(r"[0-9a-f]{32}", got.headers["X-Request-ID"])


def test_no_password_or_token_in_the_log(server):
    wrong = "Wrong-Secret-4kq9"
    failed = post(server, envelope("GetStatuses", login="acme-tts", password=wrong))
    assert b"Client.AuthenticationFailed" in failed.content
    login = post(server, envelope("Login", f"<tns:LoginName>acme-tts</tns:LoginName>"
                                           f"<tns:Password>{PASSWORDS['acme-tts']}</tns:Password>"))
    token = etree.fromstring(login.content).findtext(f".//{{{TNS}}}Token")
    assert token
    assert post(server, envelope("GetStatuses", token=token)).status_code == 200
    assert post(server, envelope("Logout", token=token)).status_code == 200
    text = wait_for_log(server, "operation=Logout")
    assert "authentication failed for acme-tts" in text
    for secret in (wrong, PASSWORDS["acme-tts"], token):
        assert secret not in text


def _sample(metrics: str, name: str, **labels) -> float:
    for line in metrics.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        head, _, value = line.rpartition(" ")
        found = dict(re.findall(r'(\w+)="([^"]*)"', head))
        if head.split("{")[0] == name and all(found.get(k) == v for k, v in labels.items()):
            return float(value)
    return 0.0


def _json_lines(server) -> list[dict]:
    out = []
    for line in log_text(server).splitlines():
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def _scrape_as_the_example_says(server, token_file) -> requests.Response:
    """Scrape the way examples/ops/prometheus.yml tells Prometheus to."""
    config = (EXAMPLES / "prometheus.yml").read_text()
    path = re.search(r"metrics_path: (\S+)", config).group(1)
    kind = re.search(r"type: (\S+)", config).group(1)
    assert re.search(r"credentials_file: (\S+)", config)
    return requests.get(server.url + path, timeout=10,
                        headers={"Authorization": f"{kind} {token_file.read_text().strip()}"})


@pytest.mark.skipif("sqlite" not in BACKENDS, reason="HELPDESK_TEST_BACKENDS excludes SQLite")
def test_metrics_add_up_across_two_workers_and_need_the_token(tmp_path):
    secret = "metrics-token-Xq7"
    token_file = tmp_path / "helpdesk-metrics.token"
    token_file.write_text(secret + "\n")
    proc, server = start_server(tmp_path, f"sqlite:///{tmp_path / 'm.sqlite3'}", workers=2,
                                extra_env={"HELPDESK_METRICS_TOKEN": secret,
                                           "HELPDESK_LOG_FORMAT": "json"})
    try:
        server.cli("customer", "add", "ACME", "--name", "Acme")
        server.cli("login", "add", "acme-tts", "--customer", "ACME", "--password-stdin",
                   stdin=PASSWORDS["acme-tts"] + "\n")
        assert requests.get(server.url + "/metrics", timeout=10).status_code == 401
        assert requests.get(server.url + "/metrics", timeout=10,
                            headers={"Authorization": "Bearer wrong"}).status_code == 401
        good = envelope("GetStatuses", login="acme-tts", password=PASSWORDS["acme-tts"])
        bad = envelope("GetStatuses", login="acme-tts", password="not-it")
        oks = faults = 0
        pids: set[int] = set()
        while len(pids) < 2 or oks < 10:  # until both workers have answered some
            assert oks < 400, "one worker answered every request"
            # A new connection each time: the kernel hands it to either worker.
            assert post(server, good, Connection="close").status_code == 200
            oks += 1
            if oks % 5 == 0:
                assert post(server, bad, Connection="close").status_code == 500
                faults += 1
            pids = {line["pid"] for line in _json_lines(server)
                    if line["logger"] == "helpdesk_soap.access" and line.get("operation") == "GetStatuses"}
        metrics = _scrape_as_the_example_says(server, token_file)
        assert metrics.status_code == 200
        text = metrics.text
        assert _sample(text, "helpdesk_requests_total", service="helpdesk",
                       operation="GetStatuses") == oks + faults
        assert _sample(text, "helpdesk_faults_total", service="helpdesk", operation="GetStatuses",
                       code="Client.AuthenticationFailed") == faults
        assert _sample(text, "helpdesk_auth_failures_total", service="helpdesk") == faults
        assert _sample(text, "helpdesk_request_duration_seconds_count", service="helpdesk",
                       operation="GetStatuses") == oks + faults
        assert _sample(text, "helpdesk_store_up") == 1
        assert _sample(text, "helpdesk_outbox_messages", state="pending") == 0
        # The JSON lines carry the request's facts as keys.
        access = [line for line in _json_lines(server) if line["logger"] == "helpdesk_soap.access"
                  and line.get("operation") == "GetStatuses"]
        assert len(access) == oks + faults
        assert {"request_id", "service", "login", "customer", "status", "duration_ms"} <= set(access[0])
        failed = [line for line in _json_lines(server) if line.get("event") == "auth_failed"]
        assert len(failed) == faults and failed[0]["level"] == "warning"
        assert secret not in log_text(server) and "not-it" not in log_text(server)
    finally:
        stop_server(proc)
    assert "Traceback" not in log_text(server)


def test_the_readiness_check_example(server):
    script = str(EXAMPLES / "readiness_check.sh")
    ok = subprocess.run(["sh", script], env=dict(os.environ, HELPDESK_URL=server.url),
                        capture_output=True, text=True, timeout=30)
    assert ok.returncode == 0, (ok.stderr, requests.get(server.url + "/readyz", timeout=10).text)
    dead = subprocess.run(["sh", script], env=dict(os.environ, HELPDESK_URL=f"http://127.0.0.1:{free_port()}"),
                          capture_output=True, text=True, timeout=30)
    assert dead.returncode != 0


@pytest.mark.skipif("sqlite" not in BACKENDS, reason="HELPDESK_TEST_BACKENDS excludes SQLite")
def test_readiness_fails_while_the_sqlite_file_is_gone(tmp_path):
    db = tmp_path / "r.sqlite3"
    proc, server = start_server(tmp_path, f"sqlite:///{db}", workers=1)
    try:
        assert requests.get(server.url + "/readyz", timeout=10).status_code == 200
        aside = tmp_path / "aside"
        aside.mkdir()
        for part in tmp_path.glob("r.sqlite3*"):
            shutil.move(part, aside / part.name)
        assert _poll_ready(server) == 503
        assert requests.get(server.url + "/healthz", timeout=10).status_code == 200
        for part in aside.iterdir():
            shutil.move(part, tmp_path / part.name)
        assert _poll_ready(server, until=200) == 200
    finally:
        stop_server(proc)


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="HELPDESK_TEST_BACKENDS excludes PostgreSQL")
def test_readiness_fails_while_postgresql_is_stopped(tmp_path):
    pg = PostgresServer().start()  # its own server: this test stops it
    try:
        proc, server = start_server(tmp_path, pg.url(pg.create_database()), workers=1)
        try:
            assert requests.get(server.url + "/readyz", timeout=10).status_code == 200
            pg.halt()
            assert _poll_ready(server) == 503
            assert requests.get(server.url + "/healthz", timeout=10).status_code == 200
            pg.resume()
            assert _poll_ready(server, until=200) == 200
        finally:
            stop_server(proc)
    finally:
        pg.stop()


def _poll_ready(server, until: int = 503) -> int:
    status = None
    for _ in range(100):  # the probe caches its answer for a second
        status = requests.get(server.url + "/readyz", timeout=30).status_code
        if status == until:
            break
        time.sleep(0.1)
    return status
