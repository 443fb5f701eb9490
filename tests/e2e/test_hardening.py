"""Hostile and broken input against a live gunicorn: always a documented SOAP Fault,
never an HTML page, a traceback or a half-done write; the server keeps serving."""

from __future__ import annotations

import http.server
import threading

import pytest
import requests

from helpdesk_soap.soap.types import TNS
from tests.support.http_soap import GOOD_CALL, SOAP, create, envelope, fault, header, post


@pytest.fixture(scope="module")
def trap():
    """A local HTTP listener that counts hits: an external entity must never reach it."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"FETCHED-BY-THE-SERVER")

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/secret", hits
    httpd.shutdown()
    httpd.server_close()


def catalogue(secret_file, trap_url):
    laughs = "".join(f'<!ENTITY l{i} "{"&l%d;" % (i - 1) * 10}">' for i in range(1, 10))
    return {
        "not XML": (b"this is not xml", "Client.MalformedRequest", None),
        "truncated": (envelope(create())[:-40], "Client.MalformedRequest", None),
        "wrong encoding declared": (envelope(create(), '<?xml version="1.0" encoding="UTF-16"?>'),
                                    "Client.MalformedRequest", None),
        "invalid UTF-8": (envelope(create()).replace(b"Phones", b"Ph\xff\xfeones"),
                          "Client.MalformedRequest", None),
        "empty": (b"", "Client.MalformedRequest", None),
        "internal entity": (envelope(create().replace("Phones down", "&x;"),
                                     '<!DOCTYPE s:Envelope [<!ENTITY x "expanded">]>'),
                            "Client.MalformedRequest", None),
        "external file entity": (envelope(create().replace("Phones down", "&x;"),
                                          f'<!DOCTYPE s:Envelope [<!ENTITY x SYSTEM "file://{secret_file}">]>'),
                                 "Client.MalformedRequest", None),
        "external URL entity": (envelope(create().replace("Phones down", "&x;"),
                                         f'<!DOCTYPE s:Envelope [<!ENTITY x SYSTEM "{trap_url}">]>'),
                                "Client.MalformedRequest", None),
        "entity expansion bomb": (envelope(create().replace("Phones down", "&l9;"),
                                           f'<!DOCTYPE s:Envelope [<!ENTITY l0 "lol">{laughs}]>'),
                                  "Client.MalformedRequest", None),
        "processing instruction": (envelope(create(GOOD_CALL.replace("<h:Subject>", "<h:Subject><?x y?>"))),
                                   "Client.MalformedRequest", None),
        "deep nesting": (envelope(create("<a>" * 10_000 + "</a>" * 10_000)), "Client.MalformedRequest", None),
        "huge attribute count": (envelope(create(GOOD_CALL).replace(
            "<h:Call>", "<h:Call " + " ".join(f'a{i}="x"' for i in range(5000)) + ">")),
            "Client.MalformedRequest", None),
        "missing Body": (f'<s:Envelope xmlns:s="{SOAP}">{header()}</s:Envelope>'.encode(),
                         "Client.MalformedRequest", None),
        "unknown operation": (envelope("<h:DeleteEverything/>"), "Client.UnknownOperation", None),
        "wrong namespace": (envelope(create().replace("<h:CreateCall>", '<x:CreateCall xmlns:x="urn:x">')
                                     .replace("</h:CreateCall>", "</x:CreateCall>")),
                            "Client.UnknownOperation", None),
        "missing required field": (envelope(create(GOOD_CALL.replace("<h:Subject>Phones down</h:Subject>", ""))),
                                   "Client.SchemaValidationError", None),
        "wrong type": (envelope("<h:GetCallData><h:CallId>abc</h:CallId></h:GetCallData>"),
                       "Client.SchemaValidationError", "CallId"),
        "out of range": (envelope("<h:GetCallData><h:CallId>99999999999999999999</h:CallId></h:GetCallData>"),
                         "Client.SchemaValidationError", "CallId"),
        "string over its limit": (envelope(create(GOOD_CALL.replace("Phones down", "x" * 201))),
                                  "Client.SchemaValidationError", "Subject"),
        "unknown enumeration value": (envelope(create(GOOD_CALL.replace(">High<", ">Urgent<"))),
                                      "Client.SchemaValidationError", "Priority"),
        "SOAP 1.2 envelope": (envelope(create()).replace(SOAP.encode(), b"http://www.w3.org/2003/05/soap-envelope"),
                              "VersionMismatch", None),
        "control character": (envelope(create(GOOD_CALL.replace("Phones down", "Phones&#1;down"))),
                              "Client.MalformedRequest", None),
    }


def test_every_hostile_input_gets_a_documented_fault_and_changes_nothing(server, tmp_path, trap):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-FILE-CONTENT")
    trap_url, hits = trap
    before = server.sql("SELECT count(*) FROM calls")[0][0]
    cases = catalogue(secret, trap_url)
    for name, (body, code, field) in cases.items():
        response = post(server, body)
        assert response.status_code == 500, (name, response.status_code)
        got = fault(response)
        assert got["code"] == code, (name, got)
        if field:
            assert got["field"] == field, (name, got)
        assert "TOP-SECRET" not in response.text and "FETCHED" not in response.text
    assert server.sql("SELECT count(*) FROM calls")[0][0] == before
    assert hits == [], "an external entity was fetched"
    # ...and the server still serves a normal request.
    ok = post(server, envelope(create()))
    assert ok.status_code == 200 and b"CreateCallResult" in ok.content


def test_limits_and_wrong_soapaction_and_edges(server):
    big = envelope(create(GOOD_CALL.replace("Phones down", "y" * 200))).replace(
        b"</h:Call>", b"<!--" + b"z" * (11 * 1024 * 1024) + b"--></h:Call>")
    got = fault(post(server, big))
    assert got["code"] == "Client.RequestTooLarge" and int(got["limit"]) == 10 * 1024 * 1024

    def chunks():  # no Content-Length at all: the limit must hold while streaming
        yield envelope(create())[:50]
        for _ in range(200):
            yield b" " * 65536
    got = fault(post(server, chunks()))
    assert got["code"] == "Client.RequestTooLarge"

    got = fault(post(server, envelope(create()), headers={"SOAPAction": '"GetCallData"'}))
    assert got["code"] == "Client.SoapActionMismatch" and got["field"] == "SOAPAction"
    for action in ('"CreateCall"', '""', f'"{TNS}/CreateCall"', f'"{TNS}#CreateCall"'):
        assert post(server, envelope(create()), headers={"SOAPAction": action}).status_code == 200

    # GET /helpdesk answers the service page (tests/e2e/test_ops.py); PUT is refused.
    for method, path, status, code in (("PUT", "/helpdesk", 405, "Client.MethodNotAllowed"),
                                       ("POST", "/nowhere", 404, "Client.NotFound")):
        response = requests.request(method, server.url + path, data=b"x", timeout=10,
                                    headers={"Content-Type": "text/xml; charset=utf-8"})
        assert response.status_code == status and fault(response)["code"] == code


def test_text_survives_byte_for_byte(server):
    client = server.client("acme-tts")
    tricky = {
        "Subject": "'; DROP TABLE calls; -- \" OR 1=1 /* %s %(x)s $1 ?",
        "Description": ("שלום עולם مرحبا بالعالم " + "e\u0301\u0302\u0303 " + "🛫✈️🛬 " + "ß∑≈ç√∫ ") * 1500,
        "ReporterName": "\u202eevil\u202c Ñandú O'Brien <b>&amp;</b>",
    }
    call_id = client.service.CreateCall(Call={"CustomerId": "ACME", "Priority": "Low",
                                              "Category": "Question", "Description": "Tricky.", **tricky}).CallId
    data = client.service.GetCallData(CallId=call_id)
    assert data.Subject == tricky["Subject"]
    assert data.Description == tricky["Description"] and len(data.Description) > 60_000
    staff_view = server.sql("SELECT reporter_name FROM calls WHERE id = :i", i=call_id)[0][0]
    assert staff_view == tricky["ReporterName"]


def test_forbidden_characters_are_cleaned_in_and_replaced_out(server):
    client = server.client("acme-tts")
    call_id = client.service.CreateCall(Call={"CustomerId": "ACME", "Subject": "ctrl", "Priority": "Low",
                                              "Category": "Question", "Description": "Forbidden."}).CallId
    # In: the CLI (like e-mail and staff tools) drops what XML 1.0 cannot carry.
    server.cli("call", "add-history", str(call_id), "bell\x07 and\x1b escape")
    # Out: a row written by some other tool still yields a well-formed response.
    server.sql("INSERT INTO call_entries (call_id, kind, visibility, author, text, created_at) "
               "VALUES (:c, 'History', 'Public', 'legacy', :t, CURRENT_TIMESTAMP)", c=call_id,
               t="legacy\x01import")
    texts = [h.Text for h in client.service.GetCallData(CallId=call_id).HistoryEntries.HistoryEntry]
    assert "bell and escape" in texts
    assert "legacy\ufffdimport" in texts
