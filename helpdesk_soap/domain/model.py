"""Calls, statuses, entries and the rules that govern them (their vocabulary: vocabulary.py)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from .errors import InvalidArgument, NoSolutionProposed, SolutionAlreadyAnswered
from .text import xml_safe
from .vocabulary import (AssignmentState, Category, ContactType, EntryKind, Priority, Role, SolutionState,
                         Stage, Visibility)

__all__ = [
    # vocabulary.py's, re-exported
    "AssignmentState", "Category", "ContactType", "EntryKind", "Priority", "Role", "SolutionState",
    "Stage", "Visibility",
    # this module's
    "Call", "CallRequest", "Customer", "Entry", "Principal", "Status", "Warning", "contact_url",
    "links_base", "visible_result",
]


@dataclass(frozen=True, slots=True)
class Status:
    code: str
    name: str
    stage: Stage
    result_visible: bool = False
    is_final: bool = False


@dataclass(frozen=True, slots=True)
class Customer:
    id: int
    number: str
    name: str


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated login a request acts for.

    ``visible_customer_ids`` is the login's own customer plus, when that
    customer belongs to an organisation, every customer of the organisation.
    Staff and admin logins belong to no customer.
    """

    #: None for a sender known only by address (e-mail intake), who has no login.
    login_id: int | None
    login_name: str
    customer_id: int | None
    can_set_service_level: bool = False
    role: Role = Role.INTEGRATION
    visible_customer_ids: frozenset[int] = frozenset()
    organisation_id: int | None = None

    def __post_init__(self):
        if self.customer_id is not None and not self.visible_customer_ids:
            object.__setattr__(self, "visible_customer_ids", frozenset({self.customer_id}))


@dataclass(frozen=True, slots=True)
class Entry:
    """A history entry or a contact entry on a call."""

    kind: EntryKind
    text: str
    author: str
    created_at: datetime
    visibility: Visibility = Visibility.PUBLIC
    contact_type: ContactType | None = None
    path: str | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Warning:
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class CallRequest:
    """What a caller sends to open a call, as plain values."""

    customer_number: str
    subject: str
    priority: Priority
    category: Category
    description: str = ""
    external_ticket_id: str | None = None
    service_level: str | None = None
    components: tuple[str, ...] = ()
    reporter_name: str | None = None
    reporter_email: str | None = None
    reporter_phone: str | None = None
    installation: str | None = None
    first_occurred_at: datetime | None = None
    #: Technical support (source document 002): the domain where the fault shows.
    affected_domain: str | None = None
    browser: str | None = None
    hosting: str | None = None
    #: Improvement suggestions: the customer's user responsible for the suggestion.
    responsible_user: str | None = None

    def validated(self) -> CallRequest:
        """Checked, with text cleaned of characters XML 1.0 cannot carry (see text.py)."""
        cleaned = {f: xml_safe(getattr(self, f)) for f in _REQUEST_TEXT}
        cleaned["subject"] = subject = cleaned["subject"].strip()
        if not subject:
            raise InvalidArgument("Subject must not be empty.", field="Subject")
        if not cleaned["customer_number"].strip():
            raise InvalidArgument("CustomerId must not be empty.", field="CustomerId")
        ext = cleaned["external_ticket_id"]
        if ext is not None and not ext.strip():
            cleaned["external_ticket_id"] = None
        return replace(self, components=tuple(xml_safe(c) for c in self.components), **cleaned)


#: CallRequest's text fields, cleaned by ``validated``.
_REQUEST_TEXT = ("customer_number", "subject", "description", "external_ticket_id", "service_level",
                 "reporter_name", "reporter_email", "reporter_phone", "installation",
                 "affected_domain", "browser", "hosting", "responsible_user")


