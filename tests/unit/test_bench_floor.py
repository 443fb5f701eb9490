"""The benchmark's floor app: fixed bytes, by path, for any request."""

from __future__ import annotations

import io

from bench.floor import FloorApp


def answer(app, path: str, body: bytes = b"<request/>") -> tuple[str, dict, bytes]:
    seen = {}

    def start_response(status, headers):
        seen.update(status=status, headers=dict(headers))

    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "wsgi.input": io.BytesIO(body)}
    out = b"".join(app(environ, start_response))
    assert environ["wsgi.input"].read() == b""  # drained, as any server must
    return seen["status"], seen["headers"], out


def test_the_floor_answers_each_path_with_its_own_bytes_and_any_other_with_the_default():
    app = FloorApp(b"<default/>", {"/own/0": b"<a-longer-answer/>"})
    status, headers, body = answer(app, "/own/0", b"x" * 200_000)
    assert status == "200 OK" and body == b"<a-longer-answer/>"
    assert headers["Content-Length"] == str(len(body))
    _, headers, body = answer(app, "/helpdesk")
    assert body == b"<default/>" and headers["Content-Length"] == "10"
