"""The floor: a WSGI app that answers every POST with the same pre-built bytes.

It parses nothing, checks nothing and touches no database: what gunicorn,
HTTP and the load generator cost on their own. Served under the very same
gunicorn settings as the gateway (``FloorServer`` only swaps the app).

It may also be given other bytes for other paths (the benchmark gives ``/own/0`` a
CreateCall's response, and so on), so that the floor of an operation can move exactly the
bytes the gateway's answer to it moves (GetCallData with 500 entries answers 130 KB).
"""

from __future__ import annotations

from helpdesk_soap.server import GatewayServer


class FloorApp:
    def __init__(self, response: bytes, by_path: dict[str, bytes] | None = None):
        self.answers = {path: (_headers(body), body) for path, body in (by_path or {}).items()}
        self.default = (_headers(response), response)

    def __call__(self, environ, start_response):
        stream = environ["wsgi.input"]
        while stream.read(65536):
            pass  # drain the request, as any server must
        headers, body = self.answers.get(environ.get("PATH_INFO"), self.default)
        start_response("200 OK", headers)
        return [body]


def _headers(body: bytes) -> list[tuple[str, str]]:
    return [("Content-Type", "text/xml; charset=utf-8"), ("Content-Length", str(len(body)))]


class FloorServer(GatewayServer):
    def __init__(self, config, response: bytes, by_path: dict[str, bytes] | None = None):
        self.response = response
        self.by_path = by_path
        super().__init__(config)

    def load(self):
        return FloorApp(self.response, self.by_path)


def main(argv=None) -> None:
    """python -m bench.floor BIND RESPONSE_FILE [PATH=RESPONSE_FILE ...]: serve the floor
    under the gateway's settings, answering PATH with the bytes of its own file."""
    import sys
    from pathlib import Path

    from helpdesk_soap.config import Config

    bind, response, *others = argv or sys.argv[1:]
    by_path = {path: Path(file).read_bytes() for path, file in (o.split("=", 1) for o in others)}
    config = Config.from_env(bind=bind)
    FloorServer(config, Path(response).read_bytes(), by_path).run()


if __name__ == "__main__":
    main()
