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
import os
import random
import threading
import time
import uuid
from datetime import datetime
from typing import Callable, Iterable, Iterator

import requests
from lxml import etree
from zeep import Client, Settings
from zeep.cache import InMemoryCache, SqliteCache
from zeep.exceptions import Fault, TransportError as ZeepTransportError
from zeep.helpers import serialize_object
from zeep.transports import Transport

from . import errors
from .listeners import ListenerMethods
from .models import (Attachment, AttachmentInfo, CallCreated, CallData, CallOverview, CallRow, Changes,
                     ContactEntry, HistoryEntry, Session, SolutionAnswer, Status, Warning)

WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
PASSWORD_TEXT = ("http://docs.oasis-open.org/wss/2004/01/"
                 "oasis-200401-wss-username-token-profile-1.0#PasswordText")

_documents: dict[tuple, Client] = {}
_documents_lock = threading.Lock()


def _zeep_client(wsdl_url: str, timeout: tuple[float, float], wsdl_cache: str | None) -> Client:
    """One parsed WSDL per URL and settings, shared by every client in the process."""
    key = (wsdl_url, timeout, wsdl_cache)
    with _documents_lock:
        client = _documents.get(key)
        if client is None:
            cache = (SqliteCache(path=wsdl_cache.removeprefix("sqlite:"), timeout=3600)
                     if wsdl_cache and wsdl_cache.startswith("sqlite") else InMemoryCache()
                     if wsdl_cache else None)
            transport = Transport(cache=cache, timeout=timeout[1], operation_timeout=timeout)
            client = Client(wsdl_url, transport=transport,
                            # huge_tree: an attachment travels as one base64 text node, which
                            # may pass libxml2's 10 MB default; DTDs and entities stay forbidden.
                            settings=Settings(strict=True, xml_huge_tree=True, forbid_dtd=True,
                                              forbid_entities=True, forbid_external=True))
            _documents[key] = client
        return client


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


class _Base:
    service_path = "/helpdesk"

    def __init__(self, url: str, login: str | None = None, password: str | None = None, *,
                 token: str | None = None, timeout: tuple[float, float] = (5.0, 30.0),
                 retries: int = 3, backoff: float = 0.5, wsdl_cache: str | None = "memory",
                 sleep: Callable[[float], None] = time.sleep):
        if not url:
            raise ValueError("the service URL is required (argument or HELPDESK_URL)")
        if timeout is None or any(t is None or t <= 0 for t in timeout):
            raise ValueError("timeouts must be positive numbers: (connect, read)")
        base = url.rstrip("/")
        for suffix in ("?wsdl", "/helpdesk", "/staff"):
            base = base.removesuffix(suffix)
        self.url = base
        self.login_name, self._password, self.token = login, password, token
        self.timeout, self.retries, self.backoff, self._sleep = tuple(timeout), retries, backoff, sleep
        try:
            self._zeep = _zeep_client(f"{base}{self.service_path}?wsdl", self.timeout, wsdl_cache)
        except (requests.RequestException, ZeepTransportError, etree.XMLSyntaxError) as exc:
            raise errors.TransportError(f"cannot load the WSDL: {type(exc).__name__}: {exc}") from exc

    @classmethod
    def from_env(cls, **overrides):
        env = os.environ
        return cls(overrides.pop("url", None) or env.get("HELPDESK_URL", ""),
                   overrides.pop("login", None) or env.get("HELPDESK_LOGIN"),
                   overrides.pop("password", None) or env.get("HELPDESK_PASSWORD"), **overrides)

    # -- credentials ---------------------------------------------------------------------

    def _headers(self) -> list:
        if self.token:
            session = etree.Element("{urn:helpdesk-soap:helpdesk:v1}Session")
            etree.SubElement(session, "{urn:helpdesk-soap:helpdesk:v1}Token").text = self.token
            return [session]
        if self.login_name and self._password is not None:
            security = etree.Element(f"{{{WSSE}}}Security", nsmap={"wsse": WSSE})
            token = etree.SubElement(security, f"{{{WSSE}}}UsernameToken")
            etree.SubElement(token, f"{{{WSSE}}}Username").text = self.login_name
            etree.SubElement(token, f"{{{WSSE}}}Password", Type=PASSWORD_TEXT).text = self._password
            return [security]
        return []

    def login(self) -> Session:
        """Open a session; later calls send its token instead of the password."""
        r = self._call("Login", retry=True, authenticated=False,
                       LoginName=self.login_name, Password=self._password)
        self.token = r.Token
        return Session(r.Token, r.ExpiresAt, r.IdleTimeoutMinutes, r.Role,
                       getattr(r, "CustomerId", None))

    def logout(self) -> None:
        if self.token:
            self._call("Logout", retry=False)
            self.token = None

    # -- the one place that talks to zeep ------------------------------------------------

    def _call(self, operation: str, *, retry: bool, authenticated: bool = True, **kwargs):
        attempts = self.retries + 1 if retry else 1
        relogged = False
        for attempt in range(attempts):
            try:
                headers = self._headers() if authenticated else []
                return getattr(self._zeep.service, operation)(_soapheaders=headers, **kwargs)
            except Fault as fault:
                error = errors.from_fault(fault.code or "", fault.message or "", _detail(fault.detail))
            except requests.RequestException as exc:  # refused, reset, timed out, cut off mid-answer
                error = errors.TransportError(f"{type(exc).__name__}: {exc}")
            except ZeepTransportError as exc:
                error = errors.TransportError(f"HTTP {exc.status_code}: not a SOAP answer")
            if (isinstance(error, errors.BY_CODE["Client.SessionExpired"]) and not relogged
                    and self.login_name and self._password is not None and operation != "Logout"):
                self.token, relogged = None, True  # a long-running poller logs in again, once
                self.login()
                continue
            if not (error.retryable and attempt + 1 < attempts):
                raise error
            self._sleep(self.backoff * (2 ** attempt) * (1 + random.random() / 2))
        raise AssertionError("unreachable")


