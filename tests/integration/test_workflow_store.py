"""The workflow's use cases over the real stores (SQLite and PostgreSQL): concurrent writers of
one call, change numbers in commit order, and attachments in the file store."""

from __future__ import annotations

import threading
import pytest

from helpdesk_soap.domain import errors
from helpdesk_soap.domain.model import CallRequest, Category, Priority
from helpdesk_soap.services import attachments, calls, workflow
from helpdesk_soap.store.engine import make_session_factory
from helpdesk_soap.store.files import FileStore
from helpdesk_soap.store.unit_of_work import SqlUnitOfWork


@pytest.fixture
def files_uow(engine, tmp_path):
    factory = make_session_factory(engine)
    store = FileStore(tmp_path / "files")
    return lambda: SqlUnitOfWork(factory, store)


def new_call(uow_factory, principal) -> int:
    with uow_factory() as uow:
        return calls.create_call(uow, principal, CallRequest(
            "ACME", "Race", Priority.LOW, Category.QUESTION, "d")).call.id


def test_concurrent_replies_to_one_call_are_all_kept(files_uow, seeded):
    """Two writers of one call: the loser of each race re-reads and retries; no reply is lost
    and no caller sees an error."""
    call_id = new_call(files_uow, seeded["acme-tts"])
    errors_seen: list[BaseException] = []

    def reply(login: str):
        try:
            for n in range(15):
                with files_uow() as uow:
                    workflow.add_note(uow, seeded[login], call_id, f"{login} {n}")
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors_seen.append(exc)

    threads = [threading.Thread(target=reply, args=(login,)) for login in ("acme-tts", "acme-sl")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors_seen == []
    with files_uow() as uow:
        texts = [e.text for e in calls.get_call_data(uow, seeded["acme-tts"], call_id).history]
        assert uow.calls.staff_unread(call_id)
    assert sorted(t for t in texts if t.startswith("acme")) == sorted(
        f"{login} {n}" for login in ("acme-tts", "acme-sl") for n in range(15))


def test_change_numbers_follow_commit_order(files_uow, seeded):
    """Each customer-visible change takes the next number; internal ones take none."""
    p = seeded["acme-tts"]
    first, second = new_call(files_uow, p), new_call(files_uow, p)
    with files_uow() as uow:
        start = workflow.changed_calls(uow, p, 0, 100).watermark
        workflow.add_note(uow, p, first, "one")
    with files_uow() as uow:
        workflow.add_note(uow, p, second, "two")
    with files_uow() as uow:
        changes = workflow.changed_calls(uow, p, start, 100)
    assert [r.call_id for r in changes.rows] == [first, second]
    assert changes.rows[1].change_seq == changes.rows[0].change_seq + 1 == start + 2
    with files_uow() as uow:  # GLOBEX sees none of it
        assert workflow.changed_calls(uow, seeded["globex-tts"], start, 100).rows == []


def test_attachments_are_stored_once_and_checked_on_the_way_out(files_uow, seeded, tmp_path):
    p = seeded["acme-tts"]
    call_id = new_call(files_uow, p)
    with files_uow() as uow:
        a = attachments.add_attachment(uow, p, call_id, "a.txt", "text/plain", b"same bytes")
    with files_uow() as uow:
        b = attachments.add_attachment(uow, p, call_id, "b.txt", "text/plain", b"same bytes")
    assert a.sha256 == b.sha256 and a.id != b.id
    stored = [f for f in (tmp_path / "files").rglob("*") if f.is_file()]
    assert len(stored) == 1 and stored[0].name == a.sha256
    stored[0].write_bytes(b"tampered!!")  # a damaged file is never served as the attachment
    with files_uow() as uow, pytest.raises(errors.StoreUnavailable):
        attachments.get_attachment(uow, p, call_id, a.id)
    with files_uow() as uow, pytest.raises(errors.CallNotFound):  # and nothing for a foreign call
        attachments.add_attachment(uow, seeded["globex-tts"], call_id, "x.txt", "text/plain", b"other")
    assert len([f for f in (tmp_path / "files").rglob("*") if f.is_file()]) == 1
