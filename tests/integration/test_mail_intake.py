"""The committed mail corpus through the real intake and store: what each message becomes."""

from __future__ import annotations

import threading

import pytest

from helpdesk_soap.domain.model import ContactType, EntryKind, Role, Visibility
from helpdesk_soap.services import admin, calls, notify, staff
from tests.mail_corpus.generate import oversized
from tests.support.mail_intake import corpus


def call_of(uow_factory, call_id):
    with uow_factory() as uow:
        call = uow.calls.get(call_id)
        return call, uow.customers.get(call.customer_id).number, uow.calls.entries(call_id)


def count_calls(uow_factory) -> int:
    from sqlalchemy import func, select

    from helpdesk_soap.store.models import CallRow
    with uow_factory() as uow:
        return uow.session.scalar(select(func.count()).select_from(CallRow))


def test_plain_utf8_from_a_customer_domain_opens_a_call(intake, uow_factory, seeded):
    result = intake.take(corpus("plain_utf8.eml"))
    assert result.kind == "created"
    call, customer, entries = call_of(uow_factory, result.call_id)
    assert customer == "ACME" and call.status_code == "NEW"
    assert call.subject == "Telefone in Abteilung 4 ausgefallen – dringend"
    assert "überall „Keine Verbindung“" in call.description and "Grüße\nBob" in call.description
    assert (call.reporter_email, call.reporter_name) == ("bob@acme.example", "Bob Berger")
    # The customer's own ticket system sees it, as it sees every ACME call.
    with uow_factory() as uow:
        data = calls.get_call_data(uow, seeded["acme-tts"], result.call_id)
    assert data.customer_number == "ACME"
    assert [e.text for e in entries] == ["Call created by bob@acme.example."]


def test_login_address_files_the_call_for_that_logins_customer(intake, uow_factory):
    raw = corpus("unknown_sender.eml").replace(b"someone@unknown.example", b"ops@globex.example")
    result = intake.take(raw)
    call, customer, _ = call_of(uow_factory, result.call_id)
    assert (result.kind, customer, call.status_code) == ("created", "GLOBEX", "NEW")
    assert call.created_by_login_id is not None


def test_html_only_mail_becomes_readable_text(intake, uow_factory):
    call, _, _ = call_of(uow_factory, intake.take(corpus("html_only.eml")).call_id)
    assert "the pager system shows error E42 on every handset." in call.description
    assert "- Building A\n- Building B" in call.description
    assert "status page (https://status.acme.example/e42)" in call.description
    assert "<" not in call.description and "alert" not in call.description and "color" not in call.description


@pytest.mark.parametrize("name, expected", [
    ("latin1.eml", "Die Türsprechanlage im Gebäude C funktioniert nicht. Grüße, Jürgen"),
    ("windows1252.eml", "The repair cost 120 € – is that „right“? … Eve"),
    ("wrong_charset.eml", "Grüße aus München, die Anlage „spinnt“.\n\nZweiter Teil: äöü"),
])
def test_charsets_including_a_wrong_declared_one_decode_to_the_right_text(intake, uow_factory, name,
                                                                          expected):
    call, _, _ = call_of(uow_factory, intake.take(corpus(name)).call_id)
    assert call.description == expected
    if name == "latin1.eml":
        assert (call.subject, call.reporter_name) == ("Störung Türsprechanlage", "Jürgen Müller")


def test_attachments_are_stored_and_a_refused_one_is_named_for_staff(intake, uow_factory, seeded, files):
    result = intake.take(corpus("multipart_attachments.eml"))
    call, _, entries = call_of(uow_factory, result.call_id)
    assert call.description == "Hi, the PBX logs and a screenshot are attached."
    with uow_factory() as uow:
        stored = {a.file_name: a for a in uow.attachments.for_call(result.call_id)}
        data = calls.get_call_data(uow, seeded["acme-tts"], result.call_id)
    assert sorted(stored) == ["pbx-log.pdf", "screen.png"]
    assert stored["pbx-log.pdf"].content_type == "application/pdf"
    assert files.get(stored["pbx-log.pdf"].sha256).startswith(b"%PDF-1.4")
    assert sorted(a.file_name for a in data.attachments) == ["pbx-log.pdf", "screen.png"]
    internal = [e.text for e in entries if e.visibility is Visibility.INTERNAL]
    assert len(internal) == 1 and "setup.exe (application/x-msdownload" in internal[0]
    assert "pbx-log.pdf" not in internal[0]


