"""The gateway with authentication's work taken out, for the benchmark only.

    python -m bench.known_caller HOST:PORT

Serves the database of ``HELPDESK_DATABASE_URL`` with the same gunicorn settings as
``helpdesk-soap serve``. Each worker authenticates its first request with a session
token, and its first without, for real; from then on it takes the caller of each kind as
known: the principal is set and nothing is read or checked. (The benchmark sends one
caller of each kind, so telling them apart costs no more than looking for a token.)
The workers' CPU per request against ``serve``'s, for the same requests, is what
authentication adds to a request over HTTP (``extras.auth_share_http``). Never a way
to run the service.
"""

from __future__ import annotations

import sys
from dataclasses import replace

from helpdesk_soap.config import Config
from helpdesk_soap.server import GatewayServer


def taking_callers_as_known(authenticate):
    """A stand-in for ``GatewayApplication._authenticate`` that calls ``authenticate`` for
    the first request with a session token and the first without, and from then on sets
    the principal (and token) they gave, checking nothing. The benchmark's baseline for
    what authentication adds, over HTTP here and in-process (``extras.auth_share``)."""
    known: dict[bool, tuple] = {}

    def already_known(app, ctx, scope) -> None:
        caller = ctx.in_header is not None and bool(getattr(ctx.in_header, "Token", None))
        if caller not in known:
            authenticate(app, ctx, scope)
            known[caller] = (scope.principal, scope.token)
        scope.principal, scope.token = known[caller]

    return already_known


class KnownCallerServer(GatewayServer):
    def load(self):
        from helpdesk_soap.soap.app import GatewayApplication

        GatewayApplication._authenticate = taking_callers_as_known(
            GatewayApplication._authenticate)
        return super().load()


def main(argv: list[str] | None = None) -> None:
    bind, = (argv if argv is not None else sys.argv[1:])
    KnownCallerServer(replace(Config.from_env(), bind=bind)).run()


if __name__ == "__main__":
    main()
