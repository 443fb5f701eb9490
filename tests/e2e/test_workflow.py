"""The customer's ticket workflow over real HTTP with zeep: the overview with its filters and
cursor, change polling under concurrent writers, replies, attachments, request types and
statuses (issue 8)."""

from __future__ import annotations

import hashlib
import os
import threading
import uuid
from datetime import UTC, datetime

import pytest
from zeep.exceptions import Fault

from tests.support.http_soap import envelope, post

STAFF_PASSWORD = "tech-password"
TECH_FIELDS = {"Description": "All phones are dead.", "AffectedDomain": "pbx.acme.example",
               "FirstOccurredAt": datetime(2026, 11, 23, 7, 40, tzinfo=UTC)}


def code(exc) -> str:
    return exc.value.code.split(":", 1)[-1]


def detail(exc, name: str) -> str | None:
    found = exc.value.detail.find(f".//{{urn:helpdesk-soap:helpdesk:v1}}{name}")
    return found.text if found is not None else None


@pytest.fixture(scope="module")
def srv(server):
    server.cli("login", "add", "tech", "--role", "staff", "--password-stdin", stdin=STAFF_PASSWORD + "\n")
    return server


@pytest.fixture(scope="module")
def acme(srv):
    return srv.client("acme-tts")


@pytest.fixture(scope="module")
def tech(srv):
    return srv.client("tech", STAFF_PASSWORD, "staff")


def create(client, subject: str, **fields) -> int:
    call = {"CustomerId": "ACME", "Subject": subject, "Priority": "High",
            "Category": "TechnicalSupport", **TECH_FIELDS, **fields}
    return client.service.CreateCall(Call=call).CallId


def rows(page) -> list:
    return list(page.Calls.CallRow) if page.Calls is not None else []


# -- the overview ------------------------------------------------------------------------

def test_the_overview_filters_by_year_and_month_of_creation(srv, acme):
    tag = uuid.uuid4().hex[:8]
    ids = {when: create(acme, f"Filter {tag} {when}") for when in ("2025-03-10 12:00", "2025-12-31 23:30",
                                                                    "2026-01-01 00:10")}
    for when, call_id in ids.items():
        srv.sql("UPDATE calls SET created_at = :t WHERE id = :i",
                t=datetime.fromisoformat(when).replace(tzinfo=UTC), i=call_id)

    def listed(**filters) -> set[int]:
        return {r.CallId for r in rows(acme.service.ListCalls(SubjectContains=f"filter {tag}", **filters))}

    assert listed() == set(ids.values())  # the subject filter is case-insensitive
    assert listed(Year=2025) == {ids["2025-03-10 12:00"], ids["2025-12-31 23:30"]}
    assert listed(Year=2025, Month=12) == {ids["2025-12-31 23:30"]}
    assert listed(Year=2026, Month=1) == {ids["2026-01-01 00:10"]}
    assert listed(Year=2025, Month=4) == set()
    for bad in ({"Month": 3}, {"Year": 2025, "Month": 13}):
        with pytest.raises(Fault) as exc:
            acme.service.ListCalls(**bad)
        assert code(exc) == "Client.InvalidArgument" and detail(exc, "Field") == "Month"


def test_the_overview_pages_by_cursor_and_shows_activities_and_time(srv, acme, tech):
    tag = uuid.uuid4().hex[:8]
    ids = [create(acme, f"Page {tag} {n}") for n in range(7)]
    tech.service.RecordTime(CallId=ids[0], Minutes=30, Note="Checked the PBX")
    tech.service.RecordTime(CallId=ids[0], Minutes=15)
    tech.service.AddEntry(CallId=ids[0], Kind="History", Text="Internal only", Visibility="Internal")
    tech.service.AddEntry(CallId=ids[0], Kind="History", Text="Line card ordered", Visibility="Public")

    seen, cursor, pages = [], None, 0
    while True:
        page = acme.service.ListCalls(SubjectContains=tag, PageSize=3, Cursor=cursor)
        pages += 1
        seen += rows(page)
        assert page.TotalMinutesSpent == 45  # over every matching call, on every page
        if not page.NextCursor:
            break
        cursor = page.NextCursor
    assert pages == 3 and [r.CallId for r in seen] == sorted(ids, reverse=True)  # newest first
    first = next(r for r in seen if r.CallId == ids[0])
    assert first.MinutesSpent == 45
    assert first.PublicActivities == 2  # "Call created" and the public entry, not the internal one
    assert first.Status.Code == "NEW" and first.Status.Stage and first.Priority == "High"
    for bad in ({"PageSize": 0}, {"PageSize": 101}, {"Cursor": "garbage"}):
        with pytest.raises(Fault) as exc:
            acme.service.ListCalls(**bad)
        assert code(exc) == "Client.InvalidArgument"