def test_a_failure_on_the_second_attachment_stores_nothing_and_the_message_comes_again(
        intake, uow_factory, files):
    """A message is one transaction: the call, its entries, every attachment and the Message-ID.

    The attachment store refuses the second file (a plain file stands where its directory
    must go, as a full or broken disk would): nothing of the message is kept, the MTA is
    told to try again, and once the store is repaired the same message is taken in whole.
    """
    import hashlib

    from sqlalchemy import func, select

    from helpdesk_soap.mail.intake import TemporaryFailure
    from helpdesk_soap.mail.parse import parse_message
    from helpdesk_soap.store.models import AttachmentRow, EntryRow, MailMessageRow

    raw = corpus("multipart_attachments.eml")
    mail = parse_message(raw)
    first, second = [a for a in mail.attachments if a.file_name in ("pbx-log.pdf", "screen.png")]
    first_sha, second_sha = (hashlib.sha256(a.content).hexdigest() for a in (first, second))
    assert first_sha[:2] != second_sha[:2]  # only the second one's directory is blocked
    files.root.mkdir(parents=True)
    blocker = files.root / second_sha[:2]
    blocker.write_bytes(b"not a directory")

    def stored() -> list[int]:
        with uow_factory() as uow:
            return [uow.session.scalar(select(func.count()).select_from(row))
                    for row in (AttachmentRow, EntryRow, MailMessageRow)]

    with pytest.raises(TemporaryFailure):
        intake.take(raw)
    assert files.path(first_sha).exists()  # the first file was written: the failure came after it
    assert count_calls(uow_factory) == 0
    assert stored() == [0, 0, 0]
    with uow_factory() as uow:
        assert not uow.mail.known(mail.message_id)
    assert not (intake.quarantine_dir).exists()

    blocker.unlink()
    result = intake.take(raw)
    assert result.kind == "created"
    assert count_calls(uow_factory) == 1
    with uow_factory() as uow:
        names = sorted(a.file_name for a in uow.attachments.for_call(result.call_id))
        assert uow.mail.known(mail.message_id)
    assert names == ["pbx-log.pdf", "screen.png"]
    assert files.get(second_sha) == second.content
    assert intake.take(raw).kind == "duplicate"


def test_an_attachment_with_a_reply_lands_on_the_call(intake, uow_factory):
    first = intake.take(corpus("plain_utf8.eml"))
    reply = corpus("reply_tag.eml", call_id=str(first.call_id)).replace(
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        b"Jetzt gehen sie wieder, danke!",
        b"Content-Type: multipart/mixed; boundary=\"r\"\r\n\r\n--r\r\nContent-Type: text/plain\r\n\r\n"
        b"Jetzt gehen sie wieder, danke!\r\n--r\r\nContent-Type: text/csv\r\n"
        b"Content-Disposition: attachment; filename=\"../../etc/log.csv\"\r\n\r\na,b\r\n1,2\r\n--r--\r\n")
    assert intake.take(reply).kind == "contact"
    with uow_factory() as uow:
        names = [a.file_name for a in uow.attachments.for_call(first.call_id)]
        from helpdesk_soap.store.models import CallRow
        unread = uow.session.get(CallRow, first.call_id).staff_unread
    assert len(names) == 1 and "/" not in names[0] and names[0].endswith("log.csv")
    assert unread


