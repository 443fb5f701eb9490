"""Large requests, in-process against the real WSGI app, store and file store: base64 content
streams to disk, and every refusal leaves nothing behind (no row, no file)."""

from __future__ import annotations

import base64
import hashlib
import io
import os

import pytest
from lxml import etree

from helpdesk_soap.config import Config
from helpdesk_soap.domain.model import Role
from helpdesk_soap.services import admin
from helpdesk_soap.soap.app import create_app
from helpdesk_soap.soap.streaming import STREAM_ABOVE
from helpdesk_soap.soap.types import TNS
from tests.support.wsgi_soap import CREATE, SOAP, call, envelope, fault_of

LARGE = STREAM_ABOVE  # bytes of content: its base64 is well over the streaming threshold


@pytest.fixture
def store(tmp_path):
    return tmp_path / "attachments"


@pytest.fixture
def app(engine, seeded, database_url, store, uow_factory):
    with uow_factory() as uow:
        admin.add_login(uow, "tech", None, "tech-password", role=Role.STAFF)
    gateway = create_app(Config(database_url=database_url, attachment_dir=str(store)))
    yield gateway
    gateway.close()


@pytest.fixture
def call_id(app) -> int:
    status, _, body = call(app, body=envelope("CreateCall", CREATE))
    assert status.startswith("200"), body
    return int(etree.fromstring(body).findtext(f".//{{{TNS}}}CallId"))


def attach(call_id: int, content: str, *, file_name="big.pdf", content_type="application/pdf",
           staff=False) -> bytes:
    inner = (f"<h:CallId>{call_id}</h:CallId><h:FileName>{file_name}</h:FileName>"
             f"<h:ContentType>{content_type}</h:ContentType><h:Content>{content}</h:Content>")
    if staff:
        return envelope("AddAttachment", inner + "<h:Visibility>Internal</h:Visibility>",
                        user="tech", password="tech-password")
    return envelope("AddAttachment", inner)


def chunked(body: bytes) -> dict:
    """A request without Content-Length (Transfer-Encoding: chunked, as gunicorn passes it)."""
    return {"CONTENT_LENGTH": "", "HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": io.BytesIO(body)}


def files(store) -> list[str]:
    return sorted(p.name for p in store.rglob("*") if p.is_file()) if store.exists() else []


def attachment_rows(uow_factory, call_id: int) -> int:
    with uow_factory() as uow:
        return len(uow.attachments.for_call(call_id))


@pytest.mark.parametrize("path", ["/helpdesk", "/staff"])
@pytest.mark.parametrize("framing", ["length", "chunked"])
def test_a_large_attachment_is_staged_and_adopted_under_its_checksum(app, call_id, store, path, framing):
    content = os.urandom(LARGE)
    body = attach(call_id, base64.encodebytes(content).decode(), staff=path == "/staff")
    assert len(body) > STREAM_ABOVE
    status, _, answer = call(app, path=path, body=body, headers=chunked(body) if framing == "chunked" else {})
    assert status.startswith("200"), answer
    sha256 = hashlib.sha256(content).hexdigest()
    assert etree.fromstring(answer).findtext(f".//{{{TNS}}}Sha256") == sha256
    assert files(store) == [sha256]  # stored once, no staging file left
    assert (store / sha256[:2] / sha256[2:4] / sha256).read_bytes() == content


def test_the_same_content_large_or_small_gets_the_same_answer(app, call_id, store):
    content = os.urandom(LARGE)
    encoded = base64.b64encode(content).decode()
    _, _, streamed = call(app, body=attach(call_id, encoded))
    _, _, again = call(app, body=attach(call_id, encoded[:400]))  # small: read whole
    sha = [etree.fromstring(a).findtext(f".//{{{TNS}}}Sha256") for a in (streamed, again)]
    assert sha == [hashlib.sha256(content).hexdigest(), hashlib.sha256(content[:300]).hexdigest()]
    _, _, duplicate = call(app, body=attach(call_id, encoded))  # the same content is kept once
    assert etree.fromstring(duplicate).findtext(f".//{{{TNS}}}Sha256") == sha[0]
    assert files(store) == sorted(sha)


