"""Where incoming mail comes from: a Maildir, an IMAP mailbox, an SMTP listener."""

from __future__ import annotations

import asyncio
import imaplib
import logging
import mailbox
import ssl
from pathlib import Path

from ..config import Config
from .intake import MailIntake, TemporaryFailure

log = logging.getLogger(__name__)


def poll_maildir(intake: MailIntake, directory: Path) -> dict[str, int]:
    """Take in every message in the Maildir's new/ and cur/; each is removed once stored or quarantined."""
    box = mailbox.Maildir(directory, factory=None, create=False)
    counts: dict[str, int] = {}
    for key in list(box.keys()):
        try:
            raw = box.get_bytes(key)
        except KeyError:
            continue  # another poller took it
        try:
            result = intake.take(raw)
        except TemporaryFailure as exc:
            log.warning("maildir %s: kept for later: %s", key, exc)
            counts["kept"] = counts.get("kept", 0) + 1
            continue
        box.discard(key)
        counts[result.kind] = counts.get(result.kind, 0) + 1
    return counts


def poll_imap(intake: MailIntake, config: Config, delete: bool = False) -> dict[str, int]:
    """Take in the folder's unseen messages over TLS; each is flagged \\Seen (or deleted) once taken."""
    if not config.imap_host:
        raise ValueError("IMAP is not configured (HELPDESK_IMAP_HOST)")
    context = ssl.create_default_context()
    if config.imap_security == "ssl":
        imap = imaplib.IMAP4_SSL(config.imap_host, config.imap_port, ssl_context=context, timeout=60)
    else:
        imap = imaplib.IMAP4(config.imap_host, config.imap_port, timeout=60)
        imap.starttls(ssl_context=context)
    counts: dict[str, int] = {}
    try:
        imap.login(config.imap_user or "", config.imap_password or "")
        imap.select(config.imap_folder)
        _, data = imap.uid("SEARCH", None, "UNSEEN")
        for uid in (data[0] or b"").split():
            _, parts = imap.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((p[1] for p in parts if isinstance(p, tuple)), None)
            if raw is None:
                continue
            try:
                result = intake.take(raw)
            except TemporaryFailure as exc:
                log.warning("imap uid %s: kept for later: %s", uid.decode(), exc)
                counts["kept"] = counts.get("kept", 0) + 1
                continue
            imap.uid("STORE", uid, "+FLAGS", "(\\Seen \\Deleted)" if delete else "(\\Seen)")
            counts[result.kind] = counts.get(result.kind, 0) + 1
        if delete:
            imap.expunge()
    finally:
        try:
            imap.logout()
        except (imaplib.IMAP4.error, OSError):
            pass
    return counts


class IntakeHandler:
    """aiosmtpd handler: each message is taken in before the listener answers 250."""

    def __init__(self, intake: MailIntake):
        self.intake = intake

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(None, self.intake.take, raw, envelope.mail_from)
        except TemporaryFailure:
            return "451 4.3.0 Temporary failure, try again later"
        except Exception:
            log.exception("smtp listener: message not taken in")
            return "451 4.3.0 Temporary failure, try again later"
        return f"250 2.0.0 OK {result.kind}"


def smtp_listener(intake: MailIntake, host: str, port: int):
    """An aiosmtpd Controller (not started). Messages up to twice the limit are read and
    quarantined when over it; larger ones are refused by SMTP (the sender gets them back)."""
    from aiosmtpd.controller import Controller

    return Controller(IntakeHandler(intake), hostname=host, port=port,
                      data_size_limit=intake.max_bytes * 2, decode_data=False)