def test_reply_with_the_call_tag_becomes_a_trimmed_contact_entry(intake, uow_factory, seeded):
    first = intake.take(corpus("plain_utf8.eml"))
    reply = intake.take(corpus("reply_tag.eml", call_id=str(first.call_id)))
    assert (reply.kind, reply.call_id) == ("contact", first.call_id)
    _, _, entries = call_of(uow_factory, first.call_id)
    contact = [e for e in entries if e.kind is EntryKind.CONTACT]
    assert len(contact) == 1
    assert contact[0].text == "Jetzt gehen sie wieder, danke!"
    assert (contact[0].contact_type, contact[0].visibility, contact[0].author) == (
        ContactType.EMAIL, Visibility.PUBLIC, "bob@acme.example")
    with uow_factory() as uow:
        data = calls.get_call_data(uow, seeded["acme-tts"], first.call_id)
    assert [c.entry.text for c in data.contacts] == ["Jetzt gehen sie wieder, danke!"]
    assert count_calls(uow_factory) == 1


def test_reply_matched_by_in_reply_to_a_notification_we_sent(intake, uow_factory):
    first = intake.take(corpus("plain_utf8.eml"))
    with uow_factory() as uow:
        staff.propose_solution(uow, first.call_id, "Module replaced.", author="tech")
        sent = uow.mail.pending(10)
    assert len(sent) == 1 and sent[0].recipient == "bob@acme.example"
    assert sent[0].subject.startswith(f"[Call #{first.call_id}] ")
    assert sent[0].in_reply_to == "<3f1c2a9e-1d2b-4c5e-9f00-000000000001@acme.example>"
    reply = intake.take(corpus("reply_in_reply_to.eml", in_reply_to=sent[0].message_id))
    assert (reply.kind, reply.call_id) == ("contact", first.call_id)
    _, _, entries = call_of(uow_factory, first.call_id)
    assert [e.text for e in entries if e.kind is EntryKind.CONTACT] == ["The solution works for us."]


def test_a_call_tag_from_a_stranger_opens_a_new_call_instead(intake, uow_factory):
    first = intake.take(corpus("plain_utf8.eml"))
    raw = corpus("reply_tag.eml", call_id=str(first.call_id)).replace(
        b"bob@acme.example", b"mallory@evil.example")
    result = intake.take(raw)
    assert result.kind == "created" and result.call_id != first.call_id
    _, customer, _ = call_of(uow_factory, result.call_id)
    assert customer == "UNKNOWN"


@pytest.mark.parametrize("name, reason", [
    ("auto_reply.eml", "Auto-Submitted: auto-replied"),
    ("bounce.eml", "null sender (bounce)"),
    ("mailing_list.eml", "Precedence: bulk"),
])
def test_auto_replies_bounces_and_lists_create_nothing_and_send_nothing(intake, uow_factory, name, reason):
    first = intake.take(corpus("plain_utf8.eml"))
    result = intake.take(corpus(name))
    assert (result.kind, result.reason, result.call_id) == ("ignored", reason, None)
    assert count_calls(uow_factory) == 1
    _, _, entries = call_of(uow_factory, first.call_id)
    assert len(entries) == 1
    with uow_factory() as uow:
        assert uow.mail.pending(10) == []


def test_the_same_message_id_twice_creates_nothing_the_second_time(intake, uow_factory):
    first = intake.take(corpus("plain_utf8.eml"))
    again = intake.take(corpus("plain_utf8.eml"))
    assert first.kind == "created" and again.kind == "duplicate"
    assert count_calls(uow_factory) == 1


def test_concurrent_duplicate_deliveries_store_one_call(intake, uow_factory):
    raw = corpus("unknown_sender.eml")
    results, barrier = [], threading.Barrier(4)

    def deliver():
        barrier.wait()
        results.append(intake.take(raw).kind)

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["created", "duplicate", "duplicate", "duplicate"]
    assert count_calls(uow_factory) == 1