@pytest.mark.parametrize("bad", ["QUJ", "QQ==QUJD", "QUJD====", "QUJD\u00e9", "QU\u20acJD", "A" * 4001])
def test_bad_base64_gets_the_schema_fault_small_or_large_and_stores_nothing(app, call_id, store,
                                                                           uow_factory, bad):
    for content in (bad, "QUJD" * (LARGE // 3) + bad):
        status, headers, answer = call(app, body=attach(call_id, content))
        assert status.startswith("500") and headers["Content-Type"].startswith("text/xml")
        code, message = fault_of(answer)
        assert code == "Client.SchemaValidationError" and "base64Binary" in message
        assert etree.fromstring(answer).findtext(f".//{{{TNS}}}Field") == "Content"
        assert len(answer) < 2000  # the value is not echoed back
    assert files(store) == [] and attachment_rows(uow_factory, call_id) == 0


def test_an_oversized_or_refused_upload_leaves_no_file(app, call_id, store, uow_factory):
    with uow_factory() as uow:
        admin.set_setting(uow, "attachment_max_bytes", str(LARGE - 1))
    encoded = base64.b64encode(os.urandom(LARGE)).decode()
    status, _, answer = call(app, body=attach(call_id, encoded))
    assert status.startswith("500") and fault_of(answer)[0] == "Client.AttachmentTooLarge"
    _, _, answer = call(app, body=attach(call_id, encoded[:-8], content_type="application/x-msdownload"))
    assert fault_of(answer)[0] == "Client.ContentTypeNotAllowed"
    _, _, answer = call(app, body=attach(call_id + 1000, encoded[:-8]))
    assert fault_of(answer)[0] == "Client.CallNotFound"
    _, _, answer = call(app, body=attach(call_id, encoded[:-8]).replace(b"acme-password", b"wrong"))
    assert fault_of(answer)[0] == "Client.AuthenticationFailed"
    assert files(store) == [] and attachment_rows(uow_factory, call_id) == 0


def test_a_body_over_the_request_limit_is_refused_midway_and_leaves_no_file(engine, seeded, database_url,
                                                                            store, call_id):
    small = create_app(Config(database_url=database_url, attachment_dir=str(store),
                              max_request_bytes=2 * STREAM_ABOVE))
    try:
        body = attach(call_id, "QUJD" * STREAM_ABOVE)
        status, _, answer = call(small, body=body, headers=chunked(body))
    finally:
        small.close()
    assert status.startswith("500") and fault_of(answer)[0] == "Client.RequestTooLarge"
    assert files(store) == []


def test_a_dtd_in_a_large_body_is_refused_and_leaves_no_file(app, call_id, store):
    body = attach(call_id, "QUJD" * STREAM_ABOVE)
    for prolog in (b"<!DOCTYPE x>", b'<!DOCTYPE x [<!ENTITY a "b">]>'):
        status, _, answer = call(app, body=prolog + body)
        assert status.startswith("500")
        assert fault_of(answer) == ("Client.MalformedRequest", "A SOAP message must not contain a DTD.")
    assert files(store) == []


def test_a_processing_instruction_in_a_large_body_is_refused_and_leaves_no_file(app, call_id, store):
    body = attach(call_id, "QUJD" * STREAM_ABOVE)
    for changed in (b'<?x y?>' + body, body.replace(b"<h:Content>", b"<h:Content><?x y?>")):
        assert changed != body
        status, _, answer = call(app, body=changed)
        assert status.startswith("500")
        assert fault_of(answer) == ("Client.MalformedRequest",
                                    "A SOAP message must not contain processing instructions.")
    assert files(store) == []


def test_broken_large_bodies_get_the_guards_faults(app, call_id, store):
    body = attach(call_id, "QUJD" * STREAM_ABOVE)
    cut = body[:-40]  # ends inside the envelope
    _, _, answer = call(app, body=cut)
    code, message = fault_of(answer)
    assert code == "Client.MalformedRequest" and message.startswith("The request is not well-formed XML")
    _, _, answer = call(app, body=body, headers={"HTTP_SOAPACTION": '"urn:x#GetCallData"'})
    assert fault_of(answer)[0] == "Client.SoapActionMismatch"
    nested = body.replace(b"<h:Content>", b"<h:Content><h:x/>")
    _, _, answer = call(app, body=nested)
    assert fault_of(answer)[0] == "Client.SchemaValidationError"
    assert files(store) == []


def test_a_large_body_on_another_operation_answers_as_before(app):
    status, _, answer = call(app, body=envelope("CreateCall", CREATE.replace(
        "All phones are dead.", "x" * (2 * STREAM_ABOVE))))
    assert status.startswith("500") and fault_of(answer)[0] == "Client.SchemaValidationError"
    assert etree.fromstring(answer).findtext(f".//{{{TNS}}}Field") == "Description"
    status, _, answer = call(app, body=envelope("CreateCall", CREATE.replace(
        "<h:Call>", f"<!--{' ' * 2 * STREAM_ABOVE}--><h:Call>")))
    assert status.startswith("200"), answer
    assert etree.fromstring(answer).find(f"{{{SOAP}}}Body") is not None


def test_the_file_store_adopts_a_staged_file_once_and_refuses_foreign_paths(tmp_path):
    from helpdesk_soap.domain.attachments import StagedContent
    from helpdesk_soap.store.files import FileStore

    store = FileStore(tmp_path / "attachments")
    staged = []
    for _ in range(2):
        staging = store.stage()
        staging.write(b"same bytes")
        staged.append(staging.finish())
    sha256 = hashlib.sha256(b"same bytes").hexdigest()
    assert [store.adopt(s) for s in staged] == [sha256, sha256]
    store.discard(staged[0])  # a no-op once adopted
    assert store.get(sha256) == b"same bytes" and files(tmp_path / "attachments") == [sha256]
    outside = tmp_path / ".upload-elsewhere"
    outside.write_bytes(b"x")
    with pytest.raises(ValueError):
        store.adopt(StagedContent(str(outside), 1, sha256))
    assert outside.exists()
