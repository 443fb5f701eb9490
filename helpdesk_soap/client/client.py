"""A zeep-based client for the helpdesk's SOAP services.

    from helpdesk_soap.client import HelpdeskClient

    client = HelpdeskClient.from_env()            # HELPDESK_URL, _LOGIN, _PASSWORD
    created = client.create_call("ACME", "Phones down", "All phones in dept 4 are dead.",
                                 priority="High", category="TechnicalSupport",
                                 affected_domain="pbx.acme.example",
                                 first_occurred_at=datetime(2026, 11, 23, 7, 40, tzinfo=UTC),
                                 external_ticket_id="INC0012345")
    data = client.get_call_data(created.call_id)
    client.accept_solution(created.call_id, "works again")

* Creating a client is cheap: each WSDL is parsed once per process and shared
  (and, with ``wsdl_cache="sqlite"``, its documents are cached on disk).
* Timeouts are explicit (connect, read), never infinite.
* Safe operations are retried with exponential backoff on connection errors,
  timeouts and Server.Unavailable / Server.InternalError. A CreateCall always
  carries an ExternalTicketId (generated when the caller gives none) and its
  retries resend the same one, so a retry never duplicates a ticket.
* Faults become exceptions: see ``helpdesk_soap.client.errors``.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Iterable, Iterator

from zeep.helpers import serialize_object

from . import errors
from .listeners import ListenerMethods
from .models import (Attachment, AttachmentInfo, CallCreated, CallData, CallOverview, CallRow, Changes,
                     ContactEntry, HistoryEntry, SolutionAnswer, Status, Warning)
from .transport import ServiceClient


def _status(s) -> Status:
    return Status(s.Code, s.Name, s.Stage, bool(s.IsFinal))


def _attachment(a) -> AttachmentInfo:
    return AttachmentInfo(a.AttachmentId, a.FileName, a.ContentType, int(a.Size), a.Sha256, a.Visibility,
                          a.Author, a.CreatedAt)


def _row(c) -> CallRow:
    return CallRow(c.CallId, c.ExternalTicketId, c.Subject, _status(c.Status), c.Priority, c.Category,
                   c.CreatedAt, c.ChangedAt, int(c.PublicActivities), int(c.MinutesSpent))


def _items(wrapper, name: str) -> list:
    if wrapper is None:
        return []
    return list(getattr(wrapper, name, None) or [])


class HelpdeskClient(ListenerMethods, ServiceClient):
    """The customer-side service: /helpdesk."""

    def create_call(self, customer_id: str, subject: str, description: str | None = None, *,
                    priority: str = "Medium", category: str = "Question",
                    external_ticket_id: str | None = None, service_level: str | None = None,
                    components: Iterable[str] = (), reporter_name: str | None = None,
                    reporter_email: str | None = None, reporter_phone: str | None = None,
                    installation: str | None = None, first_occurred_at: datetime | None = None,
                    affected_domain: str | None = None, browser: str | None = None,
                    hosting: str | None = None, responsible_user: str | None = None
                    ) -> CallCreated:
        """Open a call. Each category needs its own fields (``request_types()`` lists them):
        every one a description; TechnicalSupport also ``affected_domain`` and
        ``first_occurred_at``; Improvement a ``responsible_user``."""
        call = {"CustomerId": customer_id, "Subject": subject, "Priority": priority,
                "Category": category, "AffectedDomain": affected_domain, "Browser": browser,
                "Hosting": hosting, "ResponsibleUser": responsible_user,
                # Retries must resend the same id, so one is made up front when none is given.
                "ExternalTicketId": external_ticket_id or f"hdc-{uuid.uuid4()}",
                "Description": description, "ServiceLevel": service_level,
                "Components": list(components) or None, "ReporterName": reporter_name,
                "ReporterEmail": reporter_email, "ReporterPhone": reporter_phone,
                "Installation": installation, "FirstOccurredAt": first_occurred_at}
        r = self._call("CreateCall", retry=True, Call={k: v for k, v in call.items() if v is not None})
        return CallCreated(r.CallId, r.ExternalTicketId, bool(r.Created), bool(r.CustomerKnown),
                           _status(r.Status),
                           tuple(Warning(w.Code, w.Message) for w in _items(r.Warnings, "WarningInfo")))

    def get_call_data(self, call_id: int) -> CallData:
        r = self._call("GetCallData", retry=True, CallId=call_id)
        return CallData(
            call_id=r.CallId, external_ticket_id=r.ExternalTicketId, customer_id=r.CustomerId,
            reported_customer_id=r.ReportedCustomerId, subject=r.Subject,
            description=r.Description or "", priority=r.Priority, category=r.Category,
            status=_status(r.Status), solution_state=r.SolutionState, created_at=r.CreatedAt,
            changed_at=r.ChangedAt, result=r.Result, solution=r.Solution,
            service_level=r.ServiceLevel, components=tuple(r.Components or ()),
            history=tuple(HistoryEntry(h.EntryId, h.CreatedAt, h.Author, h.Text)
                          for h in _items(r.HistoryEntries, "HistoryEntry")),
            contacts=tuple(ContactEntry(c.EntryId, c.CreatedAt, c.Author, c.ContactType, c.Text, c.Url)
                           for c in _items(r.ContactEntries, "ContactEntry")),
            attachments=tuple(_attachment(a) for a in _items(r.Attachments, "AttachmentInfo")),
            affected_domain=r.AffectedDomain, browser=r.Browser, hosting=r.Hosting,
            responsible_user=r.ResponsibleUser)

    def list_calls(self, *, year: int | None = None, month: int | None = None,
                   status: str | None = None, stage: str | None = None, category: str | None = None,
                   subject_contains: str | None = None, cursor: str | None = None,
                   page_size: int | None = None) -> CallOverview:
        """One page of the login's calls, newest first; pass ``next_cursor`` on for the next."""
        r = self._call("ListCalls", retry=True, Year=year, Month=month, Status=status, Stage=stage,
                       Category=category, SubjectContains=subject_contains, Cursor=cursor,
                       PageSize=page_size)
        return CallOverview(tuple(_row(c) for c in _items(r.Calls, "CallRow")), r.NextCursor,
                            int(r.TotalMinutesSpent))

    def changed_calls(self, since: int = 0, page_size: int | None = None) -> Changes:
        """Calls changed after watermark ``since`` (0: all). Store ``watermark`` for next time;
        while ``more_available``, ask again at once."""
        r = self._call("GetChangedCalls", retry=True, Since=since, PageSize=page_size)
        return Changes(tuple(_row(c) for c in _items(r.Calls, "CallRow")), int(r.Watermark),
                       bool(r.MoreAvailable))

    def add_note(self, call_id: int, text: str) -> None:
        """Reply to a call. Not retried: a retry after a lost answer could add the note twice."""
        self._call("AddCallNote", retry=False, CallId=call_id, Text=text)

    def add_attachment(self, call_id: int, file_name: str, content: bytes,
                       content_type: str = "application/octet-stream") -> AttachmentInfo:
        """Attach a file to an existing call. Not retried (a retry could attach it twice)."""
        return _attachment(self._call("AddAttachment", retry=False, CallId=call_id, FileName=file_name,
                                      ContentType=content_type, Content=content))

    def get_attachment(self, call_id: int, attachment_id: int) -> Attachment:
        r = self._call("GetAttachment", retry=True, CallId=call_id, AttachmentId=attachment_id)
        info, content = _attachment(r.Attachment), bytes(r.Content)
        if hashlib.sha256(content).hexdigest() != info.sha256:
            raise errors.TransportError(f"attachment {attachment_id} arrived damaged (checksum mismatch)")
        return Attachment(info, content)

    def request_types(self) -> dict[str, list[dict]]:
        """Each category's fields: name, label, type, whether required, maximum length."""
        return {t.Category: [serialize_object(f, dict) for f in _items(t.Fields, "RequestField")]
                for t in self._call("GetRequestTypes", retry=True) or []}

    def statuses(self) -> list[dict]:
        return [serialize_object(s, dict) for s in self._call("GetStatuses", retry=True) or []]

    def _answer(self, call_id: int, accepted: bool, comment: str | None) -> SolutionAnswer:
        # Idempotent on the server: the same answer twice changes nothing, so retrying is safe.
        r = self._call("SetSolutionAcceptance", retry=True, CallId=call_id, Accepted=accepted,
                       Comment=comment)
        return SolutionAnswer(r.CallId, r.SolutionState, bool(r.Changed), _status(r.Status))

    def accept_solution(self, call_id: int, comment: str | None = None) -> SolutionAnswer:
        return self._answer(call_id, True, comment)

    def reject_solution(self, call_id: int, comment: str | None = None) -> SolutionAnswer:
        return self._answer(call_id, False, comment)

    def change_password(self, old: str, new: str) -> None:
        self._call("ChangePassword", retry=False, OldPassword=old, NewPassword=new)
        self._password = new

    def poll(self, call_ids: Iterable[int], since: datetime | dict[int, datetime] | None = None
             ) -> Iterator[CallData]:
        """The calls (of ``call_ids``) that changed after ``since``: one datetime for all, or a
        watermark per call id. Keep each yielded call's ``changed_at`` as its next watermark."""
        for call_id in call_ids:
            mark = since.get(call_id) if isinstance(since, dict) else since
            data = self.get_call_data(call_id)
            if mark is None or data.changed_at > mark:
                yield data
