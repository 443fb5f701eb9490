"""E-mail as the domain sees it: an incoming message as plain values, and the rules
that decide what it is (a new call, a reply to one, or mail to leave alone).

Nothing here parses MIME; ``helpdesk_soap.mail`` does that and hands over an
``InboundMail``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TAG = re.compile(r"\[Call #(\d{1,18})\]", re.IGNORECASE)


def call_tag(call_id: int) -> str:
    """The tag put into the subject of every mail the helpdesk sends about a call."""
    return f"[Call #{call_id}]"


def find_call_tag(subject: str) -> int | None:
    match = _TAG.search(subject or "")
    return int(match.group(1)) if match else None


@dataclass(frozen=True, slots=True)
class Attachment:
    file_name: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class InboundMail:
    message_id: str
    #: The From address, lower-cased (the envelope sender is only used for loop checks).
    sender: str
    sender_name: str | None
    subject: str
    text: str
    #: In-Reply-To first, then References, newest first: Message-IDs this one answers.
    references: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    #: Why this is automatic mail (auto-reply, bounce, list), or None for a person's mail.
    automated: str | None = None


_AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply", "auto-reply"}
_DAEMONS = ("mailer-daemon@", "postmaster@")


def automated_reason(headers: dict[str, str], envelope_sender: str | None,
                     content_type: str) -> str | None:
    """Why a message must never open a call or be answered, or None.

    ``headers`` maps lower-cased header names to values. Auto-replies
    (RFC 3834 ``Auto-Submitted``, Exchange's ``X-Auto-Response-Suppress``),
    bulk and list mail (``Precedence``, ``List-Id``), bounces (the null
    sender, delivery reports, the mailer daemon) all count.
    """
    auto = headers.get("auto-submitted", "").strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = headers.get("precedence", "").strip().lower()
    if precedence in _AUTO_PRECEDENCE:
        return f"Precedence: {precedence}"
    if headers.get("x-auto-response-suppress", "").strip():
        return "X-Auto-Response-Suppress"
    if headers.get("list-id", "").strip() or headers.get("list-unsubscribe", "").strip():
        return "mailing list"
    if envelope_sender is not None and envelope_sender.strip() in ("", "<>"):
        return "null sender (bounce)"
    if headers.get("return-path", "").strip() == "<>":
        return "null sender (bounce)"
    if content_type.lower() == "multipart/report":
        return "delivery report (bounce)"
    sender = headers.get("from", "").lower()
    if any(d in sender for d in _DAEMONS):
        return "mailer daemon (bounce)"
    return None


_ATTRIBUTION = re.compile(
    r"^\s*(On\s.{4,200}\swrote:|Am\s.{4,200}\sschrieb\s.{1,200}:|Le\s.{4,200}\sa écrit\s?:)\s*$",
    re.IGNORECASE)
_SEPARATOR = re.compile(r"^\s*-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine)"
                        r"\s*-{2,}\s*$", re.IGNORECASE)


def trim_quoted(text: str) -> str:
    """The new part of a reply: the history it quotes is cut where that is safe.

    Cut at an Outlook separator (``-----Original Message-----``), or at an
    attribution line (``On ... wrote:``) that is followed by quoted lines;
    otherwise drop trailing ``>`` lines. Never returns less than nothing new:
    if cutting would leave no text, the whole text is kept.
    """
    lines = text.splitlines()
    cut = None
    for i, line in enumerate(lines):
        if _SEPARATOR.match(line):
            cut = i
            break
        if _ATTRIBUTION.match(line):
            rest = [ln for ln in lines[i + 1:] if ln.strip()]
            if rest and rest[0].lstrip().startswith(">"):
                cut = i
                break
    if cut is None:
        cut = len(lines)
        while cut > 0 and (lines[cut - 1].lstrip().startswith(">") or not lines[cut - 1].strip()):
            cut -= 1
    kept = "\n".join(lines[:cut]).strip()
    return kept or text.strip()
