"""Mail parsing and the mail rules, without a database."""

from __future__ import annotations

import pytest

from helpdesk_soap.domain.mail import automated_reason, call_tag, find_call_tag, trim_quoted
from helpdesk_soap.mail.html_text import html_to_text
from helpdesk_soap.mail.parse import UnparseableMail, decode_text, parse_message


def test_call_tag_round_trips_and_is_found_anywhere_in_a_subject():
    assert call_tag(123) == "[Call #123]"
    assert find_call_tag("AW: Re: [call #123] Phones") == 123
    assert find_call_tag("Call 123") is None and find_call_tag("") is None


@pytest.mark.parametrize("payload, declared, text", [
    ("Grüße".encode(), "utf-8", "Grüße"),
    ("Grüße".encode("latin-1"), "iso-8859-1", "Grüße"),
    ("€ „x“".encode("cp1252"), "windows-1252", "€ „x“"),
    ("€ „x“".encode("cp1252"), "iso-8859-1", "€ „x“"),      # Latin-1 read as its superset
    ("Grüße".encode("cp1252"), "utf-8", "Grüße"),           # wrong declared charset
    ("Grüße".encode(), "iso-8859-1", "Grüße"),              # UTF-8 declared as Latin-1
    ("Grüße".encode(), "x-bogus", "Grüße"),                 # unknown charset
    ("Grüße".encode("cp1252"), None, "Grüße"),              # none declared
    (b"\x81\x8d\x8f", "utf-8", "\x81\x8d\x8f"),              # undecodable anywhere: never fails
])
def test_decode_text_survives_wrong_and_unknown_charsets(payload, declared, text):
    assert decode_text(payload, declared) == text


def test_html_to_text_keeps_structure_and_drops_code():
    html = ("<html><head><title>t</title><style>p{}</style></head><body><h1>Fault</h1>"
            "<p>Line&nbsp;one<br>line two</p><ol><li>a</li><li>b</li></ol>"
            "<table><tr><td>x</td><td>y</td></tr></table><script>evil()</script>"
            "<a href='https://x.example/a'>link</a><pre>  keep   spaces</pre></body></html>")
    assert html_to_text(html) == ("Fault\n\nLine one\nline two\n\n- a\n- b\n\nx y\n\n"
                                  "link (https://x.example/a)\nkeep   spaces")  # inner spaces of <pre> kept


@pytest.mark.parametrize("text, kept", [
    ("Thanks!\n\nOn Mon, 23 Nov 2026 at 10:00, Helpdesk <h@x> wrote:\n> old\n> older", "Thanks!"),
    ("Danke\n\nAm 23.11.2026 um 12:40 schrieb Helpdesk:\n\n> alt", "Danke"),
    ("Works.\n\n-----Original Message-----\nFrom: x\nold text", "Works."),
    ("Works.\n\n-----Ursprüngliche Nachricht-----\nVon: x", "Works."),
    ("New text\n> quoted tail\n>\n", "New text"),
    # An attribution-like line followed by no quote is the writer's own text: kept.
    ("On Monday the engineer wrote:\nthe PBX needs a reboot", "On Monday the engineer wrote:\nthe PBX needs a reboot"),
    # Inline answers between quotes are not cut above the last quote block.
    ("> question 1\nanswer 1\n> question 2\nanswer 2", "> question 1\nanswer 1\n> question 2\nanswer 2"),
    # Nothing new at all: keep everything rather than store an empty entry.
    ("> only a quote", "> only a quote"),
])
def test_trim_quoted_cuts_history_only_where_it_is_safe(text, kept):
    assert trim_quoted(text) == kept


@pytest.mark.parametrize("headers, envelope, ctype, reason", [
    ({"auto-submitted": "auto-replied"}, None, "text/plain", "Auto-Submitted: auto-replied"),
    ({"auto-submitted": "no"}, None, "text/plain", None),
    ({"precedence": "Bulk"}, None, "text/plain", "Precedence: bulk"),
    ({"precedence": "junk"}, None, "text/plain", "Precedence: junk"),
    ({"x-auto-response-suppress": "OOF, AutoReply"}, None, "text/plain", "X-Auto-Response-Suppress"),
    ({"list-id": "<l.example>"}, None, "text/plain", "mailing list"),
    ({}, "<>", "text/plain", "null sender (bounce)"),
    ({}, "", "text/plain", "null sender (bounce)"),
    ({"return-path": "<>"}, None, "text/plain", "null sender (bounce)"),
    ({}, None, "multipart/report", "delivery report (bounce)"),
    ({"from": "MAILER-DAEMON@mx.example"}, None, "text/plain", "mailer daemon (bounce)"),
    ({"from": "bob@acme.example"}, "bob@acme.example", "text/plain", None),
])
def test_automated_mail_is_recognised(headers, envelope, ctype, reason):
    assert automated_reason(headers, envelope, ctype) == reason


def test_envelope_null_sender_marks_a_parsed_message_automated():
    raw = b"From: a@b.example\r\nSubject: x\r\n\r\nbody\r\n"
    assert parse_message(raw).automated is None
    assert parse_message(raw, envelope_sender="").automated == "null sender (bounce)"


def test_a_message_without_message_id_gets_a_stable_one_from_its_bytes():
    raw = b"From: a@b.example\r\nSubject: x\r\n\r\nbody\r\n"
    first, second = parse_message(raw), parse_message(raw)
    assert first.message_id == second.message_id and first.message_id.endswith("@no-message-id.invalid>")
    assert parse_message(raw + b"more").message_id != first.message_id


def test_references_are_in_reply_to_first_then_newest_reference_first():
    raw = (b"From: a@b.example\r\nIn-Reply-To: <c@x>\r\nReferences: <a@x> <b@x>\r\n <c@x>\r\n"
           b"Subject: x\r\n\r\nbody\r\n")
    assert parse_message(raw).references == ("<c@x>", "<b@x>", "<a@x>")


def test_control_characters_are_cleaned_and_headers_unfolded():
    raw = b"From: a@b.example\r\nSubject: two\r\n  lines\x07\r\n\r\nbell\x07 and nul\x00\r\n"
    mail = parse_message(raw)
    assert mail.subject == "two lines" and mail.text == "bell and nul"


@pytest.mark.parametrize("raw", [b"", b"\r\n\r\njust a body", b"Subject: no from\r\n\r\nx"])
def test_messages_without_headers_or_sender_are_unparseable(raw):
    with pytest.raises(UnparseableMail):
        parse_message(raw)