# -- change polling ----------------------------------------------------------------------

def drain(client, since: int) -> tuple[int, set[int]]:
    seen: set[int] = set()
    while True:
        page = client.service.GetChangedCalls(Since=since, PageSize=7)
        seen |= {r.CallId for r in rows(page)}
        assert page.Watermark >= since
        since = page.Watermark
        if not page.MoreAvailable:
            return since, seen


def test_get_changed_calls_misses_no_change_under_concurrent_writers(srv, acme, tech):
    """Writers change 60 calls once each while a poller polls; the poller must see all 60."""
    targets = [create(acme, f"Race {n}") for n in range(60)]
    watermark, _ = drain(acme, 0)
    poller = srv.client("acme-tts")
    done = threading.Event()
    observed: set[int] = set()
    errors: list[BaseException] = []

    def poll():
        nonlocal watermark
        try:
            while not done.is_set():
                watermark, seen = drain(poller, watermark)
                observed.update(seen)
            watermark, seen = drain(poller, watermark)  # after the last write
            observed.update(seen)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def write(chunk: list[int], kind: int):
        try:
            customer, staff = srv.client("acme-tts"), srv.client("tech", STAFF_PASSWORD, "staff")
            for call_id in chunk:
                if kind == 0:
                    customer.service.AddCallNote(CallId=call_id, Text=f"Reply on {call_id}")
                elif kind == 1:
                    staff.service.SetStatus(CallId=call_id, Status="IN_PROGRESS")
                else:
                    staff.service.AddEntry(CallId=call_id, Kind="Contact", Text="Called back",
                                           Visibility="Public")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    poller_thread = threading.Thread(target=poll)
    poller_thread.start()
    writers = [threading.Thread(target=write, args=(targets[i::4], i % 3)) for i in range(4)]
    for t in writers:
        t.start()
    for t in writers:
        t.join()
    done.set()
    poller_thread.join()
    assert errors == []
    assert set(targets) <= observed, sorted(set(targets) - observed)


def test_internal_changes_neither_move_changed_at_nor_show_as_changes(srv, acme, tech):
    call_id = create(acme, "Quiet internal work")
    watermark, _ = drain(acme, 0)
    before = acme.service.GetCallData(CallId=call_id).ChangedAt
    tech.service.AddEntry(CallId=call_id, Kind="History", Text="Internal note", Visibility="Internal")
    tech.service.AssignTechnician(CallId=call_id, Technician="tech", State="Assigned")
    tech.service.RecordTime(CallId=call_id, Minutes=5)
    assert acme.service.GetCallData(CallId=call_id).ChangedAt == before
    assert call_id not in drain(acme, watermark)[1]
    tech.service.SetResult(CallId=call_id, Result="Replaced the line card")  # a result change counts
    assert call_id in drain(acme, watermark)[1]
    with pytest.raises(Fault) as exc:
        acme.service.GetChangedCalls(Since=-1)
    assert code(exc) == "Client.InvalidArgument"


# -- replies -----------------------------------------------------------------------------

