"""``helpdesk-soap mail ...``: take in mail (pipe, Maildir, IMAP, SMTP listener), send the outbox."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import click

from ..config import Config, default_quarantine_dir
from .base import EX_TEMPFAIL, current_engine, pass_config, unit_of_work



@contextmanager
def _intake(config: Config):
    from ..mail.intake import MailIntake
    from ..store.engine import make_session_factory
    from ..store.files import FileStore
    from ..store.unit_of_work import SqlUnitOfWork

    logging.basicConfig(level=config.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    engine = current_engine(config, "mail not taken in")
    factory = make_session_factory(engine)
    try:
        files = FileStore(config.attachment_root)
        yield MailIntake(lambda: SqlUnitOfWork(factory, files),
                         Path(config.mail_quarantine_dir or default_quarantine_dir()),
                         config.mail_max_bytes)
    finally:
        engine.dispose()


def _every(interval: float, loop: bool, body) -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    while True:
        body()
        if not loop or stop.wait(interval):
            return


@click.group("mail")
def mail() -> None:
    """E-mail: take in mail (pipe, Maildir, IMAP, SMTP listener), send notifications."""


@mail.command("ingest")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sender", help="The envelope sender (an MTA pipe passes it, e.g. Postfix ${sender}).")
@pass_config
def mail_ingest(config: Config, files: tuple[Path, ...], sender: str | None) -> None:
    """Take in RFC 822 messages from FILES, or one from standard input.

    Exits 0 when every message was stored, quarantined or deliberately ignored,
    and 75 (try again later) when the store is unavailable.
    """
    from ..mail.intake import TemporaryFailure

    sources = [(str(f), f.read_bytes) for f in files] or [("stdin", sys.stdin.buffer.read)]
    with _intake(config) as intake:
        for name, read in sources:
            try:
                result = intake.take(read(), sender)
            except TemporaryFailure as exc:
                click.echo(f"{name}: temporary failure: {exc}", err=True)
                sys.exit(EX_TEMPFAIL)
            detail = f" call {result.call_id}" if result.call_id else ""
            detail += f" ({result.reason})" if result.reason else ""
            click.echo(f"{name}: {result.kind}{detail}")


@mail.command("poll-maildir")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--loop", is_flag=True, help="Keep polling until stopped.")
@click.option("--interval", type=float, default=30, show_default=True, help="Seconds between polls.")
@pass_config
def mail_poll_maildir(config: Config, directory: Path, loop: bool, interval: float) -> None:
    """Take in every message of a Maildir; each is removed once stored or quarantined."""
    from ..mail.sources import poll_maildir

    with _intake(config) as intake:
        _every(interval, loop, lambda: click.echo(_counts(poll_maildir(intake, directory))))


@mail.command("poll-imap")
@click.option("--loop", is_flag=True, help="Keep polling until stopped.")
@click.option("--interval", type=float, default=60, show_default=True, help="Seconds between polls.")
@click.option("--delete", is_flag=True, help="Delete messages once taken in (default: mark them seen).")
@pass_config
def mail_poll_imap(config: Config, loop: bool, interval: float, delete: bool) -> None:
    """Take in the unseen messages of an IMAP folder (HELPDESK_IMAP_*), over TLS."""
    from ..mail.sources import poll_imap

    with _intake(config) as intake:
        _every(interval, loop, lambda: click.echo(_counts(poll_imap(intake, config, delete))))


@mail.command("listen")
@click.option("--bind", default="127.0.0.1:2525", show_default=True, metavar="HOST:PORT")
@pass_config
def mail_listen(config: Config, bind: str) -> None:
    """An SMTP listener for tests and small sites: every message it accepts is taken in."""
    from ..mail.sources import smtp_listener

    host, _, port = bind.rpartition(":")
    with _intake(config) as intake:
        controller = smtp_listener(intake, host or "127.0.0.1", int(port))
        controller.start()
        click.echo(f"helpdesk-soap: taking mail on smtp://{host}:{port}", err=True)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        try:
            stop.wait()
        finally:
            controller.stop()


@mail.command("send-outbox")
@click.option("--loop", is_flag=True, help="Keep sending until stopped.")
@click.option("--interval", type=float, default=15, show_default=True, help="Seconds between rounds.")
@click.option("--max-age-hours", type=float, default=72, show_default=True,
              help="Pending mail older than this expires instead of being sent.")
@pass_config
def mail_send_outbox(config: Config, loop: bool, interval: float, max_age_hours: float) -> None:
    """Deliver pending notifications, invitations and resets over SMTP (HELPDESK_SMTP_*)."""
    from ..mail.smtp import SmtpSender
    from ..services.outbox import deliver

    if not config.smtp_host:
        click.echo("SMTP is not configured (HELPDESK_SMTP_HOST): nothing sent", err=True)
        return

    def round_() -> None:
        sender = SmtpSender(config)
        try:
            with unit_of_work(config) as uow:
                report = deliver(uow, sender.send, max_age=timedelta(hours=max_age_hours))
        finally:
            sender.close()
        click.echo(f"sent {report.sent}, failed {report.failed}, expired {report.expired}")

    _every(interval, loop, round_)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "no mail"
