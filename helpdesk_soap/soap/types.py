"""Wire types of the /helpdesk service, and their conversion to and from the domain.

These are Spyne's, separate from the store's models. Conventions that keep
generated stubs clean in Java, .NET, PHP and C:

* sized integers (xs:long), never xs:integer;
* required fields are minOccurs=1 and not nillable (no wrapper objects in Java);
* optional fields are minOccurs=0 but not nillable (JAXB makes a plain String,
  not JAXBElement<String>);
* lists are wrapper elements holding non-nillable items.
"""

from __future__ import annotations

from collections.abc import Mapping

from spyne import Array, Boolean, ByteArray, ComplexModel, DateTime, Enum, Integer32, Integer64, Unicode

from ..domain import model as dm
from ..domain.attachments import Attachment
from ..domain.request_types import FieldRule, FieldType as DomainFieldType
from ..services.calls import AnswerOutcome, CallData, CreateOutcome
from ..services.workflow import Changes, Overview

TNS = "urn:helpdesk-soap:helpdesk:v1"


def req(t, **facets):
    """A required field: exactly once, never nil. Facets (max_len, ...) go in one customisation."""
    return t.customize(min_occurs=1, nillable=False, **facets)


def opt(t, **facets):
    return t.customize(min_occurs=0, nillable=False, **facets)


def _enum(domain_enum, name):
    return Enum(*[m.value for m in domain_enum], type_name=name)


def _list(item, name):
    return Array(item.customize(nillable=False), type_name=name)


Priority = _enum(dm.Priority, "Priority")
Category = _enum(dm.Category, "Category")
Stage = _enum(dm.Stage, "Stage")
SolutionState = _enum(dm.SolutionState, "SolutionState")
ContactType = _enum(dm.ContactType, "ContactType")
EntryKind = _enum(dm.EntryKind, "EntryKind")
Visibility = _enum(dm.Visibility, "Visibility")
AssignmentState = _enum(dm.AssignmentState, "AssignmentState")
FieldType = _enum(DomainFieldType, "FieldType")

MAX_TEXT = 65536


class Model(ComplexModel):
    __namespace__ = TNS


class Session(Model):
    """SOAP header carrying a session token from Login, instead of a WS-Security header."""

    _type_info = [("Token", req(Unicode, max_len=200))]


class SessionInfo(Model):
    _type_info = [
        ("Token", req(Unicode)),
        ("ExpiresAt", req(DateTime)),
        ("IdleTimeoutMinutes", req(Integer32)),
        ("Role", req(_enum(dm.Role, "Role"))),
        # The login's own customer (absent for staff and admins), e.g. for a default CustomerId.
        ("CustomerId", opt(Unicode)),
    ]


class NewCall(Model):
    """The data CreateCall opens a call from."""

    _type_info = [
        ("CustomerId", req(Unicode, max_len=64, min_len=1)),
        ("ExternalTicketId", opt(Unicode, max_len=100)),
        ("Subject", req(Unicode, max_len=200, min_len=1)),
        ("Description", opt(Unicode, max_len=MAX_TEXT)),
        ("Priority", req(Priority)),
        ("Category", req(Category)),
        ("ServiceLevel", opt(Unicode, max_len=64)),
        ("Components", opt(Unicode, max_len=100, max_occurs=50)),
        ("ReporterName", opt(Unicode, max_len=200)),
        ("ReporterEmail", opt(Unicode, max_len=254)),
        ("ReporterPhone", opt(Unicode, max_len=50)),
        ("Installation", opt(Unicode, max_len=200)),
        ("FirstOccurredAt", opt(DateTime)),
        # Added with the request types (GetRequestTypes says which category needs which).
        ("AffectedDomain", opt(Unicode, max_len=200)),
        ("Browser", opt(Unicode, max_len=200)),
        ("Hosting", opt(Unicode, max_len=200)),
        ("ResponsibleUser", opt(Unicode, max_len=200)),
    ]


class StatusInfo(Model):
    _type_info = [
        ("Code", req(Unicode)),
        ("Name", req(Unicode)),
        ("Stage", req(Stage)),
        ("IsFinal", req(Boolean)),
    ]


class WarningInfo(Model):
    _type_info = [
        ("Code", req(Unicode)),
        ("Message", req(Unicode)),
    ]


class CreateCallResult(Model):
    _type_info = [
        ("CallId", req(Integer64)),
        ("ExternalTicketId", opt(Unicode)),
        ("Created", req(Boolean)),
        ("CustomerKnown", req(Boolean)),
        ("Status", req(StatusInfo)),
        ("Warnings", req(_list(WarningInfo, "WarningList"))),
    ]


class HistoryEntry(Model):
    _type_info = [
        ("EntryId", req(Integer64)),
        ("CreatedAt", req(DateTime)),
        ("Author", req(Unicode)),
        ("Text", req(Unicode)),
    ]


