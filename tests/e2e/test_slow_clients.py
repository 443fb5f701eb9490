"""Slow and malformed clients against a live `serve` (both stores): normal requests keep
being answered, broken envelopes and broken HTTP framing get documented SOAP faults,
and nothing is stored (docs/slow-clients.md)."""

from __future__ import annotations

import re
import socket
import threading
import time
import uuid

import pytest
import requests
from lxml import etree

from bench.slow_clients import SlowClients, body_trickle, head_trickle, trickle_pieces
from helpdesk_soap.domain.text import QUOTE_LIMIT
from helpdesk_soap.soap.types import TNS
from tests.support.databases import BACKENDS, make_migrated_database
from tests.support.server import PASSWORDS, start_server, stop_server
from tests.support.http_soap import GOOD_CALL, SOAP, create, envelope, fault, header, post

#: Short deadlines, so that the tests wait little for what they provoke.
TIMEOUTS = {"HELPDESK_HEADER_TIMEOUT": "2", "HELPDESK_REQUEST_READ_TIMEOUT": "1",
            "HELPDESK_REQUEST_TIMEOUT": "10", "HELPDESK_KEEPALIVE_TIMEOUT": "2"}
CONTENT = "QUJD" * 100_000  # 300 KB of base64: a request above the streaming threshold


