"""The /helpdesk service: thin @rpc methods over the services.

Each method converts wire values to plain ones, calls one service function and
converts the result back. Authentication, the unit of work and fault
translation happen around every method, in ``GatewayApplication.call_wrapper``.
"""

from __future__ import annotations

from spyne import Boolean, ByteArray, Integer32, Integer64, ServiceBase, Unicode, rpc

from ..domain import model as dm
from ..services import attachments, calls, tokens, workflow
from . import answers
from . import faults as f
from . import sessions
from . import convert
from . import types as t
from .streaming import content


class HelpdeskService(ServiceBase):
    """The customer side: ticket systems (integration logins) and people at customers.

    Authenticate with a WS-Security UsernameToken header on every request, or
    call Login once and send the token in the Session header.
    """

    __in_header__ = t.Session

    @sessions.login_rpc()
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
        tokens.request_password_reset(ctx.udc.uow, LoginName, public_url=ctx.udc.public_url)

    @rpc(t.req(t.NewCall), _returns=t.req(t.CreateCallResult), _throws=[*f.COMMON, f.MissingField])
    def CreateCall(ctx, Call):
        """Create and start a service call. A retry with the same ExternalTicketId returns the same call."""
        scope = ctx.udc
        return convert.create_result(calls.create_call(scope.uow, scope.principal, convert.call_request(Call)))

    @rpc(t.req(Integer64), _returns=t.req(t.CallDataResult), _throws=[*f.COMMON, f.CallNotFound])
    def GetCallData(ctx, CallId):
        """A call's status, public history entries, contact entries and (where visible) result."""
        scope = ctx.udc
        return answers.call_data(calls.get_call_data(scope.uow, scope.principal, CallId,
                                                     scope.replica, scope.public_url),
                                 scope.answers)

    @rpc(t.req(Integer64), t.req(Boolean), t.opt(Unicode, max_len=4000),
         _returns=t.req(t.SolutionAcceptanceResult),
         _throws=[*f.COMMON, f.CallNotFound, f.NoSolutionProposed, f.SolutionAlreadyAnswered])
    def SetSolutionAcceptance(ctx, CallId, Accepted, Comment):
        """Accept or reject the proposed solution. Sending the same answer again changes nothing."""
        scope = ctx.udc
        return convert.acceptance_result(calls.set_solution_acceptance(
            scope.uow, scope.principal, CallId, Accepted, Comment))

    @rpc(t.opt(Integer32), t.opt(Integer32), t.opt(Unicode, max_len=64), t.opt(t.Stage),
         t.opt(t.Category), t.opt(Unicode, max_len=200), t.opt(Unicode, max_len=200),
         t.opt(Integer32), _returns=t.req(t.CallOverview), _throws=f.COMMON)
    def ListCalls(ctx, Year, Month, Status, Stage, Category, SubjectContains, Cursor, PageSize):
        """The login's calls, newest first, optionally filtered by year and month of creation,
        status, stage, category and text in the subject. Page on with NextCursor; PageSize is
        at most 100 (default 50). TotalMinutesSpent covers every call the filter matches."""
        scope = ctx.udc
        # `is not None`: a Spyne enumeration's first value (Draft, Question) is falsy.
        stage = dm.Stage(str(Stage)) if Stage is not None else None
        category = dm.Category(str(Category)) if Category is not None else None
        where = workflow.OverviewFilter(Year, Month, Status, stage, category,
                                        SubjectContains)
        return convert.call_overview(workflow.list_calls(scope.uow, scope.principal, where, Cursor, PageSize))

    @rpc(t.req(Integer64), t.opt(Integer32), _returns=t.req(t.ChangedCalls), _throws=f.COMMON)
    def GetChangedCalls(ctx, Since, PageSize):
        """Calls whose customer-visible state changed after the watermark Since (0 the first
        time): a public entry, the status, the result, the solution or an attachment. Send
        the returned Watermark next time; while MoreAvailable, ask again at once."""
        scope = ctx.udc
        return convert.changed_calls(workflow.changed_calls(scope.uow, scope.principal, Since, PageSize))

    @rpc(t.req(Integer64), t.req(Unicode, max_len=t.MAX_TEXT), _returns=t.req(t.NoteResult),
         _throws=[*f.COMMON, f.CallNotFound, f.CallClosed])
    def AddCallNote(ctx, CallId, Text):
        """Reply to a call: the text joins its public history, and staff see it as unread."""
        added = workflow.add_note(ctx.udc.uow, ctx.udc.principal, CallId, Text)
        return t.NoteResult(CallId=CallId, CreatedAt=added.entry.created_at,
                            Status=convert.status_info(added.status))

    @rpc(t.req(Integer64), t.req(Unicode, max_len=255, min_len=1), t.req(Unicode, max_len=200),
         t.req(ByteArray), _returns=t.req(t.AttachmentInfo),
         _throws=[*f.COMMON, f.CallNotFound, f.CallClosed, f.AttachmentTooLarge,
                  f.ContentTypeNotAllowed])
    def AddAttachment(ctx, CallId, FileName, ContentType, Content):
        """Attach a file (base64) to an existing, open call. Size and content types are limited
        by the helpdesk's settings; the answer carries the stored SHA-256 to check against."""
        scope = ctx.udc
        return convert.attachment_info(attachments.add_attachment(
            scope.uow, scope.principal, CallId, FileName, ContentType, content(ctx, "Content", Content)))

    @rpc(t.req(Integer64), t.req(Integer64), _returns=t.req(t.AttachmentData),
         _throws=[*f.COMMON, f.CallNotFound, f.AttachmentNotFound])
    def GetAttachment(ctx, CallId, AttachmentId):
        """One attachment of a call with its content (base64). GetCallData lists them."""
        scope = ctx.udc
        attachment, content = attachments.get_attachment(scope.uow, scope.principal, CallId, AttachmentId)
        return t.AttachmentData(Attachment=convert.attachment_info(attachment), Content=[content])

    @rpc(_returns=t.req(t.RequestTypeList), _throws=f.COMMON)
    def GetRequestTypes(ctx):
        """The fields each category of call takes, and which CreateCall requires: the rules
        CreateCall applies now (admins may change them). An unattended caller reads them to
        know what to send; Client.MissingField names the first field missing and its message
        all of them."""
        return convert.request_types(workflow.request_types(ctx.udc.uow))

    @rpc(_returns=t.req(t.StatusDefinitionList), _throws=f.COMMON)
    def GetStatuses(ctx):
        """The configured call statuses, their stages and whether they are final."""
        return [convert.status_definition(s) for s in workflow.statuses(ctx.udc.uow)]
