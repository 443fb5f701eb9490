"""Login, Logout and ChangePassword, shared by both services' @rpc methods."""

from __future__ import annotations

from ..services import auth
from . import convert
from . import types as t


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
