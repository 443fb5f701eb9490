"""The floor: a WSGI app that answers every POST with the same pre-built bytes.

It parses nothing, checks nothing and touches no database: what gunicorn,
HTTP and the load generator cost on their own. Served under the very same
gunicorn settings as the gateway (``FloorServer`` only swaps the app).
"""

from __future__ import annotations

from helpdesk_soap.server import GatewayServer


class FloorApp:
    def __init__(self, response: bytes):
        self.response = response
        self.headers = [("Content-Type", "text/xml; charset=utf-8"),
                        ("Content-Length", str(len(response)))]

    def __call__(self, environ, start_response):
        stream = environ["wsgi.input"]
        while stream.read(65536):
            pass  # drain the request, as any server must
        start_response("200 OK", self.headers)
        return [self.response]


class FloorServer(GatewayServer):
    def __init__(self, config, response: bytes):
        self.response = response
        super().__init__(config)

    def load(self):
        return FloorApp(self.response)


def main(argv=None) -> None:
    """python -m bench.floor BIND RESPONSE_FILE: serve the floor under the gateway's settings."""
    import sys
    from pathlib import Path

    from helpdesk_soap.config import Config

    bind, response = (argv or sys.argv[1:])[:2]
    config = Config.from_env(bind=bind)
    FloorServer(config, Path(response).read_bytes()).run()


if __name__ == "__main__":
    main()