def test_a_reply_joins_the_public_history_and_is_unread_for_staff_until_opened(srv, acme, tech):
    call_id = create(acme, "Reply to me")
    tech.service.GetCall(CallId=call_id)
    answer = acme.service.AddCallNote(CallId=call_id, Text="Still broken on floor 2 ✆")
    assert answer.CallId == call_id and answer.Status.Code == "NEW"
    history = acme.service.GetCallData(CallId=call_id).HistoryEntries.HistoryEntry
    assert (history[-1].Author, history[-1].Text) == ("acme-tts", "Still broken on floor 2 ✆")

    def listed_unread() -> bool:
        calls = tech.service.ListCalls(CustomerId="ACME", PageSize=200).Calls.CallSummary
        return next(c for c in calls if c.CallId == call_id).UnreadReply

    assert listed_unread() is True
    assert tech.service.GetCall(CallId=call_id).UnreadReply is True   # shown as new this once
    assert tech.service.GetCall(CallId=call_id).UnreadReply is False  # then read
    assert listed_unread() is False

    tech.service.SetStatus(CallId=call_id, Status="CLOSED")
    with pytest.raises(Fault) as exc:
        acme.service.AddCallNote(CallId=call_id, Text="one more thing")
    assert code(exc) == "Client.CallClosed"
    with pytest.raises(Fault) as exc:
        acme.service.AddCallNote(CallId=create(acme, "blank"), Text="   ")
    assert code(exc) == "Client.InvalidArgument"


# -- attachments -------------------------------------------------------------------------

def test_an_attachment_round_trips_with_its_checksum(srv, acme, tech, tmp_path):
    call_id = create(acme, "Screenshot attached")
    content = os.urandom(300_000)
    info = acme.service.AddAttachment(CallId=call_id, FileName="..\\..\\screen<1>.png",
                                      ContentType="Image/PNG; name=x", Content=content)
    assert info.Sha256 == hashlib.sha256(content).hexdigest() and info.Size == len(content)
    assert (info.FileName, info.ContentType, info.Visibility) == ("screen_1_.png", "image/png", "Public")

    back = acme.service.GetAttachment(CallId=call_id, AttachmentId=info.AttachmentId)
    assert back.Content == content and back.Attachment.Sha256 == info.Sha256

    internal = tech.service.AddAttachment(CallId=call_id, FileName="pbx.log", ContentType="text/plain",
                                          Content=b"internal log", Visibility="Internal")
    data = acme.service.GetCallData(CallId=call_id)
    assert [a.AttachmentId for a in data.Attachments.AttachmentInfo] == [info.AttachmentId]
    with pytest.raises(Fault) as exc:
        acme.service.GetAttachment(CallId=call_id, AttachmentId=internal.AttachmentId)
    assert code(exc) == "Client.AttachmentNotFound"
    staff_view = tech.service.GetCall(CallId=call_id)
    assert {a.FileName for a in staff_view.Attachments.AttachmentInfo} == {"screen_1_.png", "pbx.log"}
    assert tech.service.GetAttachment(CallId=call_id, AttachmentId=internal.AttachmentId).Content == b"internal log"

    # GetCallData carries metadata only, never the content.
    raw = post(srv, envelope(f"<h:GetCallData><h:CallId>{call_id}</h:CallId></h:GetCallData>"))
    assert raw.status_code == 200 and b"<tns:Sha256>" in raw.content and len(raw.content) < 10_000


def test_a_large_attachment_streams_to_disk_and_round_trips_on_both_sides(srv, acme, tech):
    # Over 256 KiB of body, so the gateway stages the content while it arrives.
    call_id = create(acme, "Large log attached")
    store = srv.log.parent / "attachments"
    for client, extra in ((acme, {}), (tech, {"Visibility": "Internal"})):
        content = os.urandom(2_000_000)
        info = client.service.AddAttachment(CallId=call_id, FileName="trace.bin",
                                            ContentType="application/pdf", Content=content, **extra)
        assert info.Sha256 == hashlib.sha256(content).hexdigest() and info.Size == len(content)
        back = client.service.GetAttachment(CallId=call_id, AttachmentId=info.AttachmentId)
        assert back.Content == content
        assert (store / info.Sha256[:2] / info.Sha256[2:4] / info.Sha256).stat().st_size == len(content)
    assert not [p for p in store.rglob(".upload-*")]  # no staging file left behind


def test_a_large_chunked_attachment_with_bad_base64_gets_the_schema_fault_and_stores_nothing(srv, acme):
    call_id = create(acme, "Broken upload")
    body = envelope(f"<h:AddAttachment><h:CallId>{call_id}</h:CallId><h:FileName>x.pdf</h:FileName>"
                    f"<h:ContentType>application/pdf</h:ContentType>"
                    f"<h:Content>{'QUJD' * 200_000}QUJ</h:Content></h:AddAttachment>")
    # A generator makes requests send it chunked (no Content-Length).
    answer = post(srv, (body[i:i + 50_000] for i in range(0, len(body), 50_000)))
    assert answer.status_code == 500 and b"Client.SchemaValidationError" in answer.content
    assert b"<tns:Field>Content</tns:Field>" in answer.content and len(answer.content) < 2000
    assert acme.service.GetCallData(CallId=call_id).Attachments is None
    assert not [p for p in (srv.log.parent / "attachments").rglob(".upload-*")]


