"""Sending the outbox over SMTP, with TLS and credentials from the Config."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from ..config import Config


def build_message(config: Config, mail) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = config.mail_from
    msg["To"] = mail.recipient
    msg["Subject"] = mail.subject
    msg["Message-ID"] = mail.message_id
    msg["Date"] = formatdate(usegmt=True)
    if mail.in_reply_to:
        msg["In-Reply-To"] = mail.in_reply_to
        msg["References"] = mail.in_reply_to
    # RFC 3834: automatic mail; well-behaved auto-responders do not answer it.
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    msg.set_content(mail.body)
    return msg


class SmtpSender:
    """One connection per batch; ``send`` is what ``services.outbox.deliver`` calls."""

    def __init__(self, config: Config, timeout: float = 30.0):
        if not config.smtp_host:
            raise ValueError("SMTP is not configured (HELPDESK_SMTP_HOST)")
        self.config = config
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        context = ssl.create_default_context()
        if c.smtp_security == "ssl":
            smtp = smtplib.SMTP_SSL(c.smtp_host, c.smtp_port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(c.smtp_host, c.smtp_port, timeout=self.timeout)
            if c.smtp_security == "starttls":
                smtp.starttls(context=context)
        if c.smtp_user:
            smtp.login(c.smtp_user, c.smtp_password or "")
        return smtp

    def send(self, mail) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(build_message(self.config, mail))
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()
            raise

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._smtp = None