def _detail(detail) -> dict:
    if detail is None:
        return {}
    out = {}
    for element in detail.iter():
        if len(element) == 0 and element.text is not None:
            out[etree.QName(element).localname] = element.text
    return out


class HelpdeskClient(ListenerMethods, _Base):
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


class StaffClient(_Base):
    """The helpdesk's own service: /staff. Results are plain dicts and lists."""

    service_path = "/staff"

    def _plain(self, operation: str, retry: bool, **kwargs):
        return serialize_object(self._call(operation, retry=retry, **kwargs), dict)

    def list_calls(self, *, status: str | None = None, stage: str | None = None,
                   customer_id: str | None = None, changed_since: datetime | None = None,
                   page_size: int = 100) -> Iterator[dict]:
        """Every matching call, page after page (by cursor)."""
        cursor = None
        while True:
            page = self._plain("ListCalls", True, Status=status, Stage=stage, CustomerId=customer_id,
                               ChangedSince=changed_since, Cursor=cursor, PageSize=page_size)
            yield from ((page.get("Calls") or {}).get("CallSummary") or [])
            cursor = page.get("NextCursor")
            if not cursor:
                return

    def get_call(self, call_id: int) -> dict:
        return self._plain("GetCall", True, CallId=call_id)

    def add_entry(self, call_id: int, text: str, *, kind: str = "History", visibility: str = "Public",
                  contact_type: str | None = None, path: str | None = None) -> dict:
        return self._plain("AddEntry", False, CallId=call_id, Kind=kind, Text=text,
                           Visibility=visibility, ContactType=contact_type, Path=path)

    def set_status(self, call_id: int, status: str) -> dict:
        return self._plain("SetStatus", True, CallId=call_id, Status=status)

    def set_result(self, call_id: int, result: str) -> dict:
        return self._plain("SetResult", True, CallId=call_id, Result=result)

    def propose_solution(self, call_id: int, solution: str) -> dict:
        return self._plain("ProposeSolution", False, CallId=call_id, Solution=solution)

    def assign(self, call_id: int, technician: str, state: str = "Assigned") -> dict:
        return self._plain("AssignTechnician", True, CallId=call_id, Technician=technician, State=state)

    def unassign(self, call_id: int, technician: str) -> dict:
        return self._plain("UnassignTechnician", False, CallId=call_id, Technician=technician)

    def set_portal_active(self, active: bool, *, customer_id: str | None = None,
                          organisation: str | None = None) -> None:
        self._call("SetPortalActive", retry=True, CustomerId=customer_id, Organisation=organisation,
                   Active=active)
