"""Wire types of the communication log's /staff operations (same conventions as types.py)."""

from __future__ import annotations

from spyne import DateTime, Integer32, Integer64, Unicode

from .types import Model, _list, opt, req


class CommlogSummary(Model):
    _type_info = [
        ("EntryId", req(Integer64)),
        ("At", req(DateTime)),
        ("RequestId", req(Unicode)),
        ("LoginName", req(Unicode)),
        ("Service", req(Unicode)),
        ("Operation", opt(Unicode)),
        ("Result", req(Unicode)),
        ("HttpStatus", req(Integer32)),
    ]


class CommlogEntry(Model):
    """One recorded exchange; secrets and attachment contents were masked before it was kept."""

    _type_info = [
        ("Summary", req(CommlogSummary)),
        ("Request", req(Unicode)),
        ("Response", req(Unicode)),
    ]


class CommlogList(Model):
    _type_info = [("Entries", req(_list(CommlogSummary, "CommlogSummaryList")))]


def summary(e) -> CommlogSummary:
    return CommlogSummary(EntryId=e.id, At=e.at, RequestId=e.request_id, LoginName=e.login_name,
                          Service=e.service, Operation=e.operation, Result=e.result,
                          HttpStatus=e.http_status)


def entry(e) -> CommlogEntry:
    return CommlogEntry(Summary=summary(e), Request=e.request, Response=e.response)


def entry_list(entries) -> CommlogList:
    return CommlogList(Entries=[summary(e) for e in entries])