@dataclass(slots=True)
class Call:
    customer_id: int
    origin_customer_id: int
    created_by_login_id: int | None
    reported_customer_number: str
    subject: str
    description: str
    priority: Priority
    category: Category
    status_code: str
    created_at: datetime
    updated_at: datetime
    external_ticket_id: str | None = None
    service_level: str | None = None
    components: tuple[str, ...] = ()
    reporter_name: str | None = None
    reporter_email: str | None = None
    reporter_phone: str | None = None
    installation: str | None = None
    first_occurred_at: datetime | None = None
    affected_domain: str | None = None
    browser: str | None = None
    hosting: str | None = None
    responsible_user: str | None = None
    result: str | None = None
    solution: str | None = None
    solution_state: SolutionState = SolutionState.NONE
    #: When the customer's view of the call last changed (``updated_at`` moves on internal
    #: changes too, which the customer must not learn about).
    changed_at: datetime | None = None
    #: The store's change sequence number of the last customer-visible change (0: none yet).
    change_seq: int = 0
    id: int | None = None
    version: int = 0
    #: Seen by staff only (source document 003: visibility internal, not public); a
    #: customer-side login never sees an internal call, through any entry point.
    internal: bool = False
    new_entries: list[Entry] = field(default_factory=list)
    #: Set by every customer-visible change; the store then gives the call a new change_seq.
    public_change: bool = False

    def __post_init__(self):
        if self.changed_at is None:
            self.changed_at = self.created_at

    def visible_to(self, principal: Principal) -> bool:
        """A login sees its customer's (or organisation's) calls and the calls it created;
        customer-side logins never an internal one."""
        if self.internal and not principal.role.is_staff:
            return False
        return (self.customer_id in principal.visible_customer_ids
                or (self.created_by_login_id is not None
                    and self.created_by_login_id == principal.login_id))

    def record(self, entry: Entry) -> None:
        if xml_safe(entry.text) != entry.text:
            entry = replace(entry, text=xml_safe(entry.text))
        self.new_entries.append(entry)
        self.updated_at = entry.created_at
        if entry.visibility is Visibility.PUBLIC:
            self.mark_public_change(entry.created_at)

    def mark_public_change(self, now: datetime) -> None:
        """A change the customer side sees: a public entry, status, result, solution, attachment."""
        self.public_change = True
        self.changed_at = now
        self.updated_at = max(self.updated_at, now)

    def set_status(self, status: Status, *, author: str, now: datetime) -> bool:
        if status.code == self.status_code:
            return False
        old = self.status_code
        self.status_code = status.code
        self.record(Entry(EntryKind.HISTORY, f"Status changed from {old} to {status.code}.",
                          author, now))
        return True

    def set_internal(self, internal: bool, *, author: str, now: datetime) -> bool:
        """Make the call internal (staff only) or public; made public, the customer side
        learns of it as of a change (GetChangedCalls)."""
        if internal == self.internal:
            return False
        self.internal = internal
        self.record(Entry(EntryKind.HISTORY, "Visibility changed to internal." if internal else
                          "Visibility changed to public.", author, now,
                          visibility=Visibility.INTERNAL))
        if not internal:
            self.mark_public_change(now)
        return True

    def set_result(self, text: str, *, author: str, now: datetime) -> None:
        self.result = xml_safe(text)
        self.record(Entry(EntryKind.HISTORY, "Result updated.", author, now,
                          visibility=Visibility.INTERNAL))
        self.mark_public_change(now)

    def propose_solution(self, text: str, proposed: Status, *, author: str, now: datetime) -> None:
        if not text.strip():
            raise InvalidArgument("A proposed solution must have text.", field="Solution")
        text = xml_safe(text)
        self.solution = text
        self.solution_state = SolutionState.PROPOSED
        self.set_status(proposed, author=author, now=now)
        self.record(Entry(EntryKind.HISTORY, f"Solution proposed: {text}", author, now))

    def answer_solution(self, accepted: bool, comment: str, target: Status, *,
                        author: str, now: datetime) -> bool:
        """Accept or reject the proposed solution.

        Returns False, changing nothing, when the same answer was already
        recorded: a retried request must not add a second history entry.
        """
        wanted = SolutionState.ACCEPTED if accepted else SolutionState.REJECTED
        if self.solution_state is wanted:
            return False
        if self.solution_state is SolutionState.NONE:
            raise NoSolutionProposed()
        if self.solution_state is not SolutionState.PROPOSED:
            raise SolutionAlreadyAnswered(
                f"The proposed solution was already {self.solution_state.value.lower()}; "
                "a new solution must be proposed before it can be answered again.")
        self.solution_state = wanted
        self.set_status(target, author=author, now=now)
        verb = "accepted" if accepted else "rejected"
        text = f"Solution {verb} by the customer." + (f" Comment: {comment}" if comment else "")
        self.record(Entry(EntryKind.HISTORY, text, author, now))
        return True


def visible_result(call: Call, status: Status) -> str | None:
    """The Result field leaves the helpdesk only in statuses marked result-visible."""
    return call.result if status.result_visible else None


def contact_url(base_url: str | None, path: str | None, call_id: int | None = None,
                entry_id: int | None = None) -> str | None:
    """The web front end's URL of a contact entry, or None: never a broken link.

    An entry recorded with a path (an installer's own web front end) gets that path; any
    other entry the portal's call view at the entry (``/calls/<id>#entry-<id>``).
    """
    if not base_url:
        return None
    if not path:
        if call_id is None or entry_id is None:
            return None
        path = f"calls/{call_id}#entry-{entry_id}"
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def links_base(web_base_url: str | None, public_url: str | None) -> str:
    """Where links to the web front end start: the setting, else the service's own URL."""
    return (web_base_url or public_url or "").rstrip("/")