def test_attachments_over_the_limit_or_of_a_refused_type_are_refused_and_store_nothing(srv, acme):
    call_id = create(acme, "Too big")
    srv.cli("settings", "set", "attachment_max_bytes", "100000")
    try:
        with pytest.raises(Fault) as exc:
            acme.service.AddAttachment(CallId=call_id, FileName="big.pdf", ContentType="application/pdf",
                                       Content=os.urandom(100_001))
        assert code(exc) == "Client.AttachmentTooLarge" and detail(exc, "Limit") == "100000"
        ok = acme.service.AddAttachment(CallId=call_id, FileName="fits.pdf", ContentType="application/pdf",
                                        Content=os.urandom(100_000))
        assert ok.Size == 100_000
    finally:
        srv.cli("settings", "set", "attachment_max_bytes", str(7 * 1024 * 1024))
    with pytest.raises(Fault) as exc:
        acme.service.AddAttachment(CallId=call_id, FileName="run.exe",
                                   ContentType="application/x-msdownload", Content=b"MZ")
    assert code(exc) == "Client.ContentTypeNotAllowed" and detail(exc, "Field") == "ContentType"
    names = [a.FileName for a in acme.service.GetCallData(CallId=call_id).Attachments.AttachmentInfo]
    assert names == ["fits.pdf"]


# -- request types and statuses ----------------------------------------------------------

def test_each_category_requires_its_own_fields(srv, acme):
    types = {t.Category: t for t in acme.service.GetRequestTypes()}
    assert set(types) == {"Question", "TechnicalSupport", "Improvement"}
    required = {c: [f.Name for f in t.Fields.RequestField if f.Required] for c, t in types.items()}
    assert required == {"Question": ["Subject", "Description", "Priority"],
                        "TechnicalSupport": ["Subject", "Description", "Priority", "AffectedDomain",
                                             "FirstOccurredAt"],
                        "Improvement": ["Subject", "Description", "Priority", "ResponsibleUser"]}
    full = {"Question": {"Description": "Where is the manual?"},
            "TechnicalSupport": dict(TECH_FIELDS, Browser="Firefox 128", Hosting="On premises"),
            "Improvement": {"Description": "Dark mode", "ResponsibleUser": "Pat"}}
    for category, fields in full.items():
        for missing in (n for n in required[category] if n in fields):
            call = {"CustomerId": "ACME", "Subject": f"{category} without {missing}", "Priority": "Low",
                    "Category": category, **{k: v for k, v in fields.items() if k != missing}}
            with pytest.raises(Fault) as exc:
                acme.service.CreateCall(Call=call)
            assert code(exc) == "Client.MissingField" and detail(exc, "Field") == missing
        call_id = acme.service.CreateCall(Call={"CustomerId": "ACME", "Subject": f"{category} complete",
                                                "Priority": "Low", "Category": category, **fields}).CallId
        data = acme.service.GetCallData(CallId=call_id)
        for name, value in fields.items():
            assert getattr(data, name) == value, name
    assert int(srv.sql("SELECT count(*) FROM calls WHERE subject LIKE '% without %'")[0][0]) == 0


def test_get_statuses_lists_the_configured_workflow(srv, acme):
    statuses = {s.Code: s for s in acme.service.GetStatuses()}
    assert statuses["NEW"].Stage == "Open" and not statuses["NEW"].IsFinal
    assert statuses["CLOSED"].IsFinal and statuses["CLOSED"].Stage == "Closed"
    srv.cli("status", "add", "WAITING_PARTS", "--name", "Waiting for parts", "--stage", "InProgress")
    added = {s.Code: s for s in acme.service.GetStatuses()}["WAITING_PARTS"]
    assert (added.Name, added.Stage, added.IsFinal) == ("Waiting for parts", "InProgress", False)