def test_unknown_sender_goes_to_the_fallback_customer_in_the_unknown_status(intake, uow_factory):
    result = intake.take(corpus("unknown_sender.eml"))
    call, customer, entries = call_of(uow_factory, result.call_id)
    assert (customer, call.status_code) == ("UNKNOWN", "CUSTOMER_UNKNOWN")
    assert call.reported_customer_number == "someone@unknown.example"
    assert any("someone@unknown.example" in e.text and e.visibility is Visibility.INTERNAL
               for e in entries)


def test_a_30_mb_message_is_quarantined_with_its_reason_and_nothing_is_stored(intake, uow_factory):
    raw = oversized()
    assert len(raw) >= 30 * 1024 * 1024
    result = intake.take(raw)
    assert result.kind == "quarantined" and result.reason.startswith("oversized: ")
    assert result.quarantined.read_bytes() == raw
    assert "oversized" in result.quarantined.with_suffix(".reason").read_text()
    assert count_calls(uow_factory) == 0


def test_mail_without_a_sender_is_quarantined(intake, uow_factory):
    result = intake.take(corpus("malformed_no_from.eml"))
    assert result.kind == "quarantined" and "no sender address" in result.reason
    assert result.quarantined.read_bytes() == corpus("malformed_no_from.eml")
    assert count_calls(uow_factory) == 0


def test_a_rule_failure_quarantines_and_imports_nothing(intake, uow_factory):
    """An unknown sender while the fallback account is misconfigured: refused whole, kept."""
    from sqlalchemy import update

    from helpdesk_soap.store.models import SettingRow
    with uow_factory() as uow:
        uow.session.execute(update(SettingRow).where(SettingRow.key == "unknown_customer_status")
                            .values(value="NO-SUCH-STATUS"))
        uow.session.commit()
    result = intake.take(corpus("unknown_sender.eml"))
    assert result.kind == "quarantined" and "Server.ConfigurationError" in result.reason
    assert count_calls(uow_factory) == 0
    with uow_factory() as uow:
        assert not uow.mail.known("<0012.stranger@unknown.example>")  # a retry may take it in later


def test_notifications_go_to_the_contact_with_tag_and_thread_headers(intake, uow_factory):
    first = intake.take(corpus("plain_utf8.eml"))
    with uow_factory() as uow:
        staff.add_entry(uow, first.call_id, EntryKind.HISTORY, "internal note", author="tech",
                        visibility=Visibility.INTERNAL)
        staff.add_entry(uow, first.call_id, EntryKind.CONTACT, "We called you.", author="tech")
        staff.set_status(uow, first.call_id, "NEW", author="tech")  # unchanged: no mail
        queued = uow.mail.pending(10)
    assert len(queued) == 1  # only the public entry; internal ones never leave
    assert "We called you." in queued[0].body
    assert queued[0].message_id.endswith(f"@{notify.MESSAGE_ID_DOMAIN}>")


def test_mail_from_a_customer_whose_portal_is_off_is_quarantined_not_filed(intake, uow_factory):
    with uow_factory() as uow:
        admin.set_portal_active(uow, False, customer_number="ACME")
    result = intake.take(corpus("plain_utf8.eml"))
    assert result.kind == "quarantined" and "Client.ServiceUnavailable" in result.reason
    assert count_calls(uow_factory) == 0


def test_a_mail_reply_marks_the_call_for_its_technicians(intake, uow_factory):
    from helpdesk_soap.domain.model import AssignmentState
    first = intake.take(corpus("plain_utf8.eml"))
    with uow_factory() as uow:
        admin.add_login(uow, "tech", None, "tech-password", role=Role.STAFF)
        staff.assign(uow, first.call_id, "tech", AssignmentState.ASSIGNED, author="boss")
        uow.assignments.mark_seen(first.call_id, uow.logins.by_name("tech").principal.login_id)
        uow.commit()
    intake.take(corpus("reply_tag.eml", call_id=str(first.call_id)))
    with uow_factory() as uow:
        assert [a.seen for a in uow.assignments.for_call(first.call_id)] == [False]
