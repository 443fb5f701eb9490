"""Wire types of the /helpdesk service (their conversion to and from the domain: convert.py).

These are Spyne's, separate from the store's models. Conventions that keep
generated stubs clean in Java, .NET, PHP and C:

* sized integers (xs:long), never xs:integer;
* required fields are minOccurs=1 and not nillable (no wrapper objects in Java);
* optional fields are minOccurs=0 but not nillable (JAXB makes a plain String,
  not JAXBElement<String>);
* lists are wrapper elements holding non-nillable items.
"""

from __future__ import annotations

from spyne import Array, Boolean, ByteArray, ComplexModel, DateTime, Enum, Integer32, Integer64, Unicode

from ..domain import model as dm
from ..domain.request_types import FieldType as DomainFieldType

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
