"""The three customer-facing use cases: create a call, read it, answer its solution."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from ..domain.request_types import incomplete_warning
from ..domain.attachments import Attachment
from ..domain.events import EventType, status_events
from ..domain.errors import CallNotFound, ConfigurationError
from ..domain.model import (Call, CallRequest, Entry, EntryKind, Principal, Role, Status,
                            Visibility, Warning, contact_url, links_base, visible_result)
from ..domain.settings import Settings, decide_intake
from . import push, staff_notify
from .unit_of_work import Conflict, UnitOfWork, retry_on_conflict


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class CreateOutcome:
    call: Call
    status: Status
    created: bool
    warnings: tuple[Warning, ...]
    #: The CustomerId named a customer of the caller (or of its organisation).
    customer_known: bool


@dataclass(frozen=True, slots=True)
class ContactView:
    entry: Entry
    url: str | None


@dataclass(frozen=True, slots=True)
class CallData:
    """What the customer side may see of a call."""

    call: Call
    status: Status
    customer_number: str
    result: str | None
    history: list[Entry]
    contacts: list[ContactView]
    #: Metadata only: contents travel one at a time, through GetAttachment.
    attachments: list[Attachment]


@dataclass(frozen=True, slots=True)
class AnswerOutcome:
    call: Call
    status: Status
    changed: bool


REPLAYED = Warning("ExistingCallReturned",
                   "A call with this ExternalTicketId already exists for this customer side; "
                   "it was returned unchanged and no new call was created.")


def create_call(uow: UnitOfWork, principal: Principal, request: CallRequest,
                now: datetime | None = None) -> CreateOutcome:
    request = request.validated()
    uow.begin_write()
    if request.external_ticket_id:
        existing = uow.calls.find_by_external_id(principal.customer_id, request.external_ticket_id)
        if existing is not None:
            return _replayed(uow, principal, existing)
    try:
        outcome = _file(uow, principal, request, now)
        uow.commit()
    except Conflict:
        # Another worker stored the same ExternalTicketId first: return its call.
        uow.rollback()
        existing = uow.calls.find_by_external_id(principal.customer_id, request.external_ticket_id)
        if existing is None:
            raise
        return _replayed(uow, principal, existing)
    return outcome


def file_call(uow: UnitOfWork, principal: Principal, request: CallRequest,
              now: datetime | None = None, *, accept_incomplete: bool = False) -> CreateOutcome:
    """CreateCall's rules, stored in the caller's transaction without committing it.

    ``create_call`` commits it; the e-mail intake commits it together with the
    message's Message-ID, so a message is taken in wholly or not at all.
    ``accept_incomplete`` files a call that lacks fields its request type requires
    (naming them in a warning and an internal entry) instead of refusing it.
    """
    return _file(uow, principal, request.validated(), now, accept_incomplete)


def _file(uow: UnitOfWork, principal: Principal, request: CallRequest,
          now: datetime | None = None, accept_incomplete: bool = False) -> CreateOutcome:
    """file_call, for a request already validated."""
    now = now or utcnow()
    uow.begin_write()
    settings: Settings = uow.settings.get()
    missing = ()
    if settings.enforce_request_types:
        # The request types come from the worker's cache, like the settings: no query.
        missing = uow.request_types.get().screen(request, accept_incomplete or (
            settings.accept_incomplete_integration_calls and principal.role is Role.INTEGRATION))
    named = uow.customers.by_number(request.customer_number)
    intake = decide_intake(settings, principal, named, request.service_level)
    customer = named if intake.customer_known else uow.customers.by_number(intake.customer_number)
    if customer is None:
        raise ConfigurationError(
            f"The unknown-customer account {intake.customer_number!r} does not exist.")
    status = _status(uow, intake.status_code)
    call = Call(
        customer_id=customer.id, origin_customer_id=principal.customer_id,
        created_by_login_id=principal.login_id, reported_customer_number=request.customer_number,
        subject=request.subject, description=request.description, priority=request.priority,
        category=request.category, status_code=status.code, created_at=now, updated_at=now,
        external_ticket_id=request.external_ticket_id, service_level=intake.service_level,
        components=request.components, reporter_name=request.reporter_name,
        reporter_email=request.reporter_email, reporter_phone=request.reporter_phone,
        installation=request.installation, first_occurred_at=request.first_occurred_at,
        affected_domain=request.affected_domain, browser=request.browser, hosting=request.hosting,
        responsible_user=request.responsible_user)
    call.record(Entry(EntryKind.HISTORY, f"Call created by {principal.login_name}.",
                      principal.login_name, now))
    if not intake.customer_known:
        call.record(Entry(EntryKind.HISTORY,
                          f"CustomerId {request.customer_number!r} was not found for login "
                          f"{principal.login_name}; filed under {intake.customer_number}.",
                          "system", now, visibility=Visibility.INTERNAL))
    warnings = intake.warnings
    if missing:
        names = ", ".join(r.name for r in missing)
        call.record(Entry(EntryKind.HISTORY,
                          f"Filed without {names}, which a {request.category.value} call requires: "
                          "ask the customer.", "system", now, visibility=Visibility.INTERNAL))
        warnings += (incomplete_warning(request.category, missing),)
    entries = list(call.new_entries)
    uow.calls.add(call)
    push.written(uow, call, [EventType.CALL_CREATED], principal.login_id, now, entries)
    staff_notify.new_call(uow, call, now)  # the desk's subscribers (issue 26)
    return CreateOutcome(call, status, True, warnings, intake.customer_known)


def _replayed(uow: UnitOfWork, principal: Principal, call: Call) -> CreateOutcome:
    return CreateOutcome(call, _status(uow, call.status_code), False, (REPLAYED,),
                         call.customer_id in principal.visible_customer_ids)


def get_call_data(uow: UnitOfWork, principal: Principal, call_id: int,
                  replica: UnitOfWork | None = None, public_url: str = "") -> CallData:
    """The call as its customer may see it. Contact URLs start at the setting web_base_url,
    else at ``public_url`` (the service's own address).

    The call row always comes from the primary (one key look-up that also
    decides visibility); its entries and attachments, the bulk of the answer, as of
    the version read (``uow.contents``), may come from the read replica.
    """
    call = visible_call(uow, principal, call_id)
    status = _status(uow, call.status_code)
    settings: Settings = uow.settings.get()
    content = uow.contents.of(call, Visibility.PUBLIC,
                              replica.contents if replica is not None else None)
    base = links_base(settings.web_base_url, public_url)
    contacts = [ContactView(e, contact_url(base, e.path, call.id, e.id)) for e in content.contacts]
    customer = uow.customers.get(call.customer_id)
    return CallData(call, status, customer.number, visible_result(call, status),
                    list(content.history), contacts, list(content.attachments))


def timeline(data: CallData) -> list[Entry]:
    """The public history and contact entries of a call, in time order (the portal's view)."""
    return sorted([*data.history, *(c.entry for c in data.contacts)],
                  key=lambda e: (e.created_at, e.id or 0))


def for_customers(uow: UnitOfWork, principal: Principal) -> list:
    """The customers a login may file calls for: its own, and its organisation's."""
    found = [uow.customers.get(cid) for cid in sorted(principal.visible_customer_ids)]
    own = [c for c in found if c is not None]
    return sorted(own, key=lambda c: (c.id != principal.customer_id, c.number))


def set_solution_acceptance(uow: UnitOfWork, principal: Principal, call_id: int, accepted: bool,
                            comment: str | None = "", now: datetime | None = None) -> AnswerOutcome:
    now = now or utcnow()
    comment = (comment or "").strip()

    def answer() -> AnswerOutcome:
        # On a Conflict someone changed the call meanwhile (e.g. the same answer, sent twice
        # at once): re-read and decide again; the second pass is then a no-op or a fault.
        uow.begin_write()
        call = visible_call(uow, principal, call_id)
        settings: Settings = uow.settings.get()
        target = _status(uow, settings.solution_accepted_status if accepted
                         else settings.solution_rejected_status)
        before = call.status_code
        changed = call.answer_solution(accepted, comment, target,
                                       author=principal.login_name, now=now)
        if not changed:
            return AnswerOutcome(call, _status(uow, call.status_code), False)
        events = (status_events(_status(uow, before), target, call.result)
                  if before != target.code else [])
        push.save(uow, call, events, principal.login_id, now)
        staff_notify.solution_answered(uow, call, accepted, comment, now)
        uow.commit()
        return AnswerOutcome(call, target, True)

    return retry_on_conflict(uow, answer, attempts=2)


def visible_call(uow: UnitOfWork, principal: Principal, call_id: int) -> Call:
    call = uow.calls.get(call_id)
    if call is None or not call.visible_to(principal):
        raise CallNotFound()
    return call


def _status(uow: UnitOfWork, code: str) -> Status:
    status = uow.statuses.get(code)
    if status is None:
        raise ConfigurationError(f"The configured call status {code!r} does not exist.")
    return status

