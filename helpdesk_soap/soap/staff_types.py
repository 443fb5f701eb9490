"""Wire types of the /staff service (same namespace and conventions as types.py)."""

from __future__ import annotations

from spyne import Boolean, DateTime, Integer32, Integer64, Unicode

from ..domain import model as dm
from ..domain.request_types import FieldState
from ..services.request_types import CategoryConfig
from ..services.staff import CallPage, StaffCallView
from .types import (CALL_ADDED, CALL_CORE, AssignmentState, Category, ContactType, EntryKind, FieldType,
                    Model, Priority, SolutionState, Stage, Visibility, _enum, _list, opt, req)
from .convert import added_fields, attachment_info, core_fields


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
        ("UnreadReply", req(Boolean)),
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


class TimeRecord(Model):
    _type_info = [
        ("Technician", req(Unicode)),
        ("Minutes", req(Integer32)),
        ("Note", req(Unicode)),
        ("CreatedAt", req(DateTime)),
    ]


class StaffCallData(Model):
    """The staff's view: the reporter, every entry and attachment (internal too), the
    assignments and the recorded time. ChangedAt here is the last change of any kind."""

    _type_info = CALL_CORE + [
        ("ReporterName", opt(Unicode)),
        ("ReporterEmail", opt(Unicode)),
        ("ReporterPhone", opt(Unicode)),
        ("Entries", req(_list(StaffEntry, "StaffEntryList"))),
        ("Assignments", req(_list(Assignment, "AssignmentList"))),
    ] + CALL_ADDED + [
        ("TimeRecords", req(_list(TimeRecord, "TimeRecordList"))),
        ("MinutesSpent", req(Integer64)),
        ("UnreadReply", req(Boolean)),
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
        ChangedAt=r.updated_at, UnreadReply=r.staff_unread) for r in page.rows], NextCursor=page.next_cursor)


def staff_call(view: StaffCallView) -> StaffCallData:
    c = view.call
    return StaffCallData(
        **{**core_fields(c, view.status, view.customer_number, c.result), "ChangedAt": c.updated_at},
        **added_fields(c, [attachment_info(a) for a in view.attachments]),
        TimeRecords=[TimeRecord(Technician=r.technician, Minutes=r.minutes, Note=r.note,
                                CreatedAt=r.created_at) for r in view.time_records],
        MinutesSpent=sum(r.minutes for r in view.time_records), UnreadReply=view.unread,
        ReporterName=c.reporter_name, ReporterEmail=c.reporter_email, ReporterPhone=c.reporter_phone,
        Entries=[StaffEntry(EntryId=e.id, Kind=e.kind.value, Visibility=e.visibility.value,
                            CreatedAt=e.created_at, Author=e.author, Text=e.text,
                            ContactType=e.contact_type.value if e.contact_type else None, Path=e.path)
                 for e in view.entries],
        Assignments=[Assignment(Technician=a.technician, State=a.state.value, Seen=a.seen,
                                ChangedAt=a.changed_at) for a in view.assignments])


def change_result(call: dm.Call) -> ChangeResult:
    return ChangeResult(CallId=call.id, StatusCode=call.status_code, ChangedAt=call.updated_at)


RequestFieldState = _enum(FieldState, "RequestFieldState")


class RequestTypeConfigField(Model):
    """A field of CreateCall's Call as a category has it configured. Absent: not asked for
    (GetRequestTypes leaves it out). MaxLength is at most WireMaxLength; Fixed fields stay
    required in every category."""

    _type_info = [
        ("Name", req(Unicode)),
        ("Type", req(FieldType)),
        ("State", req(RequestFieldState)),
        ("Label", req(Unicode)),
        ("MaxLength", opt(Integer32)),
        ("WireMaxLength", opt(Integer32)),
        ("Fixed", req(Boolean)),
    ]


class RequestTypeConfig(Model):
    """A category's configuration: every field it may ask for, the configured ones first in
    their order. Customised: it differs from the default set (ResetRequestType)."""

    _type_info = [
        ("Category", req(Category)),
        ("Customised", req(Boolean)),
        ("Fields", req(_list(RequestTypeConfigField, "RequestTypeConfigFieldList"))),
    ]


RequestTypeConfigList = _list(RequestTypeConfig, "RequestTypeConfigList")


def request_type_config(config: CategoryConfig) -> RequestTypeConfig:
    return RequestTypeConfig(
        Category=config.category.value, Customised=config.customised,
        Fields=[RequestTypeConfigField(Name=f.name, Type=f.type.value, State=f.state.value,
                                       Label=f.label, MaxLength=f.max_length,
                                       WireMaxLength=f.wire_max_length, Fixed=f.fixed)
                for f in config.fields])
