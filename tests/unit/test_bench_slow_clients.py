"""The slow-client benchmark's pure parts: what a trickling client sends, and the report line."""

from __future__ import annotations

from bench.load import Result
from bench.slow_clients import body_trickle, head_trickle, lines, trickle_pieces


def test_a_trickled_request_is_sent_byte_by_byte_and_never_completes():
    head = head_trickle("127.0.0.1:1")
    pieces = trickle_pieces(head, 2)
    assert all(len(p) == 1 for p in pieces)
    assert b"".join(pieces) == head[:-2] and not b"".join(pieces).endswith(b"\r\n\r\n")
    body = body_trickle("h", b"<x/>")
    assert b"Content-Length: 104\r\n" in body and b"".join(trickle_pieces(body, 0)) == body


def test_the_report_line_names_p50_p99_and_failures():
    got = lines({"alone": Result(1000, 2.0, 0, 1.25, 3.5, 9.0),
                 "200 idle connections": Result(10, 2.0, 4, 1.0, 2.0, 3.0),
                 "10 trickling": Result(0, 5.0, 0, 0.0, 0.0, 0.0)})
    assert got == {"alone": "500 req/s, p50 1.2 ms, p99 3.5 ms",
                   "200 idle connections": "5 req/s, p50 1.0 ms, p99 2.0 ms, 4 failed",
                   "10 trickling": "no request answered in 5 s"}
