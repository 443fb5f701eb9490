"""The /helpdesk service: thin @rpc methods over the services.

Each method converts wire values to plain ones, calls one service function and
converts the result back. Authentication, the unit of work and fault
translation happen around every method, in ``GatewayApplication.call_wrapper``.
"""

from __future__ import annotations

from spyne import Boolean, Integer64, ServiceBase, Unicode, rpc

from ..services import calls, tokens
from . import faults as f
from . import sessions
from . import types as t


#: Faults of Login: the credentials are in the body, so no session faults.
LOGIN_FAULTS = [f.AuthenticationFailed, f.AccessDenied, f.ServiceUnavailable, f.InvalidArgument,
                f.ConfigurationError, f.Unavailable, f.InternalError]


class HelpdeskService(ServiceBase):
    """The customer side: ticket systems (integration logins) and people at customers.

    Authenticate with a WS-Security UsernameToken header on every request, or
    call Login once and send the token in the Session header.
    """

    __in_header__ = t.Session

    @rpc(t.req(Unicode, max_len=254), t.req(Unicode, max_len=1024), _returns=t.req(t.SessionInfo),
         _throws=LOGIN_FAULTS)
    def Login(ctx, LoginName, Password):
        """Open a session: LoginName is the login's name (or customer number) or e-mail address."""
        return sessions.login(ctx, LoginName, Password)

    @rpc(_throws=f.COMMON)
    def Logout(ctx):
        """End the session whose token is in the Session header."""
        sessions.logout(ctx)

    @rpc(t.req(Unicode, max_len=1024), t.req(Unicode, max_len=1024), _throws=f.COMMON)
    def ChangePassword(ctx, OldPassword, NewPassword):
        """Change the caller's password; the login's other sessions end."""
        sessions.change_password(ctx, OldPassword, NewPassword)

    @rpc(t.req(Unicode, max_len=200), t.opt(Unicode, max_len=200), t.req(Unicode, max_len=1024),
         _returns=t.req(Unicode),
         _throws=[f.TokenInvalid, f.AlreadyExists, f.InvalidArgument, f.ConfigurationError,
                  f.Unavailable, f.InternalError])
    def ActivateLogin(ctx, Token, LoginName, Password):
        """Use a one-time token from an invitation (sets LoginName and Password: the login is
        created) or a password reset (sets Password). Returns the login's name. No credentials."""
        return tokens.activate(ctx.udc.uow, Token, LoginName, Password)

    @rpc(t.req(Unicode, max_len=254), _throws=[f.Unavailable, f.InternalError])
    def RequestPasswordReset(ctx, LoginName):
        """Mail a one-time reset link to the login (its name or e-mail address). Answers the
        same whether or not such a login exists. No credentials."""
        tokens.request_password_reset(ctx.udc.uow, LoginName)

    @rpc(t.req(t.NewCall), _returns=t.req(t.CreateCallResult), _throws=f.COMMON)
    def CreateCall(ctx, Call):
        """Create and start a service call. A retry with the same ExternalTicketId returns the same call."""
        scope = ctx.udc
        return t.create_result(calls.create_call(scope.uow, scope.principal, t.call_request(Call)))

    @rpc(t.req(Integer64), _returns=t.req(t.CallDataResult), _throws=[*f.COMMON, f.CallNotFound])
    def GetCallData(ctx, CallId):
        """A call's status, public history entries, contact entries and (where visible) result."""
        scope = ctx.udc
        return t.call_data(calls.get_call_data(scope.uow, scope.principal, CallId, scope.replica))

    @rpc(t.req(Integer64), t.req(Boolean), t.opt(Unicode, max_len=4000),
         _returns=t.req(t.SolutionAcceptanceResult),
         _throws=[*f.COMMON, f.CallNotFound, f.NoSolutionProposed, f.SolutionAlreadyAnswered])
    def SetSolutionAcceptance(ctx, CallId, Accepted, Comment):
        """Accept or reject the proposed solution. Sending the same answer again changes nothing."""
        scope = ctx.udc
        return t.acceptance_result(calls.set_solution_acceptance(
            scope.uow, scope.principal, CallId, Accepted, Comment or ""))
