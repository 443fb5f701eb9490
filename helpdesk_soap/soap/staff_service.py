"""The /staff service: the helpdesk's own people and tools. Staff and admin logins only.

Internal entries are visible here and never through /helpdesk. Every change
is recorded in the call's history with the login that made it.
"""

from __future__ import annotations

from spyne import Boolean, ByteArray, DateTime, Integer32, Integer64, ServiceBase, Unicode, rpc

from ..domain import model as dm
from ..domain.request_types import FieldState
from ..services import attachments, commlog, desk_admin, request_types, staff, tokens
from . import commlog_types as ct
from . import faults as f
from . import sessions
from . import staff_types as st
from . import convert
from . import types as t
from .streaming import content

CALL_FAULTS = [*f.COMMON, f.UnknownReference]


def _author(ctx) -> str:
    return ctx.udc.principal.login_name


class StaffService(ServiceBase):
    __in_header__ = t.Session

    @sessions.login_rpc()
    def Login(ctx, LoginName, Password):
        """Open a session for a staff or admin login."""
        return sessions.login(ctx, LoginName, Password)

    @rpc(_throws=f.COMMON)
    def Logout(ctx):
        sessions.logout(ctx)

    @rpc(t.opt(Unicode, max_len=64), t.opt(t.Stage), t.opt(Unicode, max_len=64), t.opt(DateTime),
         t.opt(Unicode, max_len=200), t.opt(Integer32), _returns=t.req(st.CallList), _throws=CALL_FAULTS)
    def ListCalls(ctx, Status, Stage, CustomerId, ChangedSince, Cursor, PageSize):
        """Calls in order of last change, filtered; page on with NextCursor (PageSize at most 200)."""
        where = staff.CallFilter(Status, str(Stage) if Stage is not None else None, CustomerId, ChangedSince)
        return st.call_list(staff.list_calls(ctx.udc.uow, where, Cursor, PageSize))

    @rpc(t.req(Integer64), _returns=t.req(st.StaffCallData), _throws=CALL_FAULTS)
    def GetCall(ctx, CallId):
        """The whole call, internal entries and assignments included; marks it seen for the caller."""
        return st.staff_call(staff.get_call(ctx.udc.uow, ctx.udc.principal, CallId))

    @rpc(t.req(Integer64), t.req(t.EntryKind), t.req(Unicode, max_len=t.MAX_TEXT), t.req(t.Visibility),
         t.opt(t.ContactType), t.opt(Unicode, max_len=500), _returns=t.req(st.ChangeResult),
         _throws=CALL_FAULTS)
    def AddEntry(ctx, CallId, Kind, Text, Visibility, ContactType, Path):
        """Add a history or contact entry, public (the customer sees it) or internal."""
        return st.change_result(staff.add_entry(
            ctx.udc.uow, CallId, dm.EntryKind(str(Kind)), Text, author=_author(ctx),
            visibility=dm.Visibility(str(Visibility)),
            contact_type=dm.ContactType(str(ContactType)) if ContactType else None, path=Path))

    @rpc(t.req(Integer64), t.req(Unicode, max_len=64), _returns=t.req(st.ChangeResult),
         _throws=CALL_FAULTS)
    def SetStatus(ctx, CallId, Status):
        return st.change_result(staff.set_status(ctx.udc.uow, CallId, Status, author=_author(ctx)))

    @rpc(t.req(Integer64), t.req(Unicode, max_len=t.MAX_TEXT), _returns=t.req(st.ChangeResult),
         _throws=CALL_FAULTS)
    def SetResult(ctx, CallId, Result):
        return st.change_result(staff.set_result(ctx.udc.uow, CallId, Result, author=_author(ctx)))

    @rpc(t.req(Integer64), t.req(Unicode, max_len=t.MAX_TEXT), _returns=t.req(st.ChangeResult),
         _throws=CALL_FAULTS)
    def ProposeSolution(ctx, CallId, Solution):
        """Propose a solution; the customer side accepts or rejects it with SetSolutionAcceptance."""
        return st.change_result(staff.propose_solution(ctx.udc.uow, CallId, Solution, author=_author(ctx)))

    @rpc(t.req(Integer64), t.req(Unicode, max_len=200), t.req(t.AssignmentState),
         _returns=t.req(st.ChangeResult), _throws=CALL_FAULTS)
    def AssignTechnician(ctx, CallId, Technician, State):
        """Mark a technician as Requested, Assigned or Available for a call; new ones show as unseen."""
        return st.change_result(staff.assign(ctx.udc.uow, CallId, Technician,
                                             dm.AssignmentState(str(State)), author=_author(ctx)))

    @rpc(t.req(Integer64), t.req(Unicode, max_len=200), _returns=t.req(st.ChangeResult),
         _throws=CALL_FAULTS)
    def UnassignTechnician(ctx, CallId, Technician):
        return st.change_result(staff.unassign(ctx.udc.uow, CallId, Technician, author=_author(ctx)))

    @rpc(t.req(Unicode, max_len=64), t.req(Unicode, max_len=254), _returns=t.req(DateTime),
         _throws=[*CALL_FAULTS, f.AlreadyExists])
    def InviteLogin(ctx, CustomerId, Email):
        """Invite an e-mail address to become a customer login: a one-time link is mailed to it.
        Returns when the invitation expires."""
        return tokens.invite_login(ctx.udc.uow, ctx.udc.principal, CustomerId, Email,
                                   public_url=ctx.udc.public_url).expires_at

    @rpc(t.opt(Unicode, max_len=64), t.opt(Unicode, max_len=200), t.req(Boolean), _throws=CALL_FAULTS)
    def SetPortalActive(ctx, CustomerId, Organisation, Active):
        """Admins only: switch a customer's or organisation's portal on or off."""
        desk_admin.set_portal_active(ctx.udc.uow, ctx.udc.principal, Active,
                                     customer_number=CustomerId, organisation=Organisation)

    @rpc(t.req(Integer64), t.req(Unicode, max_len=255, min_len=1), t.req(Unicode, max_len=200),
         t.req(ByteArray), t.req(t.Visibility), _returns=t.req(t.AttachmentInfo),
         _throws=[*CALL_FAULTS, f.AttachmentTooLarge, f.ContentTypeNotAllowed])
    def AddAttachment(ctx, CallId, FileName, ContentType, Content, Visibility):
        """Attach a file to a call: Public (the customer sees it) or Internal."""
        return convert.attachment_info(attachments.add_attachment(
            ctx.udc.uow, ctx.udc.principal, CallId, FileName, ContentType, content(ctx, "Content", Content),
            visibility=dm.Visibility(str(Visibility))))

    @rpc(t.req(Integer64), t.req(Integer64), _returns=t.req(t.AttachmentData),
         _throws=[*CALL_FAULTS, f.AttachmentNotFound])
    def GetAttachment(ctx, CallId, AttachmentId):
        attachment, content = attachments.get_attachment(ctx.udc.uow, ctx.udc.principal, CallId, AttachmentId)
        return t.AttachmentData(Attachment=convert.attachment_info(attachment), Content=[content])

    @rpc(t.req(Integer64), t.req(Integer32), t.opt(Unicode, max_len=4000), t.opt(Unicode, max_len=200),
         _returns=t.req(st.ChangeResult), _throws=CALL_FAULTS)
    def RecordTime(ctx, CallId, Minutes, Note, Technician):
        """Record minutes a technician (the caller, unless named) spent on a call. Customers see
        the sum as the time spent on their call."""
        return st.change_result(staff.record_time(
            ctx.udc.uow, CallId, Minutes, Note, technician=Technician, author=_author(ctx)))

    @rpc(_returns=t.req(st.RequestTypeConfigList), _throws=f.COMMON)
    def GetRequestTypeConfiguration(ctx):
        """Admins only: each category's fields, with those it does not ask for."""
        return [st.request_type_config(c)
                for c in request_types.configuration(ctx.udc.uow, ctx.udc.principal)]

    @rpc(t.req(t.Category), t.req(Unicode, max_len=64), t.req(st.RequestFieldState),
         t.opt(Unicode, max_len=200), t.opt(Integer32), _returns=t.req(st.RequestTypeConfig),
         _throws=f.COMMON)
    def SetRequestTypeField(ctx, Category, Field, State, Label, MaxLength):
        """Admins only: make a field of a category Required, Optional or Absent (not asked
        for). A Label or MaxLength not sent stays as it was. CreateCall and GetRequestTypes
        follow at once. Subject and Priority stay required; MaxLength is at most what
        CreateCall carries (Client.InvalidArgument names the field at fault)."""
        return st.request_type_config(request_types.set_field(
            ctx.udc.uow, ctx.udc.principal, dm.Category(str(Category)), Field,
            FieldState(str(State)), Label, MaxLength))

    @rpc(t.req(t.Category), _returns=t.req(st.RequestTypeConfig), _throws=f.COMMON)
    def ResetRequestType(ctx, Category):
        """Admins only: give a category the default set's fields again."""
        return st.request_type_config(request_types.reset(ctx.udc.uow, ctx.udc.principal,
                                                          dm.Category(str(Category))))

    # The communication log (issue 28; services/commlog.py holds the rules).

    @rpc(t.opt(Unicode, max_len=200), t.req(Integer32), _returns=t.req(DateTime), _throws=CALL_FAULTS)
    def CommlogEnable(ctx, LoginName, Minutes):
        """Admins only: record the login's requests and answers (every login's, without
        LoginName) for Minutes (at most 7 days), masked. Returns when recording stops."""
        return commlog.enable(ctx.udc.uow, ctx.udc.principal, LoginName, Minutes)

    @rpc(t.opt(Unicode, max_len=200), _returns=t.req(Boolean), _throws=CALL_FAULTS)
    def CommlogDisable(ctx, LoginName):
        """Admins only: stop recording the login (the switch for every login, without
        LoginName). Returns whether it was on."""
        return commlog.disable(ctx.udc.uow, ctx.udc.principal, LoginName)

    @rpc(t.opt(Unicode, max_len=200), t.opt(Integer64), t.opt(Integer32),
         _returns=t.req(ct.CommlogList), _throws=CALL_FAULTS)
    def ListCommlog(ctx, LoginName, BeforeId, PageSize):
        """Recorded exchanges, newest first (of one login, or all); page on with BeforeId
        (the last EntryId seen). PageSize at most 200."""
        return ct.entry_list(commlog.entries(ctx.udc.uow, ctx.udc.principal, LoginName, BeforeId,
                                             PageSize))

    @rpc(t.req(Integer64), _returns=t.req(ct.CommlogEntry), _throws=CALL_FAULTS)
    def GetCommlogEntry(ctx, EntryId):
        """One recorded exchange: the request and answer envelopes, secrets masked."""
        return ct.entry(commlog.entry(ctx.udc.uow, ctx.udc.principal, EntryId))