class ContactEntry(Model):
    _type_info = [
        ("EntryId", req(Integer64)),
        ("CreatedAt", req(DateTime)),
        ("Author", req(Unicode)),
        ("ContactType", req(ContactType)),
        ("Text", req(Unicode)),
        ("Url", opt(Unicode)),
    ]


#: What every view of a call carries. The customer's and the staff's views are flat
#: types that both start with these fields (not a base type: Spyne would publish every
#: subtype of a base in each WSDL, staff types in the customer's contract included).
CALL_CORE = [
    ("CallId", req(Integer64)),
    ("ExternalTicketId", opt(Unicode)),
    ("CustomerId", req(Unicode)),
    ("ReportedCustomerId", req(Unicode)),
    ("Subject", req(Unicode)),
    ("Description", req(Unicode)),
    ("Priority", req(Priority)),
    ("Category", req(Category)),
    ("ServiceLevel", opt(Unicode)),
    ("Components", opt(Unicode, max_occurs="unbounded")),
    ("Installation", opt(Unicode)),
    ("FirstOccurredAt", opt(DateTime)),
    ("Status", req(StatusInfo)),
    ("Result", opt(Unicode)),
    ("SolutionState", req(SolutionState)),
    ("Solution", opt(Unicode)),
    ("CreatedAt", req(DateTime)),
    ("ChangedAt", req(DateTime)),
]


class AttachmentInfo(Model):
    """An attachment's metadata; GetAttachment returns its content."""

    _type_info = [
        ("AttachmentId", req(Integer64)),
        ("FileName", req(Unicode)),
        ("ContentType", req(Unicode)),
        ("Size", req(Integer64)),
        ("Sha256", req(Unicode)),
        ("Visibility", req(Visibility)),
        ("Author", req(Unicode)),
        ("CreatedAt", req(DateTime)),
    ]


#: Fields added to both views after the first release; they follow each view's own
#: fields, so a client built from the first WSDL reads the elements it knows in order.
CALL_ADDED = [
    ("AffectedDomain", opt(Unicode)),
    ("Browser", opt(Unicode)),
    ("Hosting", opt(Unicode)),
    ("ResponsibleUser", opt(Unicode)),
    ("Attachments", req(_list(AttachmentInfo, "AttachmentList"))),
]


class CallDataResult(Model):
    """The customer's view: public entries and attachments only, Result only where the
    status shows it."""

    _type_info = CALL_CORE + [
        ("HistoryEntries", req(_list(HistoryEntry, "HistoryEntryList"))),
        ("ContactEntries", req(_list(ContactEntry, "ContactEntryList"))),
    ] + CALL_ADDED


class AttachmentData(Model):
    _type_info = [
        ("Attachment", req(AttachmentInfo)),
        ("Content", req(ByteArray)),
    ]


class CallRow(Model):
    """One line of the customer's call overview (ListCalls, GetChangedCalls)."""

    _type_info = [
        ("CallId", req(Integer64)),
        ("ExternalTicketId", opt(Unicode)),
        ("Subject", req(Unicode)),
        ("Status", req(StatusInfo)),
        ("Priority", req(Priority)),
        ("Category", req(Category)),
        ("CreatedAt", req(DateTime)),
        ("ChangedAt", req(DateTime)),
        ("PublicActivities", req(Integer32)),
        ("MinutesSpent", req(Integer32)),
    ]


class CallOverview(Model):
    _type_info = [
        ("Calls", req(_list(CallRow, "CallRowList"))),
        ("NextCursor", opt(Unicode)),
        ("TotalMinutesSpent", req(Integer64)),
    ]


class ChangedCalls(Model):
    _type_info = [
        ("Calls", req(_list(CallRow, "ChangedCallList"))),
        ("Watermark", req(Integer64)),
        ("MoreAvailable", req(Boolean)),
    ]


class NoteResult(Model):
    _type_info = [
        ("CallId", req(Integer64)),
        ("CreatedAt", req(DateTime)),
        ("Status", req(StatusInfo)),
    ]


class RequestField(Model):
    _type_info = [
        ("Name", req(Unicode)),
        ("Label", req(Unicode)),
        ("Type", req(FieldType)),
        ("Required", req(Boolean)),
        ("MaxLength", opt(Integer32)),
    ]


class RequestType(Model):
    _type_info = [
        ("Category", req(Category)),
        ("Fields", req(_list(RequestField, "RequestFieldList"))),
    ]


class StatusDefinition(Model):
    _type_info = [
        ("Code", req(Unicode)),
        ("Name", req(Unicode)),
        ("Stage", req(Stage)),
        ("IsFinal", req(Boolean)),
        ("ResultVisible", req(Boolean)),
    ]


RequestTypeList = _list(RequestType, "RequestTypeList")
StatusDefinitionList = _list(StatusDefinition, "StatusDefinitionList")


class SolutionAcceptanceResult(Model):
    _type_info = [
        ("CallId", req(Integer64)),
        ("SolutionState", req(SolutionState)),
        ("Changed", req(Boolean)),
        ("Status", req(StatusInfo)),
    ]


# -- conversion ------------------------------------------------------------------------

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
