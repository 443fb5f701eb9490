"""What the benchmark sends, and the data it needs: one place for both.

``seed`` fills an empty database through the services (customer, login, the
calls GetCallData reads) and bulk-copies calls with a proposed solution, so
every SetSolutionAcceptance request answers a call of its own (answering the
same call twice is a cheap no-op and would flatter the figure).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, insert, select, text

from helpdesk_soap.domain.model import CallRequest, Category, ContactType, EntryKind, Priority
from helpdesk_soap.security import PasswordVerifier
from helpdesk_soap.services import admin, auth, calls, staff
from helpdesk_soap.soap.types import TNS
from helpdesk_soap.soap.wsse import PASSWORD_TEXT, WSSE
from helpdesk_soap.store.engine import make_engine, make_session_factory
from helpdesk_soap.store.migrate import upgrade
from helpdesk_soap.store.models import CallRow
from helpdesk_soap.store.unit_of_work import SqlUnitOfWork

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
LOGIN, PASSWORD, CUSTOMER = "bench-tts", "bench-password-1", "BENCH"


@dataclass
class Seeded:
    call_20: int          # 20 public history entries and 5 contact entries
    call_500: int         # 500 public history entries
    proposed: list[int]   # calls whose proposed solution awaits an answer


def envelope(operation: str, inner: str, *, user: str | None = LOGIN, password: str = PASSWORD,
             token: str | None = None) -> bytes:
    header = ""
    if token is not None:
        header = f"<soap:Header><h:Session><h:Token>{token}</h:Token></h:Session></soap:Header>"
    elif user is not None:
        header = (f'<soap:Header><wsse:Security xmlns:wsse="{WSSE}"><wsse:UsernameToken>'
                  f'<wsse:Username>{user}</wsse:Username>'
                  f'<wsse:Password Type="{PASSWORD_TEXT}">{password}</wsse:Password>'
                  f'</wsse:UsernameToken></wsse:Security></soap:Header>')
    return (f'<soap:Envelope xmlns:soap="{SOAP}" xmlns:h="{TNS}">{header}<soap:Body>'
            f'<h:{operation}>{inner}</h:{operation}></soap:Body></soap:Envelope>').encode()


def create_call(external_id: str = "EXT", description: str = "Bench call") -> bytes:
    return envelope("CreateCall", (
        f"<h:Call><h:CustomerId>{CUSTOMER}</h:CustomerId>"
        f"<h:ExternalTicketId>{external_id}</h:ExternalTicketId>"
        f"<h:Subject>Phones in department 4 are down</h:Subject>"
        f"<h:Description>{description}</h:Description>"
        f"<h:Priority>High</h:Priority><h:Category>TechnicalSupport</h:Category>"
        f"<h:Components>PBX</h:Components>"
        f"<h:FirstOccurredAt>2026-11-23T07:40:00Z</h:FirstOccurredAt>"
        f"<h:AffectedDomain>pbx.bench.example</h:AffectedDomain></h:Call>"))


def get_call_data(call_id: int, token: str | None = None) -> bytes:
    return envelope("GetCallData", f"<h:CallId>{call_id}</h:CallId>", token=token)


def set_solution_acceptance(call_id: int) -> bytes:
    return envelope("SetSolutionAcceptance",
                    f"<h:CallId>{call_id}</h:CallId><h:Accepted>true</h:Accepted>"
                    f"<h:Comment>works again</h:Comment>")


def login() -> bytes:
    return envelope("Login", f"<h:LoginName>{LOGIN}</h:LoginName><h:Password>{PASSWORD}</h:Password>",
                    user=None)


def token_of(login_answer: bytes) -> str:
    """The session token in the answer to ``login()``."""
    return login_answer.split(b"Token>", 1)[1].split(b"<", 1)[0].decode()


def add_attachment(call_id: int, payload_bytes: int) -> bytes:
    """An AddAttachment envelope whose base64 content is about ``payload_bytes`` long."""
    content = "QUJD" * (payload_bytes // 4)
    return envelope("AddAttachment", (
        f"<h:CallId>{call_id}</h:CallId><h:FileName>bench.bin</h:FileName>"
        f"<h:ContentType>application/pdf</h:ContentType><h:Content>{content}</h:Content>"))


def seed(url: str, proposed: int) -> Seeded:
    engine = make_engine(url)
    try:
        upgrade(engine)
        factory = make_session_factory(engine)

        def uow():
            return SqlUnitOfWork(factory)

        with uow() as u:
            admin.add_customer(u, CUSTOMER, "Bench customer")
        with uow() as u:
            admin.add_login(u, LOGIN, CUSTOMER, PASSWORD)
        with uow() as u:  # room for the "10 MB request": 10 MB of base64, 7.5 MB of content
            admin.set_setting(u, "attachment_max_bytes", str(8_000_000))
        with uow() as u:
            principal = auth.authenticate(u, PasswordVerifier(), LOGIN, PASSWORD)

        def new_call(subject: str) -> int:
            with uow() as u:
                return calls.create_call(u, principal, CallRequest(
                    CUSTOMER, subject, Priority.HIGH, Category.TECHNICAL_SUPPORT,
                    description="A call the benchmark reads.", affected_domain="pbx.bench.example",
                    first_occurred_at=datetime(2026, 11, 23, 7, 40, tzinfo=UTC))).call.id

        def entries(call_id: int, history: int, contacts: int) -> None:
            for k in range(history):
                with uow() as u:
                    staff.add_entry(u, call_id, EntryKind.HISTORY,
                                    f"Technician note {k}: checked the trunk, line cards and "
                                    f"the PBX's event log.", author="bench-staff")
            for k in range(contacts):
                with uow() as u:
                    staff.add_entry(u, call_id, EntryKind.CONTACT, f"Called the reporter ({k}).",
                                    author="bench-staff", contact_type=ContactType.PHONE,
                                    path=f"calls/{call_id}/contacts/{k}")

        call_20, call_500 = new_call("twenty entries"), new_call("five hundred entries")
        entries(call_20, 19, 5)   # plus "Call created": 20 history entries
        entries(call_500, 499, 0)
        template = new_call("proposed solution")
        with uow() as u:
            staff.propose_solution(u, template, "Replaced the line card.", author="bench-staff")
        ids = _copy_call(engine, template, proposed)
        return Seeded(call_20, call_500, ids)
    finally:
        engine.dispose()


def _copy_call(engine, call_id: int, n: int) -> list[int]:
    table = CallRow.__table__
    with engine.begin() as conn:
        row = dict(conn.execute(select(table).where(table.c.id == call_id)).mappings().one())
        row.pop("id")
        row["external_ticket_id"] = None
        first = conn.execute(select(func.max(table.c.id))).scalar() + 1
        if engine.dialect.name == "postgresql":
            ids = list(conn.execute(text(
                "SELECT nextval(pg_get_serial_sequence('calls', 'id')) FROM generate_series(1, :n)"),
                {"n": n}).scalars())
        else:
            ids = list(range(first, first + n))
        conn.execute(insert(table), [{**row, "id": i} for i in ids])
    return ids
