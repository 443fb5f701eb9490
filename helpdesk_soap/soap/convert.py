"""The /helpdesk service's wire values from the domain's, and back (the types: types.py)."""

from __future__ import annotations

from collections.abc import Mapping

from ..domain import model as dm
from ..domain.attachments import Attachment
from ..domain.request_types import FieldRule
from ..services.calls import AnswerOutcome, CallData, CreateOutcome
from ..services.workflow import Changes, Overview
from .types import (AttachmentInfo, CallDataResult, CallOverview, CallRow, ChangedCalls,
                    ContactEntry, CreateCallResult, HistoryEntry, NewCall, RequestField,
                    RequestType, SessionInfo, SolutionAcceptanceResult, StatusDefinition,
                    StatusInfo, WarningInfo)


def new(cls, **values):
    """``cls(**values)`` without Spyne's per-field ``__init__`` work, which was a sixth of
    GetCallData's time. The result is the same: every field set, missing ones None (our
    wire types have no defaults; a type with one, or with XML body fields, takes the
    ordinary constructor)."""
    fields = _PLAIN.get(cls)
    if fields is None:
        fti = cls.get_flat_type_info(cls)
        plain = cls.Attributes._xml_tag_body_as is None and all(
            t.Attributes.default is None and not t.Attributes.read_only for t in fti.values())
        fields = _PLAIN[cls] = tuple(fti) if plain else ()
    if not fields:
        return cls(**values)
    inst = cls.__new__(cls)
    inst.__dict__.update(dict.fromkeys(fields), **values)
    return inst


_PLAIN: dict[type, tuple[str, ...]] = {}


def call_request(wire: NewCall) -> dm.CallRequest:
    return dm.CallRequest(
        customer_number=wire.CustomerId, subject=wire.Subject,
        priority=dm.Priority(str(wire.Priority)), category=dm.Category(str(wire.Category)),
        description=wire.Description or "", external_ticket_id=wire.ExternalTicketId,
        service_level=wire.ServiceLevel, components=tuple(wire.Components or ()),
        reporter_name=wire.ReporterName, reporter_email=wire.ReporterEmail,
        reporter_phone=wire.ReporterPhone, installation=wire.Installation,
        first_occurred_at=wire.FirstOccurredAt, affected_domain=wire.AffectedDomain,
        browser=wire.Browser, hosting=wire.Hosting, responsible_user=wire.ResponsibleUser)


def status_info(status: dm.Status) -> StatusInfo:
    return new(StatusInfo, Code=status.code, Name=status.name, Stage=status.stage.value,
                      IsFinal=status.is_final)


def create_result(out: CreateOutcome) -> CreateCallResult:
    return new(
        CreateCallResult,
        CallId=out.call.id, ExternalTicketId=out.call.external_ticket_id, Created=out.created,
        CustomerKnown=out.customer_known,
        Status=status_info(out.status),
        Warnings=[new(WarningInfo, Code=w.code, Message=w.message) for w in out.warnings])


def core_fields(call: dm.Call, status: dm.Status, customer_number: str,
                result: str | None) -> dict:
    """The CallCore fields of a call, for either view."""
    return dict(
        CallId=call.id, ExternalTicketId=call.external_ticket_id, CustomerId=customer_number,
        ReportedCustomerId=call.reported_customer_number, Subject=call.subject,
        Description=call.description, Priority=call.priority.value, Category=call.category.value,
        ServiceLevel=call.service_level, Components=list(call.components) or None,
        Installation=call.installation, FirstOccurredAt=call.first_occurred_at,
        Status=status_info(status), Result=result, SolutionState=call.solution_state.value,
        Solution=call.solution if call.solution_state is not dm.SolutionState.NONE else None,
        CreatedAt=call.created_at, ChangedAt=call.changed_at)


def added_fields(call: dm.Call, attachments: list[AttachmentInfo]) -> dict:
    return dict(AffectedDomain=call.affected_domain, Browser=call.browser, Hosting=call.hosting,
                ResponsibleUser=call.responsible_user, Attachments=attachments)


def attachment_info(a: Attachment) -> AttachmentInfo:
    return AttachmentInfo(AttachmentId=a.id, FileName=a.file_name, ContentType=a.content_type,
                          Size=a.size, Sha256=a.sha256, Visibility=a.visibility.value,
                          Author=a.author, CreatedAt=a.created_at)


def content_bytes(value) -> bytes:
    """Spyne hands base64Binary over as a sequence of byte strings."""
    if value is None:
        return b""
    return value if isinstance(value, bytes) else b"".join(value)


def _row(r) -> CallRow:
    return CallRow(CallId=r.call_id, ExternalTicketId=r.external_ticket_id, Subject=r.subject,
                   Status=status_info(r.status), Priority=r.priority, Category=r.category,
                   CreatedAt=r.created_at, ChangedAt=r.changed_at,
                   PublicActivities=r.public_activities, MinutesSpent=r.minutes_spent)


def call_overview(page: Overview) -> CallOverview:
    return CallOverview(Calls=[_row(r) for r in page.rows], NextCursor=page.next_cursor,
                        TotalMinutesSpent=page.total_minutes)


def changed_calls(changes: Changes) -> ChangedCalls:
    return ChangedCalls(Calls=[_row(r) for r in changes.rows], Watermark=changes.watermark,
                        MoreAvailable=changes.more)


def request_types(table: Mapping[dm.Category, tuple[FieldRule, ...]]) -> list[RequestType]:
    return [RequestType(Category=category.value, Fields=[
        RequestField(Name=f.name, Label=f.label, Type=f.type.value, Required=f.required,
                     MaxLength=f.max_length) for f in rules]) for category, rules in table.items()]


def status_definition(s: dm.Status) -> StatusDefinition:
    return StatusDefinition(Code=s.code, Name=s.name, Stage=s.stage.value, IsFinal=s.is_final,
                            ResultVisible=s.result_visible)


def call_data(data: CallData) -> CallDataResult:
    """The answer to GetCallData (a worker keeps it for the next poll: answers.py)."""
    return new(
        CallDataResult, **core_fields(data.call, data.status, data.customer_number, data.result),
        **added_fields(data.call, [attachment_info(a) for a in data.attachments]),
        HistoryEntries=[new(HistoryEntry, EntryId=e.id, CreatedAt=e.created_at, Author=e.author,
                            Text=e.text) for e in data.history],
        ContactEntries=[new(ContactEntry, EntryId=v.entry.id, CreatedAt=v.entry.created_at,
                            Author=v.entry.author,
                            ContactType=(v.entry.contact_type or dm.ContactType.NOTE).value,
                            Text=v.entry.text, Url=v.url) for v in data.contacts])


def session_info(principal: dm.Principal, grant, customer_number: str | None = None) -> SessionInfo:
    return SessionInfo(Token=grant.token, ExpiresAt=grant.expires_at,
                       IdleTimeoutMinutes=grant.idle_minutes, Role=principal.role.value,
                       CustomerId=customer_number)


def acceptance_result(out: AnswerOutcome) -> SolutionAcceptanceResult:
    return new(SolutionAcceptanceResult, CallId=out.call.id, SolutionState=out.call.solution_state.value,
                                    Changed=out.changed, Status=status_info(out.status))
