"""Wire types of the /staff service (same namespace and conventions as types.py)."""

from __future__ import annotations

from spyne import Boolean, DateTime, Integer64, Unicode

from ..domain import model as dm
from ..services.staff import CallPage, StaffCallView
from .types import (AssignmentState, Category, ContactType, EntryKind, Model, Priority,
                    SolutionState, Stage, StatusInfo, Visibility, _list, opt, req, status_info)


class CallSummary(Model):
    _type_info = [
        ("CallId", req(Integer64)),
        ("ExternalTicketId", opt(Unicode)),
        ("CustomerId", req(Unicode)),
        ("Subject", req(Unicode)),
        ("StatusCode", req(Unicode)),
        ("Stage", req(Stage)),
        ("Priority", req(Priority)),
        ("Category", req(Category)),
        ("SolutionState", req(SolutionState)),
        ("CreatedAt", req(DateTime)),
        ("ChangedAt", req(DateTime)),
    ]


class CallList(Model):
    _type_info = [
        ("Calls", req(_list(CallSummary, "CallSummaryList"))),
        ("NextCursor", opt(Unicode)),
    ]


class StaffEntry(Model):
    _type_info = [
        ("EntryId", req(Integer64)),
        ("Kind", req(EntryKind)),
        ("Visibility", req(Visibility)),
        ("CreatedAt", req(DateTime)),
        ("Author", req(Unicode)),
        ("Text", req(Unicode)),
        ("ContactType", opt(ContactType)),
        ("Path", opt(Unicode)),
    ]


class Assignment(Model):
    _type_info = [
        ("Technician", req(Unicode)),
        ("State", req(AssignmentState)),
        ("Seen", req(Boolean)),
        ("ChangedAt", req(DateTime)),
    ]


class StaffCallData(Model):
    _type_info = [
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
        ("ReporterName", opt(Unicode)),
        ("ReporterEmail", opt(Unicode)),
        ("ReporterPhone", opt(Unicode)),
        ("Installation", opt(Unicode)),
        ("FirstOccurredAt", opt(DateTime)),
        ("Status", req(StatusInfo)),
        ("Result", opt(Unicode)),
        ("SolutionState", req(SolutionState)),
        ("Solution", opt(Unicode)),
        ("CreatedAt", req(DateTime)),
        ("ChangedAt", req(DateTime)),
        ("Entries", req(_list(StaffEntry, "StaffEntryList"))),
        ("Assignments", req(_list(Assignment, "AssignmentList"))),
    ]


class ChangeResult(Model):
    _type_info = [
        ("CallId", req(Integer64)),
        ("StatusCode", req(Unicode)),
        ("ChangedAt", req(DateTime)),
    ]


def call_list(page: CallPage) -> CallList:
    return CallList(Calls=[CallSummary(
        CallId=r.call_id, ExternalTicketId=r.external_ticket_id, CustomerId=r.customer_number,
        Subject=r.subject, StatusCode=r.status_code, Stage=r.stage, Priority=r.priority,
        Category=r.category, SolutionState=r.solution_state, CreatedAt=r.created_at,
        ChangedAt=r.updated_at) for r in page.rows], NextCursor=page.next_cursor)


def staff_call(view: StaffCallView) -> StaffCallData:
    c = view.call
    return StaffCallData(
        CallId=c.id, ExternalTicketId=c.external_ticket_id, CustomerId=view.customer_number,
        ReportedCustomerId=c.reported_customer_number, Subject=c.subject, Description=c.description,
        Priority=c.priority.value, Category=c.category.value, ServiceLevel=c.service_level,
        Components=list(c.components) or None, ReporterName=c.reporter_name,
        ReporterEmail=c.reporter_email, ReporterPhone=c.reporter_phone, Installation=c.installation,
        FirstOccurredAt=c.first_occurred_at, Status=status_info(view.status), Result=c.result,
        SolutionState=c.solution_state.value,
        Solution=c.solution if c.solution_state is not dm.SolutionState.NONE else None,
        CreatedAt=c.created_at, ChangedAt=c.updated_at,
        Entries=[StaffEntry(EntryId=e.id, Kind=e.kind.value, Visibility=e.visibility.value,
                            CreatedAt=e.created_at, Author=e.author, Text=e.text,
                            ContactType=e.contact_type.value if e.contact_type else None, Path=e.path)
                 for e in view.entries],
        Assignments=[Assignment(Technician=a.technician, State=a.state.value, Seen=a.seen,
                                ChangedAt=a.changed_at) for a in view.assignments])


def change_result(call: dm.Call) -> ChangeResult:
    return ChangeResult(CallId=call.id, StatusCode=call.status_code, ChangedAt=call.updated_at)
