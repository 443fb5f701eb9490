"""RFC 822 bytes in, an ``InboundMail`` out: the standard library's ``email``, modern policy.

Text parts are decoded with their declared charset when it works and makes
sense, else as UTF-8, else as Windows-1252 (which also reads ISO-8859-1), so
a wrong or unknown declared charset costs at worst a few odd characters,
never the message. HTML-only mail becomes readable text.
"""

from __future__ import annotations

import hashlib
import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr

from ..domain.mail import Attachment, InboundMail, automated_reason
from ..domain.text import xml_safe
from .html_text import html_to_text


class UnparseableMail(ValueError):
    """The bytes are not a message we can take in (the reason says why)."""


_MSGID = re.compile(r"<([^<>\s]{1,490})>")
_SINGLE_BYTE = {"us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "iso-8859-15", "windows-1252",
                "cp1252"}


def decode_text(payload: bytes, declared: str | None) -> str:
    declared = (declared or "").strip().lower()
    non_ascii = any(b > 127 for b in payload)
    candidates = []
    if declared in _SINGLE_BYTE and non_ascii:
        # Valid UTF-8 with non-ASCII bytes is almost never Latin-1 by accident.
        candidates.append("utf-8")
    if declared:
        candidates.append("cp1252" if declared in ("iso-8859-1", "latin-1", "latin1", "us-ascii",
                                                   "ascii") else declared)
    candidates += ["utf-8", "cp1252"]
    for charset in candidates:
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("latin-1")  # every byte is a character: never fails


def _header(msg: EmailMessage, name: str) -> str:
    try:
        value = msg.get(name)
        return "" if value is None else str(value)
    except Exception:  # a header the policy cannot decode: keep its raw form
        raw = [v for k, v in msg.raw_items() if k.lower() == name.lower()]
        return str(raw[0]) if raw else ""


def _text_of(part: EmailMessage) -> str:
    payload = part.get_payload(decode=True) or b""
    return decode_text(payload, part.get_param("charset"))


def _is_attachment(part: EmailMessage) -> bool:
    if part.is_multipart():
        return False
    disposition = (part.get_content_disposition() or "").lower()
    if disposition == "attachment" or part.get_filename():
        return True
    return part.get_content_maintype() != "text"


def parse_message(raw: bytes, envelope_sender: str | None = None) -> InboundMail:
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # the parser is lenient; this is truly broken input
        raise UnparseableMail(f"MIME parser failed: {type(exc).__name__}") from exc
    if not msg.keys():
        raise UnparseableMail("no headers")
    from_header = _header(msg, "From")
    name, address = parseaddr(from_header)
    address = address.strip().lower()
    if "@" not in address:
        raise UnparseableMail(f"no sender address in From: {from_header[:100]!r}")
    headers = {k.lower(): _header(msg, k) for k in set(msg.keys())}
    automated = automated_reason(headers, envelope_sender, msg.get_content_type())
    message_id = _first_id(headers.get("message-id", ""))
    if message_id is None:
        # No Message-ID: the same bytes delivered twice still count as one message.
        message_id = f"<{hashlib.sha256(raw).hexdigest()}@no-message-id.invalid>"
    references = _ids(headers.get("in-reply-to", "")) + tuple(reversed(_ids(headers.get("references", ""))))
    plain, html, attachments = [], [], []
    for part in msg.walk():
        if part.is_multipart():
            continue
        if _is_attachment(part):
            payload = part.get_payload(decode=True) or b""
            attachments.append(Attachment(_file_name(part, len(attachments)), part.get_content_type(),
                                          payload))
        elif part.get_content_type() == "text/html":
            html.append(_text_of(part))
        else:
            plain.append(_text_of(part))
    text = "\n\n".join(t.strip() for t in plain if t.strip())
    if not text and html:
        text = "\n\n".join(html_to_text(h) for h in html)
    subject = " ".join(_header(msg, "Subject").split())
    return InboundMail(message_id=message_id, sender=address,
                       sender_name=xml_safe(name.strip()) or None, subject=xml_safe(subject),
                       text=xml_safe(text.replace("\r\n", "\n")), references=_dedupe(references),
                       attachments=tuple(attachments), automated=automated)


def _file_name(part: EmailMessage, index: int) -> str:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    name = xml_safe((name or "").replace("/", "_").replace("\\", "_").strip())
    return name or f"attachment-{index + 1}"


def _first_id(value: str) -> str | None:
    ids = _ids(value)
    return ids[0] if ids else None


def _ids(value: str) -> tuple[str, ...]:
    return tuple(f"<{m}>" for m in _MSGID.findall(value or ""))


def _dedupe(ids: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))