@pytest.fixture(scope="module", params=BACKENDS)
def edge(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("edge")
    database_url, drop_database = make_migrated_database(request.param, request, tmp)
    proc, srv = start_server(tmp, database_url, extra_env=TIMEOUTS)
    try:
        srv.cli("customer", "add", "ACME", "--name", "Acme Airline")
        srv.cli("login", "add", "acme-tts", "--customer", "ACME", "--password-stdin",
                stdin=PASSWORDS["acme-tts"] + "\n")
        yield srv
    finally:
        stop_server(proc)
        drop_database()
        log = srv.log.read_text()
        assert "Traceback" not in log, log


def counts(server) -> tuple[int, int]:
    return (server.sql("SELECT count(*) FROM calls")[0][0],
            server.sql("SELECT count(*) FROM call_attachments")[0][0])


def raw(server, data: bytes, timeout: float = 30) -> bytes:
    """Send bytes as they are and read until the server closes the connection."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(data)
        out = b""
        while chunk := sock.recv(65536):
            out += chunk
    return out


def raw_fault(answer: bytes) -> tuple[int, dict]:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    response = requests.Response()
    response.status_code, response._content = status, body
    response.headers.update(headers)
    assert int(headers["content-length"]) == len(body)
    return status, fault(response)


def add_attachment(call_id: int) -> str:
    return (f"<h:AddAttachment><h:CallId>{call_id}</h:CallId><h:FileName>a.pdf</h:FileName>"
            f"<h:ContentType>application/pdf</h:ContentType><h:Content>{CONTENT}</h:Content>"
            f"</h:AddAttachment>")


def structure_catalogue(call_id: int) -> dict[str, bytes]:
    head = header()
    env = f'<s:Envelope xmlns:s="{SOAP}" xmlns:h="{TNS}">'
    cases = {}
    for path, op in (("guard", create()), ("streaming", add_attachment(call_id))):
        cases.update({
            f"{path}: two Bodies": f"{env}{head}<s:Body>{op}</s:Body><s:Body>{create()}</s:Body></s:Envelope>",
            f"{path}: Header after Body": f"{env}<s:Body>{op}</s:Body>{head}</s:Envelope>",
            f"{path}: two Headers": f"{env}{head}{head}<s:Body>{op}</s:Body></s:Envelope>",
            f"{path}: two operations": f"{env}{head}<s:Body>{op}{create()}</s:Body></s:Envelope>",
            f"{path}: text in Body": f"{env}{head}<s:Body>{op}stray text</s:Body></s:Envelope>",
            f"{path}: text in Envelope": f"{env}{head}loose<s:Body>{op}</s:Body></s:Envelope>",
            f"{path}: element after Body": f"{env}{head}<s:Body>{op}</s:Body><h:Extra/></s:Envelope>",
            f"{path}: element before Header": f"{env}<h:Extra/>{head}<s:Body>{op}</s:Body></s:Envelope>",
        })
    return {name: text.encode() for name, text in cases.items()}


def test_envelope_structure_is_strict_on_both_paths_and_changes_nothing(edge):
    call_id = edge.client("acme-tts").service.CreateCall(Call={
        "CustomerId": "ACME", "Subject": "s", "Priority": "Low", "Category": "Question",
        "Description": "d"}).CallId
    before = counts(edge)
    for name, body in structure_catalogue(call_id).items():
        response = post(edge, body)
        assert response.status_code == 500, (name, response.status_code)
        assert fault(response)["code"] == "Client.MalformedRequest", name
    # Chunked (no Content-Length): the streaming path, whatever the size.
    response = post(edge, iter([structure_catalogue(call_id)["guard: two Bodies"]]))
    assert fault(response)["code"] == "Client.MalformedRequest"
    assert counts(edge) == before
    # The well-formed twin of the streamed case is stored.
    assert post(edge, envelope(add_attachment(call_id))).status_code == 200
    assert counts(edge) == (before[0], before[1] + 1)


def with_header(entry: str, op: str | None = None) -> bytes:
    security = header()[len("<s:Header>"):-len("</s:Header>")]
    return (f'<s:Envelope xmlns:s="{SOAP}" xmlns:h="{TNS}" xmlns:x="urn:other">'
            f"<s:Header>{security}{entry}</s:Header><s:Body>{op or create()}</s:Body></s:Envelope>"
            ).encode()


def test_must_understand(edge):
    before = counts(edge)
    for flag in ("1", "true", " 1 "):
        got = fault(post(edge, with_header(f'<x:Tracking s:mustUnderstand="{flag}">t</x:Tracking>')))
        assert got["code"] == "MustUnderstand" and got["field"] == "Tracking", got
    got = fault(post(edge, with_header('<x:Tracking s:mustUnderstand="yes">t</x:Tracking>')))
    assert got["code"] == "Client.MalformedRequest"
    assert counts(edge) == before
    # Not ours to understand: optional, or meant for another actor.
    for entry in ('<x:Tracking s:mustUnderstand="0">t</x:Tracking>', '<x:Tracking>t</x:Tracking>',
                  '<x:Tracking s:mustUnderstand="1" s:actor="urn:someone-else">t</x:Tracking>'):
        assert post(edge, with_header(entry)).status_code == 200, entry
    # Security and Session are understood, marked or not.
    marked = envelope(create()).replace(b"<wsse:Security ", b'<wsse:Security s:mustUnderstand="1" ')
    assert post(edge, marked).status_code == 200
    token = etree.fromstring(post(edge, (
        f'<s:Envelope xmlns:s="{SOAP}" xmlns:h="{TNS}"><s:Body><h:Login><h:LoginName>acme-tts</h:LoginName>'
        f'<h:Password>{PASSWORDS["acme-tts"]}</h:Password></h:Login></s:Body></s:Envelope>'
    ).encode()).content).findtext(f".//{{{TNS}}}Token")
    session = (f'<s:Envelope xmlns:s="{SOAP}" xmlns:h="{TNS}"><s:Header><h:Session s:mustUnderstand="1">'
               f"<h:Token>{token}</h:Token></h:Session></s:Header><s:Body>{create()}</s:Body></s:Envelope>")
    assert post(edge, session.encode()).status_code == 200
    assert counts(edge)[0] == before[0] + 5


def test_faults_echo_names_and_values_bounded(edge):
    name = "X" * 1_000_000
    response = post(edge, envelope(f"<h:{name}/>"))
    got = fault(response)
    assert got["code"] == "Client.UnknownOperation"
    assert len(response.content) < 4096 and len(got["field"]) == QUOTE_LIMIT
    response = post(edge, envelope(create()), headers={"SOAPAction": "Y" * 8000})
    assert fault(response)["code"] == "Client.SoapActionMismatch" and len(response.content) < 4096
    response = post(edge, with_header(f'<x:{name} s:mustUnderstand="1"/>'))
    assert fault(response)["code"] == "MustUnderstand" and len(response.content) < 4096
    response = post(edge, envelope(create()).replace(b"</h:Call>", f"</h:{name}>".encode()))
    assert fault(response)["code"] == "Client.MalformedRequest" and len(response.content) < 4096


def framing_catalogue(host: str) -> dict[str, tuple[bytes, int, str]]:
    body = envelope(create())
    start = f"POST /helpdesk HTTP/1.1\r\nHost: {host}\r\nContent-Type: text/xml\r\n"
    chunked = start + "Transfer-Encoding: chunked\r\n"
    return {
        "invalid header line": ((start + "No colon here\r\n\r\n").encode(), 400, "Client.MalformedHttp"),
        "invalid header name": ((start + "Bad Name: x\r\n\r\n").encode(), 400, "Client.MalformedHttp"),
        "invalid request line": (b"POST /helpdesk NOT-HTTP\r\nHost: x\r\n\r\n", 400, "Client.MalformedHttp"),
        "unsupported transfer coding": ((start + "Transfer-Encoding: rot13\r\n\r\n").encode(), 501,
                                        "Client.UnsupportedTransferCoding"),
        "transfer coding without chunked": ((start + "Transfer-Encoding: gzip\r\n\r\n").encode(), 400,
                                            "Client.MalformedHttp"),
        "invalid chunk size": ((chunked + "\r\nzz\r\n").encode() + body, 400, "Client.MalformedHttp"),
        "chunk size overflow": ((chunked + "\r\n" + "F" * 40 + "\r\n").encode() + body, 400,
                                "Client.MalformedHttp"),
        "chunk over the limit": ((chunked + "\r\nFFFFFFFF\r\n").encode() + body, 500,
                                 "Client.RequestTooLarge"),
        "chunk longer than its size": ((chunked + "\r\n5\r\n").encode() + body, 400, "Client.MalformedHttp"),
        "two Content-Lengths": ((start + f"Content-Length: {len(body)}\r\nContent-Length: 3\r\n\r\n"
                                 ).encode() + body, 400, "Client.MalformedHttp"),
        "Content-Length not a number": ((start + "Content-Length: 12a\r\n\r\n").encode() + body, 400,
                                        "Client.MalformedHttp"),
        "Content-Length and chunked": ((chunked + f"Content-Length: {len(body)}\r\n\r\n").encode() + body,
                                       400, "Client.MalformedHttp"),
        "Content-Length over the limit": ((start + "Content-Length: 99999999999\r\n\r\n").encode(), 500,
                                          "Client.RequestTooLarge"),
        "Content-Length more than sent": ((start + f"Content-Length: {len(body) + 50}\r\n\r\n").encode()
                                          + body, 408, "Client.RequestTimeout"),
        "headers never end": ((start + "X-Slow: 1\r\n").encode(), 408, "Client.RequestTimeout"),
        "headers too large": ((start + "X-Big: " + "b" * 70_000 + "\r\n\r\n").encode(), 431,
                              "Client.HeadersTooLarge"),
    }


def test_broken_http_framing_gets_soap_faults_and_stores_nothing(edge):
    before = counts(edge)
    host = edge.url.removeprefix("http://")
    for name, (data, status, code) in framing_catalogue(host).items():
        got_status, got = raw_fault(raw(edge, data))
        assert (got_status, got["code"]) == (status, code), (name, got_status, got)
    # A Content-Length shorter than the body: the rest is read as the next request.
    body = envelope("<h:GetCallData><h:CallId>1</h:CallId></h:GetCallData>")
    answer = raw(edge, (f"POST /helpdesk HTTP/1.1\r\nHost: {host}\r\nContent-Length: {len(body)}\r\n\r\n"
                        ).encode() + body + b"garbage that is no request line\r\n\r\n")
    first, _, second = answer.partition(b"HTTP/1.1 400")
    assert first.startswith(b"HTTP/1.1 ") and b"GetCallDataResponse" in first
    assert b"Client.MalformedHttp" in second
    assert counts(edge) == before
    assert post(edge, envelope(create())).status_code == 200


def test_idle_and_trickling_clients_do_not_stop_normal_requests(edge):
    host, port = edge.url.removeprefix("http://").split(":")
    slow = SlowClients((host, int(port)))
    slow.idle(200)
    slow.trickle(10, trickle_pieces(head_trickle(host), 2))
    slow.trickle(10, trickle_pieces(body_trickle(host, envelope(create())), 0))
    client = edge.client("acme-tts")
    try:
        results = []

        def work():
            for _ in range(10):
                results.append(client.service.CreateCall(Call={
                    "CustomerId": "ACME", "Subject": "while slow clients wait", "Priority": "Low",
                    "Category": "Question", "Description": "d"}).CallId)
        workers = [threading.Thread(target=work) for _ in range(3)]
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join(timeout=120)  # liveness only: the sync worker never got here
        assert len(results) == 30 and len(set(results)) == 30
        # An incomplete body ends with a fault, and its worker serves again.
        body = envelope(create())
        status, got = raw_fault(raw(edge, (f"POST /helpdesk HTTP/1.1\r\nHost: {host}\r\n"
                                           f"Content-Length: {len(body) * 2}\r\n\r\n").encode() + body))
        assert (status, got["code"]) == (408, "Client.RequestTimeout")
        assert client.service.GetCallData(CallId=results[0]).CallId == results[0]
        # An idle connection is closed by the header deadline (no answer: nothing was asked).
        assert raw(edge, b"") == b""
    finally:
        slow.stop()


def test_keep_alive_pipelining_and_forwarded_addresses_still_work(edge):
    host = edge.url.removeprefix("http://")
    with requests.Session() as session:
        for _ in range(3):
            assert session.post(edge.url + "/helpdesk", data=envelope(create()), timeout=30,
                                headers={"Content-Type": "text/xml"}).status_code == 200
    wsdl = f"GET /helpdesk?wsdl HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    answer = raw(edge, wsdl + wsdl.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
    assert answer.count(b"HTTP/1.1 200 OK") == 2
    forwarded = requests.get(edge.url + "/helpdesk?wsdl", timeout=30, headers={
        "Host": "helpdesk.example", "X-Forwarded-Proto": "https"}).text
    assert 'location="https://helpdesk.example/helpdesk"' in forwarded
    # Expect: 100-continue (curl sends it for large bodies) gets its interim answer.
    body = envelope(create(GOOD_CALL))
    answer = raw(edge, (f"POST /helpdesk HTTP/1.1\r\nHost: {host}\r\nExpect: 100-continue\r\n"
                        f"Connection: close\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body)
    assert answer.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK")


def _worker_of(edge, session: requests.Session, request_id: str) -> int:
    """The pid of the worker that answered the request ``request_id`` on ``session``'s kept
    connection (from its request line in the server's log)."""
    assert session.get(edge.url + "/helpdesk?wsdl", timeout=30,
                       headers={"X-Request-ID": request_id}).status_code == 200
    pattern = re.compile(rf" (\d+) INFO helpdesk_soap\.access: request request_id={request_id} ")
    for _ in range(50):
        found = pattern.search(edge.log.read_text())
        if found:
            return int(found.group(1))
        time.sleep(0.1)
    raise AssertionError(f"no request line for {request_id}")


def test_kept_alive_clients_spread_over_the_workers(edge):
    """Two ticket systems keep a connection open each: the second goes to the worker that
    holds none, not to whichever woke first (both then ran on one worker while the other
    idled). A worker holding fewer connections is the one that takes the next, so first the
    connections earlier tests left idle time out; then fresh ones find both workers up."""
    time.sleep(max(float(TIMEOUTS["HELPDESK_HEADER_TIMEOUT"]),
                   float(TIMEOUTS["HELPDESK_KEEPALIVE_TIMEOUT"])) + 1)
    seen = set()
    for n in range(100):
        with requests.Session() as session:
            seen.add(_worker_of(edge, session, f"warm{n}{uuid.uuid4().hex}"))
        if len(seen) == 2:
            break
    assert len(seen) == 2, "the second worker never answered"
    for trial in range(3):
        with requests.Session() as first, requests.Session() as second:
            one = _worker_of(edge, first, f"first{trial}{uuid.uuid4().hex}")
            other = _worker_of(edge, second, f"second{trial}{uuid.uuid4().hex}")
            assert one != other, f"trial {trial}: both kept connections on worker {one}"
            # and each keeps its worker
            assert _worker_of(edge, first, f"again{trial}{uuid.uuid4().hex}") == one
        time.sleep(0.3)  # both workers see their connections close
