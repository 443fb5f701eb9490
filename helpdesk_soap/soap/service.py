"""The /helpdesk service: thin @rpc methods over the services.

Each method converts wire values to plain ones, calls one service function and
converts the result back. Authentication, the unit of work and fault
translation happen around every method, in ``HelpdeskApplication.call_wrapper``.
"""

from __future__ import annotations

from spyne import Boolean, Integer64, ServiceBase, Unicode, rpc

from ..services import calls
from . import faults as f
from . import types as t


class HelpdeskService(ServiceBase):
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
