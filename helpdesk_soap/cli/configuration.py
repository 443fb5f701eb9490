"""``helpdesk-soap status|settings``: the helpdesk's call statuses and settings."""

from __future__ import annotations

import click

from ..config import Config
from ..domain.model import Status
from .base import pass_config, unit_of_work


@click.group("status")
def status() -> None:
    """Call statuses."""


@status.command("add")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--stage", required=True, help="Draft, Open, Assigned, InProgress, Done, Closed or Cancelled.")
@click.option("--result-visible", is_flag=True, help="The call's Result is shown to the customer.")
@click.option("--final", is_flag=True, help="The call is finished in this status.")
@pass_config
def status_add(config: Config, code: str, name: str, stage: str, result_visible: bool, final: bool) -> None:
    from ..services import admin

    with unit_of_work(config) as uow:
        s = admin.add_status(uow, Status(code.strip(), name, admin.parse_stage(stage), result_visible, final))
    click.echo(f"status {s.code} added")


@status.command("list")
@pass_config
def status_list(config: Config) -> None:
    from ..services import admin

    with unit_of_work(config) as uow:
        for s in admin.list_statuses(uow):
            flags = ",".join(f for f, on in (("result-visible", s.result_visible), ("final", s.is_final)) if on)
            click.echo(f"{s.code}\t{s.name}\t{s.stage.value}\t{flags or '-'}")


@click.group("settings")
def settings() -> None:
    """The helpdesk's settings."""


@settings.command("show")
@pass_config
def settings_show(config: Config) -> None:
    from ..services import admin

    with unit_of_work(config) as uow:
        for key, value in admin.show_settings(uow).as_mapping().items():
            click.echo(f"{key}\t{value}")


@settings.command("set")
@click.argument("key")
@click.argument("value")
@pass_config
def settings_set(config: Config, key: str, value: str) -> None:
    from ..services import admin

    with unit_of_work(config) as uow:
        admin.set_setting(uow, key, value)
    click.echo(f"{key} set")
