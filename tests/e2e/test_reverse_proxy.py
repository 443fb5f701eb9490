"""Debian's nginx, configured as examples/nginx/helpdesk.conf, in front of a live `serve`:
a SOAP round trip, the WSDL's addresses, nginx's refusals as SOAP faults, and trickling
clients that nginx holds while normal requests pass (docs/slow-clients.md)."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
from zeep import Client, Settings
from zeep.wsse.username import UsernameToken

from bench.slow_clients import SlowClients, body_trickle, head_trickle, trickle_pieces
from tests.support.server import PASSWORDS, free_port
from tests.support.http_soap import GOOD_CALL, create, envelope, fault, post

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "nginx" / "helpdesk.conf"


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        pytest.fail("nginx is not installed (apt-get install -y nginx): the reverse-proxy "
                    "example cannot be checked")
    return found


@pytest.fixture(scope="module")
def proxy(server, tmp_path_factory):
    """nginx as a child process (no daemon) with a prefix of its own, on a free port."""
    binary = nginx_binary()
    prefix = tmp_path_factory.mktemp("nginx")
    for sub in ("logs", "temp"):
        (prefix / sub).mkdir()
    port = free_port()
    site = EXAMPLE.read_text().replace("127.0.0.1:8080", server.url.removeprefix("http://")).replace(
        "listen 80;", f"listen 127.0.0.1:{port};")
    (prefix / "helpdesk.conf").write_text(site)
    temp = prefix / "temp"
    (prefix / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\nmaster_process on;\nworker_processes 1;\npid {prefix}/nginx.pid;\n"
        f"error_log {prefix}/logs/error.log warn;\nevents {{ worker_connections 1024; }}\n"
        f"http {{\n  access_log {prefix}/logs/access.log;\n"
        + "".join(f"  {kind}_temp_path {temp}/{kind};\n"
                  for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        + f"  include {prefix}/helpdesk.conf;\n}}\n")
    log = prefix / "logs" / "stderr.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"nginx exited: {log.read_text()}")
            try:
                if requests.get(url + "/helpdesk?wsdl", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                pytest.fail("nginx did not answer")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Via:
    """The hardening helpers' view of a server, at nginx's address."""

    def __init__(self, url: str):
        self.url = url


def test_a_soap_round_trip_through_nginx(server, proxy):
    wsdl = requests.get(proxy + "/helpdesk?wsdl", timeout=30).text
    assert f'location="{proxy}/helpdesk"' in wsdl  # nginx's address, not serve's
    # zeep reads the WSDL from nginx and posts to the address it names.
    client = Client(proxy + "/helpdesk?wsdl", settings=Settings(strict=True),
                    wsse=UsernameToken("acme-tts", PASSWORDS["acme-tts"]))
    call_id = client.service.CreateCall(Call={"CustomerId": "ACME", "Subject": "via nginx",
                                              "Priority": "Low", "Category": "Question",
                                              "Description": "Through the proxy."}).CallId
    assert client.service.GetCallData(CallId=call_id).Subject == "via nginx"
    # A body over the limit: nginx's refusal, as a SOAP fault.
    big = envelope(create(GOOD_CALL)).replace(b"</h:Call>", b"<!--" + b"z" * (11 * 1024 * 1024)
                                              + b"--></h:Call>")
    response = post(Via(proxy), big)
    assert response.status_code == 413 and fault(response)["code"] == "Client.RequestTooLarge"


def test_trickling_clients_are_held_by_nginx_while_normal_requests_pass(server, proxy):
    host, port = proxy.removeprefix("http://").split(":")
    slow = SlowClients((host, int(port)))
    slow.trickle(10, trickle_pieces(head_trickle(host), 2))
    slow.trickle(10, trickle_pieces(body_trickle(host, envelope(create())), 0))
    try:
        results = []

        def work():
            for _ in range(5):
                response = post(Via(proxy), envelope(create()))
                results.append(response.status_code)
        threads = [threading.Thread(target=work) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)  # liveness only
        assert results == [200] * 10
    finally:
        slow.stop()


def test_the_docs_show_the_example_as_it_is():
    doc = (EXAMPLE.parents[2] / "docs" / "slow-clients.md").read_text()
    marker = "<!-- example: examples/nginx/helpdesk.conf -->\n```nginx\n"
    assert marker + EXAMPLE.read_text() + "```\n" in doc
