"""The HTTP edge's pure framing logic: where a chunked body ends, what broken framing is
answered with, and how much of the caller's input a fault may quote."""

from __future__ import annotations

import pytest
from gunicorn.http import errors

from helpdesk_soap.config import Config
from helpdesk_soap.domain.text import QUOTE_LIMIT, clip
from helpdesk_soap.edge.framing import ChunkScanner, Refusal, head_end, refusal_for, timed_out
from helpdesk_soap.soap.faults import CATALOGUE

BODY = b"5\r\nhello\r\n3;ext=1\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n"


def test_a_chunked_body_ends_where_its_last_chunk_and_trailer_end():
    scanner = ChunkScanner(limit=100)
    assert scanner.feed(BODY + b"NEXT REQUEST") == len(BODY)
    assert scanner.size == 8


def test_a_chunked_body_fed_byte_by_byte_ends_at_the_same_place():
    scanner = ChunkScanner(limit=100)
    ends = [i for i, byte in enumerate(BODY) if scanner.feed(bytes([byte])) is not None]
    assert ends == [len(BODY) - 1]


@pytest.mark.parametrize("body, code", [
    (b"zz\r\n", "Client.MalformedHttp"),
    (b"0x5\r\nhello\r\n", "Client.MalformedHttp"),
    (b"-5\r\n", "Client.MalformedHttp"),
    (b"F" * 17 + b"\r\n", "Client.MalformedHttp"),
    (b"5\nhello\r\n", "Client.MalformedHttp"),
    (b"5\r\nhelloXX", "Client.MalformedHttp"),
    (b"5" * 2000, "Client.MalformedHttp"),
    (b"65\r\n", "Client.RequestTooLarge"),
    (b"1\r\nx\r\n" * 60, "Client.RequestTooLarge"),
])
def test_broken_or_oversized_chunked_framing_is_refused_with_a_documented_code(body, code):
    with pytest.raises(Refusal) as refused:
        ChunkScanner(limit=100 if code != "Client.RequestTooLarge" or b"65" in body else 50).feed(body)
    assert refused.value.code == code and code in CATALOGUE


def test_the_raw_size_of_tiny_chunks_is_bounded_too():
    scanner = ChunkScanner(limit=10)
    scanner._raw = 2 * 10 + 64 * 1024  # as if that much framing had arrived
    with pytest.raises(Refusal) as refused:
        scanner.feed(b"0")
    assert refused.value.code == "Client.RequestTooLarge"


def test_head_end():
    assert head_end(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nbody") == 27
    assert head_end(b"GET / HTTP/1.1\r\nHost: x\r\n") is None
    assert head_end(b"GET / HTTP/1.1\nHost: x\n\n") == 24


@pytest.mark.parametrize("exc, status, code", [
    (errors.InvalidHeaderName("Bad Name"), "400", "Client.MalformedHttp"),
    (errors.InvalidRequestLine("x"), "400", "Client.MalformedHttp"),
    (errors.UnsupportedTransferCoding("rot13"), "501", "Client.UnsupportedTransferCoding"),
    (errors.LimitRequestHeaders("too many"), "431", "Client.HeadersTooLarge"),
    (errors.ExpectationFailed("202-accepted"), "417", "Client.MalformedHttp"),
])
def test_gunicorns_parse_errors_become_documented_faults(exc, status, code):
    refusal = refusal_for(exc)
    assert refusal.status.startswith(status) and refusal.code == code and code in CATALOGUE


def test_a_parse_error_quoting_a_huge_value_is_cut():
    refusal = refusal_for(errors.InvalidHeaderName("N" * 100_000))
    assert len(refusal.message) < 200 and refusal.message.endswith("…")


def test_clip():
    assert clip("short") == "short"
    cut = clip("x" * 1000)
    assert len(cut) == QUOTE_LIMIT and cut.endswith("…")


def test_timeouts_are_configured_from_the_environment():
    config = Config.from_env({"HELPDESK_HEADER_TIMEOUT": "3", "HELPDESK_REQUEST_READ_TIMEOUT": "1.5",
                              "HELPDESK_REQUEST_TIMEOUT": "30", "HELPDESK_KEEPALIVE_TIMEOUT": "0"})
    assert (config.header_timeout, config.request_read_timeout, config.request_timeout,
            config.keepalive_timeout) == (3, 1.5, 30, 0)
    with pytest.raises(ValueError, match="HELPDESK_HEADER_TIMEOUT must be positive"):
        Config.from_env({"HELPDESK_HEADER_TIMEOUT": "0"})
    assert "1.5 s" in timed_out("request body", 1.5).message
