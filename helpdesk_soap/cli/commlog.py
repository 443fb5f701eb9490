"""``helpdesk-soap commlog enable|disable|list|show|purge``: the communication log.

The CLI acts as an administrator of this machine (services/commlog.py)."""

from __future__ import annotations

import click

from ..config import Config
from ..services import commlog as service
from .base import pass_config, unit_of_work


@click.group("commlog")
def commlog() -> None:
    """The communication log: record a login's requests and answers, masked, for a while."""


@commlog.command("enable")
@click.argument("login", required=False)
@click.option("--all", "everyone", is_flag=True, help="Record every login.")
@click.option("--minutes", type=int, default=60, show_default=True,
              help="How long to record (at most 7 days).")
@pass_config
def enable(config: Config, login: str | None, everyone: bool, minutes: int) -> None:
    """Record LOGIN's requests and answers (or --all) for a while."""
    target = _target(login, everyone)
    with unit_of_work(config) as uow:
        until = service.enable(uow, None, target, minutes)
    click.echo(f"recording {target or 'every login'} until {until.isoformat(timespec='seconds')}")


@commlog.command("disable")
@click.argument("login", required=False)
@click.option("--all", "everyone", is_flag=True, help="The switch for every login.")
@pass_config
def disable(config: Config, login: str | None, everyone: bool) -> None:
    """Stop recording LOGIN (or the --all switch)."""
    target = _target(login, everyone)
    with unit_of_work(config) as uow:
        was_on = service.disable(uow, None, target)
    click.echo(f"stopped recording {target or 'every login'}" if was_on
               else f"{target or 'every login'} was not being recorded")


@commlog.command("list")
@click.option("--login", "login", help="Only this login's entries.")
@click.option("--before", "before_id", type=int, help="Entries before this id (paging).")
@click.option("--limit", type=int, default=50, show_default=True)
@pass_config
def list_entries(config: Config, login: str | None, before_id: int | None, limit: int) -> None:
    """The switches that are on, then the newest entries (id, time, request id, login,
    service, operation, result, HTTP status)."""
    with unit_of_work(config) as uow:
        switches = service.switches(uow, None)
        entries = service.entries(uow, None, login, before_id, limit)
    for s in switches:
        click.echo(f"on\t{s.login_name or '(every login)'}\tuntil {s.expires_at.isoformat(timespec='seconds')}"
                   f"\tby {s.enabled_by}")
    for e in entries:
        click.echo(f"{e.id}\t{e.at.isoformat(timespec='seconds')}\t{e.request_id}\t{e.login_name}\t"
                   f"{e.service}\t{e.operation or '-'}\t{e.result}\t{e.http_status}")


@commlog.command("show")
@click.argument("entry_id", type=int)
@pass_config
def show(config: Config, entry_id: int) -> None:
    """One entry: its facts, the request and the answer (masked when recorded)."""
    with unit_of_work(config) as uow:
        e = service.entry(uow, None, entry_id)
    click.echo(f"entry {e.id} at {e.at.isoformat(timespec='seconds')} request {e.request_id}\n"
               f"login {e.login_name} service {e.service} operation {e.operation or '-'} "
               f"result {e.result} status {e.http_status}\n\n--- request\n{e.request}\n\n"
               f"--- response\n{e.response}")


@commlog.command("purge")
@click.option("--days", type=int, help="Keep this many days [env HELPDESK_COMMLOG_RETENTION_DAYS; 14].")
@pass_config
def purge(config: Config, days: int | None) -> None:
    """Delete entries older than the retention period (the server also does it, hourly)."""
    with unit_of_work(config) as uow:
        count = service.purge(uow, None, config.commlog_retention_days if days is None else days)
    click.echo(f"purged {count} entries")


def _target(login: str | None, everyone: bool) -> str | None:
    if bool(login) == everyone:
        raise click.UsageError("name a LOGIN or give --all (not both)")
    return login
