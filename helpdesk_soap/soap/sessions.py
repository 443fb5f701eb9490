"""Login, Logout and ChangePassword, shared by both services' @rpc methods."""

from __future__ import annotations

from spyne import Unicode, rpc

from ..services import auth
from . import convert
from . import faults as f
from . import types as t

#: Faults of Login: the credentials are in the body, so no session faults.
LOGIN_FAULTS = [f.AuthenticationFailed, f.AccessDenied, f.ServiceUnavailable, f.InvalidArgument,
                f.ConfigurationError, f.Unavailable, f.InternalError]


def login_rpc():
    """Both services' Login on the wire: LoginName and Password in, the session out."""
    return rpc(t.req(Unicode, max_len=254), t.req(Unicode, max_len=1024),
               _returns=t.req(t.SessionInfo), _throws=LOGIN_FAULTS)


def login(ctx, name: str, password: str) -> t.SessionInfo:
    scope = ctx.udc
    principal, grant = auth.open_session(scope.uow, ctx.app.runtime.verifier, name, password)
    auth.require_role(principal, *ctx.app.roles)
    return convert.session_info(principal, grant, auth.own_customer_number(scope.uow, principal))


def logout(ctx) -> None:
    header = ctx.in_header
    auth.close_session(ctx.udc.uow, header.Token if header is not None else None)


def change_password(ctx, old: str, new: str) -> None:
    scope = ctx.udc
    auth.change_password(scope.uow, ctx.app.runtime.verifier, scope.principal, old, new, scope.token)
